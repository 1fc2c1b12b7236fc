"""Households and vouchers (kalabarg): imported personal data, read by their owner only."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiosqlite

from bot.models import (
    Beneficiary,
    Need,
    Voucher,
    VoucherStatus,
)
from bot.storage.records import (
    IMPORT_BATCH_ROWS,
    VoucherNotices,
    from_row,
)
from bot.storage.sqlite.base import StoreBase
from bot.storage.sqlite.common import (
    _NEED_COLUMNS,
)


class HouseholdsRepository(StoreBase):
    """Households and vouchers (kalabarg): imported personal data, read by their owner only."""

    # Households and their kalabarg tranches, written by `hamdeli import`. Each batch is one
    # short transaction that reads the stored rows with the batch's keys (one query) and
    # writes only new or changed rows (one executemany), so re-running a file writes nothing
    # and the counts can say so.

    _BENEFICIARY_COLUMNS = (
        "national_code, full_name, mobile, province_id, city_id, household_size, decile"
    )
    _VOUCHER_COLUMNS = (
        "national_code, tranche, amount_per_person, total, status, charged_on, expires_on"
    )
    _UPSERT_BENEFICIARY = (
        f"INSERT INTO beneficiaries ({_BENEFICIARY_COLUMNS}, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (national_code) DO UPDATE SET "
        "full_name = excluded.full_name, mobile = excluded.mobile, "
        "province_id = excluded.province_id, city_id = excluded.city_id, "
        "household_size = excluded.household_size, decile = excluded.decile, "
        "updated_at = excluded.updated_at"
    )
    _UPSERT_VOUCHER = (
        f"INSERT INTO vouchers ({_VOUCHER_COLUMNS}, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (national_code, tranche) DO UPDATE SET "
        "amount_per_person = excluded.amount_per_person, total = excluded.total, "
        "status = excluded.status, charged_on = excluded.charged_on, "
        "expires_on = excluded.expires_on, updated_at = excluded.updated_at"
    )

    async def upsert_beneficiaries(
        self, rows: Sequence[Beneficiary], now: int, *, batch_rows: int = IMPORT_BATCH_ROWS
    ) -> tuple[int, int]:
        """Add households or update them by national code; returns (added, updated).

        Rows equal to the stored ones are neither: len(rows) - added - updated were
        unchanged. Rows in national-code order (the importer sorts them) make each batch
        touch neighbouring pages of the table instead of pages all over it.
        """
        values = [
            (
                r.national_code,
                r.full_name,
                r.mobile,
                r.province_id,
                r.city_id,
                r.household_size,
                r.decile,
            )
            for r in rows
        ]
        select = (
            f"SELECT {self._BENEFICIARY_COLUMNS} FROM beneficiaries "
            "WHERE national_code IN (SELECT value FROM json_each(?))"
        )
        return await self._upsert_changed(
            values, 1, select, self._UPSERT_BENEFICIARY, now, batch_rows
        )

    async def upsert_vouchers(
        self, rows: Sequence[Voucher], now: int, *, batch_rows: int = IMPORT_BATCH_ROWS,
        tell: VoucherNotices | None = None,
    ) -> tuple[int, int]:  # fmt: skip
        """Add or update tranches by (national code, tranche); returns (added, updated).

        Like upsert_beneficiaries. Every household must exist: the foreign key refuses the
        batch otherwise, so importers check with household_sizes first.
        """
        values = [
            (
                r.national_code,
                r.tranche,
                r.amount_per_person,
                r.total,
                r.status.value,
                r.charged_on.isoformat() if r.charged_on else None,
                r.expires_on.isoformat() if r.expires_on else None,
            )
            for r in rows
        ]
        select = (
            f"SELECT {self._VOUCHER_COLUMNS} FROM vouchers "
            "WHERE national_code IN (SELECT value FROM json_each(?))"
        )

        async def tell_linked_households(db: aiosqlite.Connection, written: list[Any]) -> None:
            if tell is not None:  # the domain's rule: who hears what (bot/domain/notices.py)
                await self._queue_voucher_notices(db, written, now, tell)

        return await self._upsert_changed(
            values, 2, select, self._UPSERT_VOUCHER, now, batch_rows, tell_linked_households
        )

    async def _queue_voucher_notices(
        self,
        db: aiosqlite.Connection,
        written: list[tuple[Any, ...]],
        now: int,
        tell: VoucherNotices,
    ) -> None:
        """A new or changed tranche: one message to each person linked to that household.

        Queued by the import itself (another process); the running bot delivers it. Only
        rows that changed get here, and the dedupe key names the values, so importing the
        same file again sends nothing.
        """
        codes = list({row[0] for row in written})
        links = await db.execute_fetchall(
            "SELECT national_code, platform, user_id FROM beneficiary_links "
            "WHERE national_code IN (SELECT value FROM json_each(?))",
            (json.dumps(codes),),
        )
        linked: dict[str, list[tuple[str, int]]] = {}
        for code, platform, user_id in links:
            linked.setdefault(code, []).append((platform, user_id))
        await self._queue_notices(db, tell(written, linked, now), now)

    async def _upsert_changed(
        self,
        values: list[tuple[Any, ...]],
        key_width: int,
        select: str,
        upsert: str,
        now: int,
        batch_rows: int,
        after_write: Callable[[aiosqlite.Connection, list[tuple[Any, ...]]], Awaitable[None]]
        | None = None,
    ) -> tuple[int, int]:
        """Write the rows (key columns first) that are new or differ from the stored ones.

        `select` takes a JSON list of the batch's first key column and returns stored rows
        in the same column order as `values`. `after_write` runs in the same transaction
        with the rows written (for messages that must go out exactly when data changed).
        """
        added = updated = 0
        for start in range(0, len(values), batch_rows):
            batch = values[start : start + batch_rows]
            async with self._transaction() as db:
                stored = {
                    row[:key_width]: row
                    for row in await db.execute_fetchall(
                        select, (json.dumps([v[0] for v in batch]),)
                    )
                }
                new = [v for v in batch if v[:key_width] not in stored]
                changed = [v for v in batch if stored.get(v[:key_width], v) != v]
                if new or changed:
                    await db.executemany(upsert, [(*v, now, now) for v in new + changed])
                    if after_write is not None:
                        await after_write(db, new + changed)
            added, updated = added + len(new), updated + len(changed)
        return added, updated

    async def household_sizes(self, national_codes: Sequence[str]) -> dict[str, int]:
        """Household size by national code, for those of the codes that have a household.

        One query however many codes (they travel as one JSON list), so a vouchers file
        is checked against the households in a single round trip.
        """
        rows = await self._fetchall(
            "SELECT national_code, household_size FROM beneficiaries "
            "WHERE national_code IN (SELECT value FROM json_each(?))",
            (json.dumps(list(national_codes)),),
        )
        return dict(rows)

    async def beneficiary(self, national_code: str) -> Beneficiary | None:
        rows = await self._fetchall(
            f"SELECT {self._BENEFICIARY_COLUMNS} FROM beneficiaries WHERE national_code = ?",
            (national_code,),
        )
        return Beneficiary(*rows[0]) if rows else None

    async def vouchers_of(self, national_code: str) -> list[Voucher]:
        """A household's tranches, first tranche first."""
        rows = await self._fetchall(
            f"SELECT {self._VOUCHER_COLUMNS} FROM vouchers WHERE national_code = ? "
            "ORDER BY tranche",
            (national_code,),
        )
        return [
            Voucher(
                code,
                tranche,
                per_person,
                total,
                VoucherStatus(status),
                dt.date.fromisoformat(charged) if charged else None,
                dt.date.fromisoformat(expires) if expires else None,
            )
            for code, tranche, per_person, total, status, charged, expires in rows
        ]

    async def needs_of_household(self, national_code: str) -> list[Need]:
        """The aid requests linked to a household (for its own status screen only)."""
        rows = await self._fetchall(
            f"SELECT {_NEED_COLUMNS} FROM needs WHERE beneficiary_national_code = ? "
            "AND status != 'closed' ORDER BY created_at DESC, id DESC LIMIT 10",
            (national_code,),
        )
        return [from_row(Need, row) for row in rows]

    async def count_beneficiaries(self) -> int:
        return int((await self._fetchall("SELECT count(*) FROM beneficiaries"))[0][0])

    async def count_vouchers(self) -> int:
        return int((await self._fetchall("SELECT count(*) FROM vouchers"))[0][0])
