"""`hamdeli run`: every configured platform's bot in one process, on one store, behind one
HTTP server (webhooks, /healthz, /readyz, /metrics), with a bounded stop on SIGTERM.

Why a supervisor per bot instead of PTB's `run_polling`/`run_webhook`: those run one
Application and own the event loop and the signals. Here two bots share a loop, a store
and a web server, and one platform failing (Bale unreachable, its token revoked) must not
stop the other. So each bot gets a `BotRunner` that starts its Application the way
`run_polling` does (initialize, post_init, start, then polling or setWebhook), retries a
failed start with capped exponential backoff, and reports its state in /readyz, in
`hamdeli_bot_up` and in the log, once per change of state, never once per retry.

What stays per bot: its Application (so its rate limiter, its outbox pacing and its 429
state), its request objects and its clock jobs. Clock work is partitioned by platform in
the store (every due-row query names its platform) and each due row is claimed in the
transaction that handles it, so two bots on one store, or two processes, never handle one
due row twice (tests/test_service.py shows it).

Webhook mode (WEBHOOK_URL set): updates arrive at bot/web.py, which queues them on the
Application; `setWebhook` runs at each start and the webhook is never deleted, so the
platform keeps updates while the bot restarts. Polling mode: each bot polls its own API.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.request import BaseRequest

from bot import metrics
from bot.app import build_application
from bot.config import Settings
from bot.context import Clock, HamdeliApplication
from bot.health import platform_requests
from bot.storage.factory import open_store
from bot.storage.protocols import Storage
from bot.web import WebServer, build_web_app, web_server

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ("message", "callback_query", "pre_checkout_query")
FIRST_BACKOFF_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 60.0
# How often a running bot's health is re-read from its own calls (for the log and the gauge).
WATCH_SECONDS = 2.0
# uvicorn's grace for open connections once the bots have stopped.
WEB_GRACE_SECONDS = 2
EXIT_OK = 0
EXIT_CONFIGURATION = 2

# A bot serves updates in these states; "failing" means started, but its last API call failed.
LIVE_STATES = frozenset({"up", "failing"})


def webhook_url(base: str, platform: str, secret: str) -> str:
    """Where the platform posts this bot's updates (bot/web.py's route)."""
    return f"{base.rstrip('/')}/webhook/{platform}/{secret}"


@dataclass
class BotRunner:
    """One platform's bot: started, watched, retried and stopped by the service."""

    settings: Settings
    application: HamdeliApplication
    webhook_base: str | None = None
    webhook_secret: str | None = None
    backoff_cap: float = BACKOFF_CAP_SECONDS
    state: str = "stopped"
    reason: str = ""
    attempts: int = 0
    token_refused: bool = False
    was_up: bool = False
    _post_init_done: bool = field(default=False, repr=False)
    _logged: tuple[str, str] = field(default=("", ""), repr=False)
    _in_flight: set[asyncio.Task[None]] = field(default_factory=set, repr=False)

    @property
    def platform(self) -> str:
        return self.settings.platform

    @property
    def running(self) -> bool:
        """Taking updates now (bot/web.py answers 503 otherwise, so the platform resends)."""
        return self.state in LIVE_STATES and self.application.running

    async def handle(self, update: Update) -> None:
        """Handle one update from the webhook, returning once it has been handled: the
        webhook answers 200 only then (bot/web.py), so an update a crash interrupted was
        never acknowledged and the platform delivers it again (to whichever worker is up).

        Tracked, so `stop` lets the updates in hand finish before the Application stops
        under them. Shielded: a client that hangs up mid-request does not cut a handler
        off halfway.
        """
        task = asyncio.ensure_future(self.application.handle_now(update))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)
        await asyncio.shield(task)

    def abandon_updates(self) -> None:
        """Cancel the webhook updates still being handled (a stop out of time): none was
        acknowledged, so the platform delivers each again after the restart."""
        for task in list(self._in_flight):
            task.cancel()

    async def supervise(self, stopping: asyncio.Event, *, give_up_on_refused_token: bool) -> None:
        """Start the bot, retrying with backoff, then watch it until `stopping` is set.

        A refused token (401/404) gives up only when `give_up_on_refused_token` and the bot
        was never up: a lone bot's wrong token must be fixed by the operator (exit code 2);
        with two bots the other keeps serving, and a token refused after it once worked
        (revoked, then restored) is retried like an outage.
        """
        delay = FIRST_BACKOFF_SECONDS
        while not stopping.is_set():
            self.attempts += 1
            self._set("starting", "")
            try:
                await self._start()
            except InvalidToken:
                self.token_refused = True
                await self._teardown()
                self._start_failed("token_refused", "the platform refused the token (401/404)")
                if give_up_on_refused_token and not self.was_up:
                    return
            except (TelegramError, OSError) as exc:
                await self._teardown()
                self._start_failed(type(exc).__name__, _reason(exc))
            else:
                self.token_refused, self.was_up = False, True
                delay = FIRST_BACKOFF_SECONDS
                lost = await self._watch(stopping)
                if lost is None:
                    return
                await self._teardown()  # polling gave up (a revoked token): start again
                self._start_failed("polling_stopped", lost)
            await _sleep_unless(stopping, delay)
            delay = min(delay * 2, self.backoff_cap)

    async def _start(self) -> None:
        """As PTB's `run_polling` starts an Application, then polling or the webhook."""
        application = self.application
        await application.initialize()
        if application.post_init is not None and not self._post_init_done:
            await application.post_init(application)
            self._post_init_done = True
        await application.start()
        if self.webhook_base is None:
            await application.updater.start_polling(  # type: ignore[union-attr]  # polling: the builder made an Updater
                allowed_updates=list(ALLOWED_UPDATES), error_callback=self._polling_error
            )
            return
        secret = self.webhook_secret or ""
        await application.bot.set_webhook(
            url=webhook_url(self.webhook_base, self.platform, secret),
            allowed_updates=list(ALLOWED_UPDATES),
            # Bale may ignore it; the path carries the secret on both platforms.
            secret_token=secret if self.platform == "telegram" else None,
        )

    def _polling_error(self, error: TelegramError) -> None:
        """PTB retries polling by itself and would log every retry; the watch loop logs
        the change of state instead (the request layer saw the failure)."""

    async def _watch(self, stopping: asyncio.Event) -> str | None:
        """Up or failing, from the bot's own latest calls, logged when it changes; until
        `stopping` (None) or until polling ended by itself (why, to start again)."""
        while not stopping.is_set():
            ended = self._polling_ended()
            if ended is not None:
                return ended
            failure = self._latest_failure()
            if failure is None:
                self._set("up", "")
            else:
                self._set("failing", f"Bot API calls failing: {failure}")
            await _sleep_unless(stopping, WATCH_SECONDS)
        return None

    def _polling_ended(self) -> str | None:
        """Why PTB's polling loop ended on its own, if it did: it retries network errors
        forever but gives up on a refused token (401/404) and only logs it. PTB keeps the
        task private; without it (a future PTB), this check simply never fires."""
        if self.webhook_base is not None or self.application.updater is None:
            return None
        task = getattr(self.application.updater, "_Updater__polling_task", None)
        if task is None or not task.done() or task.cancelled():
            return None
        error = task.exception()
        return f"polling stopped: {_reason(error)}" if error else "polling stopped"

    def _latest_failure(self) -> str | None:
        """The last failure, if it came after the last success on every request object."""
        last_ok, last_failure, why = None, None, None
        for request in platform_requests(self.application):
            if request.last_ok_at is not None:
                last_ok = max(last_ok or 0.0, request.last_ok_at)
            if request.last_failure_at is not None and (
                last_failure is None or request.last_failure_at > last_failure
            ):
                last_failure, why = request.last_failure_at, request.last_failure
        if last_failure is None or (last_ok is not None and last_ok > last_failure):
            return None
        return why

    async def stop(self) -> None:
        """Stop taking updates, let the handlers and the sends in flight finish and be
        recorded (post_stop stops the outbox), then shut down. The webhook stays set."""
        self._set("stopping", "")
        if self._in_flight:  # webhook updates in hand: handled before the bot stops
            await asyncio.gather(*self._in_flight, return_exceptions=True)
        await self._teardown()
        self._set("stopped", "")

    async def _teardown(self) -> None:
        """Undo whatever part of `_start` happened, in reverse (also after a failed start)."""
        application = self.application
        updater = application.updater
        if updater is not None and updater.running:
            try:
                await updater.stop()
            except TelegramError:
                # Stopping re-raises what ended polling (a refused token), and PTB then
                # leaves its stop signal set, which would end the next polling at once.
                stop_signal = getattr(updater, "_Updater__polling_task_stop_event", None)
                if stop_signal is not None:
                    stop_signal.clear()
        if application.running:
            await application.stop()
        if self._post_init_done and application.post_stop is not None:
            await application.post_stop(application)
            self._post_init_done = False
        await application.shutdown()  # a no-op when it never finished initializing,
        await application.bot.shutdown()  # so the Bot's HTTP clients are closed here

    def _start_failed(self, kind: str, reason: str) -> None:
        metrics.BOT_START_FAILURES.labels(self.platform, kind).inc()
        self._set("refused" if kind == "token_refused" else "retrying", reason)

    def _set(self, state: str, reason: str) -> None:
        """Change state; the log hears of a change, never of the same state again (the
        passing "starting" of each retry is not a change worth a line)."""
        self.state, self.reason = state, reason
        metrics.BOT_UP.labels(self.platform).set(1 if state == "up" else 0)
        if state in ("starting", "stopping") or (state, reason) == self._logged:
            return
        self._logged = (state, reason)
        if state in ("up", "stopped"):
            log.info("%s bot %s", self.platform, "is up" if state == "up" else "stopped")
        else:
            log.warning("%s bot %s: %s", self.platform, state, reason)


