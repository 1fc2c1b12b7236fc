"""Needs on PostgreSQL: creating, importing, editing and closing them (staff), and counts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import asyncpg

from bot import codes as public_codes
from bot.models import Need, NeedDraft, NeedStatus, Pledge, PledgeStatus
from bot.storage.postgres.base import Connection
from bot.storage.postgres.shared import PgSharedWrites
from bot.storage.records import (
    IMPORT_BATCH_ROWS,
    NO_NEWS,
    CodeTaken,
    DonorNotice,
    ImportedNeed,
    ImportRefused,
    NeedNews,
    StaffNeedsWhere,
    from_row,
)
from bot.storage.sqlite.common import (
    _NEED_COLUMNS,
    _PLEDGE_COLUMNS,
    CODE_ROUNDS,
    _import_row,
    _need_params,
    _NothingDone,
)

_INSERT_NEED_COLUMNS = (
    "code, external_id, province_id, city_id, category, kind, item_name, item_name_en, "
    "target, description_fa, description_en, deadline, urgent, beneficiary_national_code, "
    "created_at, updated_at"
)
_INSERT_IMPORTED_NEED = (
    f"INSERT INTO needs ({_INSERT_NEED_COLUMNS}, import_digest, import_line) "
    f"VALUES ({', '.join(f'${i}' for i in range(1, 19))})"
)
# A live need's status follows its target ($8): raised above what is pledged, it is open
# again. Parameters: the draft's values ($1-$13, see _need_update_values), then the need.
_UPDATE_NEED = (
    "UPDATE needs SET province_id = $1, city_id = $2, category = $3, kind = $4, "
    "item_name = $5, item_name_en = $6, target = $7, description_fa = $8, "
    "description_en = $9, deadline = $10, urgent = $11, beneficiary_national_code = $12, "
    "updated_at = $13, status = CASE WHEN status NOT IN ('open', 'fully_pledged', 'funded') "
    "THEN status WHEN paid >= $7 THEN 'funded' "
    "WHEN reserved + paid >= $7 THEN 'fully_pledged' ELSE 'open' END "
    "WHERE id = $14"
)


def _need_update_values(draft: NeedDraft, now: int, need_id: int) -> tuple[Any, ...]:
    """A draft's values in `_UPDATE_NEED`'s order."""
    return (
        draft.province_id, draft.city_id, draft.category.value, draft.kind.value,
        draft.item_name, draft.item_name_en, draft.target, draft.description_fa,
        draft.description_en, draft.deadline.isoformat() if draft.deadline else None,
        int(draft.urgent), draft.beneficiary_national_code, now, need_id,
    )  # fmt: skip


def _staff_needs_sql(where: StaffNeedsWhere, first: int = 1) -> tuple[str, list[Any]]:
    """The WHERE of the staff list, numbered from `$first`."""
    clauses, params = ["true"], []
    for column, value in (
        ("n.status", where.status.value if where.status else None),
        ("n.province_id", where.province_id),
        ("n.city_id", where.city_id),
    ):
        if value is not None:
            params.append(value)
            clauses.append(f"{column} = ${first + len(params) - 1}")
    if where.added_by is not None:
        a, b = first + len(params), first + len(params) + 1
        clauses.append(
            "n.code IN (SELECT subject_id FROM audit_log WHERE action = 'add_need' "
            f"AND subject_type = 'need' AND platform = ${a} AND actor_id = ${b})"
        )
        params.extend(where.added_by)
    return " AND ".join(clauses), params


class PgNeedsRepository(PgSharedWrites):
    """Needs: creating, importing, editing and closing them (staff), and their counts."""

    async def upsert_needs(
        self, drafts: Sequence[NeedDraft], now: int, *, news: NeedNews = NO_NEWS
    ) -> tuple[int, int]:
        """Add needs, or update those whose external_id exists; returns (added, updated),
        in batches of IMPORT_BATCH_ROWS rows, one transaction each (as on SQLite)."""
        added = updated = 0
        for start in range(0, len(drafts), IMPORT_BATCH_ROWS):
            batch = list(enumerate(drafts[start : start + IMPORT_BATCH_ROWS], start=start + 1))
            new, existing = await self.import_needs(batch, now, news=news)
            added, updated = added + new, updated + existing
        return added, updated

    async def import_needs(
        self,
        rows: Sequence[tuple[int, NeedDraft]],
        now: int,
        *,
        digest: str | None = None,
        check: Callable[[dict[int, ImportedNeed]], Sequence[Any]] | None = None,
        after_batch: Callable[[int], Awaitable[None]] | None = None,
        news: NeedNews = NO_NEWS,
    ) -> tuple[int, int]:
        """Write a file's rows (line, draft) in ONE transaction; returns (added, updated).

        All or nothing, as on SQLite. Like every writer of needs it first locks the needs
        version row (see `_run`); a retried transaction runs `after_batch` again from zero.
        """

        async def write(db: Connection) -> tuple[int, int]:
            existing = await self._imported_needs(db, rows, digest)
            problems = check(existing) if check is not None else ()
            if problems:
                raise ImportRefused(list(problems))
            added = updated = 0
            for start in range(0, len(rows), IMPORT_BATCH_ROWS):
                batch = rows[start : start + IMPORT_BATCH_ROWS]
                new = [(line, d) for line, d in batch if line not in existing]
                fresh = await self._fresh_need_codes(db, len(new))
                if new:
                    await db.executemany(
                        _INSERT_IMPORTED_NEED,
                        [
                            (*_need_params(d, code, now), *_import_row(d, digest, line))
                            for (line, d), code in zip(new, fresh, strict=True)
                        ],
                    )
                changed = [
                    _need_update_values(d, now, existing[line].id)
                    for line, d in batch
                    if line in existing
                ]
                if changed:
                    await db.executemany(_UPDATE_NEED, changed)
                added, updated = added + len(new), updated + len(batch) - len(new)
                if after_batch is not None:
                    await after_batch(added + updated)
            await self._queue_published_news(db, now, news.published)
            return added, updated

        return await self._run(write, writes_needs=True)

    @staticmethod
    async def _imported_needs(
        db: Connection, rows: Sequence[tuple[int, NeedDraft]], digest: str | None
    ) -> dict[int, ImportedNeed]:
        """The needs that rows already are, by line: same external_id, or same file and line."""
        by_id = {d.external_id: line for line, d in rows if d.external_id}
        found: dict[int, ImportedNeed] = {}
        if by_id:
            for external_id, *values in await db.fetch(
                "SELECT external_id, id, kind, reserved, paid, status FROM needs "
                "WHERE external_id = ANY($1::text[])",
                list(by_id),
            ):
                found[by_id[external_id]] = ImportedNeed(*values)
        if digest is not None:
            without_id = {line for line, d in rows if not d.external_id}
            for line, *values in await db.fetch(
                "SELECT import_line, id, kind, reserved, paid, status FROM needs "
                "WHERE import_digest = $1",
                digest,
            ):
                if line in without_id:
                    found[line] = ImportedNeed(*values)
        return found

    @staticmethod
    async def _fresh_need_codes(db: Connection, count: int) -> list[str]:
        """`count` new public codes, none in use and none repeated."""
        fresh: list[str] = []
        for _ in range(CODE_ROUNDS):
            missing = count - len(fresh)
            drawn = list(dict.fromkeys(public_codes.new_need_code() for _ in range(missing)))
            drawn = [code for code in drawn if code not in fresh]
            if drawn:
                taken = {
                    row[0]
                    for row in await db.fetch(
                        "SELECT code FROM needs WHERE code = ANY($1::text[])", drawn
                    )
                }
                fresh += [code for code in drawn if code not in taken]
            if len(fresh) == count:
                return fresh
        raise CodeTaken(f"no free need code after {CODE_ROUNDS} rounds")

    async def count_needs(self, status: NeedStatus | None = None) -> int:
        if status is None:
            return int(await self.pool.fetchval("SELECT count(*) FROM needs"))
        return int(
            await self.pool.fetchval("SELECT count(*) FROM needs WHERE status = $1", status.value)
        )

    async def count_staff_needs(self, where: StaffNeedsWhere) -> int:
        sql, params = _staff_needs_sql(where)
        return int(await self.pool.fetchval(f"SELECT count(*) FROM needs n WHERE {sql}", *params))

    async def staff_needs(self, where: StaffNeedsWhere, limit: int, offset: int) -> list[Need]:
        """A page of needs for staff (/needs): drafts first, then the latest changed."""
        sql, params = _staff_needs_sql(where)
        n = len(params)
        rows = await self._fetchall(
            f"SELECT {_NEED_COLUMNS} FROM needs n WHERE {sql} "
            "ORDER BY n.status = 'draft' DESC, n.updated_at DESC, n.id DESC "
            f"LIMIT ${n + 1} OFFSET ${n + 2}",
            (*params, limit, offset),
        )
        return [from_row(Need, row) for row in rows]

    async def need(self, need_id: int) -> Need | None:
        row = await self._fetchrow(f"SELECT {_NEED_COLUMNS} FROM needs WHERE id = $1", need_id)
        return from_row(Need, row) if row else None

    async def need_by_code(self, code: str) -> Need | None:
        row = await self._fetchrow(f"SELECT {_NEED_COLUMNS} FROM needs WHERE code = $1", code)
        return from_row(Need, row) if row else None

    async def close_need(
        self, need_id: int, now: int, tell_unpaid: DonorNotice, tell_paid: DonorNotice,
        token: str | None = None, tell_credited: DonorNotice | None = None,
    ) -> tuple[list[Pledge], list[Pledge]] | None:  # fmt: skip
        """Take a need out of browsing, in one transaction (see the SQLite twin): awaiting
        pledges cancelled, paid money to credit, reporters told staff settle it. None if
        already closed or delivered, or the confirmation `token` was already used."""

        async def close(db: Connection) -> tuple[list[Pledge], list[Pledge]]:
            closed = await db.fetchrow(
                "UPDATE needs SET status = 'closed', updated_at = $1 WHERE id = $2 "
                "AND status NOT IN ('closed', 'delivered') RETURNING id",
                now,
                need_id,
            )
            if closed is None:
                raise _NothingDone
            cancelled = await self._cancel_unpaid(db, need_id, tell_unpaid, now)
            rows = await db.fetch(
                f"SELECT {_PLEDGE_COLUMNS} FROM pledges WHERE need_id = $1 "
                "AND status IN ($2, $3) ORDER BY id",
                need_id, PledgeStatus.PAYMENT_REPORTED.value, PledgeStatus.PAID.value,
            )  # fmt: skip
            paid = [from_row(Pledge, row) for row in rows]
            credited = await self._paid_money_pledges(db, need_id)
            await self._credit_paid_pledges(db, credited, tell_credited, now)
            settled_by_staff = [p for p in paid if p not in credited]
            await self._tell_donors(db, settled_by_staff, tell_paid, now)
            return cancelled, paid

        return await self._run_confirmed(token, now, close)

    async def set_need_status(self, need_id: int, status: NeedStatus, now: int) -> None:
        async def change(db: Connection) -> None:
            await db.execute(
                "UPDATE needs SET status = $1, updated_at = $2 WHERE id = $3",
                status.value,
                now,
                need_id,
            )

        await self._run(change, writes_needs=True)

    async def add_need(
        self, draft: NeedDraft, code: str, status: NeedStatus, now: int, *,
        news: NeedNews = NO_NEWS,
    ) -> Need | None:  # fmt: skip
        """One need staff wrote, under the code its preview showed, open or as a draft.
        None when another need has the code meanwhile (the caller picks another)."""

        async def add(db: Connection) -> Need:
            row = await db.fetchrow(
                f"INSERT INTO needs ({_INSERT_NEED_COLUMNS}, status) "
                f"VALUES ({', '.join(f'${i}' for i in range(1, 18))}) "
                f"RETURNING {_NEED_COLUMNS}",
                *_need_params(draft, code, now), status.value,
            )  # fmt: skip
            need = from_row(Need, row)
            if need.open and draft.beneficiary_national_code:
                await self._tell_households(db, [need.id], news.published, now)
            return need

        try:
            return await self._run(add, writes_needs=True)
        except asyncpg.UniqueViolationError as exc:
            if exc.constraint_name != "needs_code_key":
                raise
            return None

    async def need_beneficiary_code(self, need_id: int) -> str | None:
        """The private link of a need to its household (staff screens only)."""
        found: str | None = await self.pool.fetchval(
            "SELECT beneficiary_national_code FROM needs WHERE id = $1", need_id
        )
        return found

    async def update_need(self, need_id: int, draft: NeedDraft, now: int) -> Need | None:
        """Staff change a need's values (its code and external id stay): one conditional
        UPDATE, so a racing pledge cannot be stranded (see the SQLite twin)."""

        async def change(db: Connection) -> Need | None:
            row = await db.fetchrow(
                f"{_UPDATE_NEED} AND reserved + paid <= $7 "
                f"AND (kind = $4 OR reserved + paid = 0) RETURNING {_NEED_COLUMNS}",
                *_need_update_values(draft, now, need_id),
            )
            return from_row(Need, row) if row else None

        return await self._run(change, writes_needs=True)

    async def publish_draft(
        self, need_id: int, now: int, *, news: NeedNews = NO_NEWS
    ) -> Need | None:
        """A draft becomes open (None: it is not a draft); a linked household is told."""

        async def publish(db: Connection) -> Need | None:
            row = await db.fetchrow(
                "UPDATE needs SET status = 'open', updated_at = $1 WHERE id = $2 "
                f"AND status = 'draft' RETURNING {_NEED_COLUMNS}",
                now,
                need_id,
            )
            if row is None:
                return None
            await self._tell_households(db, [need_id], news.published, now)
            return from_row(Need, row)

        return await self._run(publish, writes_needs=True)

    async def _cancel_unpaid(
        self, db: Connection, need_id: int, tell: DonorNotice | None, now: int
    ) -> list[Pledge]:
        """A need that ends (closed, delivered): pledges still awaiting payment are cancelled,
        their shares returned and their donors told not to pay."""
        rows = await db.fetch(
            "UPDATE pledges SET status = $1 WHERE need_id = $2 AND status = $3 "
            f"RETURNING {_PLEDGE_COLUMNS}",
            PledgeStatus.CANCELLED.value, need_id, PledgeStatus.AWAITING_PAYMENT.value,
        )  # fmt: skip
        cancelled = sorted((from_row(Pledge, row) for row in rows), key=lambda p: p.id)
        for pledge in cancelled:
            await self._return_share(db, pledge, now)
        await self._tell_donors(db, cancelled, tell, now)
        return cancelled

    @staticmethod
    async def _return_share(db: Connection, pledge: Pledge, now: int) -> None:
        """A released pledge's reserved share goes back; a fully pledged need reopens."""
        await db.execute(
            "UPDATE needs SET reserved = reserved - $1, updated_at = $2, "
            "status = CASE WHEN status = 'fully_pledged' THEN 'open' ELSE status END "
            "WHERE id = $3",
            pledge.amount,
            now,
            pledge.need_id,
        )
