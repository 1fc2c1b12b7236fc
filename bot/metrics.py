"""Prometheus metrics: what an IT department's Grafana shows of the bot's insides.

One registry for the process (`REGISTRY`), rendered by `/metrics` (bot/web.py) in the text
exposition format. Labels are platforms, update types, handler names, API methods and
outcomes: never a user id, a national code or anything a person typed.

Each counter is fed from the one place its event happens (an update entering the
Application, a handler's callback, a Bot API request, an outbox outcome being recorded, a
payment newly stored, a verification failure), so nothing is counted twice. What the
store already knows exactly (outbox depth, broadcasts running, pledges by status) is not
counted at all: those gauges are read from the store at each scrape, so several processes
or a restart never make them drift.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Coroutine, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from telegram import Update
from telegram.ext import BaseHandler, ConversationHandler

if TYPE_CHECKING:
    from bot.storage.protocols import Storage

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry(auto_describe=True)
CONTENT_TYPE = CONTENT_TYPE_LATEST

WEBHOOK_REFUSED = Counter(
    "hamdeli_webhook_refused",
    "Webhook requests refused because the secret was wrong.",
    ["platform"],
    registry=REGISTRY,
)

UPDATES = Counter(
    "hamdeli_updates",
    "Updates the bot processed, by update type (message, callback_query, …).",
    ["platform", "type"],
    registry=REGISTRY,
)
HANDLER_SECONDS = Histogram(
    "hamdeli_handler_seconds",
    "Time spent in each handler callback (its count is how often it ran).",
    ["platform", "handler"],
    # Replies take milliseconds; a big import or a slow store, seconds.
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
API_CALLS = Counter(
    "hamdeli_api_calls",
    "Bot API requests by method and outcome (ok, http_4xx, http_429, http_5xx, timeout, network).",
    ["platform", "method", "outcome"],
    registry=REGISTRY,
)
API_RATE_LIMITED = Counter(
    "hamdeli_api_rate_limited",
    "Bot API requests answered 429 (too many requests).",
    ["platform", "method"],
    registry=REGISTRY,
)
API_HEALTHY = Gauge(
    "hamdeli_api_healthy",
    "1 while the platform's last Bot API call got an answer other than a 5xx, 0 after a "
    "5xx or no answer (what /readyz judges, per platform).",
    ["platform"],
    registry=REGISTRY,
)
BOT_UP = Gauge(
    "hamdeli_bot_up",
    "1 while the platform's bot is started and its Bot API answers, 0 while it is starting, "
    "retrying after a failure (unreachable API, refused token) or stopped.",
    ["platform"],
    registry=REGISTRY,
)
BOT_START_FAILURES = Counter(
    "hamdeli_bot_start_failures",
    "Attempts to start a platform's bot that failed (network, refused token, …); each is "
    "retried with backoff while the other platform keeps serving.",
    ["platform", "reason"],
    registry=REGISTRY,
)
OUTBOX_SENDS = Counter(
    "hamdeli_outbox_sends",
    "Outbox messages by recorded outcome (sent, blocked, failed, unknown; retry when a "
    "message was put back to be sent later).",
    ["platform", "kind", "outcome"],
    registry=REGISTRY,
)
OUTBOX_ABANDONED = Counter(
    "hamdeli_outbox_abandoned",
    "Outbox messages found mid-send when the bot started (after a crash): recorded "
    "unknown and never sent again.",
    ["platform"],
    registry=REGISTRY,
)
OUTBOX_DEPTH = Gauge(
    "hamdeli_outbox_depth",
    "Outbox messages waiting or being sent, by kind (notice, broadcast).",
    ["platform", "kind"],
    registry=REGISTRY,
)
BROADCASTS_RUNNING = Gauge(
    "hamdeli_broadcasts_running",
    "Broadcasts in the running state.",
    ["platform"],
    registry=REGISTRY,
)
PLEDGES = Gauge(
    "hamdeli_pledges",
    "Pledges by status.",
    ["platform", "status"],
    registry=REGISTRY,
)
PAYMENTS = Counter(
    "hamdeli_payments",
    "In-chat payments newly recorded (a redelivered payment is not counted again).",
    ["platform"],
    registry=REGISTRY,
)
PAID_TOMAN = Counter(
    "hamdeli_paid_toman",
    "Toman received through newly recorded in-chat payments.",
    ["platform"],
    registry=REGISTRY,
)
VERIFICATION_FAILURES = Counter(
    "hamdeli_verification_failures",
    "Household verifications that did not match (each one counts toward a lock).",
    ["platform"],
    registry=REGISTRY,
)
VERIFICATION_LOCKS = Counter(
    "hamdeli_verification_locks",
    "Verification locks begun (too many failures in a day).",
    ["platform"],
    registry=REGISTRY,
)

STORE_READABLE = Gauge(
    "hamdeli_store_readable",
    "1 when the last scrape could read the store's gauges, 0 when it could not (they are "
    "then left out rather than shown stale).",
    registry=REGISTRY,
)

OUTBOX_KINDS = ("notice", "broadcast")
UPDATE_TYPES: tuple[str, ...] = tuple(str(kind) for kind in Update.ALL_TYPES)
# Label children by label values: `labels()` takes a lock and validates on every call, and
# these are hit on every update and every API call (the label sets are small and fixed).
_children: dict[tuple[object, ...], Any] = {}


def _child(metric: Counter | Gauge, *labels: str) -> Any:
    """`metric.labels(*labels)`, looked up once."""
    key = (metric, *labels)
    child = _children.get(key)
    if child is None:
        child = _children[key] = metric.labels(*labels)
    return child


async def scrape(store: Storage | None = None) -> bytes:
    """The metrics as Prometheus reads them; gauges that mirror the store are refreshed
    first (`store` may be None where no store is open)."""
    if store is not None:
        try:
            await refresh_from_store(store)
        except Exception as exc:  # the counters still matter most when the store is down
            log.warning("metrics: the store could not be read (%s)", type(exc).__name__)
            for gauge in (OUTBOX_DEPTH, BROADCASTS_RUNNING, PLEDGES):
                gauge.clear()
            STORE_READABLE.set(0)
        else:
            STORE_READABLE.set(1)
    return generate_latest(REGISTRY)


async def refresh_from_store(store: Storage) -> None:
    """Set the store-backed gauges. Everything is read first and set without an await in
    between, so two scrapes at once never show a half-cleared gauge."""
    depth = await store.metrics_outbox_depth()
    running = await store.metrics_broadcasts_running()
    pledges = await store.metrics_pledges_by_status()
    _set(OUTBOX_DEPTH, depth)
    _set(BROADCASTS_RUNNING, running)
    _set(PLEDGES, pledges)


def _set(gauge: Gauge, rows: Iterable[tuple[Any, ...]]) -> None:
    """Replace all of `gauge`'s series: label values first, the value last in each row (a
    status that no longer has rows disappears instead of keeping its old count)."""
    gauge.clear()
    for *labels, value in rows:
        gauge.labels(*(str(label) for label in labels)).set(value)


# ---- updates and handlers


def count_update(platform: str, update: object) -> None:
    """One update entered the Application: count it by its type (`message`, …)."""
    _child(UPDATES, platform, update_type(update)).inc()


def update_type(update: object) -> str:
    """The update's kind as the Bot API names it; `other` for what is not an Update."""
    if not isinstance(update, Update):
        return "other"
    for kind in UPDATE_TYPES:
        if getattr(update, kind, None) is not None:
            return kind
    return "other"


