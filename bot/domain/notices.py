"""Who is told what when a need moves: the household linked to it hears that it was
published, funded or delivered, and a donor whose money met a need already closed is asked
where their credit goes. The domain chooses the messages; the store, given them
(`NeedNews`), queues them inside the transaction that moves the need, so each commits with
its change and goes out once. Every domain function that can move a need passes NEED_NEWS.
Likewise a household import's changed tranches tell the people linked to it
(`voucher_notices`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from bot.storage.records import NeedNews, QueuedNotice

CLOSED_CREDIT_NOTICE = "credit-need-closed-notice"  # paid money whose need was closed

NEED_NEWS = NeedNews(
    published="aid-news-published",
    funded="aid-news-funded",
    delivered="aid-news-delivered",
    closed_credit=CLOSED_CREDIT_NOTICE,
)


VOUCHER_NOTICE = "voucher-notice"


def voucher_notices(
    written: Iterable[tuple[Any, ...]], linked: dict[str, list[tuple[str, int]]], now: int
) -> list[QueuedNotice]:
    """A new or changed tranche tells each person linked to that household, once per set
    of values: what each backend queues when an import writes vouchers (`upsert_vouchers(...,
    tell=voucher_notices)`), in the transaction that writes them.

    `written` rows are (national_code, tranche, per_person, total, status, charged_on,
    expires_on); `linked` maps a national code to its (platform, user id) links.
    """
    return [
        QueuedNotice(
            platform, user_id, VOUCHER_NOTICE,
            json.dumps({"tranche": tranche, "per_person": per_person, "total": total,
                        "status": status, "expires_on": expires_on}),
            now,
            f"voucher:{code}:{tranche}:{per_person}:{total}:{status}:{expires_on}:"
            f"{platform}:{user_id}",
        )
        for code, tranche, per_person, total, status, _charged, expires_on in written
        for platform, user_id in linked.get(code, [])
    ]  # fmt: skip
