"""Monthly kindness: standing gifts, and claiming each month once."""

from __future__ import annotations

import aiosqlite

from bot.models import (
    MonthlyClaim,
    MonthlyGift,
)
from bot.storage.records import (
    MonthlyClaimLost,
    MonthlyStatistics,
    Notice,
    from_row,
)
from bot.storage.sqlite.base import StoreBase
from bot.storage.sqlite.common import (
    _MONTHLY_COLUMNS,
    _check_monthly_changes,
    _monthly_statistics,
)


class MonthlyRepository(StoreBase):
    """Monthly kindness: standing gifts, and claiming each month once."""

    async def create_monthly(
        self, gift: MonthlyGift, token: str, now: int
    ) -> tuple[MonthlyGift, bool]:
        """Start a donor's monthly gift; returns (the gift, whether it is new).

        The confirm button's `token` makes a double press start one gift; a donor who
        already has one (active or paused) gets theirs back, unchanged.
        """
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                f"SELECT {_MONTHLY_COLUMNS} FROM monthly_gifts WHERE create_token = ? "
                "OR (platform = ? AND donor_id = ? AND status != 'stopped') "
                "ORDER BY create_token = ? DESC LIMIT 1",
                (token, gift.platform, gift.donor_id, token),
            )
            if rows:
                return from_row(MonthlyGift, next(iter(rows))), False
            rows = await db.execute_fetchall(
                "INSERT INTO monthly_gifts (platform, donor_id, amount, province_id, city_id, "
                "category, day, status, next_period, next_due_at, create_token, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?) "
                f"RETURNING {_MONTHLY_COLUMNS}",
                (gift.platform, gift.donor_id, gift.amount, gift.province_id, gift.city_id,
                 gift.category.value if gift.category else None, gift.day, gift.next_period,
                 gift.next_due_at, token, now, now),
            )  # fmt: skip
            return from_row(MonthlyGift, next(iter(rows))), True

    async def monthly_of_donor(self, platform: str, donor_id: int) -> MonthlyGift | None:
        """The donor's gift that is still standing (active or paused), if any."""
        rows = await self._fetchall(
            f"SELECT {_MONTHLY_COLUMNS} FROM monthly_gifts WHERE platform = ? AND donor_id = ? "
            "AND status != 'stopped'",
            (platform, donor_id),
        )
        return from_row(MonthlyGift, rows[0]) if rows else None

    async def change_monthly(
        self, gift_id: int, version: int, now: int, **changes: object
    ) -> MonthlyGift | None:
        """Change a standing gift as the donor saw it (`version`); None when it changed
        since (an older button) or was stopped. Values are column values."""
        _check_monthly_changes(changes)
        sets = "".join(f"{column} = :{column}, " for column in changes)
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                f"UPDATE monthly_gifts SET {sets}version = version + 1, updated_at = :now "
                "WHERE id = :id AND version = :version AND status != 'stopped' "
                f"RETURNING {_MONTHLY_COLUMNS}",
                {**changes, "now": now, "id": gift_id, "version": version},
            )
        return from_row(MonthlyGift, next(iter(rows))) if rows else None

    async def due_monthly(self, platform: str, now: int, limit: int = 100) -> list[MonthlyGift]:
        """Active gifts whose month has come, oldest due first."""
        rows = await self._fetchall(
            f"SELECT {_MONTHLY_COLUMNS} FROM monthly_gifts WHERE platform = ? "
            "AND status = 'active' AND next_due_at <= ? ORDER BY next_due_at, id LIMIT ?",
            (platform, now, limit),
        )
        return [from_row(MonthlyGift, row) for row in rows]

    async def close_month(
        self, claim: MonthlyClaim, outcome: str, now: int, *, version: int | None = None,
        notice: Notice | None = None,
    ) -> bool:  # fmt: skip
        """A month handled without a pledge (nothing needed money, or the donor skipped it),
        with the domain's `notice` to the donor; False when another run (or an older
        button) got there first."""
        try:
            async with self._transaction() as db:
                if version is not None:
                    current = await db.execute_fetchall(
                        "SELECT 1 FROM monthly_gifts WHERE id = ? AND version = ?",
                        (claim.gift_id, version),
                    )
                    if not current:
                        raise MonthlyClaimLost(claim.gift_id)
                await self._claim_month(db, claim, outcome, None, now)
                await self._queue_notices(db, [notice], now)
        except MonthlyClaimLost:
            return False
        return True

    @staticmethod
    async def _claim_month(
        db: aiosqlite.Connection, claim: MonthlyClaim, outcome: str, pledge_id: int | None,
        now: int,
    ) -> None:  # fmt: skip
        """Move the gift on to its next month, if this month is still the one to handle:
        the one conditional UPDATE that keeps two runs from giving twice."""
        claimed = await db.execute_fetchall(
            "UPDATE monthly_gifts SET next_period = ?, next_due_at = ?, version = version + 1, "
            "updated_at = ? WHERE id = ? AND next_period = ? AND status = 'active' RETURNING id",
            (claim.next_period, claim.next_due_at, now, claim.gift_id, claim.period),
        )
        if not claimed:
            raise MonthlyClaimLost(claim.gift_id)
        await db.execute(
            "INSERT INTO monthly_runs (gift_id, period, outcome, pledge_id, at) "
            "VALUES (?, ?, ?, ?, ?)",
            (claim.gift_id, claim.period, outcome, pledge_id, now),
        )

    async def monthly_statistics(self, platform: str, period: int) -> MonthlyStatistics:
        """Standing gifts by status, and what the gifts of `period` raised (paid so far)."""
        counts = await self._fetchall(
            "SELECT status, count(*) FROM monthly_gifts WHERE platform = ? GROUP BY 1",
            (platform,),
        )
        raised = await self._fetchall(
            "SELECT coalesce(sum(p.amount), 0), count(p.id) FROM monthly_runs r "
            "JOIN monthly_gifts g ON g.id = r.gift_id JOIN pledges p ON p.id = r.pledge_id "
            "WHERE g.platform = ? AND r.period = ? AND p.status IN ('paid', 'delivered')",
            (platform, period),
        )
        return _monthly_statistics(dict(counts), raised[0][0], raised[0][1])

    async def monthly_run(self, gift_id: int, period: int) -> tuple[str, int | None] | None:
        """What became of one month of a gift: (outcome, pledge id), or None if not yet."""
        rows = await self._fetchall(
            "SELECT outcome, pledge_id FROM monthly_runs WHERE gift_id = ? AND period = ?",
            (gift_id, period),
        )
        return (rows[0][0], rows[0][1]) if rows else None
