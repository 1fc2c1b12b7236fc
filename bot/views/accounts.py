"""Erasing an account (/forget for donors): what goes, what stays and why, asked once."""

from __future__ import annotations

from bot.callbacks import Button
from bot.i18n import Translator
from bot.views.screen import Screen, button, keyboard


def forget_donor_ask(t: Translator, pledges: int) -> Screen:
    """The one question before erasing: plain about what is deleted and what is kept."""
    return Screen(
        t("forget-donor-ask", count=pledges),
        keyboard(
            [button(t("forget-donor-yes"), Button.FORGET_DO())],
            [button(t("button-back"), Button.MENU_HOME())],
        ),
    )


def forget_donor_done(t: Translator, number: int, pledges: int) -> Screen:
    """Erased: the donor number their pledges now carry, and the way back."""
    return Screen(
        t("forget-donor-done", count=pledges, number=number),
        keyboard([button(t("forget-start-again"), Button.MENU_HOME())]),
    )


def forget_staff(t: Translator) -> Screen:
    return Screen(t("forget-staff"), keyboard([button(t("button-main-menu"), Button.MENU_HOME())]))
