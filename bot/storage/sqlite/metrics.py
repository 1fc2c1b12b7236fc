"""Small read-only counts for the /metrics gauges."""

from __future__ import annotations

from bot.storage.sqlite.base import StoreBase


class MetricsRepository(StoreBase):
    """Small read-only counts for the /metrics gauges."""

    async def metrics_outbox_depth(self) -> list[tuple[str, str, int]]:
        """(platform, kind, rows waiting or being sent); kind is notice or broadcast."""
        rows = await self._fetchall(
            "SELECT platform, CASE WHEN broadcast_id IS NULL THEN 'notice' ELSE 'broadcast' "
            "END, count(*) FROM outbox WHERE status IN ('pending', 'sending') GROUP BY 1, 2"
        )
        return [(row[0], row[1], row[2]) for row in rows]

    async def metrics_broadcasts_running(self) -> list[tuple[str, int]]:
        """(platform, broadcasts running)."""
        rows = await self._fetchall(
            "SELECT platform, count(*) FROM broadcasts WHERE status = 'running' GROUP BY 1"
        )
        return [(row[0], row[1]) for row in rows]

    async def metrics_pledges_by_status(self) -> list[tuple[str, str, int]]:
        """(platform, status, pledges)."""
        rows = await self._fetchall("SELECT platform, status, count(*) FROM pledges GROUP BY 1, 2")
        return [(row[0], row[1], row[2]) for row in rows]
