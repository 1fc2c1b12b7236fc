"""Credit on PostgreSQL: paid money with no need to go to, until the donor or the office
places it (see the SQLite twin, bot/storage/sqlite/credits.py, for the rules)."""

from __future__ import annotations

from bot import codes as public_codes
from bot.models import Credit, CreditMove, Need, Pledge, PledgeStatus
from bot.storage.money import CREDIT_COLUMNS, CreditFlows, ledger_words
from bot.storage.postgres.base import Connection
from bot.storage.postgres.shared import PgSharedWrites
from bot.storage.records import NO_NEWS, CreditNotice, NeedNews, from_row
from bot.storage.sqlite.common import (
    _NEED_COLUMNS,
    _PLEDGE_COLUMNS,
)


class PgCreditsRepository(PgSharedWrites, CreditFlows):
    """Credit: paid money with no need to go to, until the donor or the office places it.

    Every move is one transaction that first locks the needs version row (`writes_needs`:
    it may fund a need) and then the credit rows it spends (FOR UPDATE): two presses, a
    press and the clock, or two workers deciding one credit run one after the other, and
    the second sees what the first left. The CHECKs of 0020 (unallocated and office never
    below zero) would refuse an over-spend even so."""

    async def credit(self, credit_id: int) -> Credit | None:
        row = await self._fetchrow(f"SELECT {CREDIT_COLUMNS} FROM credits WHERE id = $1", credit_id)
        return from_row(Credit, row) if row else None

    async def credits_of_donor(self, platform: str, donor_id: int) -> list[Credit]:
        """The donor's credits still waiting for their choice, oldest first."""
        rows = await self._fetchall(
            f"SELECT {CREDIT_COLUMNS} FROM credits WHERE platform = $1 AND donor_id = $2 "
            "AND unallocated > 0 ORDER BY id",
            (platform, donor_id),
        )
        return [from_row(Credit, row) for row in rows]

    async def similar_needs(
        self, need: Need, *, same_city: bool, limit: int, exclude: int | None = None
    ) -> list[Need]:
        """Open money needs with room, of `need`'s category, in its city (or province), in
        browse order (`deadline` is ISO text: `COLLATE "C"` orders it as SQLite does)."""
        place = "city_id" if same_city else "province_id"
        rows = await self._fetchall(
            f"SELECT {_NEED_COLUMNS} FROM needs WHERE status = 'open' AND kind = 'money' "
            f"AND category = $1 AND {place} = $2 AND reserved + paid < target AND id != $3 "
            'ORDER BY urgent DESC, deadline COLLATE "C" NULLS LAST, created_at, id LIMIT $4',
            (need.category.value, need.city_id if same_city else need.province_id,
             exclude or need.id, limit),
        )  # fmt: skip
        return [from_row(Need, row) for row in rows]

    async def move_credit(
        self, credit_id: int, need_id: int | None, now: int, *, by: str,
        platform: str | None = None, donor_id: int | None = None, office_rest: bool = False,
        tell: CreditNotice | None = None, due_before: int | None = None,
        news: NeedNews = NO_NEWS,
    ) -> CreditMove | None:  # fmt: skip
        """Place a credit's unallocated money, in one transaction with one audit row
        (`CreditFlows._move_credit_in`, the same steps as SQLite)."""

        async def move(db: Connection) -> CreditMove | None:
            return await self._move_credit_in(
                db, credit_id, need_id, now, by=by, platform=platform, donor_id=donor_id,
                office_rest=office_rest, tell=tell, due_before=due_before, news=news,
            )  # fmt: skip

        return await self._run(move, writes_needs=True)

    @staticmethod
    async def _undecided_credit(db: Connection, credit_id: int) -> Credit | None:
        """The credit, locked until the commit, if it still has money to place."""
        row = await db.fetchrow(
            f"SELECT {CREDIT_COLUMNS} FROM credits WHERE id = $1 AND unallocated > 0 FOR UPDATE",
            credit_id,
        )
        return from_row(Credit, row) if row else None

    @staticmethod
    async def _spend_credit(
        db: Connection, credit_id: int, amount: int, to_office: int, now: int, by: str
    ) -> Credit:
        """`amount` leaves the credit's unallocated money, `to_office` of it to the office."""
        row = await db.fetchrow(
            "UPDATE credits SET unallocated = unallocated - $1, office = office + $2, "
            f"decided_at = $3, decided_by = $4 WHERE id = $5 RETURNING {CREDIT_COLUMNS}",
            amount, to_office, now, by, credit_id,
        )  # fmt: skip
        return from_row(Credit, row)

    @staticmethod
    async def _room_in_need(db: Connection, need_id: int, most: int) -> int:
        """How much of `most` an open money need has room for (0: none)."""
        room = await db.fetchval(
            "SELECT LEAST($1, target - reserved - paid) FROM needs WHERE id = $2 "
            "AND status = 'open' AND kind = 'money' AND reserved + paid < target",
            most,
            need_id,
        )
        return int(room or 0)

    @staticmethod
    async def _insert_credit_pledge(
        db: Connection, credit: Credit, need_id: int, amount: int, now: int
    ) -> Pledge:
        """A paid pledge in the credit's donor's name, funded by the credit."""
        reference = public_codes.new_pledge_reference()
        while await db.fetchval("SELECT 1 FROM pledges WHERE reference = $1", reference):
            reference = public_codes.new_pledge_reference()
        row = await db.fetchrow(
            "INSERT INTO pledges (reference, need_id, platform, donor_id, amount, status, "
            "confirm_token, created_at, paid_at, bank_reference, funded_by_credit) "
            f"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10) RETURNING {_PLEDGE_COLUMNS}",
            reference, need_id, credit.platform, credit.donor_id, amount,
            PledgeStatus.PAID.value, public_codes.new_confirm_token(), now,
            f"credit-{credit.id}", credit.id,
        )  # fmt: skip
        return from_row(Pledge, row)

    @staticmethod
    async def _need_in(db: Connection, need_id: int) -> Need | None:
        row = await db.fetchrow(f"SELECT {_NEED_COLUMNS} FROM needs WHERE id = $1", need_id)
        return from_row(Need, row) if row else None

    async def due_credits(self, platform: str, created_before: int, limit: int) -> list[Credit]:
        """Credits still undecided that were opened before `created_before`: the office's
        to decide now (the due time is created_at + REDIRECT_DECISION_DAYS)."""
        rows = await self._fetchall(
            f"SELECT {CREDIT_COLUMNS} FROM credits WHERE unallocated > 0 "
            "AND created_at <= $1 AND platform = $2 ORDER BY created_at, id LIMIT $3",
            (created_before, platform, limit),
        )
        return [from_row(Credit, row) for row in rows]

    async def office_share(self) -> int:
        return int(await self.pool.fetchval("SELECT coalesce(sum(office), 0) FROM credits"))

    async def place_office_share(
        self, need_id: int, now: int, *, platform: str, actor_id: int, token: str | None = None,
        news: NeedNews = NO_NEWS,
    ) -> tuple[Need, int] | None:  # fmt: skip
        """Staff place the office's share on a need, oldest credits first, spending the
        confirmation `token` (`_run_confirmed`, which locks the needs version row first);
        None when nothing was placed (no share, no room, the token spent)."""

        async def place(db: Connection) -> tuple[Need, int]:
            return await self._place_office_share_in(db, need_id, now, platform, actor_id, news)

        return await self._run_confirmed(token, now, place)

    @staticmethod
    async def _office_credits(db: Connection) -> list[Credit]:
        """The credits holding office money, oldest first, locked until the commit."""
        rows = await db.fetch(
            f"SELECT {CREDIT_COLUMNS} FROM credits WHERE office > 0 ORDER BY id FOR UPDATE"
        )
        return [from_row(Credit, row) for row in rows]

    @staticmethod
    async def _take_office_share(db: Connection, credit_id: int, amount: int) -> None:
        await db.execute("UPDATE credits SET office = office - $1 WHERE id = $2", amount, credit_id)

    async def credit_totals(self) -> tuple[int, int]:
        """(unallocated, office share) over every credit: for /stats."""
        row = await self._fetchrow(
            "SELECT coalesce(sum(unallocated), 0), coalesce(sum(office), 0) FROM credits"
        )
        return int(row[0]), int(row[1])

    async def ledger_problems(self) -> list[str]:
        """Every way the money does not add up, in words (see the SQLite twin). One
        REPEATABLE READ snapshot, so the three checks see the same moment while payments
        keep committing; sums cast back to integers (PostgreSQL sums BIGINT as NUMERIC)."""
        unit = self._unit()
        if unit is not None:  # inside a unit of work: what it sees, uncommitted rows too
            return await self._ledger_problems_in(unit)
        assert self._pool is not None
        async with (
            self._pool.acquire() as db,
            db.transaction(isolation="repeatable_read", readonly=True),
        ):
            return await self._ledger_problems_in(db)

    @staticmethod
    async def _ledger_problems_in(db: Connection) -> list[str]:
        donors = await db.fetch(
            "WITH received AS ("
            " SELECT platform, donor_id, amount FROM payments"
            " UNION ALL SELECT p.platform, p.donor_id, p.amount FROM pledges p"
            "  JOIN needs n ON n.id = p.need_id WHERE n.kind = 'money'"
            "  AND p.paid_at IS NOT NULL AND p.funded_by_credit IS NULL"
            "  AND NOT EXISTS (SELECT 1 FROM payments y WHERE y.pledge_id = p.id"
            "   AND y.allocated > 0)),"
            " homes AS ("
            " SELECT p.platform, p.donor_id, p.amount FROM pledges p JOIN needs n"
            "  ON n.id = p.need_id WHERE n.kind = 'money' AND p.status IN ('paid', 'delivered')"
            " UNION ALL SELECT platform, donor_id, unallocated + office FROM credits),"
            " r AS (SELECT platform, donor_id, sum(amount)::bigint AS s FROM received"
            "  GROUP BY 1, 2),"
            " h AS (SELECT platform, donor_id, sum(amount)::bigint AS s FROM homes"
            "  GROUP BY 1, 2) "
            "SELECT r.platform, r.donor_id, r.s, coalesce(h.s, 0) FROM r LEFT JOIN h "
            "USING (platform, donor_id) WHERE r.s != coalesce(h.s, 0) "
            "UNION ALL SELECT h.platform, h.donor_id, 0, h.s FROM h WHERE NOT EXISTS "
            "(SELECT 1 FROM r WHERE r.platform = h.platform AND r.donor_id = h.donor_id)"
        )
        credits = await db.fetch(
            "SELECT c.id, c.amount, (c.unallocated + c.office "
            "+ coalesce(sum(p.amount), 0))::bigint "
            "FROM credits c LEFT JOIN pledges p ON p.funded_by_credit = c.id "
            "GROUP BY c.id HAVING c.amount != c.unallocated + c.office "
            "+ coalesce(sum(p.amount), 0)"
        )
        needs = await db.fetch(
            "SELECT code, target, reserved, paid, s FROM (SELECT n.code, n.target, "
            "n.reserved, n.paid, (SELECT coalesce(sum(amount), 0)::bigint FROM pledges "
            "WHERE need_id = n.id AND status IN ('paid', 'delivered')) AS s "
            "FROM needs n) t WHERE reserved + paid > target OR paid != s"
        )
        return ledger_words(donors, credits, needs)
