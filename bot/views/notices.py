"""Messages the bot starts itself, rendered from outbox rows in the recipient's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.callbacks import Button
from bot.domain.credits import DECIDED_NOTICE
from bot.domain.payments import PAID_NOTICE
from bot.domain.support import SUPPORT_REPLY_NOTICE
from bot.i18n import Translator
from bot.models import NeedKind, VoucherStatus
from bot.text import format_toman
from bot.views import credits as credit_views
from bot.views import donation_receipt as receipt_views
from bot.views.broadcasts import report_notice
from bot.views.donor import notice_text as pledge_notice_text
from bot.views.screen import Markup, button, keyboard, user_text


def render_notice(
    t: Translator, message_id: str, args: dict[str, Any], now: int, tz: dt.tzinfo
) -> str:
    """The text of a queued message: kalabarg news, or news about a donor's pledge."""
    if message_id in ("voucher-notice", "voucher-reminder"):
        return _voucher_notice(t, message_id, args, dt.datetime.fromtimestamp(now, tz).date())
    if message_id == SUPPORT_REPLY_NOTICE:  # the staff's words, bounded as any user text
        return t(message_id, ticket=args["ticket"], text=user_text(str(args["text"])))
    if message_id.startswith("broadcast-"):
        return report_notice(t, message_id, args)
    if message_id == DECIDED_NOTICE:
        return credit_views.decided_text(t, args)
    if message_id.startswith("aid-news-"):
        category = str(args["category"])
        return t(message_id, category=t(f"category-{category}"))
    if message_id == PAID_NOTICE and args.get("kind") != NeedKind.ITEMS.value:
        amount = t("amount-toman", amount=format_toman(int(args["amount"]), t.language))
        return receipt_views.paid_notice(t, args, now, tz, amount)
    return pledge_notice_text(t, message_id, args, now, tz)


def _voucher_notice(t: Translator, message_id: str, args: dict[str, Any], today: dt.date) -> str:
    def toman(key: str) -> str:
        return t("amount-toman", amount=format_toman(int(args[key]), t.language))

    fields = {
        "tranche": int(args["tranche"]),
        "status": t(f"voucher-status-{VoucherStatus(str(args['status'])).value}"),
        "per_person": toman("per_person"),
        "total": toman("total"),
    }
    expires = args.get("expires_on")
    if not expires:
        return t("voucher-notice-undated", **fields)
    date = dt.date.fromisoformat(str(expires))
    if message_id == "voucher-reminder":
        return t("voucher-reminder", date=date, days=max(0, (date - today).days), **fields)
    return t("voucher-notice", date=date, **fields)


def notice_markup(t: Translator, message_id: str, args: dict[str, Any]) -> Markup:
    """The buttons under a queued message, where the news asks the person to act.

    A rejected payment is not the end: the donor can report it again (back to the staff,
    with a receipt) or write to support.
    """
    if message_id == PAID_NOTICE:  # thanks: the receipt to keep, and perhaps every month?
        receipt = args.get("kind") != NeedKind.ITEMS.value
        return keyboard(
            *([[receipt_views.receipt_button(t, str(args["reference"]))]] if receipt else []),
            [button(t("monthly-give-monthly-button"), Button.MK_HOME())],
        )
    if message_id == DECIDED_NOTICE:
        return credit_views.decided_markup(t)
    if message_id == "pledge-rejected-notice":
        return keyboard(
            [button(t("pledge-report-again-button"), Button.PAID(str(args["reference"])))],
            [button(t("button-support"), Button.SUPPORT())],
        )
    return None
