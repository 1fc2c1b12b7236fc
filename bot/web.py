"""The built-in HTTP server: both platforms' webhooks, /healthz, /readyz and /metrics.

PTB's documented custom-webhook pattern (its `customwebhookbot` example): a small
Starlette app served by uvicorn. Unlike that example, the webhook answers 200 once the
update has been handled, not when it was queued (issue #12): with several workers behind a
load balancer this is what keeps a person's updates in order (the platform sends a chat's
next update after the previous one was answered, and the worker that takes it finds the
chat free), and what makes a crash harmless (an update in a killed worker's memory was
never acknowledged, so the platform delivers it again). Handlers take milliseconds, far
below the platforms' webhook timeouts, and an update still being handled after
ANSWER_WITHIN_S is answered anyway; the platform's own connection limit (`max_connections`,
40 by default) bounds how many wait at once.

Only `/webhook/` belongs on the public side. `/metrics` and `/readyz` tell an outsider how
busy the bot is and what fails; the reverse proxy (deploy/) must forward `/webhook/` only.

The webhook path carries the secret, so no request path is ever logged: uvicorn's access
log is off, and nothing here logs the path or the secret.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import Generator, Mapping
from typing import Any, Protocol

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram import Update

from bot import health, metrics
from bot.config import Settings
from bot.context import HamdeliApplication
from bot.storage.protocols import Storage

log = logging.getLogger(__name__)

# Telegram repeats the setWebhook `secret_token` in this header; Bale may not send it.
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
PLATFORMS_WITH_SECRET_HEADER = frozenset({"telegram"})


class BotView(Protocol):
    """One configured bot as the web server sees it."""

    @property
    def platform(self) -> str: ...

    @property
    def application(self) -> HamdeliApplication: ...

    @property
    def running(self) -> bool:
        """True while PTB's Application is started and taking updates."""
        ...

    async def handle(self, update: Update) -> None:
        """Handle `update`; returns once it has been handled."""
        ...


