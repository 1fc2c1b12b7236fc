"""Operator commands: backup, export pledges, and the emulator served over HTTP.

The exports run in a subprocess against this run's backend (tests/databases.py); backup
copies a SQLite file, so its test is SQLite's, and PostgreSQL's answer is tested below."""

from __future__ import annotations

import asyncio
import csv
import re
import sqlite3
import subprocess
import sys

import httpx
import pytest

from bot.codes import new_confirm_token
from bot.domain import pledges
from bot.domain.pledges import PledgeRules
from bot.models import Beneficiary, NeedCategory, NeedDraft, NeedKind
from bot.storage.factory import store_for
from bot.text import national_code_check_digit
from tests.commands import clean_env, hamdeli
from tests.databases import database_url

CODE = "004123456" + str(national_code_check_digit("004123456"))
NOW = 1_764_000_000  # 2025-11-24


@pytest.fixture
async def database(tmp_path) -> str:
    """The URL of a store with one household, one linked need and one paid pledge."""
    url = database_url(tmp_path)
    async with store_for(url) as store:
        province = (await store.provinces())[0]
        city = province.cities[0]
        await store.upsert_beneficiaries(
            [Beneficiary(CODE, "Zarrin Testname", "+989121234567", province.id, city.id, 3, 2)],
            now=NOW,
        )
        await store.upsert_needs(
            [NeedDraft(city_id=city.id, province_id=province.id, category=NeedCategory.MEDICAL,
                       kind=NeedKind.MONEY, target=50_000_000, description_fa="دارو",
                       external_id="x1", beneficiary_national_code=CODE)],
            now=NOW,
        )  # fmt: skip
        code = (await store._fetchall("SELECT code FROM needs"))[0][0]
        await store.seen_account("telegram", 1, 1, "fa", NOW)
        made = await pledges.pledge_help(
            store, need_code=code, platform="telegram", donor_id=1, amount=20_000_000,
            token=new_confirm_token(), now=NOW, rules=PledgeRules(1_000_000, 3600),
        )  # fmt: skip
        await pledges.confirm_payment(store, reference=made.reference, bank_reference="777",
                                      now=NOW + 60)  # fmt: skip
    return url


@pytest.mark.sqlite_only
def test_backup_writes_a_consistent_copy_of_the_sqlite_file(database, tmp_path) -> None:
    result = hamdeli("backup", str(tmp_path / "copy.db"), cwd=tmp_path,
                     DATABASE_URL=database)  # fmt: skip
    assert result.returncode == 0, result.stderr
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("SELECT count(*) FROM pledges").fetchone()[0] == 1
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copy.close()


def test_export_has_a_bom_the_columns_and_no_personal_data(database, tmp_path) -> None:
    out = tmp_path / "pledges.csv"
    result = hamdeli("export", "pledges", "--since", "1404/09/01", "--out", str(out),
                     cwd=tmp_path, DATABASE_URL=database)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["reference", "need_code", "amount", "status", "created", "paid",
                       "bank_reference", "unit", "item"]  # fmt: skip
    assert rows[1][7:] == ["toman", ""]  # a money row says its amount is toman
    assert rows[1][2:4] == ["2000000", "paid"]
    assert rows[1][4] == "1404/09/03"
    assert rows[1][6] == "777"
    assert CODE not in out.read_text(encoding="utf-8-sig")


async def test_export_with_pii_adds_the_household_and_is_audited(database, tmp_path) -> None:
    out = tmp_path / "pii.csv"
    result = hamdeli("export", "pledges", "--since", "2025-11-01", "--until", "2025-11-30",
                     "--out", str(out), "--with-pii", cwd=tmp_path,
                     DATABASE_URL=database)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Zarrin Testname" in out.read_text(encoding="utf-8-sig")
    async with store_for(database) as store:
        assert (await store.latest_audit())[0].action == "export_pledges_pii"


def test_a_bad_date_is_a_usage_error(database, tmp_path) -> None:
    result = hamdeli("export", "pledges", "--since", "yesterday", "--out", "x.csv",
                     cwd=tmp_path, DATABASE_URL=database)  # fmt: skip
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


