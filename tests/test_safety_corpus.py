"""The safety corpus fixes what the word lists find, both ways, and prints the hit rates.

Run `.venv/bin/pytest tests/test_safety_corpus.py -q -s` to see the rates. The corpus
(tests/data/safety_corpus.json) is the spec: every disclosure gets the safety answer, no
ordinary message does. Its held-out part was written before the word lists and is never
tuned on: its rates are printed as a measure of what unseen messages get, not asserted.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.domain.safety import calls_for_help
from bot.text import search_text

CORPUS = json.loads((Path(__file__).parent / "data" / "safety_corpus.json").read_text("utf-8"))


def _rate(texts: list[str], expected: bool) -> tuple[float, list[str]]:
    wrong = [text for text in texts if calls_for_help(text) is not expected]
    return 1 - len(wrong) / len(texts), wrong


def test_the_corpus_is_big_enough_and_covers_both_languages() -> None:
    for half in ("disclosures", "ordinary"):
        texts = CORPUS[half]
        assert len(texts) >= 40
        assert any(search_text(t).isascii() for t in texts)  # English and Finglish
        assert sum(not search_text(t).isascii() for t in texts) >= 20  # Persian script


def test_every_disclosure_and_no_ordinary_message_gets_the_safety_answer() -> None:
    found, missed = _rate(CORPUS["disclosures"], True)
    quiet, flagged = _rate(CORPUS["ordinary"], False)
    held_found, held_missed = _rate(CORPUS["held_out"]["disclosures"], True)
    held_quiet, held_flagged = _rate(CORPUS["held_out"]["ordinary"], False)
    print(
        f"\nsafety corpus: disclosures answered {found:.0%} of {len(CORPUS['disclosures'])},"
        f" ordinary left alone {quiet:.0%} of {len(CORPUS['ordinary'])}"
        f"\nheld out (reported only): disclosures answered {held_found:.0%}"
        f" of {len(CORPUS['held_out']['disclosures'])} (missed: {held_missed}),"
        f" ordinary left alone {held_quiet:.0%} of {len(CORPUS['held_out']['ordinary'])}"
        f" (flagged: {held_flagged})"
    )
    assert missed == []
    assert flagged == []


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("شوهرم منو كتك ميزنه", "شوهرم منو کتک میزنه"),  # Arabic kaf and yeh
        ("شوهرم منو کتککککک میزنههه!!", "شوهرم منو کتک میزنه"),  # repeated letters
        ("شوهرم منو می\u200cزنه", "شوهرم منو میزنه"),  # ZWNJ
        ("شوهرم\u200b منو\u00ad کتک میزنه", "شوهرم منو کتک میزنه"),  # zero-width, soft hyphen
        ("SOMEONE is Hurting my KIDS", "someone is hurting my kids"),
        ("تهدید به قتل شدم ۱۲۳", "تهدید به قتل شدم 123"),
    ],
)
def test_typing_variants_fold_to_the_same_words(typed, plain) -> None:
    assert search_text(typed) == search_text(plain)
    assert calls_for_help(typed)