Callback = Callable[..., Coroutine[Any, Any, Any]]


def handler_name(callback: object) -> str:
    """A callback's module-qualified name: code, never data."""
    module = getattr(callback, "__module__", None) or "?"
    name = getattr(callback, "__qualname__", None) or type(callback).__qualname__
    return f"{module}.{name}"


def timed(callback: Callback, platform: str) -> Callback:
    """`callback`, observed in HANDLER_SECONDS under its own name (wrapped once)."""
    child = HANDLER_SECONDS.labels(platform, handler_name(callback))
    return _observed(callback, lambda context: child)


def timed_router(router: Callback, platform: str) -> Callback:
    """A button router (`bot.handlers.common.button_router`), observed under the name of
    the route each click takes (or its fallback for an expired button), not its own: one
    router serves every button, and "which screen is slow" is the question."""
    routes: dict[str, Callback] = router.routes  # type: ignore[attr-defined]  # set on the router function (handlers/common.py)
    fallback = HANDLER_SECONDS.labels(platform, handler_name(router.fallback))  # type: ignore[attr-defined]  # as routes
    by_kind = {kind: HANDLER_SECONDS.labels(platform, handler_name(route))
               for kind, route in routes.items()}  # fmt: skip

    def child_for(context: Any) -> Any:
        button = context.button
        return by_kind.get(button.kind, fallback) if button else fallback

    return _observed(router, child_for)


