"""Wording: one word for one thing in every locales file, and English plurals that agree."""

from __future__ import annotations

import re

import pytest
from fluent.runtime import FluentResource
from fluent.syntax import ast as ftl
from fluent.syntax.serializer import serialize_pattern

from bot.i18n import resource_texts, translator

en = translator("en")


def texts(language: str) -> dict[str, str]:
    """Message id -> its source text (with selectors), over every .ftl file of a language."""
    found = {}
    for text in resource_texts(language).values():
        for entry in FluentResource(text).body:
            if isinstance(entry, ftl.Message) and entry.value is not None:
                # placeholders' names ({ $reference }) are code, not words people read
                words = re.sub(r"\{ *\$[a-z0-9_]+ *\}", "", serialize_pattern(entry.value))
                found[entry.id.name] = words
    return found


# Three things people copy and quote, three names that are never mixed up:
# the pledge code a donor writes on the transfer (P-8F3K2Q), the bank's tracking number of
# that transfer, and the number of a support ticket.
def test_english_names_the_pledge_code_the_bank_tracking_number_and_the_ticket_apart() -> None:
    for message_id, text in texts("en").items():
        assert not re.search(r"\breference\b", text, re.IGNORECASE), message_id
        for match in re.finditer(r"tracking number", text):
            assert text[: match.start()].endswith("bank "), message_id
        if re.search(r"\bticket\b", text, re.IGNORECASE):
            assert message_id.startswith("support"), message_id
    assert "Pledge code:" in texts("en")["pledge-done"]


def test_persian_names_the_pledge_code_the_bank_tracking_number_and_the_ticket_apart() -> None:
    for message_id, text in texts("fa").items():
        for match in re.finditer("پیگیری", text):
            assert text[match.end() :].startswith(" بانکی"), message_id
        if "تیکت" in text:
            assert message_id.startswith("support"), message_id
    assert "کد تعهد:" in texts("fa")["pledge-done"]
    assert "کد تعهد" in texts("fa")["staff-ask-reference"]
    assert "تیکت" in texts("fa")["support-sent"]


PLURALS = [
    ("need-deadline", {"date": "1 Dey 1404"}, "days", "1 day left", "2 days left"),
    ("status-expires-on", {"date": "1 Dey 1404"}, "days", "1 day left", "2 days left"),
    ("verify-failed", {}, "left", "try once more", "try 2 more times"),
    (
        "need-form-below-pledged-items",
        {},
        "count",
        "pledged 1 item;",
        "pledged 2 items;",
    ),
    ("staff-delivered", {"code": "H7K2QD"}, "donors", "1 donor will", "2 donors will"),
    ("staff-export-caption", {}, "count", "1 pledge in", "2 pledges in"),
]


@pytest.mark.parametrize(
    ("message_id", "args", "number", "one", "two"), PLURALS, ids=[p[0] for p in PLURALS]
)
def test_english_plurals_agree_with_1_and_2(message_id, args, number, one, two) -> None:
    assert one in en(message_id, **args, **{number: 1})
    assert two in en(message_id, **args, **{number: 2})


def test_household_size_and_user_counts_agree() -> None:
    household = {"last3": "948", "decile": 2}
    assert "Household: 1 person ·" in en("status-household", **household, size=1)
    assert "Household: 2 people ·" in en("status-household", **household, size=2)
    users = {"new": 0, "staff": 1, "active": 2}
    one = en("stats-users", donors=1, beneficiaries=1, **users)
    assert "1 donor · 1 beneficiary ·" in one
    assert "2 donors · 2 beneficiaries ·" in en("stats-users", donors=2, beneficiaries=2, **users)


def test_english_asks_how_many_of_any_item_without_a_wrong_plural() -> None:
    asked = en("pledge-ask-quantity", code="H7K2QD", item="blanket", remaining=2)
    assert "Item: blanket. How many will you provide?" in asked
