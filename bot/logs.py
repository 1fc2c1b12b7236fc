"""Logging that never reveals the bot token or people's personal data.

httpx logs every request URL, and Bot API URLs contain the token: its logger is quieted to
WARNING (aiosqlite's, which logs SQL parameters, to INFO). Everything else passes a
redaction filter that masks the token, anything shaped like an Iranian mobile number or a
valid national code, and the values of name, username and phone fields in logged updates
(PTB logs whole updates and API parameters at DEBUG). Telegram ids stay: they are
pseudonymous and needed to debug; they never reach a donor.
"""

from __future__ import annotations

import logging
import re

from bot.text import is_valid_national_code

REDACTED = "[redacted]"
_TOKEN = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{20,}")
_MOBILE = re.compile(r"(?:\+|00)?(?:98|0)?9\d{2}[\s-]?\d{3}[\s-]?\d{4}(?!\d)")
_TEN_DIGITS = re.compile(r"(?<!\d)\d{10}(?!\d)")
_PERSONAL_FIELDS = re.compile(
    r"""(['"]?(?:first_name|last_name|username|phone_number|vcard)['"]?\s*[:=]\s*)"""
    r"""(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
)


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Mask tokens, phones, national codes and personal fields in one log line."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    text = _TOKEN.sub(REDACTED, text)
    text = _PERSONAL_FIELDS.sub(lambda m: m.group(1) + "'" + REDACTED + "'", text)
    text = _TEN_DIGITS.sub(
        lambda m: REDACTED if is_valid_national_code(m.group(0)) else m.group(0), text
    )
    return _MOBILE.sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    """Formats the record once, redacted, so no handler ever sees the raw arguments."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), self.secrets)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(
                logging.Formatter().formatException(record.exc_info), self.secrets
            )
            record.exc_info = None
        return True


def configure_logging(level: str, secrets: tuple[str, ...] = ()) -> RedactingFilter:
    """Root logging for the `hamdeli` command: one redacting filter on every handler."""
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    return install_redaction(secrets)


def install_redaction(secrets: tuple[str, ...] = ()) -> RedactingFilter:
    """Attach the filter to every root handler and quiet httpx's URL-with-token log."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # aiosqlite logs every statement with its parameters at DEBUG: personal data, and noise.
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
    redaction = RedactingFilter(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redaction)
    return redaction
