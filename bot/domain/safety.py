"""Two safety checks on free text: "is this SMS real?" and words that call for help.

Word lists live in bot/data/safety_words.json (Persian, Finglish and English) so staff can
extend them without touching code; matching is on folded text (`bot.text.search_text`:
letters and digits unified, case, ZWNJ and repeated letters folded), as whole words or
phrases, after negations and harmless senses are cut out.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

from bot.text import normalize_text, search_text

LINK = re.compile(
    r"(https?://|www\.|\b[\w-]+\.(ir|com|net|org|info|xyz|top|site|link|me|ly)\b|t\.me/)",
    re.IGNORECASE,
)


@cache
def _words() -> dict[str, Any]:
    """The word lists of bot/data/safety_words.json (JSON: each value a list of strings)."""
    text = resources.files("bot").joinpath("data", "safety_words.json").read_text("utf-8")
    words: dict[str, Any] = json.loads(text)
    return words


@cache
def _sender_line() -> re.Pattern[str]:
    """A pasted line like "From: v.refah" (the labels, fa and en, are in the data file)."""
    labels = "|".join(re.escape(label) for label in _words()["sender_labels"])
    return re.compile(rf"^\s*({labels})\s*[:：]\s*(?P<sender>\S+)", re.IGNORECASE)


def _normalized(text: str) -> str:
    return f" {normalize_text(text).casefold()} "


def _contains_any(text: str, phrases: list[str]) -> bool:
    haystack = _normalized(text)
    return any(re.search(rf"(?<!\w){re.escape(normalize_text(p).casefold())}(?!\w)", haystack)
               for p in phrases)  # fmt: skip


def phishing_signs(text: str) -> list[str]:
    """Why a pasted message looks like phishing, as locale message ids (empty: no sign).

    Official kalabarg SMS come only from v.refah and never carry links or ask for card
    details or passwords; anything else is worth a warning.
    """
    words = _words()
    signs = []
    if LINK.search(text):
        signs.append("sms-sign-link")
    if _contains_any(text, words["credential_requests"]):
        signs.append("sms-sign-credentials")
    for line in text.splitlines():
        match = _sender_line().match(line)
        if match and match.group("sender").casefold() != str(words["official_sender"]):
            signs.append("sms-sign-sender")
            break
    return signs


# -- words of violence, abuse, threat or danger ----------------------------------------------

_TOKEN_PART = re.compile(r"(\{\w+\})")


class _Phrases:
    """The emergency lists of the data file, compiled once into two regexes.

    The syntax (whole words, `word*` for a word's beginning, `{set}` for any phrase of a
    named set) is documented in the data file itself, where the people extending it read.
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        self.sets: dict[str, list[str]] = spec["sets"]
        prefixes = "|".join(re.escape(search_text(p)) for p in spec["join_prefixes"])
        self.joined = re.compile(rf"(?<!\w)({prefixes}) (?=\w)")
        self.triggers = self._any(spec["triggers"])
        self.not_triggers = self._any(spec["not_triggers"])

    def fold(self, text: str) -> str:
        """Folded text, with a verb prefix typed apart ("می زنه") joined to its verb."""
        return self.joined.sub(r"\1", search_text(text))

    def _any(self, phrases: list[str]) -> re.Pattern[str]:
        alternatives = "|".join(self._phrase(p) for p in phrases)
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")

    def _phrase(self, phrase: str) -> str:
        return " ".join(self._token(token) for token in self.joined.sub(r"\1", phrase).split())

    def _token(self, token: str) -> str:
        stem, star = (token[:-1], r"\w*") if token.endswith("*") else (token, "")
        parts = []
        for part in _TOKEN_PART.split(stem):
            if part.startswith("{"):
                parts.append("(?:" + "|".join(self._phrase(p) for p in self.sets[part[1:-1]]) + ")")
            elif part:
                parts.append(re.escape(self.fold(part)))
        return "".join(parts) + star

    def match(self, text: str) -> bool:
        folded = self.not_triggers.sub(" . ", self.fold(text))
        return self.triggers.search(folded) is not None


@cache
def _emergency() -> _Phrases:
    return _Phrases(_words()["emergency"])


def calls_for_help(text: str) -> bool:
    """Does this text speak of violence, abuse, threat, danger or self-harm?

    Then the safety answer (123 first) is given before anything else. Negations ("کتک
    نخوردم") and harmless senses ("in danger of eviction") are cut out first; the lists
    and the reasons for what is and is not in them are in bot/data/safety_words.json.
    """
    return _emergency().match(text)
