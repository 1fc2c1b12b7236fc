"""`hamdeli copy-store`: a deployment's SQLite database into a new PostgreSQL database, every
row, verified, all or nothing; never over data that is already there."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import asyncpg
import pytest

from bot.codes import new_confirm_token
from bot.domain import pledges
from bot.storage import Store
from bot.storage.copy import CopyRefused, copy_store
from tests.commands import hamdeli
from tests.test_pledges import NOW, RULES, add_need

TOMAN = 10


async def a_deployment(path: Path) -> dict[str, int]:
    """A database with needs, donors, pledges in every state and queued notices."""
    async with Store(path) as store:
        codes = [await add_need(store) for _ in range(3)]
        for n in range(12):
            platform = ("telegram", "bale")[n % 2]
            await store.seen_account(platform, 700 + n, 700 + n, "fa", NOW)
            made = await pledges.pledge_help(
                store, need_code=codes[n % 3], platform=platform, donor_id=700 + n,
                amount=(100_000 + n * 10_000) * TOMAN, token=new_confirm_token(), now=NOW,
                rules=RULES,
            )  # fmt: skip
            if n % 3 == 0:
                await pledges.confirm_payment(
                    store, reference=made.reference, bank_reference=f"B{n}", now=NOW + 60
                )
        await pledges.expire_due_pledges(store, NOW + RULES.ttl_seconds + 1, "bale")
    connection = sqlite3.connect(path)
    try:
        return {
            "pledges": connection.execute("SELECT count(*) FROM pledges").fetchone()[0],
            "paid": connection.execute("SELECT sum(paid) FROM needs").fetchone()[0],
            "outbox": connection.execute("SELECT count(*) FROM outbox").fetchone()[0],
        }
    finally:
        connection.close()


async def test_every_row_is_copied_and_verified(tmp_path, pg_dsn) -> None:
    source = tmp_path / "hamdeli.db"
    facts = await a_deployment(source)
    assert facts["pledges"] == 12
    assert facts["paid"] > 0
    assert facts["outbox"] > 0

    report = await copy_store(source, pg_dsn)

    copied = {table.name: table for table in report.tables}
    assert copied["pledges"].rows == 12
    target = await asyncpg.connect(pg_dsn)
    try:
        assert await target.fetchval("SELECT sum(paid) FROM needs") == facts["paid"]
        assert await target.fetchval("SELECT count(*) FROM outbox") == facts["outbox"]
        # The counts the triggers keep came across exact, and the triggers work again.
        counted = await target.fetch(
            "SELECT city_id, category, count(*) AS n FROM needs WHERE status = 'open' "
            "GROUP BY 1, 2 ORDER BY 1, 2"
        )
        kept = await target.fetch(
            "SELECT city_id, category, n FROM open_need_counts WHERE n > 0 ORDER BY 1, 2"
        )
        assert [tuple(r) for r in counted] == [tuple(r) for r in kept]
        await target.execute("UPDATE needs SET status = 'closed'")
        assert await target.fetchval("SELECT coalesce(sum(n), 0) FROM open_need_counts") == 0
        # New rows continue after the copied ids.
        before = await target.fetchval("SELECT max(id) FROM needs")
        city = await target.fetchval("SELECT id FROM cities LIMIT 1")
        await target.execute(
            "INSERT INTO needs (code, city_id, province_id, category, kind, target, "
            "description_fa, status, created_at, updated_at) SELECT 'NEWONE', id, province_id, "
            "'dowry', 'money', 10, 'x', 'open', 1, 1 FROM cities WHERE id = $1",
            city,
        )
        assert await target.fetchval("SELECT max(id) FROM needs") == before + 1
    finally:
        await target.close()


async def test_a_target_with_data_is_refused_and_left_as_it_was(tmp_path, pg_dsn) -> None:
    source = tmp_path / "hamdeli.db"
    await a_deployment(source)
    await copy_store(source, pg_dsn)
    with pytest.raises(CopyRefused, match="not empty"):
        await copy_store(source, pg_dsn)
    target = await asyncpg.connect(pg_dsn)
    try:
        assert await target.fetchval("SELECT count(*) FROM pledges") == 12
    finally:
        await target.close()


async def test_the_command_copies_and_says_how_much(tmp_path, pg_dsn) -> None:
    source = tmp_path / "hamdeli.db"
    await a_deployment(source)
    done = hamdeli("copy-store", "--from", f"sqlite:///{source}", "--to", pg_dsn, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "copied and verified" in done.stdout
    again = hamdeli("copy-store", "--from", f"sqlite:///{source}", "--to", pg_dsn, cwd=tmp_path)
    assert again.returncode == 2
    assert again.stderr.strip().splitlines() == [again.stderr.strip()]  # one line
    assert "not empty" in again.stderr
    assert "Traceback" not in again.stderr


def test_a_missing_source_is_one_line(tmp_path) -> None:
    done = hamdeli(
        "copy-store", "--from", f"sqlite:///{tmp_path / 'nope.db'}", "--to",
        "postgresql://nobody@/nothing", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
