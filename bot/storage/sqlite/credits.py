"""Credit: paid money with no need to go to, until the donor or the office places it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import aiosqlite

from bot import codes as public_codes
from bot.models import (
    Credit,
    CreditMove,
    CreditSource,
    Need,
    NeedStatus,
    Pledge,
    PledgeStatus,
)
from bot.storage.sqlite.base import StoreBase
from bot.storage.sqlite.common import (
    _NEED_COLUMNS,
    _PLEDGE_COLUMNS,
    _need_from_row,
    _NothingDone,
    _pledge_from_row,
)


class CreditsRepository(StoreBase):
    """Credit: paid money with no need to go to, until the donor or the office places it."""

    # Every move of credit (opened, moved to a need, given to the office, decided by the
    # office, placed by staff) is one transaction with one audit row. Money placed on a need
    # becomes a paid pledge funded by the credit, taken by the same conditional UPDATE that
    # keeps pledges from over-committing a need.

    _CREDIT_COLUMNS = (
        "id, platform, donor_id, amount, unallocated, office, source, need_id, pledge_id, "
        "created_at, decided_at, decided_by"
    )

    @staticmethod
    def _credit_from_row(row: Sequence[Any]) -> Credit:
        values = list(row)
        values[6] = CreditSource(values[6])
        return Credit(*values)

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
        self, db: aiosqlite.Connection, pledges: Sequence[Pledge], notice: str, now: int
    ) -> None:
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
            await self._queue_pledge_notices(db, [pledge], notice, now, {"credit": credit_id})

    async def _paid_money_pledges(self, db: aiosqlite.Connection, need_id: int) -> list[Pledge]:
        rows = await db.execute_fetchall(
            f"SELECT {', '.join('p.' + c for c in _PLEDGE_COLUMNS.split(', '))} "
            "FROM pledges p JOIN needs n ON n.id = p.need_id "
            "WHERE p.need_id = ? AND p.status = ? AND n.kind = 'money'",
            (need_id, PledgeStatus.PAID.value),
        )
        return [_pledge_from_row(row) for row in rows]

    async def credit(self, credit_id: int) -> Credit | None:
        rows = await self._fetchall(
            f"SELECT {self._CREDIT_COLUMNS} FROM credits WHERE id = ?", (credit_id,)
        )
        return self._credit_from_row(rows[0]) if rows else None

    async def credits_of_donor(self, platform: str, donor_id: int) -> list[Credit]:
        """The donor's credits still waiting for their choice, oldest first."""
        rows = await self._fetchall(
            f"SELECT {self._CREDIT_COLUMNS} FROM credits WHERE platform = ? AND donor_id = ? "
            "AND unallocated > 0 ORDER BY id",
            (platform, donor_id),
        )
        return [self._credit_from_row(row) for row in rows]

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
            {"place": need.city_id if same_city else need.province_id,  # type: ignore[dict-item]
             "category": need.category.value, "exclude": exclude or need.id, "limit": limit},
        )  # fmt: skip
        return [_need_from_row(row) for row in rows]

    async def move_credit(
        self, credit_id: int, need_id: int | None, now: int, *, by: str,
        platform: str | None = None, donor_id: int | None = None, office_rest: bool = False,
        notice: str | None = None, due_before: int | None = None,
    ) -> CreditMove | None:  # fmt: skip
        """Place a credit's unallocated money, in one transaction with one audit row.

        As much as the need (`need_id`, when given) can take goes to it as a paid pledge;
        with `office_rest` what is left goes to the office. `platform`/`donor_id` make it
        the donor's own act (someone else's credit is None); `due_before` makes it the
        office's decision on a credit created before then (one not yet due is None), with
        the donor told by `notice`. None also when nothing is unallocated any more: each
        credit is decided once, however often a button is pressed or the clock ticks.
        """
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                f"SELECT {self._CREDIT_COLUMNS} FROM credits WHERE id = ? AND unallocated > 0",
                (credit_id,),
            )
            if not rows:
                return None
            credit = self._credit_from_row(next(iter(rows)))
            if donor_id is not None and (credit.platform, credit.donor_id) != (platform, donor_id):
                return None
            if due_before is not None and credit.created_at > due_before:
                return None
            moved, need, pledge = 0, None, None
            if need_id is not None:
                need, pledge = await self._fund_from_credit(db, credit, credit.unallocated,
                                                            need_id, now)  # fmt: skip
                moved = pledge.amount if pledge else 0
            to_office = credit.unallocated - moved if office_rest else 0
            if not moved and not to_office:
                return CreditMove(credit, need=need)  # the need was full: nothing changed
            rows = await db.execute_fetchall(
                "UPDATE credits SET unallocated = unallocated - ?, office = office + ?, "
                "decided_at = ?, decided_by = ? WHERE id = ? "
                f"RETURNING {self._CREDIT_COLUMNS}",
                (moved + to_office, to_office, now, by, credit.id),
            )
            done = CreditMove(self._credit_from_row(next(iter(rows))), moved, to_office,
                              need, pledge)  # fmt: skip
            await self._insert_audit(
                db, at=now, action="credit_decided" if due_before else "credit_moved",
                platform=credit.platform, actor_id=None,  # never a donor's id: see /forget
                subject_type="credit", subject_id=str(credit.id),
                details={"by": by, "need": need.code if need and moved else None,
                         "pledge": pledge.reference if pledge else None, "moved": moved,
                         "office": to_office, "left": done.credit.unallocated},
            )  # fmt: skip
            if notice:
                await db.execute(
                    "INSERT OR IGNORE INTO outbox (platform, user_id, message_id, args, due_at, "
                    "created_at, dedupe_key) SELECT ?, ?, ?, ?, ?, ?, ? WHERE ? > 0",
                    (credit.platform, credit.donor_id, notice,
                     json.dumps({"credit": credit.id, "amount": moved, "office": to_office,
                                 "code": need.code if need and moved else None}),
                     now, now, f"{notice}:{credit.id}", credit.donor_id),
                )  # fmt: skip
            return done

    async def _fund_from_credit(
        self, db: aiosqlite.Connection, credit: Credit, most: int, need_id: int, now: int
    ) -> tuple[Need | None, Pledge | None]:
        """Up to `most` of a credit goes to an open money need, as much as it has room for
        (one conditional UPDATE, as pledging): a new paid pledge in the credit's donor's
        name, and the household's news if the need is now funded."""
        rows = await db.execute_fetchall(
            "SELECT min(:most, target - reserved - paid) FROM needs WHERE id = :need "
            "AND status = 'open' AND kind = 'money' AND reserved + paid < target",
            {"most": most, "need": need_id},
        )
        amount = int(next(iter(rows))[0] or 0) if rows else 0
        if amount <= 0:
            return await self._need_in(db, need_id), None
        need = await self._pay_into_need(db, need_id, amount, now)
        if need is None:  # cannot happen inside this transaction; never over-commit anyway
            return await self._need_in(db, need_id), None
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
        if need.status is NeedStatus.FUNDED:
            await self._queue_household_news(db, [need.id], "aid-news-funded", now)
        return need, _pledge_from_row(next(iter(rows)))

    @staticmethod
    async def _need_in(db: aiosqlite.Connection, need_id: int) -> Need | None:
        rows = await db.execute_fetchall(
            f"SELECT {_NEED_COLUMNS} FROM needs WHERE id = ?", (need_id,)
        )
        return _need_from_row(next(iter(rows))) if rows else None

    async def due_credits(self, platform: str, created_before: int, limit: int) -> list[Credit]:
        """Credits still undecided that were opened before `created_before`: the office's
        to decide now (the due time is created_at + REDIRECT_DECISION_DAYS)."""
        rows = await self._fetchall(
            f"SELECT {self._CREDIT_COLUMNS} FROM credits WHERE unallocated > 0 "
            "AND created_at <= ? AND platform = ? ORDER BY created_at, id LIMIT ?",
            (created_before, platform, limit),
        )
        return [self._credit_from_row(row) for row in rows]

    async def office_share(self) -> int:
        rows = await self._fetchall("SELECT coalesce(sum(office), 0) FROM credits")
        return int(rows[0][0])

    async def place_office_share(
        self, need_id: int, now: int, *, platform: str, actor_id: int, token: str | None = None
    ) -> tuple[Need, int] | None:
        """Staff place the office's share on a need, oldest credits first, as much as the
        need has room for, spending the confirmation `token`; one audit row with the staff
        member as actor. Returns (the need after, amount placed), or None when nothing was
        placed (no share, no room, the token spent)."""
        placed: tuple[Need, int] | None = None
        async with self._confirmed(token, now) as db:
            if db is None:  # the confirmation was spent
                return None
            rows = await db.execute_fetchall(
                f"SELECT {self._CREDIT_COLUMNS} FROM credits WHERE office > 0 ORDER BY id"
            )
            total, need, pledges = 0, None, []
            for row in rows:
                credit = self._credit_from_row(row)
                need, pledge = await self._fund_from_credit(db, credit, credit.office,
                                                            need_id, now)  # fmt: skip
                if pledge is None:
                    break
                await db.execute(
                    "UPDATE credits SET office = office - ? WHERE id = ?",
                    (pledge.amount, credit.id),
                )
                total += pledge.amount
                pledges.append(pledge.reference)
            if not total or need is None:
                raise _NothingDone
            await self._insert_audit(
                db, at=now, action="office_share_placed", platform=platform, actor_id=actor_id,
                subject_type="need", subject_id=need.code,
                details={"amount": total, "pledges": pledges},
            )  # fmt: skip
            placed = need, total
        return placed

    async def credit_totals(self) -> tuple[int, int]:
        """(unallocated, office share) over every credit: for /stats."""
        rows = await self._fetchall(
            "SELECT coalesce(sum(unallocated), 0), coalesce(sum(office), 0) FROM credits"
        )
        return int(rows[0][0]), int(rows[0][1])

    async def credits_for_export(self) -> list[tuple[Any, ...]]:
        """Every credit with its origin and where its money is now, oldest first."""
        rows = await self._fetchall(
            "SELECT c.id, c.source, p.reference, n.code, c.amount, c.unallocated, c.office, "
            "c.amount - c.unallocated - c.office, c.created_at, c.decided_by FROM credits c "
            "LEFT JOIN pledges p ON p.id = c.pledge_id LEFT JOIN needs n ON n.id = c.need_id "
            "ORDER BY c.id"
        )
        return [tuple(row) for row in rows]

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
        return [
            *(f"donor {p}:{d} paid {r} but {h} has a home" for p, d, r, h in donors),
            *(f"credit {i} of {a} accounts for {s}" for i, a, s in credits),
            *(f"need {c}: target {t}, reserved {r}, paid {p}, pledges paid {s}"
              for c, t, r, p, s in needs),
        ]  # fmt: skip