async def test_the_emulator_command_serves_the_bot_api_over_http(tmp_path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "emulator", "--port", "0", cwd=tmp_path, env=clean_env(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        line = (await asyncio.wait_for(process.stdout.readline(), timeout=30)).decode()
        assert "http://127.0.0.1:" in line
        port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST /bot1:x/getMe HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(4096), timeout=10)
        assert b'"ok": true' in answer or b'"ok":true' in answer
        writer.close()
    finally:
        process.terminate()
        await process.wait()


async def test_the_emulator_command_serves_both_platforms_on_one_port(tmp_path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "emulator", "--port", "0", "--platform", "both",
        cwd=tmp_path, env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        line = (await asyncio.wait_for(process.stdout.readline(), timeout=30)).decode()
        bases = dict(re.findall(r"(TELEGRAM|BALE)_BOT_API_BASE_URL=(\S+)", line))
        async with httpx.AsyncClient() as client:
            answers = {
                name: (await client.post(f"{base}1:x/getMyCommands")).status_code
                for name, base in bases.items()
            }
    finally:
        process.terminate()
        await process.wait()

    assert set(bases) == {"TELEGRAM", "BALE"}
    assert bases["BALE"].endswith("/bale/bot")
    assert answers == {"TELEGRAM": 200, "BALE": 404}  # each path is its own platform


async def test_export_neutralizes_cells_a_spreadsheet_would_run_as_formulas(tmp_path) -> None:
    """A bank reference, a name or a `+98…` mobile starting like a formula is shown as text."""
    url = database_url(tmp_path)
    hostile = ['=HYPERLINK("http://x")', "+98912", "-2+3", "@SUM(A1)", "\t=1+1"]
    async with store_for(url) as store:
        province = (await store.provinces())[0]
        city = province.cities[0]
        await store.upsert_beneficiaries(
            [Beneficiary(CODE, "=cmd|' /C calc'!A0", "+989121234567", province.id, city.id, 3, 2)],
            now=NOW,
        )
        await store.upsert_needs(
            [NeedDraft(city_id=city.id, province_id=province.id, category=NeedCategory.MEDICAL,
                       kind=NeedKind.MONEY, target=500_000_000, description_fa="دارو",
                       external_id="x1", beneficiary_national_code=CODE)],
            now=NOW,
        )  # fmt: skip
        code = (await store._fetchall("SELECT code FROM needs"))[0][0]
        await store.seen_account("telegram", 1, 1, "fa", NOW)
        for bank in hostile:
            made = await pledges.pledge_help(
                store, need_code=code, platform="telegram", donor_id=1, amount=20_000_000,
                token=new_confirm_token(), now=NOW, rules=PledgeRules(1_000_000, 3600),
            )  # fmt: skip
            await pledges.confirm_payment(store, reference=made.reference, bank_reference=bank,
                                          now=NOW + 60)  # fmt: skip
    out = tmp_path / "pii.csv"
    result = hamdeli("export", "pledges", "--since", "2025-11-01", "--out", str(out),
                     "--with-pii", cwd=tmp_path, DATABASE_URL=url)  # fmt: skip
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))[1:]
    banks = sorted(row[6] for row in rows)
    # confirm_payment strips a leading tab; what is left still starts like a formula
    assert all(bank.startswith("'") for bank in banks), banks
    assert {row[10] for row in rows} == {"'=cmd|' /C calc'!A0"}  # after unit, item
    assert {row[11] for row in rows} == {"'+989121234567"}
    assert {row[2] for row in rows} == {"2000000"}  # numbers stay numbers


def test_every_formula_start_is_neutralized_and_plain_text_is_not() -> None:
    """The same rule serves the staff 📤 button, which builds its CSV with pledges_csv."""
    from bot.views.exports import neutralized

    for value in ("=1+1", "+98912", "-5", "@A1", "\tx", "\rx"):
        assert neutralized(value) == "'" + value
    for value in ("P-8F3K2Q", "777", "", "سلام", 42, -5):
        assert neutralized(value) == value


@pytest.mark.pg
def test_migrate_and_backup_on_postgresql_name_the_server_never_the_password(
    pg_dsn, tmp_path
) -> None:
    """DATABASE_URL=postgresql://… reaches every command through the store factory: migrate
    builds the schema on the server; backup, which copies a SQLite file, says to use pg_dump."""
    from bot.storage.records import SCHEMA_STEPS

    url = pg_dsn.replace("postgres@", "postgres:never-printed@")  # trust auth ignores it
    migrated = hamdeli("migrate", cwd=tmp_path, DATABASE_URL=url)
    assert migrated.returncode == 0, migrated.stderr
    assert f"is at schema version {len(SCHEMA_STEPS)}" in migrated.stdout
    assert "never-printed" not in migrated.stdout + migrated.stderr
    refused = hamdeli("backup", str(tmp_path / "copy.db"), cwd=tmp_path, DATABASE_URL=url)
    assert refused.returncode == 2
    assert "pg_dump" in refused.stderr
    assert not (tmp_path / "copy.db").exists()
