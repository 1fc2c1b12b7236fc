"""One list of schema steps for both backends: every file in each backend's migrations
folder is a step, in order, and each step exists in both dialects."""

from __future__ import annotations

from importlib import resources

from bot.storage.records import SCHEMA_STEPS


def files_in(*parts: str) -> list[str]:
    folder = resources.files("bot").joinpath(*parts)
    return sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".sql"))


def test_the_steps_are_the_files_of_both_backends_in_order() -> None:
    assert list(SCHEMA_STEPS) == files_in("migrations")
    assert list(SCHEMA_STEPS) == files_in("storage", "postgres", "migrations")
    numbers = [int(name.split("_", 1)[0]) for name in SCHEMA_STEPS]
    assert numbers == list(range(1, len(SCHEMA_STEPS) + 1))
