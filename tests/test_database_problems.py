"""A database an operator got wrong: one readable line and exit code 2, never a traceback.

Every command is run as an operator runs it (`hamdeli …` in a subprocess). `run` and
`migrate` may create a database; every other command refuses one that does not exist.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.models import NeedCategory, NeedDraft, NeedKind
from bot.storage import Store
from tests.commands import hamdeli, migrated

TOKEN = "123456:never-used-because-the-database-is-checked-first"


def url(path: Path) -> str:
    return f"sqlite:///{path}"


def assert_one_line(result, *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if " INFO " not in line]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def database_with_needs(path: Path, count: int = 3000) -> Path:
    """A real database big enough to have many b-tree pages, checkpointed into one file."""
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, _fill(path, count)).result()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("PRAGMA journal_mode = DELETE")
    return path


async def _fill(path: Path, count: int) -> None:
    async with Store(path) as store:
        province = (await store.provinces())[0]
        city = province.cities[0]
        drafts = [
            NeedDraft(city_id=city.id, province_id=province.id, category=NeedCategory.MEDICAL,
                      kind=NeedKind.MONEY, target=10_000_000 + n,
                      description_fa=f"داروی ماهانهٔ خانواده شمارهٔ {n} " * 3)
            for n in range(count)
        ]  # fmt: skip
        await store.upsert_needs(drafts, now=1_764_000_000)


def damaged_pages(path: Path) -> Path:
    """Overwrite a few pages in the middle of the needs table: SQLite opens the file
    happily, and only a check (or an unlucky query) finds the damage."""
    database_with_needs(path)
    size = path.stat().st_size
    with path.open("r+b") as file:
        file.seek((size // 4096 // 2) * 4096)
        file.write(b"\x0d\xff\x00\x42" * 2048)
    return path


def truncated(path: Path) -> Path:
    database_with_needs(path)
    with path.open("r+b") as file:
        file.truncate(path.stat().st_size // 2)
    return path


def not_a_database(path: Path) -> Path:
    path.write_bytes(b"name,phone\nSara,0912\n" * 50)
    return path


def read_only(path: Path) -> Path:
    migrated(path)
    path.chmod(0o444)
    return path


def a_folder(path: Path) -> Path:
    path.mkdir()
    return path


def under_a_file(path: Path) -> Path:
    path.write_text("a file where a folder should be")
    return path / "hamdeli.db"


BAD = {
    "corrupt": (not_a_database, ["not a SQLite database", "backup"]),
    "read-only": (read_only, ["read-only"]),
    "a folder": (a_folder, ["is a folder"]),
    "under a file": (under_a_file, ["is a file, not a folder"]),
}


@pytest.mark.parametrize("kind", list(BAD))
@pytest.mark.parametrize("command", [["run"], ["migrate"], ["export", "pledges", "--since",
                                     "1404/09/01", "--out", "x.csv"]])  # fmt: skip
def test_a_bad_database_is_one_line_and_exit_2(tmp_path, kind, command) -> None:
    make, words = BAD[kind]
    path = make(tmp_path / "h.db")
    result = hamdeli(*command, cwd=tmp_path, DATABASE_URL=url(path), BOT_TOKEN=TOKEN,
                     BOT_API_BASE_URL="http://127.0.0.1:9/bot")  # fmt: skip
    assert_one_line(result, str(path), *words)
    assert TOKEN not in result.stderr


@pytest.mark.parametrize("make", [damaged_pages, truncated])
def test_damaged_pages_are_found_at_start_and_not_served(tmp_path, make) -> None:
    path = make(tmp_path / "h.db")
    for command in (["run"], ["export", "pledges", "--since", "1404/09/01", "--out", "x.csv"]):
        result = hamdeli(*command, cwd=tmp_path, DATABASE_URL=url(path), BOT_TOKEN=TOKEN,
                         BOT_API_BASE_URL="http://127.0.0.1:9/bot")  # fmt: skip
        assert_one_line(result, str(path), "damaged", "hamdeli backup")
    assert not (tmp_path / "x.csv").exists()


def test_a_healthy_database_passes_the_check(tmp_path) -> None:
    path = database_with_needs(tmp_path / "h.db", count=50)
    result = hamdeli("export", "pledges", "--since", "1404/09/01", "--out", "x.csv",
                     cwd=tmp_path, DATABASE_URL=url(path))  # fmt: skip
    assert result.returncode == 0, result.stderr


# -- the operator commands ---------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["export", "pledges", "--since", "1404/09/01", "--out", "x.csv"],
        ["backup", "copy.db"],
        ["import", "needs", "needs.csv"],
        ["import", "beneficiaries", "needs.csv"],
    ],
)
def test_a_mistyped_database_url_is_refused_not_created(tmp_path, command) -> None:
    (tmp_path / "needs.csv").write_text("external_id\n", encoding="utf-8")
    typo = tmp_path / "data" / "hamdli.db"
    result = hamdeli(*command, cwd=tmp_path, DATABASE_URL=url(typo))
    assert_one_line(result, f"no database at {typo}", "DATABASE_URL")
    assert not typo.exists()
    assert not typo.parent.exists()


def test_migrate_still_creates_a_new_database(tmp_path) -> None:
    path = tmp_path / "new" / "h.db"
    result = hamdeli("migrate", cwd=tmp_path, DATABASE_URL=url(path))
    assert result.returncode == 0, result.stderr
    assert path.exists()


def test_a_backup_onto_the_live_database_is_refused(tmp_path) -> None:
    path = migrated(tmp_path / "h.db")
    before = path.read_bytes()
    for target in (str(path), "./h.db", f"{tmp_path}/../{tmp_path.name}/h.db"):
        result = hamdeli("backup", target, cwd=tmp_path, DATABASE_URL=url(path))
        assert_one_line(result, "live database itself")
        assert "written" not in result.stdout
    assert path.read_bytes() == before


def test_a_backup_through_a_symlink_to_the_live_database_is_refused(tmp_path) -> None:
    path = migrated(tmp_path / "h.db")
    os.symlink(path, tmp_path / "link.db")
    result = hamdeli("backup", "link.db", cwd=tmp_path, DATABASE_URL=url(path))
    assert_one_line(result, "live database itself")


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("folder", ["is a folder"]),
        ("afile/copy.db", ["cannot write", "afile/copy.db"]),
    ],
)
def test_a_backup_to_a_bad_path_is_one_line(tmp_path, target, words) -> None:
    path = migrated(tmp_path / "h.db")
    (tmp_path / "folder").mkdir()
    (tmp_path / "afile").write_text("x")
    result = hamdeli("backup", target, cwd=tmp_path, DATABASE_URL=url(path))
    assert_one_line(result, *words)


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("folder", ["--out folder", "is a folder"]),
        ("afile/x.csv", ["--out afile/x.csv", "cannot write"]),
    ],
)
def test_an_export_to_a_bad_path_is_one_line(tmp_path, target, words) -> None:
    path = migrated(tmp_path / "h.db")
    (tmp_path / "folder").mkdir()
    (tmp_path / "afile").write_text("x")
    result = hamdeli("export", "pledges", "--since", "1404/09/01", "--out", target,
                     cwd=tmp_path, DATABASE_URL=url(path))  # fmt: skip
    assert_one_line(result, *words)
