"""Safety: "is this SMS real?", and the 123 line when someone writes about danger."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.safety import calls_for_help, phishing_signs
from bot.i18n import translator

fa = translator("fa")


@pytest.mark.parametrize(
    ("sms", "signs"),
    [
        ("از: v.refah\nکالابرگ مرحلهٔ ۲ شارژ شد.", []),
        ("کالابرگ شما شارژ شد: www.kalabarg-gift.ir", ["sms-sign-link"]),
        ("برای دریافت، رمز دوم کارت را بفرستید", ["sms-sign-credentials"]),
        ("از: 09121234567\nکالابرگ شما شارژ شد", ["sms-sign-sender"]),
        (
            "From: +989351112233\nClick https://bit.ly/x and enter your PIN",
            ["sms-sign-link", "sms-sign-credentials", "sms-sign-sender"],
        ),
    ],
)
def test_phishing_signs_are_named(sms, signs) -> None:
    assert phishing_signs(sms) == signs


@pytest.mark.parametrize("text", ["شوهرم کتکم میزنه", "میخوام بمیرم", "I want to die"])
def test_words_of_danger_call_for_help(text) -> None:
    assert calls_for_help(text)


@pytest.mark.parametrize(
    "text", ["سلام، وضعیت کالابرگ من چیست؟", "رمز عبور را فراموش کردم", "2 میلیون"]
)
def test_ordinary_text_does_not(text) -> None:
    assert not calls_for_help(text)


@given(st.text())
def test_any_text_gets_an_answer_not_an_exception(text) -> None:
    assert isinstance(phishing_signs(text), list)
    assert isinstance(calls_for_help(text), bool)


async def test_pasting_a_suspicious_sms_gets_a_warning_with_the_rule(chat) -> None:
    sara = chat.user()
    await sara.send("/sms")
    assert sara.last_reply.text == fa("sms-ask")
    await sara.send("کالابرگ شما شارژ شد: www.kalabarg-gift.ir")
    assert sara.last_reply.text.startswith(fa("sms-warning"))
    assert fa("sms-sign-link") in sara.last_reply.text
    assert fa("sms-rule") in sara.last_reply.text
    await sara.send("okay")  # the check is over
    assert sara.last_reply.text.startswith(fa("unknown-text"))
