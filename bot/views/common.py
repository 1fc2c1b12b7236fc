"""Screens shared by every audience: welcome, role menus, language, help, hints.

Screens that depend only on the language (and a flag or two) are built once and reused:
formatting messages and building keyboards for every update is measurable work, and a
Screen is immutable. Translators are shared per language, so they serve as cache keys.
"""

from __future__ import annotations

from functools import cache

from telegram import InlineKeyboardButton

from bot.callbacks import Button
from bot.i18n import Translator, available_languages, translator
from bot.models import Account, Persona, StaffRole
from bot.text import InputError, to_persian_digits, uses_persian_digits
from bot.views.donor import donor_home
from bot.views.screen import Screen, button, footer, keyboard


def role_chooser(t: Translator, account: Account) -> Screen:
    """The first screen: what the bot does and the two ways in (plus staff, for staff)."""
    return _role_chooser(t, account.staff_role is not StaffRole.NONE)


@cache
def _role_chooser(t: Translator, show_staff: bool) -> Screen:
    rows = [
        [button(t("role-donor-button"), Button.ROLE(Persona.DONOR))],
        [button(t("role-beneficiary-button"), Button.ROLE(Persona.BENEFICIARY))],
    ]
    if show_staff:
        rows.append([button(t("role-staff-button"), Button.MENU_STAFF())])
    return Screen(f"{t('welcome')}\n\n{t('welcome-choose')}", keyboard(*rows, footer(t)))


@cache
def role_home(t: Translator, persona: Persona) -> Screen:
    """The main menu of a donor or a beneficiary."""
    if persona is Persona.DONOR:
        return donor_home(t)
    return Screen(
        t("beneficiary-home"),
        keyboard(
            [button(t("button-my-status"), Button.STATUS())],
            [button(t("button-check-sms"), Button.CHECK_SMS())],
            footer(t),
            [button(t("button-main-menu"), Button.MENU_HOME())],
        ),
    )


def main_menu(t: Translator, account: Account) -> Screen:
    """Where /menu leads: the chosen role's menu, or the role chooser for newcomers."""
    if account.persona is None:
        return role_chooser(t, account)
    return role_home(t, account.persona)


def menu_row(t: Translator) -> list[InlineKeyboardButton]:
    """One button to the person's own menu: under short answers that need no whole menu."""
    return [button(t("button-menu"), Button.MENU())]


def short_answer(t: Translator, text: str) -> Screen:
    """A line and the menu button: for a greeting or text the bot did not understand."""
    return Screen(text, keyboard(menu_row(t)))


@cache
def language_picker(t: Translator) -> Screen:
    """Every available language, each named in itself so anyone can find their own; the
    current one is ticked, and "back" returns to the person's menu unchanged."""
    rows = [
        [
            button(
                translator(code)("language-self-name") + (" ✓" if code == t.language else ""),
                Button.LANGUAGE(code),
            )
        ]
        for code in available_languages()
    ]
    back = [button(t("button-back"), Button.MENU())]
    return Screen(t("language-choose"), keyboard(*rows, back))


def help_screen(t: Translator, account: Account) -> Screen:
    return _help_screen(t, account.persona, account.staff_role)


@cache
def _help_screen(t: Translator, persona: Persona | None, role: StaffRole) -> Screen:
    """The commands this person can use: a donor's, a household's (both for someone who
    has not chosen yet), the staff commands for staff, and what everyone has."""
    parts = [t("help-title")]
    if persona is not Persona.BENEFICIARY:
        parts.append(t("help-donor"))
    if persona is not Persona.DONOR:
        parts.append(t("help-household"))
    if role is not StaffRole.NONE:
        parts.append(t("staff-commands"))  # the same list as the console's button
    parts.append(t("help-everyone"))
    return Screen(
        "\n\n".join(parts),
        keyboard(
            [button(t("button-support"), Button.SUPPORT())],
            [button(t("button-main-menu"), Button.MENU_HOME())],
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
        keyboard([button(t("button-main-menu"), Button.MENU_HOME())]),
    )


def try_again(text: str) -> Screen:
    """Why a typed answer cannot be used, while the question stays open: no buttons, the
    person types again (a menu button or a command still leaves the flow)."""
    return Screen(text)


def input_error(t: Translator, error: InputError) -> Screen:
    """A typed answer the parsers could not read (bot.text): their reason, and type again."""
    return try_again(t(error.code, **error.args_))
