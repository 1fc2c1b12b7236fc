"""Public identifiers: short, random (never sequential) and easy to read aloud or type.

The alphabet leaves out look-alikes (0/O, 1/I/L) so a code read over the phone or copied
by hand from a poster still matches. 31**6 ≈ 887 million codes: collisions are retried by
the store, and guessing a valid code is impractical.

Every code is drawn through `random_code`, looked up at call time: tests replace it (with
pytest's monkeypatch) to force a collision, the only way to reach that path on purpose.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6


def random_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_need_code() -> str:
    """e.g. H7K2QD: shown on cards and in share links (/start need_H7K2QD)."""
    return random_code()


def new_pledge_reference() -> str:
    """e.g. P-8F3K2Q: the donor writes it in the bank transfer's description."""
    return f"P-{random_code()}"


def new_confirm_token() -> str:
    """One per confirm button, so a redelivered confirmation creates nothing twice."""
    return secrets.token_urlsafe(9)
