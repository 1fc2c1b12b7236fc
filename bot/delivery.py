"""The outbox: one engine sends everything the bot starts itself, notices and broadcasts.

Each message is a row in the store: claimed as 'sending' (committed) right before its send
and finished (committed) right after, so a crash never loses a queued message and never
sends one twice: a row a crash left in 'sending' becomes 'unknown' at the next start.

The outbox paces itself (`BROADCAST_RATE` per platform, a token bucket) instead of sharing
the interactive replies' limiter, and reads the platform's answers itself: a 429 pauses the
whole run (the same person is retried), a "blocked" 403 marks the person, a run of 403s
pauses the broadcast and alerts its sender (a revoked token looks like that on Bale), and
network errors back off, a bounded number of times. Notices are claimed before broadcast
rows, so a million-person announcement never holds up "your payment was confirmed".

Everything that matters is in the store (rows, counts, statuses, the pacing bucket); what
lives here is only a 429's pause and the last progress edit, so any process can take over
after a restart. Several workers (`hamdeli run` processes, #12) share one outbox: each claim
records the worker (WORKER_ID), a worker starting again marks only its own interrupted
sends 'unknown' (and those of workers silent for WORKER_SILENT_S), and the send rate is
one bucket in the store for all of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from telegram import Message
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import Application

from bot import metrics
from bot.context import HamdeliContext, job_queue_of
from bot.domain import credits, monthly
from bot.domain.broadcasts import QUEUE_CHUNK_USERS, queue_report
from bot.i18n import Translator, translator
from bot.models import Broadcast, BroadcastStatus, OutboxItem, OutboxStatus
from bot.ratelimit import OUTBOX_PACED, is_bare_flood_error
from bot.storage.protocols import Storage
from bot.storage.records import Notice
from bot.views import credits as credit_views
from bot.views import monthly as monthly_views
from bot.views.broadcasts import announcement, progress_screen
from bot.views.notices import notice_markup, render_notice
from bot.views.screen import Screen

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # network errors per message before it is marked failed
FORBIDDEN_RETRY_S = 300  # a 403 that is not "blocked" (revoked token?): try again later
PROGRESS_EVERY_S = 3.0  # the sender's progress message is edited at most this often
REPORT_EVERY_S = 0.5  # how often a running outbox looks at its broadcasts' counts
IDLE_S = 1.0  # how often an idle outbox looks for new rows (other processes queue too)
MIN_WAIT_S = 0.001  # the shortest wait for tokens (another worker may have just taken them)
# Several workers (#12): each says it is alive this often (its clock job), and the sends of
# a worker silent this long are marked 'unknown' by any other. Far longer than any send
# (HTTP timeouts, STOP_TIMEOUT_SECONDS), so only a worker that is gone is taken for dead;
# a wrong guess costs no duplicate, only an 'unknown' that its own late record overwrites.
WORKER_BEAT_S = 30
WORKER_SILENT_S = 300
# Descriptions of a 403 that mean this one person cannot be reached (Telegram's wording).
UNREACHABLE = ("blocked", "deactivated", "can't initiate", "not a member", "kicked")
# A timeout after the request left may have been delivered: never repeated (at most once).
MAYBE_DELIVERED = (httpx.ReadTimeout, httpx.WriteTimeout, httpx.ReadError,
                   httpx.RemoteProtocolError)  # fmt: skip


class Pacer:
    """A token bucket: at most `rate` sends a second, in bursts of at most 50 ms' worth;
    `pause` stops every sender at once, of this process and (through the store) of every
    other worker (a 429 is about the whole bot, not one person).

    The bucket is a row in the store (`take_send_tokens`), one per platform, shared by every
    worker: two `hamdeli run` processes serving one bot together never send faster than
    BROADCAST_RATE. Each take is one statement, and takes ~10 ms' worth of tokens at a time
    (one round trip per claimed batch, not per message)."""

    def __init__(
        self,
        rate: float,
        store: Storage,
        platform: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate / 20)
        # Hand out tokens ~10 ms' worth at a time: one store round trip claims them all.
        self.least = max(1, min(int(self.capacity), int(rate / 100)))
        self.store, self.platform = store, platform
        self._clock = clock
        self._resume_at = 0.0
        self._interrupted = asyncio.Event()
        self._pausing: set[asyncio.Task[None]] = set()

    async def take(self, most: int) -> int:
        """Wait for a few tokens (`least`); take up to `most` of those available. Returns 0
        at once when interrupted (stopping must not wait out a long 429 pause)."""
        while not self._interrupted.is_set():
            now = self._clock()
            if now < self._resume_at:
                await self._wait(self._resume_at - now)
                continue
            least = min(self.least, most)
            granted, tokens = await self.store.take_send_tokens(
                self.platform, self.rate, self.capacity, least, most
            )
            if granted:
                return granted
            await self._wait(max(MIN_WAIT_S, (least - tokens) / self.rate))
        return 0

    async def _wait(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._interrupted.wait(), seconds)

    def interrupt(self) -> None:
        self._interrupted.set()

    async def give_back(self, tokens: int) -> None:
        if tokens > 0:
            await self.store.give_back_send_tokens(self.platform, self.capacity, tokens)

    def pause(self, seconds: float) -> None:
        """Stop this process's sends at once, and every other worker's through the store
        (written in the background: the caller is recording a send's outcome)."""
        self._resume_at = max(self._resume_at, self._clock() + seconds)
        task = asyncio.create_task(self._pause_everyone(seconds))
        self._pausing.add(task)
        task.add_done_callback(self._pausing.discard)

    async def _pause_everyone(self, seconds: float) -> None:
        try:
            await self.store.pause_sends(self.platform, self.rate, self.capacity, seconds)
        except Exception:  # this worker still pauses; the others may meet a 429 of their own
            log.warning("the pause was not shared with the other workers", exc_info=True)


@dataclass(frozen=True)
class Outcome:
    status: OutboxStatus
    retry_at: int | None = None  # put back as pending, due then


class Outbox:
    """The sender of one bot process (one platform). `run` forever, or `drain` once."""

    def __init__(
        self,
        application: Application,
        *,
        concurrency: int = 32,
        backoff_base_s: float = 0.5,
        backoff_max_s: float = 60.0,
        progress_every_s: float = PROGRESS_EVERY_S,
    ) -> None:
        self.application = application
        services = application.services  # type: ignore[attr-defined]  # PTB types it as its own Application; application_class(HamdeliApplication) built ours
        self.services = services
        self.store: Storage = services.store
        self.platform: str = services.platform
        self.worker: str = services.settings.worker
        self.pacer = Pacer(services.settings.outbox_rate, self.store, self.platform)
        self.max_forbidden = services.settings.broadcast_max_consecutive_forbidden
        self.backoff_base_s, self.backoff_max_s = backoff_base_s, backoff_max_s
        self.progress_every_s = progress_every_s
        self.sent = 0
        self._slots = asyncio.Semaphore(concurrency)
        self._batch = concurrency
        self._in_flight: set[asyncio.Task[None]] = set()
        self._finished = 0  # sends ended, success or not: drain claims again after one
        self._forbidden_in_a_row: dict[int, int] = {}
        self._unrecorded: dict[int, tuple[OutboxItem, Outcome]] = {}
        self._samples: dict[int, tuple[float, int]] = {}  # for the rate: (when, how many)
        self._troubles_in_a_row = 0  # 429s and network errors: each one backs off longer
        self._content: dict[int, Broadcast] = {}
        self._progress_at: dict[int, float] = {}
        self._shown: dict[int, tuple[object, ...]] = {}
        self._wake = asyncio.Event()
        self._stopping = False
        self._next_report = 0.0

    def now(self) -> int:
        return int(self.services.clock())

    # ---- running

    async def run(self) -> None:
        """Deliver until `stop`: drain, then wait for a wake-up or the idle interval. On
        the way out, the sends in flight finish and are recorded."""
        while not self._stopping:
            try:
                await self.drain()
            except Exception:  # the store or a bug: log, wait, go on; never die silently
                log.exception("outbox round failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), IDLE_S)
            self._wake.clear()
        await self._wait_in_flight()

    def wake(self) -> None:
        """Something was queued (a notice, a new broadcast): look now, not at the next tick."""
        self._wake.set()

    async def stop(self) -> None:
        """Let the sends in flight finish and record them, then stop (`run` returns once
        they are done; a pause after a 429 is cut short)."""
        self._stopping = True
        self._wake.set()
        self.pacer.interrupt()
        await self._wait_in_flight()

    async def drain(self) -> int:
        """Send everything due now, queueing broadcast rows as needed; returns how many
        were sent. Ends when nothing is due and nothing is in flight."""
        sent_before = self.sent
        more_to_queue = True
        while not self._stopping:
            if more_to_queue:
                more_to_queue = await self._queue_broadcast_rows()
            finished_before = self._finished
            tokens = await self.pacer.take(self._batch)
            items = await self.store.claim_outbox(self.platform, self.now(), tokens, self.worker)
            await self.pacer.give_back(tokens - len(items))
            for item in items:
                await self._slots.acquire()
                task = asyncio.create_task(self._deliver(item))
                self._in_flight.add(task)
                task.add_done_callback(self._in_flight.discard)
            if time.monotonic() >= self._next_report:  # and look for new broadcasts
                await self._report_progress()
                more_to_queue = True
                continue
            if not items and not more_to_queue:
                # A send that ended during the claim may have queued a notice the claim's
                # snapshot missed (PostgreSQL reads each statement apart): claim once more.
                if not self._in_flight and self._finished == finished_before:
                    break
                await self._wait_in_flight()
        await self._report_progress(force=True)
        return self.sent - sent_before

    async def _wait_in_flight(self) -> None:
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    async def _queue_broadcast_rows(self) -> bool:
        """One short chunk for each broadcast still being queued; True if more remain."""
        more = False
        for broadcast_id in await self.store.broadcasts_to_queue(self.platform):
            more |= await self.store.queue_broadcast_chunk(broadcast_id, QUEUE_CHUNK_USERS)
        return more

    # ---- one message

    async def _deliver(self, item: OutboxItem) -> None:
        outcome: Outcome | None = None
        try:
            outcome = await self._send(item)
            await self._record(item, outcome)
        except Exception:  # a bug or the store: record it later, never send it again
            outcome = outcome or Outcome(OutboxStatus.UNKNOWN)  # the send itself broke
            log.exception("outbox message %s: recording %s later", item.id, outcome.status)
            self._unrecorded[item.id] = (item, outcome)
        finally:
            self._finished += 1
            self._slots.release()

    async def _record(self, item: OutboxItem, outcome: Outcome) -> None:
        await self.store.finish_outbox(item.id, outcome.status, self.now(), outcome.retry_at)
        metrics.count_outbox_outcome(item.platform, item.broadcast_id, outcome.status)
        if outcome.status is OutboxStatus.BLOCKED:
            await self.store.mark_blocked(item.platform, item.user_id)
        self.sent += outcome.status is OutboxStatus.SENT

    async def _record_late(self) -> None:
        """Outcomes the store could not take when they happened (locked by an import…):
        a row left 'sending' would hold its broadcast open until the next restart."""
        for item_id, (item, outcome) in list(self._unrecorded.items()):
            try:
                await self._record(item, outcome)
            except Exception:
                log.warning("outbox message %s still not recorded; will retry", item_id)
                return
            del self._unrecorded[item_id]

    async def _send(self, item: OutboxItem) -> Outcome:
        """One send and what became of it."""
        try:
            await self._call(item)
        except RetryAfter as flood:
            self._back_off(_seconds(flood.retry_after))
            return Outcome(OutboxStatus.PENDING, self.now())
        except (Forbidden, InvalidToken) as refused:
            return await self._refused(item, refused)
        except BadRequest as bad:  # this message can never go (chat gone, too long…)
            log.warning("outbox message %s refused: %s", item.id, bad)
            return Outcome(OutboxStatus.FAILED)
        except NetworkError as error:
            return self._network_trouble(item, error)
        except TelegramError as error:
            log.warning("outbox message %s failed: %s", item.id, error)
            return Outcome(OutboxStatus.FAILED)
        self._troubles_in_a_row = 0
        if item.broadcast_id is not None:
            self._forbidden_in_a_row.pop(item.broadcast_id, None)
        return Outcome(OutboxStatus.SENT)

    async def _call(self, item: OutboxItem) -> Message:
        bot, paced = self.application.bot, {"rate_limit_args": OUTBOX_PACED}
        t = translator(item.language)
        if item.broadcast_id is None:
            message_id = item.message_id or ""
            live = await self._live_notice(t, item)
            if live is not None:
                return await bot.send_message(
                    item.chat_id, live.text, reply_markup=live.markup, **paced
                )
            text = render_notice(t, message_id, item.args, self.now(), self.services.settings.tz)
            markup = notice_markup(t, message_id, item.args)
            return await bot.send_message(item.chat_id, text, reply_markup=markup, **paced)
        content = await self._broadcast(item.broadcast_id)
        screen = announcement(t, content)
        if content.photo_file_id:
            return await bot.send_photo(
                item.chat_id, content.photo_file_id, caption=screen.text,
                reply_markup=screen.markup, **paced,
            )  # fmt: skip
        return await bot.send_message(
            item.chat_id, screen.text, reply_markup=screen.markup, **paced
        )

    async def _live_notice(self, t: Translator, item: OutboxItem) -> Screen | None:
        """Notices whose screen is read at send time (None for the plain ones): a month of
        monthly kindness, or a donor's credit with the similar needs as they are now."""
        message_id = item.message_id or ""
        if message_id.startswith("monthly-"):
            return await self._monthly_news(t, item)
        if message_id in credits.CHOICE_NOTICES and item.args.get("credit"):
            return await self._credit_choice(t, message_id, item.args)
        return None

    async def _monthly_news(self, t: Translator, item: OutboxItem) -> Screen:
        """A month of monthly kindness, read at send time: the pledge as a hand pledge
        shows it (with 💳 Pay now), or the word that nothing needed money."""
        settings, args = self.services.settings, item.args
        reference = args.get("reference")
        news = await monthly.month_news(
            self.store, str(reference) if reference else None, int(args["gift"]),
            item.platform, item.user_id, settings.k_anonymity, t.language,
        )  # fmt: skip
        today = dt.datetime.fromtimestamp(self.now(), settings.tz).date()
        return monthly_views.news_screen(t, item.message_id or "", args, news, settings, today)

    async def _credit_choice(self, t: Translator, message_id: str, args: dict[str, Any]) -> Screen:
        """A donor asked where their credit goes: the notice's words, then the similar needs
        as cards as they are now (read at send time: an old row offers no full need)."""
        header = credit_views.notice_header(t, message_id, args)
        credit = await self.store.credit(int(args["credit"]))
        if credit is None:
            return Screen(header)
        settings = self.services.settings
        choice = await credits.choice(self.store, credit, settings, t.language)
        return credit_views.choice_screen(t, choice, header, settings.tz, self.now())

    async def _broadcast(self, broadcast_id: int) -> Broadcast:
        """The content is immutable: read once per process."""
        content = self._content.get(broadcast_id)
        if content is None:
            content = await self.store.broadcast(broadcast_id)
            if content is None:
                raise LookupError(f"broadcast {broadcast_id} is gone")
            self._content[broadcast_id] = content
        return content

    async def _refused(self, item: OutboxItem, refused: TelegramError) -> Outcome:
        """A 403: this person blocked us, or nobody can be reached (a revoked token)."""
        reachable_problem = any(word in refused.message.lower() for word in UNREACHABLE)
        if item.broadcast_id is not None:
            in_a_row = self._forbidden_in_a_row.get(item.broadcast_id, 0) + 1
            self._forbidden_in_a_row[item.broadcast_id] = in_a_row
            if in_a_row >= self.max_forbidden:
                await self._pause_for_forbidden(item.broadcast_id, refused)
        if isinstance(refused, Forbidden) and reachable_problem:
            return Outcome(OutboxStatus.BLOCKED)
        log.error("the platform refused a send (%s); will retry later", refused.message)
        return Outcome(OutboxStatus.PENDING, self.now() + FORBIDDEN_RETRY_S)

    async def _pause_for_forbidden(self, broadcast_id: int, refused: TelegramError) -> None:
        self._forbidden_in_a_row.pop(broadcast_id, None)
        paused = await self.store.change_broadcast_status(
            broadcast_id,
            self.platform,
            BroadcastStatus.PAUSED,
            allowed_from=(BroadcastStatus.RUNNING,),
            now=self.now(),
            reason="forbidden",
        )
        if paused is not None:
            log.error(
                "broadcast %s paused after %d refusals in a row (last: %s)",
                broadcast_id, self.max_forbidden, refused.message,
            )  # fmt: skip
            await self.store.queue_notice(
                Notice(self.platform, paused.creator_id, "broadcast-paused-forbidden",
                       {"id": broadcast_id, "refusals": self.max_forbidden},
                       f"broadcast-paused:{broadcast_id}:{self.now()}"),
                self.now(),
            )  # fmt: skip

    def _network_trouble(self, item: OutboxItem, error: NetworkError) -> Outcome:
        if is_bare_flood_error(error):  # a 429 without retry_after: back off ourselves
            self._back_off()
            return Outcome(OutboxStatus.PENDING, self.now())
        if isinstance(error.__cause__, MAYBE_DELIVERED):
            log.warning("outbox message %s may have arrived (%r); not repeated", item.id, error)
            return Outcome(OutboxStatus.UNKNOWN)
        self._back_off()
        if item.attempts >= MAX_ATTEMPTS:
            log.warning("outbox message %s failed after %d tries: %s", item.id, MAX_ATTEMPTS, error)
            return Outcome(OutboxStatus.FAILED)
        return Outcome(OutboxStatus.PENDING, self.now())

    def _back_off(self, seconds: float | None = None) -> None:
        """Pause every send: `seconds` if the platform said so, else doubling each time."""
        if seconds is None:
            seconds = min(self.backoff_max_s, self.backoff_base_s * 2**self._troubles_in_a_row)
        self._troubles_in_a_row += 1
        self.pacer.pause(seconds)

    # ---- progress

    async def _report_progress(self, *, force: bool = False) -> None:
        """Edit each broadcast's progress message (at most every few seconds), and close
        the ones that ended with a final report."""
        clock = time.monotonic()
        self._next_report = clock + REPORT_EVERY_S
        await self._record_late()
        for broadcast in await self.store.unfinished_broadcasts(self.platform):
            if await self._ended(broadcast):
                continue
            if force or clock - self._progress_at.get(broadcast.id, 0.0) >= self.progress_every_s:
                self._progress_at[broadcast.id] = clock
                await self.show_progress(broadcast)

    async def _ended(self, broadcast: Broadcast) -> bool:
        """Report a broadcast that has ended: every row done, or cancelled and no send of
        it still on its way (so the report counts those too)."""
        if broadcast.status is BroadcastStatus.CANCELLED:
            if await self.store.broadcast_in_flight(broadcast.id):
                return True
            ended = await self.store.broadcast(broadcast.id)
        elif broadcast.remaining == 0:
            ended = await self.store.finish_broadcast_if_complete(broadcast.id, self.now())
        else:
            return False
        if ended is not None:
            await self._final_report(ended)
        return True

    async def show_progress(self, broadcast: Broadcast) -> None:
        """Edit the sender's progress message if anything changed since the last edit."""
        rate = self._rate(broadcast)
        shown = (broadcast.status.value, broadcast.total, broadcast.done, broadcast.sent,
                 broadcast.blocked, broadcast.failed)  # fmt: skip
        if broadcast.progress_message_id is None or self._shown.get(broadcast.id) == shown:
            return
        self._shown[broadcast.id] = shown
        creator = await self.store.account(broadcast.platform, broadcast.creator_id)
        t = translator(creator.language if creator else self.services.settings.default_language)
        screen = progress_screen(t, broadcast, rate)
        try:
            await self.application.bot.edit_message_text(
                screen.text, broadcast.chat_id, broadcast.progress_message_id,
                reply_markup=screen.markup,
            )  # fmt: skip
        except TelegramError as error:  # progress is a courtesy; the report still comes
            log.info("progress of broadcast %s not shown: %s", broadcast.id, error)

    def _rate(self, broadcast: Broadcast) -> float | None:
        """Messages a second since the last look: time paused or before a restart does not
        count. None until there are two looks."""
        now, done = time.monotonic(), broadcast.done
        before = self._samples.get(broadcast.id)
        self._samples[broadcast.id] = (now, done)
        if before is None or now <= before[0]:
            return None
        return max(0.0, (done - before[1]) / (now - before[0]))

    async def _final_report(self, broadcast: Broadcast) -> None:
        self._content.pop(broadcast.id, None)
        self._samples.pop(broadcast.id, None)
        await self.show_progress(broadcast)
        await queue_report(self.store, broadcast, self.now())
        self.wake()


def _seconds(value: int | dt.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


async def deliver_outbox(context: HamdeliContext) -> int:
    """Send everything due now (the clocks' jobs and tests); returns how many were sent."""
    return await outbox_of(context.application).drain()


def outbox_of(application: Application) -> Outbox:
    """This process's one outbox (created on first use)."""
    outbox = application.outbox  # type: ignore[attr-defined]  # PTB types it as its own Application; application_class(HamdeliApplication) built ours
    if outbox is None:
        outbox = application.outbox = Outbox(application)  # type: ignore[attr-defined]  # as above
    return outbox


async def recover_outbox(application: Application) -> None:
    """At start: this worker's interrupted sends (its own claims, from before a crash or a
    SIGKILL: WORKER_ID is the same after a restart) and those of workers silent for
    WORKER_SILENT_S become 'unknown' (at most once); other workers' sends in flight are
    left alone. Then deliver for good."""
    services = application.services  # type: ignore[attr-defined]  # PTB types it as its own Application; application_class(HamdeliApplication) built ours
    worker, now = services.settings.worker, int(services.clock())
    log.info("%s bot starts as worker %s", services.platform, worker)
    await services.store.worker_seen(worker, now, starting=True)
    abandoned = await services.store.abandon_unfinished_sends(
        services.platform, worker, silent_before=now - WORKER_SILENT_S
    )
    _count_abandoned(services.platform, abandoned, "during a crash")


async def worker_clock(context: HamdeliContext) -> None:
    """This worker is alive; sends of workers silent for WORKER_SILENT_S become 'unknown'.

    Any worker may do the second: a worker that is gone for good (scaled down, its host
    lost) never starts again to recover its own rows, and a row left 'sending' would hold
    its broadcast open forever. Marking them 'unknown' repeats nothing, and the broadcast's
    counts move with each row's status (the progress trigger), so they stay exact."""
    services = context.application.services  # type: ignore[attr-defined]  # PTB types it as its own Application; application_class(HamdeliApplication) built ours
    now = int(services.clock())
    await services.store.worker_seen(services.settings.worker, now)
    abandoned = await services.store.abandon_unfinished_sends(
        services.platform, silent_before=now - WORKER_SILENT_S
    )
    _count_abandoned(services.platform, abandoned, "by a worker silent for long")


def schedule_worker_clock(application: Application) -> None:
    job_queue_of(application).run_repeating(
        worker_clock, interval=WORKER_BEAT_S, first=WORKER_BEAT_S
    )


def _count_abandoned(platform: str, abandoned: int, when: str) -> None:
    metrics.count_outbox_abandoned(platform, abandoned)
    if abandoned:
        log.warning("%d messages were being sent %s; not sent again", abandoned, when)