@dataclass
class Service:
    """Every configured bot, one store, one web server: what `hamdeli run` runs."""

    settings: Settings
    store: Storage
    runners: dict[str, BotRunner]
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    server: WebServer | None = None
    exit_code: int | None = None  # once `run` returned

    @classmethod
    def build(
        cls,
        settings: Settings,
        bots: Sequence[Settings],
        *,
        requests: Mapping[str, BaseRequest] | None = None,
        clock: Clock = time.time,
        backoff_cap: float = BACKOFF_CAP_SECONDS,
    ) -> Service:
        """One Application per bot on one shared store; `requests` (tests) replaces a
        platform's HTTP client, e.g. with the in-process emulator."""
        store = open_store(settings)
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        runners: dict[str, BotRunner] = {}
        for one in bots:
            request = (requests or {}).get(one.platform)
            application = build_application(
                one, request=request, store=store, clock=clock, owns_store=False
            )
            runners[one.platform] = BotRunner(
                one, application, settings.webhook_url, secret, backoff_cap=backoff_cap
            )
        return cls(settings, store, runners)

    @property
    def bots(self) -> Mapping[str, BotRunner]:
        """bot/web.py's view: the configured platforms."""
        return self.runners

    @property
    def webhook_mode(self) -> bool:
        return self.settings.webhook_url is not None

    @property
    def refused_tokens(self) -> list[str]:
        """Platforms whose token was refused at their last attempt to start."""
        return [p for p, runner in self.runners.items() if runner.token_refused]

    @property
    def port(self) -> int | None:
        """The web server's bound port once it listens (LISTEN may ask for port 0)."""
        return self.server.port if self.server is not None and self.server.started else None

    async def run(self) -> int:
        """Serve until `stopping` is set (SIGTERM) or no bot can ever start; the exit code."""
        await self.store.open()
        try:
            server_task = await self._start_web()
            if server_task is None and self.webhook_mode:
                return EXIT_CONFIGURATION
            alone = len(self.runners) == 1
            supervisors = [
                asyncio.create_task(
                    runner.supervise(self.stopping, give_up_on_refused_token=alone),
                    name=f"supervise-{platform}",
                )
                for platform, runner in self.runners.items()
            ]
            await self._until_stopping_or_given_up(supervisors)
            await self._shutdown(supervisors, server_task)
        finally:
            await self.store.close()
        return EXIT_CONFIGURATION if self.refused_tokens and len(self.runners) == 1 else EXIT_OK

    async def _start_web(self) -> asyncio.Task[None] | None:
        """The web server, listening; None when LISTEN cannot be bound (fatal only in
        webhook mode: a polling bot still serves its people without /metrics)."""
        self.server = web_server(build_web_app(self), self.settings.listen)
        self.server.config.timeout_graceful_shutdown = WEB_GRACE_SECONDS
        task = asyncio.create_task(_serve_web(self.server), name="web")
        # uvicorn offers a flag, not an event, for "listening" (its startup is quick).
        while not self.server.started and not task.done():  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        if self.server.started:
            log.info("listening on %s", self.settings.listen)
            return task
        log.error("LISTEN=%s could not be bound (in use?); no webhooks, health or metrics",
                  self.settings.listen)  # fmt: skip
        return None

    async def _until_stopping_or_given_up(self, supervisors: list[asyncio.Task[None]]) -> None:
        """Return on SIGTERM, or when every bot gave up (a single bot's refused token)."""
        stop = asyncio.create_task(self.stopping.wait())
        pending: set[asyncio.Task[object]] = {stop, *supervisors}
        while stop in pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done - {stop}:
                if task.exception() is not None:  # a bug, not a platform failure: stop all
                    log.error("a bot supervisor failed", exc_info=task.exception())
                    self.stopping.set()
            gave_up = all(runner.state == "refused" for runner in self.runners.values())
            if gave_up and all(task.done() for task in supervisors):
                self.stopping.set()

    async def _shutdown(
        self, supervisors: list[asyncio.Task[None]], server_task: asyncio.Task[None] | None
    ) -> None:
        """Stop every bot within STOP_TIMEOUT_SECONDS (updates first, sends in flight
        recorded), then the web server: /healthz answers until the end."""
        self.stopping.set()
        for task in supervisors:
            task.cancel()  # a start under way or a backoff sleep; the watch already returned
        await asyncio.gather(*supervisors, return_exceptions=True)
        for runner in self.runners.values():
            runner.state = "stopping"  # webhooks now answer 503: the platform keeps them
        limit = self.settings.stop_timeout_seconds
        try:
            await asyncio.wait_for(
                asyncio.gather(*(runner.stop() for runner in self.runners.values())), limit
            )
        except TimeoutError:
            log.error(
                "stopping took longer than STOP_TIMEOUT_SECONDS=%s; exiting anyway (a send "
                "cut short is recorded as unknown at the next start)", limit,
            )  # fmt: skip
            for runner in self.runners.values():
                runner.abandon_updates()  # their webhooks answer 503: delivered again
        if server_task is not None and self.server is not None:
            self.server.should_exit = True
            with contextlib.suppress(asyncio.CancelledError):
                await server_task


async def _serve_web(server: WebServer) -> None:
    """uvicorn's `serve`, except that a failed bind ends this task instead of the process
    (uvicorn calls sys.exit(1) when it cannot listen)."""
    with contextlib.suppress(SystemExit):
        await server.serve()


async def _sleep_unless(stopping: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), seconds)


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


async def serve(settings: Settings, bots: Sequence[Settings]) -> Service:
    """Build the service, stop it on SIGTERM or SIGINT, run it; returns it, finished (its
    `exit_code` says how)."""
    service = Service.build(settings, bots)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, service.stopping.set)
    try:
        service.exit_code = await service.run()
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
    return service
