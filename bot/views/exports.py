"""Records as CSV for staff: UTF-8 with a BOM, so spreadsheet programs show Persian."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

import jdatetime

PLEDGE_COLUMNS = ("reference", "need_code", "amount", "status", "created", "paid", "bank_reference")
PII_COLUMNS = ("beneficiary_national_code", "beneficiary_name", "beneficiary_mobile")


def pledges_csv(rows: Sequence[tuple[Any, ...]], tz: dt.tzinfo, with_pii: bool) -> bytes:
    """Rows of `Store.pledges_for_export` as CSV bytes; amounts in toman (a count for items),
    dates Jalali with Latin digits (spreadsheets sort and read them)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(PLEDGE_COLUMNS + (PII_COLUMNS if with_pii else ()))
    for reference, code, kind, _item, amount, status, created, paid, bank, *pii in rows:
        writer.writerow(
            [
                reference,
                code,
                amount // 10 if kind == "money" else amount,
                status,
                _jalali(created, tz),
                _jalali(paid, tz) if paid else "",
                bank or "",
                *pii,
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def _jalali(timestamp: int, tz: dt.tzinfo) -> str:
    day = jdatetime.date.fromgregorian(date=dt.datetime.fromtimestamp(timestamp, tz).date())
    return day.strftime("%Y/%m/%d")
