"""`hamdeli import needs FILE.csv` as staff run it: counts, problems by line, exit codes.

The subprocess imports into this run's backend (tests/databases.py): a SQLite file on
`make test`, a PostgreSQL database of its own on `make test-pg`."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from bot.domain.need_import import COLUMNS
from bot.importing import ProgressBar, import_needs
from bot.models import NeedKind
from bot.storage.factory import store_for
from tests.commands import hamdeli
from tests.conftest import make_settings
from tests.databases import database_url

HEADER = ",".join(COLUMNS)
GOOD_ROWS = [
    'N-1,تهران,تهران,dowry,جهیزیه برای نوعروس,A dowry set,"25,000,000",,,1499/01/01,yes,0012345679',
    "N-2,Fars,Ardakan,medical,داروی ماهانه,,,قرص انسولین,۳,,no,",
    'N-3,يزد,اردکان,مسکن,"اجاره شش ماه\nبرای خانواده‌ای با سه فرزند",,2.5 million,,,,,',
]


def write_csv(folder: Path, *rows: str, name: str = "needs.csv", newline: str = "\n") -> Path:
    path = folder / name
    path.write_text(newline.join([HEADER, *rows]) + newline, encoding="utf-8", newline="")
    return path


@pytest.fixture
async def database(tmp_path: Path) -> str:
    """The URL of an existing, migrated database: import refuses to create one (a
    mistyped DATABASE_URL must not become a new empty file)."""
    url = database_url(tmp_path)
    async with store_for(url):  # opening migrates
        pass
    return url


@pytest.fixture
def run_import(tmp_path: Path, database: str):
    def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return hamdeli("import", *args, cwd=tmp_path, DATABASE_URL=database, **env)

    return run


async def count_needs(database: str) -> int:
    async with store_for(database) as store:
        return await store.count_needs()


async def test_a_good_file_is_imported_and_counted(tmp_path, database, run_import) -> None:
    path = write_csv(tmp_path, *GOOD_ROWS)
    result = run_import("needs", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "imported 3 needs: 3 added, 0 updated\n"
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    async with store_for(database) as store:
        assert await store.count_needs() == 3
        money, items, rent = [await store.need(need_id) for need_id in (1, 2, 3)]
    assert (money.kind, money.target) == (NeedKind.MONEY, 250_000_000)
    assert (items.kind, items.target, items.item_name) == (NeedKind.ITEMS, 3, "قرص انسولین")
    assert rent.description_fa == "اجاره شش ماه\nبرای خانواده‌ای با سه فرزند"


async def test_running_the_same_file_again_updates_and_adds_nothing(
    tmp_path, database, run_import
) -> None:
    path = write_csv(tmp_path, *GOOD_ROWS)
    assert run_import("needs", str(path)).returncode == 0
    again = run_import("needs", str(path))
    assert again.returncode == 0, again.stderr
    assert again.stdout == "imported 3 needs: 0 added, 3 updated\n"
    assert await count_needs(database) == 3


async def test_a_changed_row_updates_its_need_and_keeps_its_public_code(
    tmp_path, database, run_import
) -> None:
    assert run_import("needs", str(write_csv(tmp_path, GOOD_ROWS[0]))).returncode == 0
    async with store_for(database) as store:
        before = await store.need(1)
    changed = GOOD_ROWS[0].replace('"25,000,000"', "30000000")
    result = run_import("needs", str(write_csv(tmp_path, changed)))
    assert result.stdout == "imported 1 need: 0 added, 1 updated\n"
    async with store_for(database) as store:
        after = await store.need(1)
    assert (after.code, after.target) == (before.code, 300_000_000)


async def test_rows_without_external_id_are_known_by_file_and_line_never_added_twice(
    tmp_path, database, run_import
) -> None:
    """Issue #9 changes this: the same file again (after a crash, or by mistake) updates the
    rows without external_id it added; another file adds its own rows."""
    path = write_csv(tmp_path, GOOD_ROWS[1].removeprefix("N-2"))
    assert run_import("needs", str(path)).returncode == 0
    assert run_import("needs", str(path)).stdout == "imported 1 need: 0 added, 1 updated\n"
    assert await count_needs(database) == 1
    other = write_csv(tmp_path, GOOD_ROWS[1].removeprefix("N-2"), GOOD_ROWS[2].removeprefix("N-3"))
    assert run_import("needs", str(other)).stdout == "imported 2 needs: 2 added, 0 updated\n"
    assert await count_needs(database) == 3


async def test_an_excel_file_with_bom_and_crlf_is_imported(tmp_path, database, run_import) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join([HEADER, *GOOD_ROWS, ""]).encode("utf-8"))
    result = run_import("needs", str(path))
    assert result.returncode == 0, result.stderr
    assert await count_needs(database) == 3


async def test_a_bad_file_names_every_bad_line_and_imports_nothing(
    tmp_path, database, run_import
) -> None:
    path = write_csv(
        tmp_path,
        GOOD_ROWS[0],  # line 2
        GOOD_ROWS[2],  # lines 3-4
        "N-4,Tehran,Karaj,dowry,جهیزیه,,1000,,,,,",  # line 5: Karaj is in Alborz
        "N-5,Tehran,Tehran,dowry,تماس ۰۹۱۲۱۲۳۴۵۶۷,,1000,,,,,",  # line 6: a phone number
        "N-1,Tehran,Tehran,food,جهیزیه,,1000,,,1400/01/01,,",  # line 7: three problems
    )
    result = run_import("needs", str(path))
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[:-1] == [
        'line 5: city: "Karaj" is not in Tehran but in Alborz',
        "line 6: description_fa: contains a number shaped like a national code or phone "
        "number; personal data must not reach donors, so remove it (write dates like "
        "1404/09/30 and amounts with commas, like 2,500,000)",
        'line 7: external_id: "N-1" is also on line 2',
        'line 7: category: unknown category "food"; use one of livelihood, housing, dowry, '
        "orphans, medical, education, work_tools, other",
        'line 7: deadline: "1400/01/01" (2021-03-21) has already passed',
    ]
    assert lines[-1] == f"5 problems in {path}; nothing imported"
    assert "Traceback" not in result.stderr
    assert await count_needs(database) == 0


async def test_a_wrong_header_is_one_problem_on_line_1(tmp_path, database, run_import) -> None:
    path = tmp_path / "needs.csv"
    path.write_text("id,province,city\n1,Tehran,Tehran\n", encoding="utf-8")
    result = run_import("needs", str(path))
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith('line 1: header: missing: "external_id", "category"')
    assert 'unknown: "id"' in first
    assert await count_needs(database) == 0


async def test_the_import_works_while_the_bot_has_the_database_open(
    tmp_path, database, run_import
) -> None:
    async with store_for(database) as bot_store:
        result = run_import("needs", str(write_csv(tmp_path, *GOOD_ROWS)))
        assert result.returncode == 0, result.stderr
        assert await bot_store.count_needs() == 3


@pytest.mark.parametrize(
    "args",
    [[], ["needs"], ["donors", "x.csv"], ["needs", "a.csv", "b.csv"]],
)
def test_usage_errors_exit_2_with_the_usage(run_import, args) -> None:
    result = run_import(*args)
    assert result.returncode == 2
    assert result.stderr.startswith("usage: hamdeli")


def test_a_missing_file_exits_2_naming_it(tmp_path) -> None:
    missing = tmp_path / "never-created.db"  # and no database is made for it
    result = hamdeli("import", "needs", "no-such.csv", cwd=tmp_path,
                     DATABASE_URL=f"sqlite:///{missing}")  # fmt: skip
    assert result.returncode == 2
    assert result.stderr == "no-such.csv: no such file\n"
    assert not missing.exists()


def test_a_folder_instead_of_a_file_exits_2(tmp_path, run_import) -> None:
    result = run_import("needs", str(tmp_path))
    assert result.returncode == 2
    assert "cannot read it" in result.stderr


def test_a_file_that_is_not_utf8_exits_2_and_says_how_to_save_it(tmp_path, run_import) -> None:
    path = tmp_path / "windows.csv"
    path.write_bytes(HEADER.encode() + "\n1,تهران".encode("cp1256"))
    result = run_import("needs", str(path))
    assert result.returncode == 2
    assert "not UTF-8" in result.stderr
    assert "CSV UTF-8" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_settings_exit_2_with_one_line(tmp_path, run_import) -> None:
    result = run_import("needs", str(write_csv(tmp_path, *GOOD_ROWS)), ADMIN_IDS="abc")
    assert result.returncode == 2
    assert result.stderr.startswith("ADMIN_IDS:")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", [["import"], ["import", "needs"]])
def test_import_has_help_that_shows_the_header(tmp_path, command) -> None:
    result = hamdeli(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "usage: hamdeli import" in result.stdout
    if command[-1] == "needs":
        assert HEADER in result.stdout


# -- the progress bar, in process --------------------------------------------------------------


async def test_progress_bar_on_a_terminal_ends_at_100_percent(tmp_path, capsys) -> None:
    settings = make_settings(tmp_path)
    async with store_for(settings.database_url):  # import never creates the database
        pass
    code = await import_needs(write_csv(tmp_path, *GOOD_ROWS), settings, progress=True)
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out == "imported 3 needs: 3 added, 0 updated\n"
    assert captured.err.startswith("\rimporting [")
    assert captured.err.endswith("100% 3/3\n")


async def test_no_progress_bar_when_not_asked(tmp_path, capsys) -> None:
    settings = make_settings(tmp_path)
    async with store_for(settings.database_url):
        pass
    assert await import_needs(write_csv(tmp_path, *GOOD_ROWS), settings, progress=False) == 0
    assert capsys.readouterr().err == ""


def test_progress_bar_redraws_at_most_ten_times_a_second(clock) -> None:
    stream = io.StringIO()
    bar = ProgressBar(1000, stream, clock=clock)
    for done in range(1, 1001):
        bar.update(done)
        clock.advance(0.001)  # one second in all
    bar.finish()
    redraws = stream.getvalue().count("\r")
    assert 10 <= redraws <= 12
    assert stream.getvalue().endswith("[" + "#" * 30 + "] 100% 1000/1000\n")
