"""Small read-only counts for the /metrics gauges."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.storage.sqlite.base import StoreBase


class MetricsQueries:
    """The gauges' counts: statements both backends speak as written and that take no
    parameters, so the SQLite and the PostgreSQL store share this one class (each brings
    its own `_fetchall`)."""

    if TYPE_CHECKING:  # the backend's own, found by the MRO

        async def _fetchall(self, sql: str, params: Any = ()) -> list[Any]: ...

    async def metrics_outbox_depth(self) -> list[tuple[str, str, int]]:
        """(platform, kind, rows waiting or being sent); kind is notice or broadcast."""
        rows = await self._fetchall(
            "SELECT platform, CASE WHEN broadcast_id IS NULL THEN 'notice' ELSE 'broadcast' "
            "END, count(*) FROM outbox WHERE status IN ('pending', 'sending') GROUP BY 1, 2"
        )
        return [(row[0], row[1], int(row[2])) for row in rows]

    async def metrics_broadcasts_running(self) -> list[tuple[str, int]]:
        """(platform, broadcasts running)."""
        rows = await self._fetchall(
            "SELECT platform, count(*) FROM broadcasts WHERE status = 'running' GROUP BY 1"
        )
        return [(row[0], int(row[1])) for row in rows]

    async def metrics_pledges_by_status(self) -> list[tuple[str, str, int]]:
        """(platform, status, pledges)."""
        rows = await self._fetchall("SELECT platform, status, count(*) FROM pledges GROUP BY 1, 2")
        return [(row[0], row[1], int(row[2])) for row in rows]


class MetricsRepository(MetricsQueries, StoreBase):
    """Small read-only counts for the /metrics gauges."""
