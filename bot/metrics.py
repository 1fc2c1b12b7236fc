"""Prometheus metrics: what an IT department's Grafana shows of the bot's insides.

One registry for the process (`REGISTRY`), rendered by `/metrics` (bot/web.py) in the text
exposition format. Labels are platforms, update types, handler names, API methods and
outcomes: never a user id, a national code or anything a person typed.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

REGISTRY = CollectorRegistry(auto_describe=True)
CONTENT_TYPE = CONTENT_TYPE_LATEST

WEBHOOK_REFUSED = Counter(
    "hamdeli_webhook_refused",
    "Webhook requests refused because the secret was wrong.",
    ["platform"],
    registry=REGISTRY,
)


async def scrape(store: object | None = None) -> bytes:
    """The metrics as Prometheus reads them; gauges that mirror the store are refreshed
    first (`store` may be None where no store is open)."""
    return generate_latest(REGISTRY)
