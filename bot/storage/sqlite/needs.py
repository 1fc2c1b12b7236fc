"""Needs: creating, importing, editing and closing them (staff), and their counts."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiosqlite

from bot import codes as public_codes
from bot.models import (
    Need,
    NeedDraft,
    NeedStatus,
    Pledge,
    PledgeStatus,
)
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
from bot.storage.sqlite.base import StoreBase
from bot.storage.sqlite.common import (
    _INSERT_IMPORTED_NEED,
    _NEED_COLUMNS,
    _PLEDGE_COLUMNS,
    _UPDATE_NEED,
    CODE_ROUNDS,
    _import_row,
    _need_params,
    _need_values,
    _NothingDone,
    _staff_needs_sql,
)


class NeedsRepository(StoreBase):
    """Needs: creating, importing, editing and closing them (staff), and their counts."""

    async def upsert_needs(
        self, drafts: Sequence[NeedDraft], now: int, *, news: NeedNews = NO_NEWS
    ) -> tuple[int, int]:
        """Add needs, or update those whose external_id exists; returns (added, updated).

        For code that writes needs directly (the demo, tests, benches): batches of
        IMPORT_BATCH_ROWS rows, one transaction each. `hamdeli import` uses `import_needs`,
        one transaction for the whole file. New needs get a fresh public code; an update
        keeps the code donors may already have shared.
        """
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

        All or nothing for any size: a crash, a kill or an error at any row leaves no need
        added or changed. A row is the need with its external_id, or else, with `digest`
        (the file's sha256), the need this file's same line added before: running a file
        again never publishes a row twice. `check` sees the needs rows will change (by line)
        inside the transaction and returns problems, which refuse the whole file
        (ImportRefused). `after_batch` runs between batches of IMPORT_BATCH_ROWS (a progress
        bar). Codes are drawn per row, retried against every code in use.
        """
        async with self._transaction() as db:
            existing = await self._imported_needs(db, rows, digest)
            problems = check(existing) if check is not None else ()
            if problems:
                raise ImportRefused(list(problems))
            added = updated = 0
            for start in range(0, len(rows), IMPORT_BATCH_ROWS):
                batch = rows[start : start + IMPORT_BATCH_ROWS]
                new = [(line, d) for line, d in batch if line not in existing]
                fresh = await self._fresh_need_codes(db, len(new))
                await db.executemany(
                    _INSERT_IMPORTED_NEED,
                    [
                        (*_need_params(d, code, now), *_import_row(d, digest, line))
                        for (line, d), code in zip(new, fresh, strict=True)
                    ],
                )
                await db.executemany(
                    f"{_UPDATE_NEED} WHERE id = :id",
                    [
                        _need_values(d, now) | {"id": existing[line].id}
                        for line, d in batch
                        if line in existing
                    ],
                )
                added, updated = added + len(new), updated + len(batch) - len(new)
                if after_batch is not None:
                    await after_batch(added + updated)
            await self._queue_published_news(db, now, news.published)
        return added, updated

    @staticmethod
    async def _imported_needs(
        db: aiosqlite.Connection, rows: Sequence[tuple[int, NeedDraft]], digest: str | None
    ) -> dict[int, ImportedNeed]:
        """The needs that rows already are, by line: same external_id, or same file and line."""
        by_id = {d.external_id: line for line, d in rows if d.external_id}
        found: dict[int, ImportedNeed] = {}
        ids = list(by_id)
        for start in range(0, len(ids), IMPORT_BATCH_ROWS):
            chunk = ids[start : start + IMPORT_BATCH_ROWS]
            for external_id, *values in await db.execute_fetchall(
                "SELECT external_id, id, kind, reserved, paid, status FROM needs "
                f"WHERE external_id IN ({','.join('?' * len(chunk))})",
                chunk,
            ):
                found[by_id[external_id]] = ImportedNeed(*values)
        if digest is not None:
            without_id = {line for line, d in rows if not d.external_id}
            for line, *values in await db.execute_fetchall(
                "SELECT import_line, id, kind, reserved, paid, status FROM needs "
                "WHERE import_digest = ?",
                (digest,),
            ):
                if line in without_id:
                    found[line] = ImportedNeed(*values)
        return found

    @staticmethod
    async def _fresh_need_codes(db: aiosqlite.Connection, count: int) -> list[str]:
        """`count` new public codes, none in use and none repeated: each taken one is drawn
        again (near a million needs, about one draw in a thousand collides)."""
        fresh: list[str] = []
        for _ in range(CODE_ROUNDS):
            missing = count - len(fresh)
            drawn = list(dict.fromkeys(public_codes.new_need_code() for _ in range(missing)))
            drawn = [code for code in drawn if code not in fresh]
            if drawn:
                taken = {
                    row[0]
                    for row in await db.execute_fetchall(
                        f"SELECT code FROM needs WHERE code IN ({','.join('?' * len(drawn))})",
                        drawn,
                    )
                }
                fresh += [code for code in drawn if code not in taken]
            if len(fresh) == count:
                return fresh
        raise CodeTaken(f"no free need code after {CODE_ROUNDS} rounds")

    async def count_needs(self, status: NeedStatus | None = None) -> int:
        sql = "SELECT count(*) FROM needs"
        params: tuple[Any, ...] = ()
        if status is not None:
            sql, params = sql + " WHERE status = ?", (status.value,)
        return int((await self._fetchall(sql, params))[0][0])

    async def count_staff_needs(self, where: StaffNeedsWhere) -> int:
        sql, params = _staff_needs_sql(where)
        return int(
            (await self._fetchall(f"SELECT count(*) FROM needs n WHERE {sql}", params))[0][0]
        )

    async def staff_needs(self, where: StaffNeedsWhere, limit: int, offset: int) -> list[Need]:
        """A page of needs for staff (/needs): drafts first, then the latest changed."""
        sql, params = _staff_needs_sql(where)
        rows = await self._fetchall(
            f"SELECT {_NEED_COLUMNS} FROM needs n WHERE {sql} "
            "ORDER BY n.status = 'draft' DESC, n.updated_at DESC, n.id DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [from_row(Need, row) for row in rows]

    async def need(self, need_id: int) -> Need | None:
        rows = await self._fetchall(f"SELECT {_NEED_COLUMNS} FROM needs WHERE id = ?", (need_id,))
        return from_row(Need, rows[0]) if rows else None

    async def need_by_code(self, code: str) -> Need | None:
        rows = await self._fetchall(f"SELECT {_NEED_COLUMNS} FROM needs WHERE code = ?", (code,))
        return from_row(Need, rows[0]) if rows else None

    async def close_need(
        self, need_id: int, now: int, tell_unpaid: DonorNotice, tell_paid: DonorNotice,
        token: str | None = None, tell_credited: DonorNotice | None = None,
    ) -> tuple[list[Pledge], list[Pledge]] | None:  # fmt: skip
        """Take a need out of browsing, in one transaction: pledges still awaiting payment
        are cancelled (shares returned, donors told not to pay: `tell_unpaid`); money
        already paid leaves the need as its donors' credit, each asked where it goes
        (`tell_credited`); donors who reported a payment (or gave items) are told it is
        safe and staff will settle it (`tell_paid`). Each rule is the domain's.
        Returns (cancelled, paid or reported), or None if the need was already closed or
        delivered, or the confirmation `token` was already used."""
        told = None
        async with self._confirmed(token, now) as db:
            if db is None:  # the confirmation was spent
                return None
            closed = await db.execute_fetchall(
                "UPDATE needs SET status = 'closed', updated_at = ? WHERE id = ? "
                "AND status NOT IN ('closed', 'delivered') RETURNING id",
                (now, need_id),
            )
            if not closed:
                raise _NothingDone
            cancelled = await self._cancel_unpaid(db, need_id, tell_unpaid, now)
            rows = await db.execute_fetchall(
                f"SELECT {_PLEDGE_COLUMNS} FROM pledges WHERE need_id = ? AND status IN (?, ?)",
                (need_id, PledgeStatus.PAYMENT_REPORTED.value, PledgeStatus.PAID.value),
            )
            paid = [from_row(Pledge, row) for row in rows]
            credited = await self._paid_money_pledges(db, need_id)
            await self._credit_paid_pledges(db, credited, tell_credited, now)
            settled_by_staff = [p for p in paid if p not in credited]
            await self._tell_donors(db, settled_by_staff, tell_paid, now)
            told = cancelled, paid
        return told

    async def set_need_status(self, need_id: int, status: NeedStatus, now: int) -> None:
        await self._write(
            "UPDATE needs SET status = ?, updated_at = ? WHERE id = ?",
            (status.value, now, need_id),
        )

    async def add_need(
        self, draft: NeedDraft, code: str, status: NeedStatus, now: int, *,
        news: NeedNews = NO_NEWS,
    ) -> Need | None:  # fmt: skip
        """One need staff wrote, under the code its preview showed, open or as a draft.

        None when another need has the code meanwhile (the caller picks another). A need
        published for a linked household tells it, as an import does.
        """
        try:
            async with self._transaction() as db:
                rows = await db.execute_fetchall(
                    "INSERT INTO needs (code, external_id, province_id, city_id, category, kind, "
                    "item_name, item_name_en, target, description_fa, description_en, deadline, "
                    "urgent, beneficiary_national_code, created_at, updated_at, status) "
                    f"VALUES ({', '.join('?' * 17)}) RETURNING {_NEED_COLUMNS}",
                    (*_need_params(draft, code, now), status.value),
                )
                need = from_row(Need, next(iter(rows)))
                if need.open and draft.beneficiary_national_code:
                    await self._tell_households(db, [need.id], news.published, now)
                return need
        except sqlite3.IntegrityError as exc:
            if "needs.code" not in str(exc):
                raise
            return None

    async def need_beneficiary_code(self, need_id: int) -> str | None:
        """The private link of a need to its household (staff screens only)."""
        rows = await self._fetchall(
            "SELECT beneficiary_national_code FROM needs WHERE id = ?", (need_id,)
        )
        return rows[0][0] if rows else None

    async def update_need(self, need_id: int, draft: NeedDraft, now: int) -> Need | None:
        """Staff change a need's values (its code and external id stay).

        One conditional UPDATE, so a pledge racing the edit cannot be stranded: the target
        never falls below what is reserved and paid, and the kind only changes while nothing
        is pledged (None: refused). A live need's status follows its new target.
        """
        rows = await self._fetchall(
            f"{_UPDATE_NEED} WHERE id = :id AND reserved + paid <= :target "
            f"AND (kind = :kind OR reserved + paid = 0) RETURNING {_NEED_COLUMNS}",
            _need_values(draft, now) | {"id": need_id},
        )
        return from_row(Need, rows[0]) if rows else None

    async def publish_draft(
        self, need_id: int, now: int, *, news: NeedNews = NO_NEWS
    ) -> Need | None:
        """A draft becomes open (None: it is not a draft); a linked household is told."""
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                "UPDATE needs SET status = 'open', updated_at = ? WHERE id = ? "
                f"AND status = 'draft' RETURNING {_NEED_COLUMNS}",
                (now, need_id),
            )
            if not rows:
                return None
            await self._tell_households(db, [need_id], news.published, now)
            return from_row(Need, next(iter(rows)))
