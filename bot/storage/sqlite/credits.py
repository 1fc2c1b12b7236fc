"""Credit: paid money with no need to go to, until the donor or the office places it."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

from bot import codes as public_codes
from bot.models import (
    Credit,
    CreditMove,
    CreditSource,
    Need,
    Pledge,
    PledgeStatus,
)
from bot.storage.money import CREDIT_COLUMNS, CreditFlows, ledger_words
from bot.storage.records import NO_NEWS, CreditNotice, DonorNotice, NeedNews, from_row
from bot.storage.sqlite.base import StoreBase
from bot.storage.sqlite.common import (
    _NEED_COLUMNS,
    _PLEDGE_COLUMNS,
    _listed,
)


class CreditsRepository(StoreBase, CreditFlows):
    """Credit: paid money with no need to go to, until the donor or the office places it."""

    # Every move of credit (opened, moved to a need, given to the office, decided by the
    # office, placed by staff) is one transaction with one audit row. Money placed on a need
    # becomes a paid pledge funded by the credit, taken by the same conditional UPDATE that
    # keeps pledges from over-committing a need.

    async def _open_credit(
        self, db: aiosqlite.Connection, *, platform: str, donor_id: int, amount: int,
        source: CreditSource, pledge: Pledge | None, payment_id: int | None, now: int,
    ) -> int:  # fmt: skip
        """A credit in the donor's name, inside the caller's transaction, audited."""
        rows = await db.execute_fetchall(
            "INSERT INTO credits (platform, donor_id, amount, unallocated, source, need_id, "
            "pledge_id, payment_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (platform, donor_id, amount, amount, source.value,
             pledge.need_id if pledge else None, pledge.id if pledge else None, payment_id,
             now),
        )  # fmt: skip
        credit_id = int(next(iter(rows))[0])
        await self._insert_audit(
            db, at=now, action="credit_opened", platform=platform, actor_id=None,
            subject_type="credit", subject_id=str(credit_id),
            details={"source": source.value, "amount": amount,
                     "pledge": pledge.reference if pledge else None},
        )  # fmt: skip
        return credit_id

    async def _credit_paid_pledges(
        self, db: aiosqlite.Connection, pledges: Sequence[Pledge], tell: DonorNotice | None,
        now: int,
    ) -> None:  # fmt: skip
        """Paid money pledges of a need that ended without them (closed): each one's money
        leaves the need and becomes its donor's credit, and the donor is asked where it
        goes. The pledge is cancelled but keeps its `paid_at`: it was paid."""
        for pledge in pledges:
            await db.execute(
                "UPDATE pledges SET status = ? WHERE id = ?",
                (PledgeStatus.CANCELLED.value, pledge.id),
            )
            await db.execute(
                "UPDATE needs SET paid = paid - ?, updated_at = ? WHERE id = ?",
                (pledge.amount, now, pledge.need_id),
            )
            credit_id = await self._open_credit(
                db, platform=pledge.platform, donor_id=pledge.donor_id, amount=pledge.amount,
                source=CreditSource.NEED_CLOSED, pledge=pledge, payment_id=None, now=now,
            )  # fmt: skip
            await self._tell_donors(db, [pledge], tell, now, credit_id=credit_id)

    async def _paid_money_pledges(self, db: aiosqlite.Connection, need_id: int) -> list[Pledge]:
        rows = await db.execute_fetchall(
            f"SELECT {', '.join('p.' + c for c in _PLEDGE_COLUMNS.split(', '))} "
            "FROM pledges p JOIN needs n ON n.id = p.need_id "
            "WHERE p.need_id = ? AND p.status = ? AND n.kind = 'money'",
            (need_id, PledgeStatus.PAID.value),
        )
        return [from_row(Pledge, row) for row in rows]

    async def credit(self, credit_id: int) -> Credit | None:
        rows = await self._fetchall(
            f"SELECT {CREDIT_COLUMNS} FROM credits WHERE id = ?", (credit_id,)
        )
        return from_row(Credit, rows[0]) if rows else None

    async def credits_of_donor(self, platform: str, donor_id: int) -> list[Credit]:
        """The donor's credits still waiting for their choice, oldest first."""
        rows = await self._fetchall(
            f"SELECT {CREDIT_COLUMNS} FROM credits WHERE platform = ? AND donor_id = ? "
            "AND unallocated > 0 ORDER BY id",
            (platform, donor_id),
        )
        return [from_row(Credit, row) for row in rows]

    async def similar_needs(
        self, need: Need, *, same_city: bool, limit: int, exclude: int | None = None
    ) -> list[Need]:
        """Open money needs with room, of `need`'s category, in its city (or province),
        most urgent first as browsing orders them: where its donor's credit could go."""
        place = "city_id = :place" if same_city else "province_id = :place"
        rows = await self._fetchall(
            f"SELECT {_NEED_COLUMNS} FROM needs WHERE status = 'open' AND kind = 'money' "
            f"AND category = :category AND {place} AND reserved + paid < target "
            "AND id != :exclude ORDER BY urgent DESC, deadline IS NULL, deadline, created_at, "
            "id LIMIT :limit",
            {"place": need.city_id if same_city else need.province_id,
             "category": need.category.value, "exclude": exclude or need.id, "limit": limit},
        )  # fmt: skip
        return [from_row(Need, row) for row in rows]

    async def move_credit(
        self, credit_id: int, need_id: int | None, now: int, *, by: str,
        platform: str | None = None, donor_id: int | None = None, office_rest: bool = False,
        tell: CreditNotice | None = None, due_before: int | None = None,
        news: NeedNews = NO_NEWS,
    ) -> CreditMove | None:  # fmt: skip
        """Place a credit's unallocated money, in one transaction with one audit row.

        As much as the need (`need_id`, when given) can take goes to it as a paid pledge;
        with `office_rest` what is left goes to the office. `platform`/`donor_id` make it
        the donor's own act (someone else's credit is None); `due_before` makes it the
        office's decision on a credit created before then (one not yet due is None), with
        the donor told as the domain's rule `tell` says. None also when nothing is
        unallocated any more: each credit is decided once, however often a button is
        pressed or the clock ticks.
        """
        async with self._transaction() as db:
            return await self._move_credit_in(
                db, credit_id, need_id, now, by=by, platform=platform, donor_id=donor_id,
                office_rest=office_rest, tell=tell, due_before=due_before, news=news,
            )  # fmt: skip

    @staticmethod
    async def _undecided_credit(db: aiosqlite.Connection, credit_id: int) -> Credit | None:
        rows = await db.execute_fetchall(
            f"SELECT {CREDIT_COLUMNS} FROM credits WHERE id = ? AND unallocated > 0",
            (credit_id,),
        )
        return from_row(Credit, next(iter(rows))) if rows else None

    @staticmethod
    async def _spend_credit(
        db: aiosqlite.Connection, credit_id: int, amount: int, to_office: int, now: int, by: str
    ) -> Credit:
        """`amount` leaves the credit's unallocated money, `to_office` of it to the office."""
        rows = await db.execute_fetchall(
            "UPDATE credits SET unallocated = unallocated - ?, office = office + ?, "
            f"decided_at = ?, decided_by = ? WHERE id = ? RETURNING {CREDIT_COLUMNS}",
            (amount, to_office, now, by, credit_id),
        )
        return from_row(Credit, next(iter(rows)))

    @staticmethod
    async def _room_in_need(db: aiosqlite.Connection, need_id: int, most: int) -> int:
        """How much of `most` an open money need has room for (0: none)."""
        rows = await db.execute_fetchall(
            "SELECT min(:most, target - reserved - paid) FROM needs WHERE id = :need "
            "AND status = 'open' AND kind = 'money' AND reserved + paid < target",
            {"most": most, "need": need_id},
        )
        return int(next(iter(rows))[0] or 0) if rows else 0

    @staticmethod
    async def _insert_credit_pledge(
        db: aiosqlite.Connection, credit: Credit, need_id: int, amount: int, now: int
    ) -> Pledge:
        """A paid pledge in the credit's donor's name, funded by the credit."""
        reference = public_codes.new_pledge_reference()
        while await db.execute_fetchall("SELECT 1 FROM pledges WHERE reference = ?", (reference,)):
            reference = public_codes.new_pledge_reference()
        rows = await db.execute_fetchall(
            "INSERT INTO pledges (reference, need_id, platform, donor_id, amount, status, "
            "confirm_token, created_at, paid_at, bank_reference, funded_by_credit) "
            f"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING {_PLEDGE_COLUMNS}",
            (reference, need_id, credit.platform, credit.donor_id, amount,
             PledgeStatus.PAID.value, public_codes.new_confirm_token(), now, now,
             f"credit-{credit.id}", credit.id),
        )  # fmt: skip
        return from_row(Pledge, next(iter(rows)))

    @staticmethod
    async def _need_in(db: aiosqlite.Connection, need_id: int) -> Need | None:
        rows = await db.execute_fetchall(
            f"SELECT {_NEED_COLUMNS} FROM needs WHERE id = ?", (need_id,)
        )
        return from_row(Need, next(iter(rows))) if rows else None

    async def due_credits(self, platform: str, created_before: int, limit: int) -> list[Credit]:
        """Credits still undecided that were opened before `created_before`: the office's
        to decide now (the due time is created_at + REDIRECT_DECISION_DAYS)."""
        rows = await self._fetchall(
            f"SELECT {CREDIT_COLUMNS} FROM credits WHERE unallocated > 0 "
            "AND created_at <= ? AND platform = ? ORDER BY created_at, id LIMIT ?",
            (created_before, platform, limit),
        )
        return [from_row(Credit, row) for row in rows]

    async def office_share(self) -> int:
        rows = await self._fetchall("SELECT coalesce(sum(office), 0) FROM credits")
        return int(rows[0][0])

    async def place_office_share(
        self, need_id: int, now: int, *, platform: str, actor_id: int, token: str | None = None,
        news: NeedNews = NO_NEWS,
    ) -> tuple[Need, int] | None:  # fmt: skip
        """Staff place the office's share on a need, oldest credits first, as much as the
        need has room for, spending the confirmation `token`; one audit row with the staff
        member as actor. Returns (the need after, amount placed), or None when nothing was
        placed (no share, no room, the token spent)."""
        placed: tuple[Need, int] | None = None
        async with self._confirmed(token, now) as db:
            if db is None:  # the confirmation was spent
                return None
            placed = await self._place_office_share_in(db, need_id, now, platform, actor_id, news)
        return placed

    @staticmethod
    async def _office_credits(db: aiosqlite.Connection) -> list[Credit]:
        rows = await db.execute_fetchall(
            f"SELECT {CREDIT_COLUMNS} FROM credits WHERE office > 0 ORDER BY id"
        )
        return [from_row(Credit, row) for row in rows]

    @staticmethod
    async def _take_office_share(db: aiosqlite.Connection, credit_id: int, amount: int) -> None:
        await db.execute("UPDATE credits SET office = office - ? WHERE id = ?", (amount, credit_id))

    async def credit_totals(self) -> tuple[int, int]:
        """(unallocated, office share) over every credit: for /stats."""
        rows = await self._fetchall(
            "SELECT coalesce(sum(unallocated), 0), coalesce(sum(office), 0) FROM credits"
        )
        return int(rows[0][0]), int(rows[0][1])

    async def ledger_problems(self) -> list[str]:
        """Every way the money does not add up, in words (empty when all is well).

        For each donor: what they paid (in the chat, or confirmed by staff) equals what is
        allocated (their paid pledges) plus their unallocated credit plus what they gave the
        office. For each credit: its amount is what is unallocated, the office's and what
        it funded. For each need: nothing over its target, and `paid` is its pledges'.
        """
        async with self._connection() as db:
            donors = await db.execute_fetchall(
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
                " r AS (SELECT platform, donor_id, sum(amount) AS s FROM received GROUP BY 1, 2),"
                " h AS (SELECT platform, donor_id, sum(amount) AS s FROM homes GROUP BY 1, 2) "
                "SELECT r.platform, r.donor_id, r.s, coalesce(h.s, 0) FROM r LEFT JOIN h "
                "USING (platform, donor_id) WHERE r.s != coalesce(h.s, 0) "
                "UNION ALL SELECT h.platform, h.donor_id, 0, h.s FROM h WHERE NOT EXISTS "
                "(SELECT 1 FROM r WHERE r.platform = h.platform AND r.donor_id = h.donor_id)"
            )
            credits = await db.execute_fetchall(
                "SELECT c.id, c.amount, c.unallocated + c.office + coalesce(sum(p.amount), 0) "
                "FROM credits c LEFT JOIN pledges p ON p.funded_by_credit = c.id "
                "GROUP BY c.id HAVING c.amount != c.unallocated + c.office "
                "+ coalesce(sum(p.amount), 0)"
            )
            needs = await db.execute_fetchall(
                "SELECT n.code, n.target, n.reserved, n.paid, (SELECT coalesce(sum(amount), 0) "
                "FROM pledges WHERE need_id = n.id AND status IN ('paid', 'delivered')) AS s "
                "FROM needs n WHERE n.reserved + n.paid > n.target OR n.paid != s"
            )
        return ledger_words(_listed(donors), _listed(credits), _listed(needs))