class ServiceView(Protocol):
    """The running service as the web server sees it (bot/service.py implements it)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def store(self) -> Storage: ...

    @property
    def bots(self) -> Mapping[str, BotView]:
        """The configured platforms only, by platform name."""
        ...


# The webhook answers when the update has been handled, or after this long anyway: a handler
# waiting out a platform's 429 (RetryAfter can be 30 s) must not run into the platform's
# own webhook timeout, which would deliver the update a second time while it is handled.
ANSWER_WITHIN_S = 20.0


def build_web_app(view: ServiceView, *, answer_within: float = ANSWER_WITHIN_S) -> Starlette:
    """The Starlette app; routes read `view` on every request, so bots that start, stop
    or fail later are seen as they are now."""

    async def webhook(request: Request) -> Response:
        return await _webhook(view, request, answer_within)

    async def healthz(request: Request) -> Response:
        # Liveness: answering at all means the event loop runs.
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        verdict = await health.readiness(view)
        return JSONResponse(verdict.to_json(), status_code=200 if verdict.ready else 503)

    async def metrics_page(request: Request) -> Response:
        body = await metrics.scrape(view.store)
        return Response(body, headers={"Content-Type": metrics.CONTENT_TYPE})

    return Starlette(
        routes=[
            Route("/webhook/{platform}/{secret}", webhook, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            # Internal only, like /metrics: the reverse proxy never forwards these.
            Route("/readyz", readyz, methods=["GET"]),
            Route("/metrics", metrics_page, methods=["GET"]),
        ]
    )


async def _webhook(view: ServiceView, request: Request, answer_within: float) -> Response:
    """Refuse what is not the platform's, then handle the update and answer 200.

    Order matters: an unknown platform is 404 and a wrong secret 403 before anything else,
    so a stranger learns nothing about the bot's state; 503 (not running) makes the
    platform keep the update and resend it later.
    """
    platform = request.path_params["platform"]
    bot = view.bots.get(platform)
    expected = _secret_of(view, bot)
    if bot is None or expected is None:
        return _plain(404, "unknown platform")
    if not _secret_matches(platform, request, expected):
        metrics.WEBHOOK_REFUSED.labels(platform).inc()
        log.warning("webhook request for %s refused: wrong secret", platform)
        return _plain(403, "forbidden")
    if not bot.running:
        return _plain(503, "not running")
    update = _update_from(await request.body(), bot.application)
    if update is None:
        return _plain(400, "not an update")
    handled = asyncio.ensure_future(bot.handle(update))
    try:
        await asyncio.wait_for(asyncio.shield(handled), answer_within)
    except TimeoutError:  # still being handled: answered all the same
        pass
    except asyncio.CancelledError:
        if not handled.cancelled():
            raise  # this request itself was cancelled
        # Cut off by a stop that ran out of time: not handled, so not acknowledged.
        return _plain(503, "stopping")
    return Response(status_code=200)


def _secret_of(view: ServiceView, bot: BotView | None) -> str | None:
    """The bot's WEBHOOK_SECRET (its own settings, else the shared ones); None: webhooks
    are not configured, and the endpoint does not exist."""
    if bot is None:
        return None
    secret = bot.application.services.settings.webhook_secret or view.settings.webhook_secret
    return secret.get_secret_value() if secret is not None else None


def _secret_matches(platform: str, request: Request, expected: str) -> bool:
    """The path's secret, and on Telegram also the header, in constant time. Bale may omit
    the header; if it sends one, it must match too."""
    wanted = expected.encode()
    if not hmac.compare_digest(request.path_params["secret"].encode(), wanted):
        return False
    header = request.headers.get(SECRET_HEADER)
    if header is None:
        return platform not in PLATFORMS_WITH_SECRET_HEADER
    return hmac.compare_digest(header.encode(), wanted)


def _update_from(body: bytes, application: HamdeliApplication) -> Update | None:
    """The Update in a request body, or None for anything that is not one."""
    try:
        data: Any = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        return None
    try:
        return Update.de_json(data, application.bot)
    except (AttributeError, KeyError, TypeError, ValueError):  # what PTB raises on bad shapes
        return None


def _plain(status: int, text: str) -> Response:
    return Response(text, status_code=status, media_type="text/plain")


class WebServer(uvicorn.Server):
    """uvicorn's Server, minus its signal handling: the service owns SIGTERM and stops
    this server by setting `should_exit`. (uvicorn would replace the service's handlers
    and re-raise the signal after it stops.)"""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield

    @property
    def port(self) -> int:
        """The port bound (useful when `listen` asked for port 0); only once started."""
        if not self.started or not self.servers:
            raise RuntimeError("the web server has not started")
        return int(self.servers[0].sockets[0].getsockname()[1])


def web_server(app: Starlette, listen: str) -> WebServer:
    """A uvicorn server for `app` on `listen` (host:port; [v6]:port), not started: the
    service awaits `serve()` in a task and sets `should_exit` to stop it."""
    host, port = parse_listen(listen)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,  # the process's own logging (bot/logs.py), with its redaction
        access_log=False,  # it would print webhook paths, and so the secret
        lifespan="off",  # the service starts and stops the bots itself
        server_header=False,
        proxy_headers=False,  # behind the proxy, nothing here depends on the client address
    )
    # uvicorn decides per connection whether its access logger has a handler; a handler
    # attached later (a log shipper's config, a test harness) would bring the paths back.
    logging.getLogger("uvicorn.access").disabled = True
    return WebServer(config)


def parse_listen(listen: str) -> tuple[str, int]:
    """'127.0.0.1:8080' → ('127.0.0.1', 8080); '[::1]:8080' → ('::1', 8080)."""
    host, sep, port = listen.strip().rpartition(":")
    if not sep or not host or not port.isdigit() or int(port) > 65_535:
        raise ValueError(f"LISTEN must be host:port, not {listen!r}")
    return host.strip("[]"), int(port)
