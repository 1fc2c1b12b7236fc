"""Always a way forward: no refusal, error or "contact the office" is a dead end.

Conversation tests through the emulator and the real Application, like a person would meet
them: a typed place or greeting, a new amount on the confirm screen, help by role, back
buttons, paging words, refresh, /cancel, and the reminders button before verifying.
"""

from __future__ import annotations

import re

import pytest

from bot.i18n import available_languages, resource_texts

# "Contact the office" without the how (a phone, /support, an address) is a dead end.
DEAD_END_PHRASES = {
    "en": re.compile(r"(contact|ask) the welfare office|contact the office", re.IGNORECASE),
    "fa": re.compile("با (دفتر|ادارهٔ) بهزیستی تماس|از (دفتر|ادارهٔ) بهزیستی درخواست"),
}


@pytest.mark.parametrize("language", available_languages())
def test_no_message_sends_people_to_the_office_without_saying_how(language) -> None:
    texts = "\n".join(resource_texts(language).values())
    assert DEAD_END_PHRASES[language].findall(texts) == []
