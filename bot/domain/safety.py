"""Two safety checks on free text: "is this SMS real?" and words that call for help.

Word lists live in bot/data/safety_words.json (Persian and English) so staff can extend
them without touching code; matching is on normalized text (Persian/Arabic letters and
digits unified, case folded), as whole words or phrases.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from bot.text import normalize_text

LINK = re.compile(
    r"(https?://|www\.|\b[\w-]+\.(ir|com|net|org|info|xyz|top|site|link|me|ly)\b|t\.me/)",
    re.IGNORECASE,
)


@cache
def _words() -> dict[str, object]:
    text = resources.files("bot").joinpath("data", "safety_words.json").read_text("utf-8")
    return json.loads(text)


@cache
def _sender_line() -> re.Pattern[str]:
    """A pasted line like "From: v.refah" (the labels, fa and en, are in the data file)."""
    labels = "|".join(re.escape(label) for label in _words()["sender_labels"])  # type: ignore[attr-defined]
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
    if _contains_any(text, words["credential_requests"]):  # type: ignore[arg-type]
        signs.append("sms-sign-credentials")
    for line in text.splitlines():
        match = _sender_line().match(line)
        if match and match.group("sender").casefold() != str(words["official_sender"]):
            signs.append("sms-sign-sender")
            break
    return signs


def calls_for_help(text: str) -> bool:
    """Does free text mention violence, abuse or self-harm? (Then 123 is offered.)"""
    return _contains_any(text, _words()["emergency"])  # type: ignore[arg-type]
