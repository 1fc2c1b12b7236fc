"""The shape of one screen, and the platform-aware text helpers every screen uses."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.callbacks import Button
from bot.i18n import Translator, cut

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


@dataclass(frozen=True)
class Screen:
    """What to send: text and an optional keyboard."""

    text: str
    markup: Markup = None

    def with_prefix(self, line: str) -> Screen:
        """The same screen with a line above it (a hint, a confirmation)."""
        return Screen(f"{line}\n\n{self.text}", self.markup)


def button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


class Keyboard(InlineKeyboardMarkup):
    """An inline keyboard that PTB serialises once instead of on every send.

    Screens are built once per language and sent thousands of times; PTB's recursive
    `to_dict` of a five-button menu cost more than the rest of our handler. PTB objects are
    immutable after construction, so the first result stays valid (and PTB only reads it).
    """

    __slots__ = ("_as_dict",)
    _as_dict: dict[str, Any]  # set on first use (a slot, no class attribute)

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        if not recursive:
            return super().to_dict(recursive=False)
        try:
            return self._as_dict
        except AttributeError:
            serialised = super().to_dict()
            object.__setattr__(self, "_as_dict", serialised)  # PTB freezes normal setattr
            return serialised


def keyboard(*rows: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return Keyboard([row for row in rows if row])


def listed(t: Translator, items: Sequence[str]) -> str:
    """Items one after another as the language lists them (``شنبه، دوشنبه``, ``Saturday,
    Monday``): the separator is the locale's `list-more`, so each language keeps its comma."""
    text = items[0] if items else ""
    for item in items[1:]:
        text = t("list-more", list=text, item=item)
    return text


def user_text(text: str, limit: int = 1000) -> str:
    """Text that came from a user or staff, bounded so the message around it still fits
    (Markdown on Bale is escaped for every outgoing message: bot.platform)."""
    return cut(text, limit)


def footer(t: Translator) -> list[InlineKeyboardButton]:
    """Language, settings and help: on every menu, so nobody is ever stuck."""
    return [
        button(t("button-language"), Button.LANGUAGE_PICKER()),
        button(t("settings-button"), Button.SETTINGS()),
        button(t("button-help"), Button.HELP()),
    ]


def page_row(
    t: Translator, page: int, has_next: bool, data: Callable[[int], str]
) -> list[InlineKeyboardButton]:
    """Previous / next under every paged list: the one place paging buttons are built.

    The words come from the locale so they read in the language's direction (in Persian
    "previous" points right and "next" points left); `data(n)` is the button for page n.
    """
    row = []
    if page > 0:
        row.append(button(t("button-previous"), data(page - 1)))
    if has_next:
        row.append(button(t("button-next"), data(page + 1)))
    return row
