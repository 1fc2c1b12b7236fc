"""LOG_FORMAT=json: one JSON object per line, masked exactly as the text lines are."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import datetime

import pytest

from bot.logs import REDACTED, configure_logging, redact
from bot.text import national_code_check_digit

VALID_CODE = "001234567" + str(national_code_check_digit("001234567"))
TOKEN = "123456:AAE-secretsecretsecretsecret"
PHONE = "09121234567"


@pytest.fixture
def root_logging() -> Iterator[None]:
    """configure_logging replaces the root handlers; put pytest's back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def log_lines(log_format: str) -> list[str]:
    """What the `hamdeli` command would write: a token, a phone (in Persian digits too)
    and a national code, in messages, arguments and an exception's text."""
    stream = io.StringIO()
    configure_logging("DEBUG", secrets=(TOKEN,), log_format=log_format, stream=stream)
    log = logging.getLogger("bot.test")
    log.info("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    log.warning("phone %s and ۰۹۱۲۱۲۳۴۵۶۷ shared", PHONE)
    log.debug('text "%s" typed', VALID_CODE)
    try:
        raise ValueError(f"bad code {VALID_CODE} for {PHONE}")
    except ValueError:
        log.exception("handler failed for %s", PHONE)
    return stream.getvalue().splitlines()


def test_json_lines_parse_and_carry_the_fields(root_logging) -> None:
    lines = log_lines("json")
    entries = [json.loads(line) for line in lines]
    assert len(entries) == 4
    assert [entry["level"] for entry in entries] == ["INFO", "WARNING", "DEBUG", "ERROR"]
    assert {entry["logger"] for entry in entries} == {"bot.test"}
    for entry in entries:
        assert datetime.fromisoformat(entry["time"]).utcoffset().total_seconds() == 0
    assert entries[0]["message"] == f"calling https://api.telegram.org/bot{REDACTED}/getMe"
    assert "exc" not in entries[0]
    assert entries[3]["exc"].startswith("Traceback")
    assert "ValueError: bad code" in entries[3]["exc"]


def test_json_masks_token_phone_and_national_code(root_logging) -> None:
    text = "\n".join(log_lines("json"))
    for secret in (TOKEN, "secretsecret", "9121234567", "۹۱۲۱۲۳۴۵۶۷", VALID_CODE):
        assert secret not in text
    assert text.count(REDACTED) >= 7


def test_json_masks_exactly_what_text_masks(root_logging) -> None:
    """The same record, redacted once: message and traceback equal the text lines'."""
    text = "\n".join(log_lines("text"))
    entries = [json.loads(line) for line in log_lines("json")]
    for entry in entries:
        assert f"{entry['level']} bot.test: {entry['message']}" in text
    assert entries[3]["exc"] in text
    assert redact(entries[3]["exc"], (TOKEN,)) == entries[3]["exc"]


def test_text_stays_the_default(root_logging) -> None:
    stream = io.StringIO()
    configure_logging("INFO", stream=stream)
    logging.getLogger("bot.test").info("hello %s", PHONE)
    line = stream.getvalue().strip()
    assert line.endswith(f"INFO bot.test: hello {REDACTED}")
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)
