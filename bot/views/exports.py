"""Records as CSV for staff: UTF-8 with a BOM, so spreadsheet programs show Persian."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

import jdatetime

from bot.models import NeedKind
from bot.storage.records import CreditExport, PledgeExport

# "unit" says what "amount" counts: toman for money, or pieces of "item" for goods.
PLEDGE_COLUMNS = ("reference", "need_code", "amount", "status", "created", "paid", "bank_reference",
                  "unit", "item")  # fmt: skip
PII_COLUMNS = ("beneficiary_national_code", "beneficiary_name", "beneficiary_mobile")
# A cell starting with one of these is read as a formula by spreadsheet programs (CSV
# injection): a bank reference or a name typed as "=HYPERLINK(…)" would run on staff's
# machine, and a mobile "+98…" would be turned into a number.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def pledges_csv(rows: Sequence[PledgeExport], tz: dt.tzinfo, with_pii: bool) -> bytes:
    """Rows of `Store.pledges_for_export` as CSV bytes; amounts in toman (a count for items),
    dates Jalali with Latin digits (spreadsheets sort and read them)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(PLEDGE_COLUMNS + (PII_COLUMNS if with_pii else ()))
    for row in rows:
        money = row.kind == NeedKind.MONEY
        pii = (row.national_code, row.full_name, row.mobile) if with_pii else ()
        write_row(
            writer,
            [
                row.reference,
                row.need_code,
                row.amount // 10 if money else row.amount,
                row.status,
                _jalali(row.created_at, tz),
                _jalali(row.paid_at, tz) if row.paid_at else "",
                row.bank_reference or "",
                "toman" if money else "items",
                row.item_name or "",
                *pii,
            ],
        )
    return out.getvalue().encode("utf-8-sig")


def neutralized(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, prefixed with `'` (shown as text).

    Numbers stay numbers: only strings can carry a formula.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_row(writer: Any, values: Sequence[object]) -> None:
    """Every exported row goes through here, so no cell reaches a spreadsheet as a formula."""
    writer.writerow([neutralized(value) for value in values])


def _jalali(timestamp: int, tz: dt.tzinfo) -> str:
    day = jdatetime.date.fromgregorian(date=dt.datetime.fromtimestamp(timestamp, tz).date())
    return day.strftime("%Y/%m/%d")


CREDIT_COLUMNS = (
    "credit", "source", "pledge_reference", "from_need_code", "amount", "unallocated",
    "office_share", "placed_on_needs", "created", "decided_by",
)  # fmt: skip


def credits_csv(rows: Sequence[CreditExport], tz: dt.tzinfo) -> bytes:
    """Rows of `Store.credits_for_export`: amounts in toman; unallocated + office share +
    placed on needs = amount on every row."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(CREDIT_COLUMNS)
    for row in rows:
        amounts = (row.amount, row.unallocated, row.office, row.placed)
        write_row(
            writer,
            [row.credit_id, row.source, row.pledge_reference or "", row.need_code or "",
             *(amount // 10 for amount in amounts), _jalali(row.created_at, tz),
             row.decided_by or ""],
        )  # fmt: skip
    return out.getvalue().encode("utf-8-sig")
