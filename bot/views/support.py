"""Talking to a person: the question, the word that the message went, and the hint.

The staff chat's side (the ticket as staff see it) is worded in the office's language by
`bot.handlers.support`; the person's side is here.
"""

from __future__ import annotations

from bot.i18n import Translator
from bot.views.screen import Screen


def ask_screen(t: Translator) -> Screen:
    """Write your message: it goes to the staff under a ticket number."""
    return Screen(t("support-ask"))


def sent_screen(t: Translator, ticket: int) -> Screen:
    return Screen(t("support-sent", ticket=ticket))


def text_expected_screen(t: Translator) -> Screen:
    """A sticker or photo where the message was expected: support reads text only."""
    return Screen(t("support-text-expected"))
