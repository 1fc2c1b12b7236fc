"""Logs never show the token or personal data, even at DEBUG."""

from __future__ import annotations

import logging

import pytest

from bot.logs import REDACTED, RedactingFilter, install_redaction, redact
from bot.text import national_code_check_digit

VALID_CODE = "001234567" + str(national_code_check_digit("001234567"))
TOKEN = "123456:AAE-secretsecretsecretsecret"


@pytest.mark.parametrize(
    "text",
    [
        f"calling https://api.telegram.org/bot{TOKEN}/getMe",
        "phone +989121234567 shared",
        "phone 09121234567 shared",
        "phone 989121234567 shared",
        f"code {VALID_CODE} typed",
        "User(first_name='Sara', id=5)",
        '{"first_name": "Sara", "username": "sara_k", "phone_number": "+989121234567"}',
    ],
)
def test_secrets_and_personal_data_are_masked(text) -> None:
    masked = redact(text, (TOKEN,))
    for secret in (TOKEN, "secretsecret", "9121234567", VALID_CODE, "Sara", "sara_k"):
        assert secret not in masked
    assert REDACTED in masked


def test_ordinary_numbers_like_update_ids_stay_readable() -> None:
    assert redact("update 1234567890 failed") == "update 1234567890 failed"


async def test_a_debug_conversation_logs_no_token_or_personal_data(chat, caplog) -> None:

    caplog.set_level(logging.DEBUG)
    redaction = RedactingFilter((TOKEN,))
    caplog.handler.addFilter(redaction)
    try:
        sara = chat.user(name="Sara")
        await sara.send("/start")
        await sara.send(f"my code is {VALID_CODE} and phone ۰۹۱۲۱۲۳۴۵۶۷")
        await sara.send("09121234567")
        await sara.share_contact("+989121234567")
        await sara.click_data("forged")
    finally:
        caplog.handler.removeFilter(redaction)
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "Calling Bot API endpoint" in text  # DEBUG really was on
    for secret in ("Sara", VALID_CODE, "9121234567", TOKEN):
        assert secret not in text


def test_install_quiets_loggers_that_print_urls_or_sql() -> None:
    install_redaction()
    assert logging.getLogger("httpx").level == logging.WARNING
    assert logging.getLogger("aiosqlite").level == logging.INFO
