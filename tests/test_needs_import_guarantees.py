"""`hamdeli import needs`: all or nothing for any size, never a row twice, pledges kept.

Collisions are forced through the one seam every code is drawn through
(`bot.codes.random_code`); a crash mid-import is an exception injected between batches, and
a real SIGKILL of the command; the store is always the real one.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import signal
import sys
from pathlib import Path

import pytest

from bot.codes import new_confirm_token
from bot.domain import pledges
from bot.domain.need_import import COLUMNS
from bot.domain.pledges import PledgeRules
from bot.importing import import_needs
from bot.models import NeedStatus
from bot.storage import IMPORT_BATCH_ROWS
from bot.storage.factory import store_for
from tests.commands import clean_env, hamdeli
from tests.conftest import make_settings
from tests.databases import ON_POSTGRES, database_url

HEADER = ",".join(COLUMNS)
NOW = 1_764_000_000
TOMAN = 10


def row(n: int, *, external_id: str = "", amount: str = "1000000", item: str = "") -> str:
    quantity = "3" if item else ""
    amount = "" if item else amount
    return (
        f"{external_id},تهران,تهران,medical,داروی ماهانهٔ خانوادهٔ شمارهٔ {n},,{amount},{item},"
        f"{quantity},,no,"
    )


def write(folder: Path, rows: list[str], name: str = "needs.csv") -> Path:
    path = folder / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def settings(tmp_path):
    """This run's backend, migrated: import refuses to create a database."""
    settings = make_settings(tmp_path)
    asyncio.run(migrate_at(settings.database_url))
    return settings


async def migrate_at(url: str) -> None:
    async with store_for(url):  # opening migrates
        pass


async def codes_in(settings) -> list[str]:
    async with store_for(settings.database_url) as store:
        return [r[0] for r in await store._fetchall("SELECT code FROM needs")]


# -- code collisions ---------------------------------------------------------------------------


async def test_code_collisions_are_drawn_again_per_row_inside_the_import(
    tmp_path, settings, monkeypatch, capsys
) -> None:
    """Codes from a pool of 4,000 with 800 taken: about a third of all draws collide (near a
    million needs, one in a thousand does). Every row still gets a free code, across batches."""
    pool = [f"C2{n:04d}" for n in range(4000)]  # need codes always hold a digit
    taken = iter(pool[:800])
    monkeypatch.setattr("bot.codes.random_code", lambda length=6: next(taken))
    first = write(tmp_path, [row(n) for n in range(800)], "first.csv")
    assert await import_needs(first, settings, progress=False) == 0
    draws = itertools.count()
    chooser = random.Random(9)

    def colliding(length: int = 6) -> str:
        next(draws)
        return chooser.choice(pool)

    monkeypatch.setattr("bot.codes.random_code", colliding)
    rows = 3 * IMPORT_BATCH_ROWS - 200
    second = write(tmp_path, [row(n) for n in range(rows)], "second.csv")
    assert await import_needs(second, settings, progress=False) == 0
    assert capsys.readouterr().out.endswith(f"imported {rows} needs: {rows} added, 0 updated\n")
    codes = await codes_in(settings)
    assert len(codes) == len(set(codes)) == 800 + rows
    assert next(draws) > rows * 1.2  # collisions really happened, and were drawn again


# -- all or nothing, and never twice -----------------------------------------------------------


class Crash(Exception):
    """Stands for the process dying between two batches."""


async def test_a_crash_after_some_batches_leaves_nothing_and_a_rerun_adds_each_row_once(
    tmp_path, settings, capsys
) -> None:
    rows = 3 * IMPORT_BATCH_ROWS + 50  # four batches; rows without external_id
    path = write(tmp_path, [row(n) for n in range(rows)])

    async def crash_after_two(done: int) -> None:
        if done >= 2 * IMPORT_BATCH_ROWS:
            raise Crash

    with pytest.raises(Crash):
        await import_needs(path, settings, progress=False, after_batch=crash_after_two)
    assert await codes_in(settings) == []  # nothing half-written
    assert await import_needs(path, settings, progress=False) == 0
    assert await import_needs(path, settings, progress=False) == 0  # by mistake, again
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"imported {rows} needs: {rows} added, 0 updated",
        f"imported {rows} needs: 0 added, {rows} updated",
    ]
    assert len(await codes_in(settings)) == rows


async def test_a_killed_import_run_again_publishes_every_row_exactly_once(
    tmp_path, settings
) -> None:
    """A real SIGKILL of `hamdeli import needs` while it writes a 20,000-row file."""
    url = settings.database_url
    rows = 20_000
    path = write(tmp_path, [row(n) for n in range(rows)])
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "import", "needs", str(path), cwd=tmp_path,
        env=clean_env(DATABASE_URL=url),
    )  # fmt: skip
    for _ in range(3000):  # until the transaction is writing (or the import ended)
        if process.returncode is not None or await import_is_writing(settings):
            break
        await asyncio.sleep(0.01)
    if process.returncode is None:
        process.send_signal(signal.SIGKILL)
    await process.wait()
    async with store_for(url) as store:
        assert await store.count_needs() in (0, rows)  # all or nothing
    again = hamdeli("import", "needs", str(path), cwd=tmp_path, DATABASE_URL=url)
    assert again.returncode == 0, again.stderr
    async with store_for(url) as store:
        assert await store.count_needs() == rows


