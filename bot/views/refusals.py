"""A domain refusal in words, and the plain screens that say no with a way forward.

`bot.handlers.guards` answers every refusal through here: the words come from the locale
message the domain named (amounts in toman where the rule counts money), and the screen
always carries a button to go on from, so nobody is left at a dead end. The screens of one
area's ways forward (the donor's menu, a gift as it stands) stay in that area's views.
"""

from __future__ import annotations

from bot.callbacks import Button
from bot.domain.monthly import MonthlyRefused
from bot.domain.refusal import Refused
from bot.i18n import Translator
from bot.views.common import menu_row
from bot.views.monthly import toman
from bot.views.screen import Screen, button, keyboard


def refusal_text(t: Translator, refused: Refused) -> str:
    """The words of a refusal. A monthly gift's limits are rials in the domain and toman on
    screen; every other refusal's arguments are shown as the domain gave them."""
    args = refused.args_
    if isinstance(refused, MonthlyRefused):
        args = {k: toman(t, v) if isinstance(v, int) else v for k, v in args.items()}
    return t(refused.message_id, **args)


def to_menu(t: Translator, text: str) -> Screen:
    """The refusal and the person's own menu one press away (whatever their role)."""
    return Screen(text, keyboard(menu_row(t)))


def to_console(t: Translator, text: str) -> Screen:
    """A staff action refused (no such record, a usage slip): the console one press away."""
    return Screen(text, keyboard([button(t("button-back"), Button.MENU_STAFF())]))
