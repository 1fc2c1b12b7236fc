"""A domain rule saying no, in words the person will read."""

from __future__ import annotations

from typing import Any


class Refused(Exception):
    """Why a step cannot happen, as a locale message id and its arguments, so every
    handler shows the same words for the same rule."""

    def __init__(self, message_id: str, **args: Any) -> None:
        super().__init__(message_id)
        self.message_id = message_id
        self.args_ = args
