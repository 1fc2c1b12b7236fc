"""Logging that never reveals the bot token or people's personal data.

httpx logs every request URL, and Bot API URLs contain the token: its logger is quieted to
WARNING (aiosqlite's, which logs SQL parameters, to INFO). Everything else passes a
redaction filter that masks the token, the values of name, username and phone fields in
logged updates (PTB logs whole updates, API parameters and results at DEBUG), anything
shaped like an Iranian mobile number or a valid national code, and the values the bot was
told to hide (`hide_in_logs`: a household head's name shown to staff).

Numbers are found on a normalized reading of the line, so no digit script or invisible
character hides them: escapes as repr and JSON print them (``\\u06f0``, ``\\u200b``,
``\\xad``) are read as the characters they stand for, every format character (Unicode Cf)
is skipped, NFKC folds compatibility digits, and every decimal digit counts as its ASCII
digit. What matched is masked in the line as it was written. A national code may be typed
with separators (``001-234567-9``) or without its leading zeros (8 or 9 digits, which the bot
pads): inside quoted text (what people typed, what the bot sends) such short codes are masked
too; outside quotes an 8-9 digit number is an id (update, user, chat) and stays. Telegram
ids stay: they are pseudonymous and needed to debug; they never reach a donor.

`LOG_FORMAT=json` writes one JSON object per line (for a log shipper) from the same
redacted record: the filter runs before any formatter, so the JSON never sees a raw value.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Literal, TextIO

from bot.text import is_valid_national_code

REDACTED = "[redacted]"
_TOKEN = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{20,}")
_PERSONAL_FIELDS = re.compile(
    r"""(['"]?(?:first_name|last_name|username|phone_number|vcard)['"]?\s*[:=]\s*)"""
    r"""(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
)
# An escape as repr() or JSON writes a character: \xad, \u200b, \U0001d7ce.
_ESCAPE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})")
# On the normalized line. One separator people type may stand between any two digits.
_SEP = r"[ \-._()\u00b7*|~:/]?"
_MOBILE = re.compile(rf"(?<![0-9])(?:\+|00)?(?:98{_SEP}|0{_SEP})?9(?:{_SEP}[0-9]){{9}}(?![0-9])")
_CODE_10 = re.compile(r"(?<![0-9])[0-9](?:[ \-._]?[0-9]){9}(?![0-9])")
_CODE_SHORT = re.compile(r"(?<![0-9A-Za-z_])[0-9](?:[ \-._]?[0-9]){7,8}(?![0-9A-Za-z_])")
_QUOTED = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*\"""")

# Values the bot showed from a record (a name): masked wherever they appear in a log line.
_HIDDEN_MAX = 512
_hidden: OrderedDict[str, None] = OrderedDict()


def hide_in_logs(*values: str) -> None:
    """Mask these values in every later log line (the most recent few hundred are kept).

    For personal data no pattern can recognise, such as a household head's name that a
    staff screen shows: the reply is logged at DEBUG with everything it says.
    """
    for value in values:
        key = _normalized(value)[0].strip()
        if len(key) >= 3:
            _hidden[key] = None
            _hidden.move_to_end(key)
    while len(_hidden) > _HIDDEN_MAX:
        _hidden.popitem(last=False)


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Mask tokens, personal fields, phones, national codes and hidden values in a line."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    text = _TOKEN.sub(REDACTED, text)
    text = _PERSONAL_FIELDS.sub(lambda m: m.group(1) + "'" + REDACTED + "'", text)
    normalized, spans = _normalized(text)
    found = sorted(_personal_spans(normalized))
    return _mask(text, [(spans[start][0], spans[end - 1][1]) for start, end in found])


def _personal_spans(normalized: str) -> Iterator[tuple[int, int]]:
    """Where personal data sits in the normalized line (start, end)."""
    for match in _MOBILE.finditer(normalized):
        yield match.span()
    for match in _CODE_10.finditer(normalized):
        if is_valid_national_code(match.group()):
            yield match.span()
    for quoted in _QUOTED.finditer(normalized):
        for match in _CODE_SHORT.finditer(quoted.group()):
            if is_valid_national_code(match.group()):
                yield quoted.start() + match.start(), quoted.start() + match.end()
    for value in tuple(_hidden):  # (another thread may log meanwhile)
        start = normalized.find(value)
        while start != -1:
            yield start, start + len(value)
            start = normalized.find(value, start + 1)


def _normalized(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The line as its characters read (escapes decoded, Cf skipped, NFKC, ASCII digits),
    with the span of the original line each normalized character came from."""
    if text.isascii() and "\\" not in text:
        return text, [(index, index + 1) for index in range(len(text))]
    chars: list[str] = []
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(text):
        escape = _ESCAPE.match(text, index) if text[index] == "\\" else None
        if escape is not None:
            char, end = chr(int(escape.group()[2:], 16)), escape.end()
        else:
            char, end = text[index], index + 1
        if unicodedata.category(char) != "Cf":
            for folded in unicodedata.normalize("NFKC", char):
                digit = unicodedata.decimal(folded, None)
                chars.append(str(digit) if digit is not None else folded)
                spans.append((index, end))
        index = end
    return "".join(chars), spans


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    """Replace each span (sorted; overlapping ones merged) with REDACTED."""
    pieces, position = [], 0
    for start, end in spans:
        if start < position:  # overlaps the span just masked: widen it
            position = max(position, end)
            continue
        pieces += [text[position:start], REDACTED]
        position = end
    return "".join([*pieces, text[position:]])


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
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message, and exc
    (the traceback) or stack when there is one. It formats what the redacting filter left,
    so it masks exactly what the text format masks."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:  # a handler without the filter
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(
    level: str,
    secrets: tuple[str, ...] = (),
    log_format: Literal["text", "json"] = "text",
    stream: TextIO | None = None,
) -> RedactingFilter:
    """Root logging for the `hamdeli` command (to stderr unless `stream`): one redacting
    filter on every handler, and lines as text or, for a log shipper, JSON."""
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=stream,
        force=True,
    )
    if log_format == "json":
        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonFormatter())
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
