"""Sending what the bot starts itself (notices now; broadcasts will use the same rows).

Each message is a row in the store's outbox: claimed as 'sending' (committed) before the
send and finished (committed) after it, so a crash never loses a queued message and never
sends one twice — a row a crash left in 'sending' becomes 'unknown' at the next start. The
job runs every few seconds in every bot process, each for its own platform's people.

Notices are few and go through the interactive rate limiter; broadcasts (a later issue)
will pace themselves instead, so a long broadcast never delays a reply.
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from bot.context import HamdeliContext
from bot.i18n import translator
from bot.models import OutboxItem, OutboxStatus
from bot.views.notices import render_notice

log = logging.getLogger(__name__)

DELIVERY_SECONDS = 2
BATCH = 50
MAX_ATTEMPTS = 5
BACKOFF_S = (5, 30, 120, 600)


async def deliver_outbox(context: HamdeliContext) -> int:
    """Send every due message of this platform; returns how many were sent."""
    store, platform = context.store, context.services.platform
    sent = 0
    while items := await store.claim_outbox(platform, context.now(), BATCH):
        for item in items:
            status, retry_at = await _send(context, item)
            await store.finish_outbox(item.id, status, context.now(), retry_at)
            if status is OutboxStatus.BLOCKED:
                await store.mark_blocked(item.platform, item.user_id)
            sent += status is OutboxStatus.SENT
    return sent


async def _send(context: HamdeliContext, item: OutboxItem) -> tuple[OutboxStatus, int | None]:
    """One send and what became of it: (status, when to retry or None)."""
    t = translator(item.language)
    text = render_notice(t, item.message_id, item.args, context.now(), context.settings.tz)
    try:
        await context.bot.send_message(item.chat_id, text)
    except Forbidden:
        return OutboxStatus.BLOCKED, None
    except RetryAfter as flood:  # the limiter already waited and retried; try again later
        return OutboxStatus.PENDING, context.now() + int(_seconds(flood.retry_after)) + 1
    except (TimedOut, NetworkError) as error:
        if item.attempts >= MAX_ATTEMPTS or isinstance(error, BadRequest):
            log.warning("outbox message %s failed: %s", item.id, error)
            return OutboxStatus.FAILED, None
        return OutboxStatus.PENDING, context.now() + BACKOFF_S[min(item.attempts, 4) - 1]
    return OutboxStatus.SENT, None


def _seconds(value: int | dt.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


async def recover_outbox(application: Application) -> None:  # type: ignore[type-arg]
    """At start: interrupted sends become 'unknown' (at most once), then deliver every few
    seconds."""
    services = application.services  # type: ignore[attr-defined]
    abandoned = await services.store.abandon_unfinished_sends(services.platform)
    if abandoned:
        log.warning("%d messages were being sent during a crash; not sent again", abandoned)
    application.job_queue.run_repeating(deliver_outbox, interval=DELIVERY_SECONDS, first=0)
