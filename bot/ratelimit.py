"""The one rate limiter for the bot's interactive replies.

PTB's `AIORateLimiter` paces every outgoing call and retries on `RetryAfter`. Bale (and
sometimes Telegram) may answer 429 without `retry_after`; PTB then raises a plain
`NetworkError`. Here that answer becomes a `RetryAfter` with exponential backoff, so the
limiter pauses and retries instead of the handler crashing.

Bulk sends (notifications, broadcasts) do not use this limiter's budget: they go through
the outbox, which paces itself, so a long broadcast never delays a person waiting for an
answer.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import NetworkError, RetryAfter
from telegram.ext import AIORateLimiter

from bot.config import Settings

log = logging.getLogger(__name__)

# `rate_limit_args` of the outbox's calls: they skip this limiter (the outbox paces itself).
OUTBOX_PACED = "outbox"


def is_bare_flood_error(exc: NetworkError) -> bool:
    """A 429 that came without `retry_after`: PTB reports it as a NetworkError."""
    message = str(exc).lower()
    return not isinstance(exc, RetryAfter) and (
        "(429)" in message or "too many requests" in message
    )


class HamdeliRateLimiter(AIORateLimiter):
    """AIORateLimiter with limits from settings and backoff for 429s without `retry_after`."""

    def __init__(
        self,
        *,
        overall_max_rate: float,
        group_max_rate: float,
        max_retries: int,
        backoff_base_s: float = 1.0,
        backoff_max_s: float = 30.0,
    ) -> None:
        super().__init__(
            overall_max_rate=overall_max_rate,
            overall_time_period=1,
            group_max_rate=group_max_rate,
            group_time_period=60,
            max_retries=max_retries,
        )
        self.backoff_base_s = backoff_base_s
        self.backoff_max_s = backoff_max_s

    @classmethod
    def from_settings(cls, settings: Settings) -> HamdeliRateLimiter:
        return cls(
            overall_max_rate=settings.rate_limit_per_second,
            group_max_rate=settings.rate_limit_group_per_minute,
            max_retries=settings.rate_limit_max_retries,
        )

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | str | None,
    ) -> Any:
        if rate_limit_args == OUTBOX_PACED:
            return await callback(*args, **kwargs)
        attempts = 0

        async def call_with_backoff(*a: Any, **kw: Any) -> Any:
            nonlocal attempts
            try:
                return await callback(*a, **kw)
            except NetworkError as exc:
                if not is_bare_flood_error(exc):
                    raise
                delay = min(self.backoff_max_s, self.backoff_base_s * 2**attempts)
                attempts += 1
                log.warning(
                    "%s answered 429 without retry_after; backing off %.1fs", endpoint, delay
                )
                raise RetryAfter(dt.timedelta(seconds=delay)) from exc

        return await super().process_request(
            call_with_backoff,
            args,
            kwargs,
            endpoint,
            data,
            rate_limit_args,  # type: ignore[arg-type]  # a str is OUTBOX_PACED, answered above; PTB types only int
        )
