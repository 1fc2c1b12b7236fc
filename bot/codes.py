"""Public identifiers: short, random (never sequential) and easy to read aloud or type.

The alphabet leaves out look-alikes (0/O, 1/I/L) so a code read over the phone or copied
by hand from a poster still matches. 31**6 ≈ 887 million codes: collisions are retried by
the store, and guessing a valid code is impractical.

Every code is drawn through `random_code`, looked up at call time: tests replace it (with
pytest's monkeypatch) to force a collision, the only way to reach that path on purpose.
"""

from __future__ import annotations

import re
import secrets

from bot.text import normalize_text

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
_DIGITS = frozenset("23456789")
_TYPED_CODE = re.compile(rf"(#?)([{ALPHABET}]{{{CODE_LENGTH}}})", re.IGNORECASE)


def random_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_need_code() -> str:
    """e.g. H7K2QD: shown on cards and in share links (/start need_H7K2QD).

    Always with a digit, so that no code is an English word ("THANKS", "STATUS") and a
    code typed in small letters is still told apart from a word (`typed_need_code`).
    """
    code = random_code()
    if _DIGITS & set(code):
        return code
    position = secrets.randbelow(len(code))  # one draw only: a test may script the draws
    return code[:position] + secrets.choice(sorted(_DIGITS)) + code[position + 1 :]


def typed_need_code(text: str) -> str | None:
    """The need code a message is, in capitals, or None when it is not shaped like one.

    Persian and Arabic digits count (H۷K۲QD). Six letters are a code only when written
    as one, in capitals or after "#" (older codes may have no digit): "thanks", "status"
    and "salam" are words, not codes.
    """
    match = _TYPED_CODE.fullmatch(normalize_text(text))
    if match is None:
        return None
    hashed, code = match.groups()
    if hashed or _DIGITS & set(code) or code.isupper():
        return code.upper()
    return None


def new_pledge_reference() -> str:
    """e.g. P-8F3K2Q: the donor writes it in the bank transfer's description."""
    return f"P-{random_code()}"


def new_confirm_token() -> str:
    """One per confirm button, so a redelivered confirmation creates nothing twice."""
    return secrets.token_urlsafe(9)
