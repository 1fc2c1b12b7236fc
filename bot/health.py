"""Readiness: may the process supervisor and the proxy count on this bot right now?

Plain async functions returning plain records, so `/readyz` (bot/web.py), the service and
tests ask the same questions without HTTP. Three questions, each answered by name so an
operator reading the JSON sees which one failed:

- the store answers a query, read from the file itself (not the connection kept open);
- each configured bot is running and its last Bot API call succeeded recently;
- the outbox is not stuck: nothing has waited past its due time while nothing was sent.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from telegram.error import TelegramError
from telegram.ext import Application

from bot.platform import PlatformRequest
from bot.storage import DatabaseProblem
from bot.storage.factory import DATABASE_ERRORS
from bot.storage.protocols import Storage

if TYPE_CHECKING:
    from bot.web import BotView, ServiceView

# A probe answers within this or counts as failed: a readiness check that hangs is worse
# than one that says no (the supervisor's own timeout would hide which check hung).
CHECK_TIMEOUT_SECONDS = 2.0
_STORE_ERRORS: tuple[type[BaseException], ...] = (
    *DATABASE_ERRORS,
    DatabaseProblem,
    RuntimeError,
    TimeoutError,
)


@dataclass(frozen=True)
class Check:
    """One readiness question and its answer; `detail` is for operators, never secrets."""

    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Readiness:
    checks: tuple[Check, ...]

    @property
    def ready(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def failed(self) -> list[str]:
        return [check.name for check in self.checks if not check.ok]

    def to_json(self) -> dict[str, Any]:
        """The body of /readyz: the verdict, the names that failed, and every check."""
        return {
            "status": "ready" if self.ready else "unready",
            "failed": self.failed,
            "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in self.checks},
        }


async def store_check(store: Storage) -> Check:
    """The database file can be opened and read now (a file made unreadable fails it)."""
    try:
        await asyncio.wait_for(store.answers_from_disk(), CHECK_TIMEOUT_SECONDS)
    except _STORE_ERRORS as exc:
        return Check("store", False, f"the database did not answer: {_reason(exc)}")
    return Check("store", True, "the database answers")


async def api_check(
    bot: BotView, ready_api_seconds: float, monotonic: Callable[[], float] = time.monotonic
) -> Check:
    """The bot is running and its last Bot API call succeeded recently.

    A webhook bot nobody writes to makes no call for hours, so when the last success is
    older than `ready_api_seconds` the check asks the API itself (getMe, bounded by
    CHECK_TIMEOUT_SECONDS): a quiet night is not a fault, a revoked token or an unreachable
    API is. A call that failed after the last success asks too: a recent success says
    nothing once the API answers 502 to everything (tests/test_service_outage.py), and the
    probe's own success makes a recovered API ready again without waiting for traffic.
    Probes come only when stale or after a failure: a busy, healthy bot is never probed.
    """
    name = f"api.{bot.platform}"
    if not bot.running:
        return Check(name, False, "the bot is not running")
    requests = platform_requests(bot.application)
    last_ok = max((r.last_ok_at for r in requests if r.last_ok_at is not None), default=None)
    failed = [r.last_failure_at for r in requests if r.last_failure_at is not None]
    failing_since_ok = bool(failed) and (last_ok is None or max(failed) > last_ok)
    if not failing_since_ok and last_ok is not None and monotonic() - last_ok <= ready_api_seconds:
        return Check(name, True, f"last Bot API success {monotonic() - last_ok:.0f} s ago")
    try:
        await asyncio.wait_for(
            bot.application.bot.get_me(
                read_timeout=CHECK_TIMEOUT_SECONDS, connect_timeout=CHECK_TIMEOUT_SECONDS
            ),
            CHECK_TIMEOUT_SECONDS * 2,
        )
    except (TelegramError, TimeoutError) as exc:
        since = "never" if last_ok is None else f"{monotonic() - last_ok:.0f} s ago"
        return Check(
            name,
            False,
            f"Bot API failing ({_reason(exc)}); last success {since} (limit {ready_api_seconds} s)",
        )
    return Check(name, True, "the Bot API answered a probe just now")


def platform_requests(application: Application) -> list[PlatformRequest]:
    """The bot's two request objects (its calls, and getUpdates when polling): a polling
    bot that nobody writes to shows the API's state only through the second one. PTB keeps
    that one in `Bot._request` (no public accessor)."""
    found = [application.bot.request, *getattr(application.bot, "_request", ())]
    unique = {id(r): r for r in found if isinstance(r, PlatformRequest)}
    return list(unique.values())


async def outbox_check(store: Storage, platform: str, stuck_seconds: int, now: int) -> Check:
    """Messages of this platform are not overdue by `stuck_seconds` with nothing sent."""
    name = f"outbox.{platform}"
    since = now - stuck_seconds
    try:
        stuck = await asyncio.wait_for(
            store.outbox_stuck(platform, due_before=since, sent_since=since),
            CHECK_TIMEOUT_SECONDS,
        )
    except _STORE_ERRORS as exc:
        return Check(name, False, f"the outbox could not be read: {_reason(exc)}")
    if stuck:
        return Check(name, False, f"messages overdue and nothing sent for {stuck_seconds} s")
    return Check(name, True, "moving")


async def readiness(
    view: ServiceView,
    *,
    now: Callable[[], float] = time.time,
    monotonic: Callable[[], float] = time.monotonic,
) -> Readiness:
    """Every check, in a stable order: the store, then each bot's API and outbox."""
    settings = view.settings
    checks = [await store_check(view.store)]
    bots: Mapping[str, BotView] = view.bots
    for platform in sorted(bots):
        checks.append(await api_check(bots[platform], settings.ready_api_seconds, monotonic))
    for platform in sorted(bots):
        checks.append(
            await outbox_check(view.store, platform, settings.outbox_stuck_seconds, int(now()))
        )
    return Readiness(tuple(checks))


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__
