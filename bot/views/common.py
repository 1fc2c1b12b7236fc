"""Screens shared by every audience: welcome, role menus, language, help, hints.

Screens that depend only on the language (and a flag or two) are built once and reused:
formatting messages and building keyboards for every update is measurable work, and a
Screen is immutable. Translators are shared per language, so they serve as cache keys.
"""

from __future__ import annotations

from functools import cache

from bot import callbacks
from bot.i18n import Translator, available_languages, translator
from bot.models import Account, Persona, StaffRole
from bot.text import to_persian_digits, uses_persian_digits
from bot.views.donor import donor_home
from bot.views.screen import Screen, button, footer, keyboard


def role_chooser(t: Translator, account: Account) -> Screen:
    """The first screen: what the bot does and the two ways in (plus staff, for staff)."""
    return _role_chooser(t, account.staff_role is not StaffRole.NONE)


@cache
def _role_chooser(t: Translator, show_staff: bool) -> Screen:
    rows = [
        [button(t("role-donor-button"), callbacks.menu_for(Persona.DONOR))],
        [button(t("role-beneficiary-button"), callbacks.menu_for(Persona.BENEFICIARY))],
    ]
    if show_staff:
        rows.append([button(t("role-staff-button"), callbacks.MENU_STAFF)])
    return Screen(f"{t('welcome')}\n\n{t('welcome-choose')}", keyboard(*rows, footer(t)))


@cache
def role_home(t: Translator, persona: Persona) -> Screen:
    """The main menu of a donor or a beneficiary."""
    if persona is Persona.DONOR:
        return donor_home(t)
    return Screen(
        t("beneficiary-home"),
        keyboard(
            [button(t("button-my-status"), callbacks.STATUS)],
            [button(t("button-check-sms"), callbacks.CHECK_SMS)],
            footer(t),
            [button(t("button-main-menu"), callbacks.MENU_HOME)],
        ),
    )


def main_menu(t: Translator, account: Account) -> Screen:
    """Where /menu leads: the chosen role's menu, or the role chooser for newcomers."""
    if account.persona is None:
        return role_chooser(t, account)
    return role_home(t, account.persona)


@cache
def language_picker(t: Translator) -> Screen:
    """Every available language, each named in itself so anyone can find their own."""
    rows = [
        [button(translator(code)("language-self-name"), callbacks.language(code))]
        for code in available_languages()
    ]
    return Screen(t("language-choose"), keyboard(*rows))


@cache
def help_screen(t: Translator) -> Screen:
    return Screen(
        t("help"),
        keyboard(
            [button(t("button-support"), callbacks.SUPPORT)],
            [button(t("button-main-menu"), callbacks.MENU_HOME)],
        ),
    )


def office_line(t: Translator, office_phone: str) -> str:
    """How to reach the welfare office: its phone when OFFICE_PHONE is set, else a visit.

    Every "contact the office" goes through here, so none is ever said without the how.
    """
    if not office_phone:
        return t("office-visit")
    phone = to_persian_digits(office_phone) if uses_persian_digits(t.language) else office_phone
    return t("office-call", phone=phone)


def support_unavailable(t: Translator, office_phone: str) -> Screen:
    """No support chat configured (or it failed): the office instead, and the way back."""
    return Screen(
        f"{t('support-unavailable')}\n{office_line(t, office_phone)}",
        keyboard([button(t("button-main-menu"), callbacks.MENU_HOME)]),
    )
