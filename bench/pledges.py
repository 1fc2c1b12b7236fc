"""Pledges per second under contention on SQLite and PostgreSQL, each next to a bare UPDATE
loop on the same database measured in the same run.

Many donors pledge to the same few needs at once through `domain.pledges.pledge_help`
(the function the bot calls), with asyncio.gather in waves of 200. Afterwards every need is
checked: reserved + paid never exceeds the target. The baseline runs the same conditional
UPDATE in a loop, one commit each: plain sqlite3 in-thread, or one asyncpg connection. The
ratio shows what the store's safety costs (and on SQLite aiosqlite's thread hops; on
PostgreSQL the pool, the version row each writer of needs locks first, and the waits of
200 transactions queueing on a few rows).

    python bench/pledges.py [--pledges 3000] [--backend sqlite|postgres|both] [--pg-dsn DSN]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import tempfile
import time
from pathlib import Path

import asyncpg
from backends import LABELS, POSTGRES, SQLITE, add_backend_options, chosen, postgres

from bot.codes import new_confirm_token
from bot.domain import pledges
from bot.domain.pledges import PledgeRefused, PledgeRules
from bot.models import NeedCategory, NeedDraft, NeedKind
from bot.storage import Store
from bot.storage.postgres.store import PgStore

TOMAN = 10
WAVE = 200
NEEDS = 5
AMOUNT = 1_000_000 * TOMAN
RULES = PledgeRules(min_rials=100_000 * TOMAN, ttl_seconds=48 * 3600)


AnyStore = Store | PgStore
UPDATE = (
    "UPDATE needs SET reserved = reserved + {amount} WHERE id = {id} AND status = 'open' "
    "AND reserved + paid + {amount} <= target"
)


async def seed(store: AnyStore, donors: int, per_need_target: int) -> list[str]:
    province = (await store.provinces())[0]
    drafts = [
        NeedDraft(
            city_id=province.cities[0].id, province_id=province.id,
            category=NeedCategory.LIVELIHOOD, kind=NeedKind.MONEY,
            target=per_need_target, description_fa="bench", external_id=f"bench-{n}",
        )
        for n in range(NEEDS)
    ]  # fmt: skip
    await store.upsert_needs(drafts, now=0)
    for donor in range(donors):
        await store.seen_account("telegram", donor, donor, "fa", 0)
    return [row[0] for row in await store._fetchall("SELECT code FROM needs ORDER BY id")]


async def contended(store: AnyStore, total: int) -> tuple[float, int, int]:
    """(pledges/s, accepted, refused) for `total` attempts on NEEDS needs of `store`."""
    # Targets take 90% of the attempts: most pledges succeed, the last ones race and lose.
    codes = await seed(store, WAVE, int(total / NEEDS * 0.9) * AMOUNT)
    accepted = refused = 0

    async def attempt(n: int) -> bool:
        try:
            await pledges.pledge_help(
                store, need_code=codes[n % NEEDS], platform="telegram", donor_id=n % WAVE,
                amount=AMOUNT, token=new_confirm_token(), now=1, rules=RULES,
            )  # fmt: skip
        except PledgeRefused:
            return False
        return True

    started = time.perf_counter()
    for wave in range(0, total, WAVE):
        results = await asyncio.gather(*(attempt(n) for n in range(wave, wave + WAVE)))
        accepted += sum(results)
        refused += len(results) - sum(results)
    elapsed = time.perf_counter() - started
    over = await store._fetchall("SELECT count(*) FROM needs WHERE reserved + paid > target")
    assert over[0][0] == 0, "over-pledged!"
    return total / elapsed, accepted, refused


def bare_update_loop(path: Path, total: int) -> float:
    """The same conditional UPDATE, plain sqlite3, in-thread, one commit each."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    update = UPDATE.format(amount="?", id="?")
    started = time.perf_counter()
    for n in range(total):
        db.execute(update, (1, n % NEEDS + 1, 1))
    elapsed = time.perf_counter() - started
    db.close()
    return total / elapsed


async def bare_update_loop_postgres(dsn: str, total: int) -> float:
    """The same conditional UPDATE on one asyncpg connection, one commit each."""
    db = await asyncpg.connect(dsn)
    try:
        ids = [row[0] for row in await db.fetch("SELECT id FROM needs ORDER BY id")]
        update = UPDATE.format(amount="$1", id="$2")
        started = time.perf_counter()
        for n in range(total):
            await db.execute(update, 1, ids[n % NEEDS])
        elapsed = time.perf_counter() - started
    finally:
        await db.close()
    return total / elapsed


async def on_postgres(dsn: str | None, total: int) -> tuple[float, int, int, float]:
    async with postgres(dsn) as database, PgStore(database) as store:
        rate, accepted, refused = await contended(store, total)
        return rate, accepted, refused, await bare_update_loop_postgres(database, total)


async def on_sqlite(total: int) -> tuple[float, int, int, float]:
    path = Path(tempfile.mkdtemp(prefix="hamdeli-pledges-")) / "bench.db"
    async with Store(path) as store:
        rate, accepted, refused = await contended(store, total)
    return rate, accepted, refused, bare_update_loop(path, total)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pledges", type=int, default=3000)
    add_backend_options(parser)
    args = parser.parse_args()
    results = {}
    if SQLITE in chosen(args):
        results[SQLITE] = asyncio.run(on_sqlite(args.pledges))
    if POSTGRES in chosen(args):
        results[POSTGRES] = asyncio.run(on_postgres(args.pg_dsn, args.pledges))
    print(f"pledges under contention: {args.pledges:,} attempts on {NEEDS} needs, {WAVE} at once")
    baselines = {SQLITE: "plain sqlite3", POSTGRES: "one asyncpg connection"}
    for backend, (rate, accepted, refused, baseline) in results.items():
        print(f"  {LABELS[backend]}:")
        print(f"    pledge_help:      {rate:8,.0f} pledges/s  ({accepted:,} accepted, "
              f"{refused:,} refused, 0 over-pledged; goal >= 300/s)")  # fmt: skip
        print(f"    bare UPDATE loop: {baseline:8,.0f} updates/s ({baselines[backend]}, same run)")
        print(f"    ratio:            {rate / baseline:8.3f}")
    if len(results) == 2:
        ratio = results[POSTGRES][0] / results[SQLITE][0]
        print(f"  ratio PostgreSQL/SQLite (pledge_help): {ratio:.2f}")


if __name__ == "__main__":
    main()
