"""Monthly kindness on PostgreSQL: standing gifts, and claiming each month once.

A month is claimed by the conditional UPDATE of `_claim_month` (postgres/shared.py), which
PostgreSQL re-checks against the newest row: of two workers handling one gift's month, one
moves it on and the other's transaction rolls back whole. Where SQLite's single writer made
"check, then act" atomic, the row is locked first (`FOR UPDATE`).
"""

from __future__ import annotations

from bot.models import MonthlyClaim, MonthlyGift
from bot.storage.postgres.base import Connection
from bot.storage.postgres.shared import PgSharedWrites
from bot.storage.records import MonthlyClaimLost, MonthlyStatistics, Notice, from_row
from bot.storage.sqlite.common import (
    _MONTHLY_COLUMNS,
    _check_monthly_changes,
    _monthly_statistics,
)

_GIFT_OF_TOKEN_OR_DONOR = (
    f"SELECT {_MONTHLY_COLUMNS} FROM monthly_gifts WHERE create_token = $1 "
    "OR (platform = $2 AND donor_id = $3 AND status != 'stopped') "
    "ORDER BY create_token = $1 DESC LIMIT 1"
)


class PgMonthlyRepository(PgSharedWrites):
    """Monthly kindness: standing gifts, and claiming each month once."""

    async def create_monthly(
        self, gift: MonthlyGift, token: str, now: int
    ) -> tuple[MonthlyGift, bool]:
        """Start a donor's monthly gift; returns (the gift, whether it is new).

        The confirm button's `token` makes a double press start one gift; a donor who
        already has one (active or paused) gets theirs back, unchanged. Two presses at once
        meet at the token's (or the one-gift-per-donor) unique index: the second insert
        waits for the first to commit and inserts nothing, then reads the first's gift.
        """

        async def create(db: Connection) -> tuple[MonthlyGift, bool]:
            row = await db.fetchrow(_GIFT_OF_TOKEN_OR_DONOR, token, gift.platform, gift.donor_id)
            if row is not None:
                return from_row(MonthlyGift, row), False
            row = await db.fetchrow(
                "INSERT INTO monthly_gifts (platform, donor_id, amount, province_id, city_id, "
                "category, day, status, next_period, next_due_at, create_token, created_at, "
                "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9, $10, $11, "
                f"$11) ON CONFLICT DO NOTHING RETURNING {_MONTHLY_COLUMNS}",
                gift.platform, gift.donor_id, gift.amount, gift.province_id, gift.city_id,
                gift.category.value if gift.category else None, gift.day, gift.next_period,
                gift.next_due_at, token, now,
            )  # fmt: skip
            if row is not None:
                return from_row(MonthlyGift, row), True
            row = await db.fetchrow(_GIFT_OF_TOKEN_OR_DONOR, token, gift.platform, gift.donor_id)
            return from_row(MonthlyGift, row), False

        return await self._run(create)

    async def monthly_of_donor(self, platform: str, donor_id: int) -> MonthlyGift | None:
        """The donor's gift that is still standing (active or paused), if any."""
        row = await self._fetchrow(
            f"SELECT {_MONTHLY_COLUMNS} FROM monthly_gifts WHERE platform = $1 "
            "AND donor_id = $2 AND status != 'stopped'",
            platform,
            donor_id,
        )
        return from_row(MonthlyGift, row) if row else None

    async def change_monthly(
        self, gift_id: int, version: int, now: int, **changes: object
    ) -> MonthlyGift | None:
        """Change a standing gift as the donor saw it (`version`); None when it changed
        since (an older button) or was stopped. Values are column values."""
        _check_monthly_changes(changes)
        sets = "".join(f"{column} = ${n}, " for n, column in enumerate(changes, start=4))
        row = await self._fetchrow(
            f"UPDATE monthly_gifts SET {sets}version = version + 1, updated_at = $1 "
            "WHERE id = $2 AND version = $3 AND status != 'stopped' "
            f"RETURNING {_MONTHLY_COLUMNS}",
            now, gift_id, version, *changes.values(),
        )  # fmt: skip
        return from_row(MonthlyGift, row) if row else None

    async def due_monthly(self, platform: str, now: int, limit: int = 100) -> list[MonthlyGift]:
        """Active gifts whose month has come, oldest due first."""
        rows = await self._fetchall(
            f"SELECT {_MONTHLY_COLUMNS} FROM monthly_gifts WHERE platform = $1 "
            "AND status = 'active' AND next_due_at <= $2 ORDER BY next_due_at, id LIMIT $3",
            (platform, now, limit),
        )
        return [from_row(MonthlyGift, row) for row in rows]

    async def close_month(
        self, claim: MonthlyClaim, outcome: str, now: int, *, version: int | None = None,
        notice: Notice | None = None,
    ) -> bool:  # fmt: skip
        """A month handled without a pledge (nothing needed money, or the donor skipped it),
        with the domain's `notice` to the donor; False when another run (or an older
        button) got there first.

        With `version` (a donor's button), the gift's row is locked while its version is
        checked, so no change slips in between the check and the claim."""

        async def close(db: Connection) -> None:
            if version is not None:
                current = await db.fetchrow(
                    "SELECT 1 FROM monthly_gifts WHERE id = $1 AND version = $2 FOR UPDATE",
                    claim.gift_id,
                    version,
                )
                if current is None:
                    raise MonthlyClaimLost(claim.gift_id)
            await self._claim_month(db, claim, outcome, None, now)
            await self._queue_notices(db, [notice], now)

        try:
            await self._run(close)
        except MonthlyClaimLost:
            return False
        return True

    async def monthly_statistics(self, platform: str, period: int) -> MonthlyStatistics:
        """Standing gifts by status, and what the gifts of `period` raised (paid so far)."""
        counts = await self._fetchall(
            "SELECT status, count(*) FROM monthly_gifts WHERE platform = $1 GROUP BY 1",
            (platform,),
        )
        raised, paid_gifts = await self._fetchrow(
            "SELECT coalesce(sum(p.amount), 0)::bigint, count(p.id) FROM monthly_runs r "
            "JOIN monthly_gifts g ON g.id = r.gift_id JOIN pledges p ON p.id = r.pledge_id "
            "WHERE g.platform = $1 AND r.period = $2 AND p.status IN ('paid', 'delivered')",
            platform,
            period,
        )
        return _monthly_statistics(
            {status: int(count) for status, count in counts}, raised, paid_gifts
        )

    async def monthly_run(self, gift_id: int, period: int) -> tuple[str, int | None] | None:
        """What became of one month of a gift: (outcome, pledge id), or None if not yet."""
        row = await self._fetchrow(
            "SELECT outcome, pledge_id FROM monthly_runs WHERE gift_id = $1 AND period = $2",
            gift_id,
            period,
        )
        return (row[0], row[1]) if row else None