async def import_is_writing(settings) -> bool:
    """Has the import's transaction written a good part of its rows? SQLite: its WAL file
    has grown past 1 MB. PostgreSQL: another session's transaction holds a write id, and
    has had a moment to write."""
    if not ON_POSTGRES:
        wal = settings.database_path.with_name(settings.database_path.name + "-wal")
        return wal.exists() and wal.stat().st_size > 1_000_000
    import asyncpg

    connection = await asyncpg.connect(settings.database_url)
    try:
        writing = await connection.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
        )
    finally:
        await connection.close()
    if writing:
        await asyncio.sleep(0.2)
    return bool(writing)


async def test_a_problem_found_by_the_database_on_a_late_line_imports_nothing(
    tmp_path, settings, capsys
) -> None:
    """A lowered target on line 702 of a file larger than one batch: the rows before it
    are not written either."""
    await import_needs(write(tmp_path, [row(0, external_id="P1")], "one.csv"), settings,
                       progress=False)  # fmt: skip
    await pledge_all_of(settings, "P1", 1_000_000 * TOMAN)
    rows = [row(n) for n in range(700)] + [row(0, external_id="P1", amount="500000")]
    result = await import_needs(write(tmp_path, rows), settings, progress=False)
    assert result == 1
    errors = capsys.readouterr().err.splitlines()
    assert errors[0] == (
        "line 702: amount_toman: 500,000 toman is less than the 1,000,000 toman donors have "
        "already pledged or paid; it must be at least that"
    )
    assert errors[-1].endswith("nothing imported")
    assert len(await codes_in(settings)) == 1


# -- re-importing after pledges ----------------------------------------------------------------


async def pledge_all_of(settings, external_id: str, amount: int) -> None:
    async with store_for(settings.database_url) as store:
        (code,) = (await store._fetchall(
            "SELECT code FROM needs WHERE external_id = ?", (external_id,)))[0]  # fmt: skip
        await store.seen_account("telegram", 7, 7, "fa", NOW)
        await pledges.pledge_help(
            store, need_code=code, platform="telegram", donor_id=7, amount=amount,
            token=new_confirm_token(), now=NOW, rules=PledgeRules(1, 3600),
        )  # fmt: skip


async def need_of(settings, external_id: str):
    async with store_for(settings.database_url) as store:
        (need_id,) = (await store._fetchall(
            "SELECT id FROM needs WHERE external_id = ?", (external_id,)))[0]  # fmt: skip
        return await store.need(need_id)


async def test_a_raised_target_opens_a_fully_pledged_need_again(tmp_path, settings) -> None:
    await import_needs(write(tmp_path, [row(1, external_id="R1")]), settings, progress=False)
    await pledge_all_of(settings, "R1", 1_000_000 * TOMAN)
    assert (await need_of(settings, "R1")).status is NeedStatus.FULLY_PLEDGED
    raised = write(tmp_path, [row(1, external_id="R1", amount="3000000")])
    assert await import_needs(raised, settings, progress=False) == 0
    need = await need_of(settings, "R1")
    assert need.status is NeedStatus.OPEN
    assert (need.target, need.reserved, need.remaining) == (30_000_000, 10_000_000, 20_000_000)
    exact = write(tmp_path, [row(1, external_id="R1", amount="1000000")])
    assert await import_needs(exact, settings, progress=False) == 0  # down to what is pledged
    assert (await need_of(settings, "R1")).status is NeedStatus.FULLY_PLEDGED


@pytest.mark.parametrize(
    ("changed", "expected"),
    [
        (
            row(1, external_id="L1", amount="400000"),
            "line 2: amount_toman: 400,000 toman is less than the 500,000 toman donors have "
            "already pledged or paid; it must be at least that",
        ),
        (
            row(1, external_id="L1", item="پتو"),
            "line 2: item: donors have already pledged money (500,000 toman) to this need, so "
            "it cannot change between money and items; keep it, or close it and add a new "
            "need with another external_id",
        ),
    ],
)
def test_a_lowered_target_or_a_kind_switch_on_a_pledged_need_is_a_line_and_a_reason(
    tmp_path, changed, expected
) -> None:
    url = database_url(tmp_path)
    asyncio.run(migrate_at(url))
    first = write(tmp_path, [row(1, external_id="L1")], "first.csv")
    assert hamdeli("import", "needs", str(first), cwd=tmp_path, DATABASE_URL=url).returncode == 0
    asyncio.run(pledge_all_of(make_settings(tmp_path, database_url=url), "L1", 500_000 * TOMAN))
    result = hamdeli("import", "needs", str(write(tmp_path, [changed])), cwd=tmp_path,
                     DATABASE_URL=url)  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.splitlines() == [expected, f"1 problem in {tmp_path / 'needs.csv'}; "
                                          "nothing imported"]  # fmt: skip
    assert "CHECK" not in result.stderr
    need = asyncio.run(need_of(make_settings(tmp_path, database_url=url), "L1"))
    assert (need.target, need.kind.value, need.reserved) == (10_000_000, "money", 5_000_000)
