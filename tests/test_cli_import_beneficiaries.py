"""`hamdeli import beneficiaries` and `hamdeli import vouchers` as staff run them."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from bot.domain.beneficiary_import import BENEFICIARY_COLUMNS, VOUCHER_COLUMNS
from bot.importing import import_beneficiaries
from bot.models import VoucherStatus
from bot.storage import Store
from bot.storage.factory import store_for
from tests.commands import hamdeli, migrated
from tests.conftest import make_settings

HOUSEHOLDS_HEADER = ",".join(BENEFICIARY_COLUMNS)
VOUCHERS_HEADER = ",".join(VOUCHER_COLUMNS)
HOUSEHOLDS = [
    "0012345679,علی رضایی,09121234567,تهران,تهران,4,2",
    "0084575948,Maryam Ahmadi,+98 935 111 2233,Fars,Ardakan,1,1",
    '۰۰۶۲۳۲۵۷۴۴,"زهرا\nکریمی",۰۹۱۹۸۷۶۵۴۳۲,يزد,اردکان,۶,۳',
]
TRANCHES = [
    "0012345679,1,500000,1404/09/01,1404/12/29,charged",
    "0012345679,2,500000,,,pending",
    "0062325744,1,1 million,2025-11-22,,expired",
]


def write_csv(folder: Path, header: str, *rows: str, name: str = "file.csv") -> Path:
    path = folder / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8", newline="")
    return path


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """An existing, migrated database: import refuses to create one (a mistyped
    DATABASE_URL must not become a new empty file)."""
    return migrated(tmp_path / "db" / "hamdeli.db")


@pytest.fixture
def run_import(tmp_path: Path, database: Path):
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return hamdeli("import", *args, cwd=tmp_path, DATABASE_URL=f"sqlite:///{database}")

    return run


@pytest.fixture
def households_file(tmp_path: Path) -> Path:
    return write_csv(tmp_path, HOUSEHOLDS_HEADER, *HOUSEHOLDS, name="households.csv")


async def counts(database: Path) -> tuple[int, int]:
    async with Store(database) as store:
        return await store.count_beneficiaries(), await store.count_vouchers()


async def test_a_households_file_is_imported_and_counted(
    database, run_import, households_file
) -> None:
    result = run_import("beneficiaries", str(households_file))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "imported 3 beneficiaries: 3 added, 0 updated, 0 unchanged\n"
    assert result.stderr == ""
    async with Store(database) as store:
        zahra = await store.beneficiary("0062325744")
        maryam = await store.beneficiary("0084575948")
    assert (zahra.full_name, zahra.mobile, zahra.household_size) == (
        "زهرا کریمی",
        "+989198765432",
        6,
    )
    assert maryam.mobile == "+989351112233"


async def test_running_the_same_households_file_again_changes_nothing(
    database, run_import, households_file
) -> None:
    assert run_import("beneficiaries", str(households_file)).returncode == 0
    again = run_import("beneficiaries", str(households_file))
    assert again.returncode == 0, again.stderr
    assert again.stdout == "imported 3 beneficiaries: 0 added, 0 updated, 3 unchanged\n"
    assert await counts(database) == (3, 0)


async def test_a_household_that_moved_is_updated_and_the_others_unchanged(
    tmp_path, database, run_import, households_file
) -> None:
    assert run_import("beneficiaries", str(households_file)).returncode == 0
    moved = HOUSEHOLDS[0].replace("تهران,تهران", "البرز,کرج")
    path = write_csv(tmp_path, HOUSEHOLDS_HEADER, moved, *HOUSEHOLDS[1:])
    result = run_import("beneficiaries", str(path))
    assert result.stdout == "imported 3 beneficiaries: 0 added, 1 updated, 2 unchanged\n"
    async with Store(database) as store:
        [alborz] = [p for p in await store.provinces() if p.name_en == "Alborz"]
        assert (await store.beneficiary("0012345679")).province_id == alborz.id


async def test_a_bad_households_file_names_every_bad_line_and_imports_nothing(
    tmp_path, database, run_import
) -> None:
    path = write_csv(
        tmp_path,
        HOUSEHOLDS_HEADER,
        HOUSEHOLDS[0],  # line 2
        HOUSEHOLDS[2],  # lines 3-4
        "0012345678,Ali,09121234567,Tehran,Karaj,4,2",  # line 5: check digit, city
        "0084575948,Ali,021-88776655,Tehran,Tehran,31,0",  # line 6: three problems
        "12345679,Ali,09121234567,Tehran,Tehran,1,1",  # line 7: line 2's code again
    )
    result = run_import("beneficiaries", str(path))
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[:-1] == [
        "line 5: national_code: not a valid national code (the check digit fails)",
        'line 5: city: "Karaj" is not in Tehran but in Alborz',
        "line 6: mobile: an Iranian number, but not a mobile (09…)",
        'line 6: household_size: "31" is not a whole number from 1 to 30',
        'line 6: decile: "0" is not a whole number from 1 to 10',
        "line 7: national_code: the same national code is also on line 2",
    ]
    assert lines[-1] == f"6 problems in {path}; nothing imported"
    assert "0012345678" not in result.stderr
    assert "88776655" not in result.stderr
    assert await counts(database) == (0, 0)


async def test_vouchers_are_imported_with_totals_for_the_household(
    tmp_path, database, run_import, households_file
) -> None:
    assert run_import("beneficiaries", str(households_file)).returncode == 0
    path = write_csv(tmp_path, VOUCHERS_HEADER, *TRANCHES)
    result = run_import("vouchers", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "imported 3 vouchers: 3 added, 0 updated, 0 unchanged\n"
    again = run_import("vouchers", str(path))
    assert again.stdout == "imported 3 vouchers: 0 added, 0 updated, 3 unchanged\n"
    async with Store(database) as store:
        first, second = await store.vouchers_of("0012345679")
        [zahra] = await store.vouchers_of("0062325744")
    assert (first.status, first.total, first.charged_on) == (
        VoucherStatus.CHARGED,
        4 * 5_000_000,
        dt.date(2025, 11, 22),
    )
    assert (second.status, second.charged_on) == (VoucherStatus.PENDING, None)
    assert zahra.total == 6 * 10_000_000


async def test_a_total_column_overrides_the_computed_total(
    tmp_path, database, run_import, households_file
) -> None:
    assert run_import("beneficiaries", str(households_file)).returncode == 0
    rows = [TRANCHES[0] + ",1500000", TRANCHES[1] + ","]
    path = write_csv(tmp_path, VOUCHERS_HEADER + ",total_toman", *rows)
    assert run_import("vouchers", str(path)).returncode == 0
    async with Store(database) as store:
        given, computed = await store.vouchers_of("0012345679")
    assert (given.total, computed.total) == (15_000_000, 20_000_000)


async def test_vouchers_before_their_households_import_nothing(
    tmp_path, database, run_import
) -> None:
    path = write_csv(tmp_path, VOUCHERS_HEADER, *TRANCHES)
    result = run_import("vouchers", str(path))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "line 2: national_code: no household with this national code; "
        "import it with `hamdeli import beneficiaries` first"
    )
    assert result.stderr.splitlines()[-1] == f"3 problems in {path}; nothing imported"
    assert await counts(database) == (0, 0)


@pytest.mark.parametrize(
    "args",
    [["beneficiaries"], ["vouchers"], ["beneficiaries", "a.csv", "b.csv"], ["voucher", "a.csv"]],
)
def test_usage_errors_exit_2_with_the_usage(run_import, args) -> None:
    result = run_import(*args)
    assert result.returncode == 2
    assert result.stderr.startswith("usage: hamdeli")


@pytest.mark.parametrize("kind", ["beneficiaries", "vouchers"])
def test_a_missing_file_exits_2_naming_it(database, kind) -> None:
    missing = database.with_name("never-created.db")
    result = hamdeli("import", kind, "no-such.csv", cwd=database.parent,
                     DATABASE_URL=f"sqlite:///{missing}")  # fmt: skip
    assert result.returncode == 2
    assert result.stderr == "no-such.csv: no such file\n"
    assert not missing.exists()


@pytest.mark.parametrize("kind", ["beneficiaries", "vouchers"])
def test_a_file_that_is_not_utf8_exits_2_and_says_how_to_save_it(tmp_path, run_import, kind):
    path = tmp_path / "windows.csv"
    path.write_bytes(
        HOUSEHOLDS_HEADER.encode() + "\n0012345679,\u0639\u0644\u064a".encode("cp1256")
    )
    result = run_import(kind, str(path))
    assert result.returncode == 2
    assert "CSV UTF-8" in result.stderr


@pytest.mark.parametrize(
    ("kind", "header"), [("beneficiaries", HOUSEHOLDS_HEADER), ("vouchers", VOUCHERS_HEADER)]
)
def test_the_help_of_each_kind_shows_its_header(tmp_path, kind, header) -> None:
    result = hamdeli("import", kind, "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert header in result.stdout


async def test_progress_bar_on_a_terminal_ends_at_100_percent(tmp_path, capsys) -> None:
    path = write_csv(tmp_path, HOUSEHOLDS_HEADER, *HOUSEHOLDS)
    async with store_for(make_settings(tmp_path).database_url):  # import never creates it
        pass
    assert await import_beneficiaries(path, make_settings(tmp_path), progress=True) == 0
    captured = capsys.readouterr()
    assert captured.out == "imported 3 beneficiaries: 3 added, 0 updated, 0 unchanged\n"
    assert captured.err.startswith("\rimporting [")
    assert captured.err.endswith("100% 3/3\n")
