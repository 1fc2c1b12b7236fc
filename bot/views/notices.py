"""Messages the bot starts itself, rendered from outbox rows in the recipient's language."""

from __future__ import annotations

import datetime as dt

from bot.i18n import Translator
from bot.models import VoucherStatus
from bot.text import format_toman
from bot.views.donor import notice_text as pledge_notice_text


def render_notice(t: Translator, message_id: str, args: dict[str, object], now: int) -> str:
    """The text of a queued message: kalabarg news, or news about a donor's pledge."""
    if message_id == "voucher-notice":
        return _voucher_notice(t, args)
    return pledge_notice_text(t, message_id, args, now)


def _voucher_notice(t: Translator, args: dict[str, object]) -> str:
    def toman(key: str) -> str:
        return t("amount-toman", amount=format_toman(int(args[key]), t.language))  # type: ignore[call-overload]

    fields = {
        "tranche": int(args["tranche"]),  # type: ignore[call-overload]
        "status": t(f"voucher-status-{VoucherStatus(str(args['status'])).value}"),
        "per_person": toman("per_person"),
        "total": toman("total"),
    }
    expires = args.get("expires_on")
    if expires:
        return t("voucher-notice", date=dt.date.fromisoformat(str(expires)), **fields)
    return t("voucher-notice-undated", **fields)
