"""The safety answer: the emergency lines, then a way back to what the person was doing."""

from __future__ import annotations

from bot.callbacks import Button
from bot.i18n import Translator
from bot.views.screen import Screen, button, keyboard


def safety_answer(t: Translator, *, support: bool) -> Screen:
    """123 first, then 110/115 and 1480 (the text), and two buttons: carry on, or write
    to support (only where support is set up: a frightened person gets no dead button)."""
    rows = [[button(t("safety-continue-button"), Button.SAFETY_CONTINUE())]]
    if support:
        rows.append([button(t("safety-support-button"), Button.SUPPORT())])
    return Screen(t("safety-answer"), keyboard(*rows))


def carry_on_screen(t: Translator) -> Screen:
    """ "Continue" while a flow waits: its question is still open, answer it as before."""
    return Screen(t("safety-carry-on"))
