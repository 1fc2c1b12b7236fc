"""The `hamdeli` command as an operator meets it: help, bad settings, no token, migrate."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.storage import MIGRATIONS
from tests.commands import hamdeli

REPO = Path(__file__).resolve().parent.parent
LATEST = MIGRATIONS[-1].version


@pytest.mark.parametrize("command", [[], ["run"], ["demo"], ["migrate"]])
def test_every_command_has_help(tmp_path, command) -> None:
    result = hamdeli(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "usage: hamdeli" in result.stdout


def test_invalid_admin_ids_exit_2_with_one_line_naming_it(tmp_path) -> None:
    result = hamdeli("run", cwd=tmp_path, ADMIN_IDS="abc", BOT_TOKEN="1:x")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("ADMIN_IDS:")
    assert "Traceback" not in result.stderr


def test_format_errors_are_reported_before_a_missing_token(tmp_path) -> None:
    result = hamdeli("run", cwd=tmp_path, ADMIN_IDS="abc")
    assert result.returncode == 2
    assert result.stderr.startswith("ADMIN_IDS:")


def test_run_without_token_explains_how_to_get_one_and_points_to_demo(tmp_path) -> None:
    result = hamdeli("run", cwd=tmp_path)
    assert result.returncode == 2
    assert "BotFather" in result.stderr
    assert "make demo" in result.stderr
    assert "Traceback" not in result.stderr


def test_migrate_creates_the_database_folder_from_any_directory(tmp_path) -> None:
    result = hamdeli("migrate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "hamdeli.db").exists()
    assert f"schema version {LATEST}" in result.stdout
    again = hamdeli("migrate", cwd=tmp_path)
    assert again.returncode == 0
    assert f"schema version {LATEST}" in again.stdout
