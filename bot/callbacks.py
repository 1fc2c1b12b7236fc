"""Callback data: short, language-independent, prefixed strings, parsed in one place.

Buttons must keep working after a restart and must not trust what a client sends back, so
callback data carries plain identifiers (`menu:donor`, `lang:en`), never pickled objects
(PTB's arbitrary callback data lives only in memory). Anything `parse` does not recognise
is a stale or forged button: the handler answers "this button has expired" and shows the
menu, changing nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.i18n import available_languages
from bot.models import Persona

MAX_CALLBACK_BYTES = 64  # Telegram's limit for callback_data

# Patterns for PTB's CallbackQueryHandler(pattern=...): each screen's buttons in one place.
MENU_HOME = "menu:home"
MENU_STAFF = "menu:staff"
HELP = "help"
LANGUAGE_PICKER = "lang:pick"
ROLE_PATTERN = re.compile(r"^menu:(donor|beneficiary)$")
LANGUAGE_PATTERN = re.compile(r"^lang:([a-z]{2,3})$")


def menu_for(persona: Persona) -> str:
    return f"menu:{persona.value}"


def language(code: str) -> str:
    return f"lang:{code}"


@dataclass(frozen=True)
class Parsed:
    """A recognised button: its kind and argument."""

    kind: str
    arg: str = ""


def parse(data: str | None) -> Parsed | None:
    """Recognise callback data this version of the bot produces, or return None."""
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        return None
    if data in (MENU_HOME, MENU_STAFF, HELP, LANGUAGE_PICKER):
        return Parsed(data)
    if match := ROLE_PATTERN.match(data):
        return Parsed("role", match.group(1))
    if (match := LANGUAGE_PATTERN.match(data)) and match.group(1) in available_languages():
        return Parsed("language", match.group(1))
    return None
