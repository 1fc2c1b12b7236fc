"""Small read-only counts for the /metrics gauges, on PostgreSQL: the SQLite store's
statements as they are (sqlite/metrics.py), run on the pool."""

from __future__ import annotations

from bot.storage.postgres.base import PgStoreBase
from bot.storage.sqlite.metrics import MetricsQueries


class PgMetricsRepository(MetricsQueries, PgStoreBase):
    """Small read-only counts for the /metrics gauges."""
