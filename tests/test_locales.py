"""Languages: every message exists in every language with the same placeholders, and
Persian output uses Persian digits and Jalali dates."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from fluent.runtime import FluentResource
from fluent.syntax import ast as ftl
from fluent.syntax.visitor import Visitor

from bot.i18n import _Bundle, available_languages, pick_language, resource_texts, translator

REPO = Path(__file__).resolve().parent.parent


class _Placeholders(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_VariableReference(self, node: ftl.VariableReference) -> None:
        self.names.add(node.id.name)


def _messages(language: str) -> dict[str, frozenset[str]]:
    """Message id -> placeholder names, over every .ftl file of one language."""
    messages: dict[str, frozenset[str]] = {}
    for name, text in resource_texts(language).items():
        for entry in FluentResource(text).body:
            assert not isinstance(entry, ftl.Junk), f"{language}/{name}: {entry.content!r}"
            if isinstance(entry, ftl.Message):
                assert entry.id.name not in messages, f"{language}: duplicate {entry.id.name}"
                finder = _Placeholders()
                finder.visit(entry)
                messages[entry.id.name] = frozenset(finder.names)
    return messages


def test_persian_and_english_are_available_with_persian_first() -> None:
    assert available_languages()[:1] == ("fa",)
    assert "en" in available_languages()


@pytest.mark.parametrize("language", [lang for lang in available_languages() if lang != "fa"])
def test_every_language_has_every_message_with_the_same_placeholders(language) -> None:
    reference, other = _messages("fa"), _messages(language)
    assert sorted(set(reference) - set(other)) == [], f"missing in {language}"
    assert sorted(set(other) - set(reference)) == [], f"only in {language}"
    differing = {key for key in reference if reference[key] != other[key]}
    assert differing == set()


def test_numbers_in_persian_messages_use_persian_digits_and_separators() -> None:
    bundle = _Bundle("fa")
    bundle.add_resource(FluentResource("amount = { $n } تومان\n"))
    text, errors = bundle.format_pattern(bundle.get_message("amount").value, {"n": 2_500_000})
    assert errors == []
    assert text == "۲٬۵۰۰٬۰۰۰ تومان"


def test_english_plurals_still_select_on_formatted_numbers() -> None:
    bundle = _Bundle("en")
    bundle.add_resource(
        FluentResource("needs = { $n ->\n    [one] { $n } need\n   *[other] { $n } needs\n}\n")
    )
    message = bundle.get_message("needs").value
    assert bundle.format_pattern(message, {"n": 1})[0] == "1 need"
    assert bundle.format_pattern(message, {"n": 1200})[0] == "1,200 needs"


def test_dates_are_jalali_with_the_language_month_names() -> None:
    for language, expected in (("fa", "۳۰ آذر ۱۴۰۴"), ("en", "30 Azar 1404")):
        bundle = _Bundle(language)
        bundle.add_resource(FluentResource("when = { $d }\n"))
        text, _ = bundle.format_pattern(
            bundle.get_message("when").value, {"d": dt.date(2025, 12, 21)}
        )
        assert text == expected


@pytest.mark.parametrize(
    ("client", "expected"),
    [("fa", "fa"), ("fa-IR", "fa"), ("en-GB", "en"), ("de", "fa"), (None, "fa"), ("", "fa")],
)
def test_first_contact_language_comes_from_the_client(client, expected) -> None:
    assert pick_language(client, "fa") == expected


def test_strict_translator_refuses_unknown_messages() -> None:
    with pytest.raises(KeyError):
        translator("fa")("no-such-message")


def test_locales_are_found_from_any_working_directory(tmp_path) -> None:
    code = "from bot.i18n import translator; print(translator('en')('button-help'))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == translator("en")("button-help")


def test_the_wheel_ships_locales_migrations_and_data(tmp_path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = tmp_path.glob("hamdeli-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "bot/locales/fa/main.ftl",
        "bot/locales/en/main.ftl",
        "bot/migrations/0001_places.sql",
        "bot/data/places.csv",
    } <= names
