"""Languages: Project Fluent files under `locales/<lang>/*.ftl`, one folder per language.

Why Fluent: translators edit plain text files with named placeholders and plural variants,
and a test can parse every file to check that all languages have the same messages with the
same placeholders (tests/test_locales.py).

Numbers and dates are formatted here, not by Fluent's Babel defaults: in Persian we show
Persian digits with the Persian thousands separator and Jalali dates with Persian month
names; in English, Latin digits and Jalali dates with English month names. Placeables are
not wrapped in Unicode isolation marks (`use_isolating=False`): some older phones draw them
as boxes; a view that mixes scripts on one line starts it with a direction mark instead.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentResource
from fluent.runtime.resolver import MAX_PART_LENGTH, CurrentEnvironment, ResolverEnvironment
from fluent.runtime.types import FluentInt
from fluent.runtime.utils import native_to_fluent
from fluent.syntax import ast as ftl

from bot.text import format_date, format_number

log = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "fa"
ELLIPSIS = "…"
# Fluent refuses any placeable longer than MAX_PART_LENGTH (2,500) characters, and then the
# whole message becomes `{???}`. A long text argument (a person's words) is cut instead, to
# each of these lengths in turn until the message formats (a placeable may hold text
# around the argument, or several arguments).
ARGUMENT_LIMITS = (MAX_PART_LENGTH - 1, 1000, 300, 80)


def locales_root() -> Traversable:
    """`locales/`: inside the installed wheel (bot/locales), else the source checkout's."""
    packaged = resources.files("bot").joinpath("locales")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "locales"


@cache
def available_languages() -> tuple[str, ...]:
    """Every folder under locales/ is a language; fa first, as the default audience."""
    found = sorted(p.name for p in locales_root().iterdir() if p.is_dir() and len(p.name) <= 3)
    return tuple(sorted(found, key=lambda code: (code != DEFAULT_LANGUAGE, code)))


def resource_texts(language: str) -> dict[str, str]:
    """The .ftl files of one language, by file name."""
    folder = locales_root().joinpath(language)
    return {
        f.name: f.read_text(encoding="utf-8")
        for f in sorted(folder.iterdir(), key=lambda f: f.name)
        if f.name.endswith(".ftl")
    }


class _LocalizedInt(FluentInt):
    """An integer that Fluent formats with our digits and separators, still usable in plurals."""

    language: str = DEFAULT_LANGUAGE

    def format(self, locale: Any) -> str:
        return format_number(int(self), self.language)


class _Bundle(FluentBundle):
    """A FluentBundle whose integer and date arguments follow Hamdeli's formatting rules."""

    def __init__(self, language: str) -> None:
        super().__init__([language], use_isolating=False)
        self.language = language
        self._int_type = type("LocalizedInt", (_LocalizedInt,), {"language": language})

    def format_pattern(self, pattern: Any, args: Mapping[str, Any] | None = None) -> Any:
        """FluentBundle.format_pattern, with our argument conversion.

        The base method converts every int to a plain FluentInt (Babel digits), so it is
        reproduced here with `_to_fluent` instead.
        """
        errors: list[Exception] = []
        env = ResolverEnvironment(
            context=self,
            current=CurrentEnvironment(
                args={name: self._to_fluent(value) for name, value in (args or {}).items()}
            ),
            errors=errors,
        )
        try:
            result = pattern(env)
        except ValueError as exc:
            errors.append(exc)
            result = "{???}"
        return result, errors

    def _to_fluent(self, value: Any) -> Any:
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int):
            return self._int_type(value)
        if isinstance(value, dt.datetime):
            return format_date(value.date(), self.language)
        if isinstance(value, dt.date):
            return format_date(value, self.language)
        return native_to_fluent(value)


def cut(text: str, limit: int) -> str:
    """`text`, or its first `limit - 1` characters and "…": long text from people is
    shortened, never allowed to break the message around it."""
    if len(text) <= limit:
        return text
    return text[: limit - 1] + ELLIPSIS


class MissingTranslation(KeyError):
    """Raised in strict mode (tests) when a message id is absent from a language."""


class Translator:
    """Formats messages for one language; falls back to the default language, then the id."""

    def __init__(self, language: str, *, strict: bool = False) -> None:
        self.language = language
        self.strict = strict
        self._bundle = _bundle(language)
        self._fallback = _bundle(DEFAULT_LANGUAGE) if language != DEFAULT_LANGUAGE else None

    def __call__(self, message_id: str, **args: Any) -> str:
        for bundle in (self._bundle, self._fallback):
            if bundle is not None and bundle.has_message(message_id):
                return self._format(bundle, message_id, args)
        if self.strict:
            raise MissingTranslation(f"{self.language}: {message_id}")
        log.error("missing translation %s:%s", self.language, message_id)
        return message_id

    def has(self, message_id: str) -> bool:
        return self._bundle.has_message(message_id)

    def _format(self, bundle: FluentBundle, message_id: str, args: dict[str, Any]) -> str:
        message = bundle.get_message(message_id)
        assert message.value is not None  # every message in locales/ has a value (parity test)
        for limit in ARGUMENT_LIMITS:
            shortened = {k: cut(v, limit) if isinstance(v, str) else v for k, v in args.items()}
            text, errors = bundle.format_pattern(message.value, shortened)
            if not any("Too many characters" in str(error) for error in errors):
                break
        if errors:
            if self.strict:
                raise MissingTranslation(f"{self.language}: {message_id}: {errors}")
            log.error("translation %s:%s failed: %s", self.language, message_id, errors)
        return str(text)


@cache
def _bundle(language: str) -> _Bundle:
    bundle = _Bundle(language)
    for name, text in resource_texts(language).items():
        resource = FluentResource(text)
        junk = [entry for entry in resource.body if isinstance(entry, ftl.Junk)]
        if junk:
            raise ValueError(f"locales/{language}/{name}: cannot parse {junk[0].content!r}")
        bundle.add_resource(resource)
    return bundle


_strict = False


def use_strict_translations(strict: bool = True) -> None:
    """Make a missing message an error instead of a logged fallback (the test suite does)."""
    global _strict
    _strict = strict
    translator.cache_clear()


@cache
def translator(language: str) -> Translator:
    """A shared translator per language (bundles are immutable once loaded)."""
    if language not in available_languages():
        language = DEFAULT_LANGUAGE
    return Translator(language, strict=_strict)


def pick_language(client_language: str | None, default: str) -> str:
    """The language for a first contact: the client's, when we have it, else the default."""
    if client_language:
        base = client_language.split("-")[0].lower()
        if base in available_languages():
            return base
    return default