def _observed(callback: Callback, child_for: Callable[[Any], Any]) -> Callback:
    """`callback` with its time observed in the histogram child `child_for(context)` picks
    (once: an already wrapped callback is returned as it is)."""
    if getattr(callback, "__hamdeli_timed__", False):
        return callback

    @wraps(callback)
    async def observed(update: object, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return await callback(update, context)
        finally:
            child_for(context).observe(time.perf_counter() - started)

    observed.__hamdeli_timed__ = True  # type: ignore[attr-defined]  # a mark on the function: wrapped once
    return observed


def time_handlers(handlers: Iterable[BaseHandler], platform: str) -> None:
    """Wrap every handler's callback, inside conversations too (entry points, states,
    fallbacks), so every callback's latency is observed at this one place."""
    for handler in handlers:
        if isinstance(handler, ConversationHandler):
            inner = [*handler.entry_points, *handler.fallbacks]
            for state_handlers in handler.states.values():
                inner += state_handlers
            time_handlers(inner, platform)
        elif hasattr(getattr(handler, "callback", None), "routes"):
            handler.callback = timed_router(handler.callback, platform)
        elif callable(getattr(handler, "callback", None)):
            handler.callback = timed(handler.callback, platform)


# ---- the Bot API


def count_api_call(platform: str, url: str, code: int | None, error: str | None) -> None:
    """One Bot API request and how it ended: an HTTP `code`, or an `error` kind."""
    method = api_method(url)
    if error is not None:
        outcome = error
    elif code == 200:
        outcome = "ok"
    elif code == 429:
        outcome = "http_429"
        _child(API_RATE_LIMITED, platform, method).inc()
    else:
        outcome = f"http_{(code or 0) // 100}xx"
    _child(API_CALLS, platform, method, outcome).inc()
    _child(API_HEALTHY, platform).set(error is None and (code or 0) < 500)


def api_method(url: str) -> str:
    """The API method a request URL names; `file` for downloads (whose path is data)."""
    method = url.rsplit("/", 1)[-1]
    return method if method.isalpha() and "/file/" not in url else "file"


def error_kind(exc: BaseException) -> str:
    """`timeout` or `network`: the two ways a request gets no HTTP answer."""
    return "timeout" if "timed" in type(exc).__name__.lower() else "network"


# ---- the outbox, payments, verification


def count_outbox_outcome(platform: str, broadcast_id: int | None, status: str) -> None:
    """An outbox outcome was recorded in the store (pending again counts as a retry)."""
    kind = "notice" if broadcast_id is None else "broadcast"
    outcome = "retry" if status == "pending" else status
    _child(OUTBOX_SENDS, platform, kind, outcome).inc()


def count_outbox_abandoned(platform: str, messages: int) -> None:
    """Messages a crash left mid-send became 'unknown' at start."""
    OUTBOX_ABANDONED.labels(platform).inc(messages)


def count_payment(platform: str, rials: int) -> None:
    """A payment was newly recorded (never called for a redelivered one)."""
    PAYMENTS.labels(platform).inc()
    PAID_TOMAN.labels(platform).inc(rials // 10)


def count_verification_failure(platform: str, *, locked: bool) -> None:
    """A verification failed; `locked` when that failure began a lock."""
    VERIFICATION_FAILURES.labels(platform).inc()
    if locked:
        VERIFICATION_LOCKS.labels(platform).inc()
