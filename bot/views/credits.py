"""What a donor's credit looks like: the choice (cards of similar needs, or the office), what
a move did, and what the office decided. Staff see the office's share and place it.

The cards are the browsing cards (`need_card`, placed by k-anonymity), so a donor choosing
where their money goes reads each need exactly as they read it when they first gave.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from telegram import InlineKeyboardMarkup

from bot.callbacks import Button
from bot.domain.credits import Choice, OfficePlacement
from bot.i18n import Translator
from bot.models import Credit, CreditMove, Persona
from bot.views.donor import card_place, direction_mark, help_name, need_card
from bot.views.screen import Markup, Screen, button, keyboard
from bot.views.staff import _toman as toman
from bot.views.staff import confirm_keyboard


def _ways_back(t: Translator) -> list[list]:
    return [
        [button(t("button-my-pledges"), Button.MY_PLEDGES())],
        [button(t("button-back"), Button.ROLE(Persona.DONOR))],
    ]


def choice_screen(t: Translator, choice: Choice, header: str, tz: dt.tzinfo, now: int) -> Screen:
    """The donor's choice for a credit: up to three similar needs as cards, each with a move
    button, and the office; when the office will decide. A credit already placed says so."""
    credit = choice.credit
    if not credit.unallocated:
        return Screen("\n\n".join([header, t("credit-already-decided")]),
                      keyboard(*_ways_back(t)))  # fmt: skip
    today = dt.datetime.fromtimestamp(now, tz).date()
    lines = [header, t("credit-choice-ask", amount=toman(t, credit.unallocated))]
    rows = []
    for number, (need, place) in enumerate(choice.needs, start=1):
        lines.append(need_card(t, need, card_place(t, place), today, number, 300))
        label = t("credit-move-button", number=number, name=help_name(t, need), code=need.code)
        rows.append([button(label, Button.CREDIT_MOVE(credit.id, need.code))])
    if not choice.needs:
        lines.append(t("credit-no-similar"))
    decide = dt.datetime.fromtimestamp(choice.decide_at, tz).date()
    lines.append(direction_mark(t.language) + t("credit-choice-deadline", date=decide))
    rows.append([button(t("credit-office-button"), Button.CREDIT_OFFICE(credit.id))])
    return Screen("\n\n".join(lines), keyboard(*rows, *_ways_back(t)))


def notice_header(t: Translator, message_id: str, args: dict[str, Any]) -> str:
    """The first lines of a choice notice: what money, from which pledge, and why."""
    return t(
        message_id,
        amount=toman(t, int(args.get("amount", 0))),
        reference=str(args.get("reference", "")),
        code=str(args.get("code", "")),
    )


def moved_header(t: Translator, done: CreditMove) -> str:
    """What the donor's move did, and what is left to place."""
    lines = []
    if done.moved and done.need is not None and done.pledge is not None:
        lines.append(
            t(
                "credit-moved",
                amount=toman(t, done.moved),
                code=done.need.code,
                reference=done.pledge.reference,
            )
        )
    if done.to_office:
        lines.append(t("credit-office-thanks", amount=toman(t, done.to_office)))
    if done.credit.unallocated:
        lines.append(t("credit-left", amount=toman(t, done.credit.unallocated)))
    return "\n".join(lines)


def done_screen(t: Translator, done: CreditMove) -> Screen:
    """After a move that placed all of the credit."""
    return Screen(moved_header(t, done), keyboard(*_ways_back(t)))


def refused_screen(t: Translator, text: str) -> Screen:
    """A stale button on a credit already placed: say so, and where to go on."""
    return Screen(text, keyboard(*_ways_back(t)))


def decided_text(t: Translator, args: dict[str, Any]) -> str:
    """The office decided for a donor who did not answer: which need, and/or the office."""
    lines = [t("credit-decided-title")]
    moved, office = int(args.get("amount", 0)), int(args.get("office", 0))
    if moved:
        lines.append(t("credit-decided-need", amount=toman(t, moved), code=str(args["code"])))
    if office:
        lines.append(t("credit-decided-office", amount=toman(t, office)))
    return "\n".join(lines)


def decided_markup(t: Translator) -> Markup:
    return keyboard(*_ways_back(t))


# -- staff ----------------------------------------------------------------------------------


def office_screen(t: Translator, unallocated: int, office: int) -> Screen:
    """/office: money waiting for donors' choices, and the office's share to place."""
    text = "\n".join(
        [t("credit-office-title"),
         t("credit-office-unallocated", amount=toman(t, unallocated)),
         t("credit-office-share", amount=toman(t, office)),
         t("credit-office-how")]
    )  # fmt: skip
    return Screen(text, keyboard([button(t("button-back"), Button.MENU_STAFF())]))


def place_ask_screen(t: Translator, placement: OfficePlacement, token: str) -> Screen:
    """/place CODE asks once: how much of the office's share goes to which need."""
    text = t(
        "credit-place-ask",
        amount=toman(t, placement.amount),
        share=toman(t, placement.share),
        code=placement.need.code,
    )
    return Screen(text, keyboard(*confirm_keyboard(t, t("credit-place-yes-button"), token)))


def with_credits(t: Translator, screen: Screen, credits: list[Credit]) -> Screen:
    """ "My pledges" with the donor's waiting credit on top: a line and a button each, so a
    donor who missed the notice can still choose where their money goes."""
    if not credits:
        return screen
    rows = [
        [button(t("credit-waiting-button", amount=toman(t, credit.unallocated)),
                Button.CREDIT_SHOW(credit.id))]
        for credit in credits
    ]  # fmt: skip
    markup = screen.markup
    old = (
        [list(row) for row in markup.inline_keyboard]
        if isinstance(markup, InlineKeyboardMarkup)
        else []
    )
    total = toman(t, sum(credit.unallocated for credit in credits))
    return Screen(f"{t('credit-waiting', amount=total)}\n\n{screen.text}", keyboard(*rows, *old))
