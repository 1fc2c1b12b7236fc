"""A beneficiary's status lookup at 1,000,000 households: p50 and p99 on SQLite and
PostgreSQL, each next to the same SQL without the store, in one run.

The status screen reads the caller's link, the household and its tranches. This bench fills
a migrated store with households (two tranches each) and links with plain sqlite3 (fast),
then times those three store reads (aiosqlite, as the bot does them) for random linked
people, next to the same SQL through plain sqlite3 in-thread in the same run. For
PostgreSQL the file is copied with copy-store (COPY; bench/backends.py) and the same people
are looked up through PgStore's pool, next to the same SQL on one asyncpg connection.

    python bench/status_lookup.py [--households 1000000] [--queries 2000]
                                  [--backend sqlite|postgres|both] [--pg-dsn DSN]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

import asyncpg
from backends import LABELS, POSTGRES, SQLITE, add_backend_options, chosen, copy_into, postgres

from bot.storage import Store
from bot.storage.postgres.store import PgStore
from bot.text import national_code_check_digit

GOAL_P99_MS = 2.0


def code_of(n: int) -> str:
    nine = f"{n:09d}"
    return nine + str(national_code_check_digit(nine))


def fill(path: Path, households: int) -> None:
    """Households, two tranches each, and one linked person per household (plain sqlite3)."""
    db = sqlite3.connect(path, isolation_level=None)
    city = db.execute("SELECT id, province_id FROM cities LIMIT 1").fetchone()
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO beneficiaries (national_code, full_name, mobile, province_id, city_id, "
        "household_size, decile, created_at, updated_at) VALUES (?, 'x', ?, ?, ?, 4, 3, 0, 0)",
        ((code_of(n), f"+98912{n:07d}", city[1], city[0]) for n in range(1, households + 1)),
    )
    db.executemany(
        "INSERT INTO vouchers (national_code, tranche, amount_per_person, total, status, "
        "charged_on, expires_on, created_at, updated_at) VALUES "
        "(?, ?, 5000000, 20000000, 'charged', '2025-11-20', '2026-01-20', 0, 0)",
        ((code_of(n), t) for n in range(1, households + 1) for t in (1, 2)),
    )
    db.executemany(
        "INSERT INTO users (platform, user_id, chat_id, language, first_seen, last_seen) "
        "VALUES ('telegram', ?, ?, 'fa', 0, 0)",
        ((n, n) for n in range(1, households + 1)),
    )
    db.executemany(
        "INSERT INTO beneficiary_links (platform, user_id, national_code, weak_ownership, "
        "linked_at) VALUES ('telegram', ?, ?, 0, 0)",
        ((n, code_of(n)) for n in range(1, households + 1)),
    )
    db.execute("COMMIT")
    db.close()


def percentiles(samples: list[float]) -> str:
    cuts = statistics.quantiles(samples, n=100)
    return f"p50 {statistics.median(samples):.3f} ms  p99 {cuts[98]:.3f} ms"


async def time_store(store: Store | PgStore, people: list[int]) -> list[float]:
    samples = []
    for user_id in people:
        started = time.perf_counter()
        code = await store.beneficiary_link("telegram", user_id)
        assert code is not None
        assert await store.beneficiary(code) is not None
        await store.vouchers_of(code)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def time_plain(path: Path, people: list[int]) -> list[float]:
    db = sqlite3.connect(path)
    samples = []
    for user_id in people:
        started = time.perf_counter()
        (code,) = db.execute(
            "SELECT national_code FROM beneficiary_links WHERE platform = 'telegram' "
            "AND user_id = ?", (user_id,)).fetchone()  # fmt: skip
        db.execute("SELECT * FROM beneficiaries WHERE national_code = ?", (code,)).fetchone()
        db.execute("SELECT * FROM vouchers WHERE national_code = ? ORDER BY tranche",
                   (code,)).fetchall()  # fmt: skip
        samples.append((time.perf_counter() - started) * 1000)
    db.close()
    return samples


async def time_plain_postgres(dsn: str, people: list[int]) -> list[float]:
    """The same three reads on one asyncpg connection (no pool)."""
    db = await asyncpg.connect(dsn)
    samples = []
    try:
        for user_id in people:
            started = time.perf_counter()
            code = await db.fetchval(
                "SELECT national_code FROM beneficiary_links WHERE platform = 'telegram' "
                "AND user_id = $1", user_id)  # fmt: skip
            await db.fetchrow("SELECT * FROM beneficiaries WHERE national_code = $1", code)
            await db.fetch("SELECT * FROM vouchers WHERE national_code = $1 ORDER BY tranche",
                           code)  # fmt: skip
            samples.append((time.perf_counter() - started) * 1000)
    finally:
        await db.close()
    return samples


async def main_async(households: int, queries: int, args: argparse.Namespace) -> None:
    path = Path(tempfile.mkdtemp(prefix="hamdeli-status-")) / "status.db"
    async with Store(path):
        pass  # migrate
    started = time.perf_counter()
    fill(path, households)
    print(f"{households:,} households, {2 * households:,} tranches and links written in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    rng = random.Random(7)
    people = [rng.randint(1, households) for _ in range(queries)]
    results: dict[str, tuple[list[float], list[float]]] = {}
    if SQLITE in chosen(args):
        async with Store(path) as store:
            await time_store(store, people[:100])  # warm-up, as for PostgreSQL
            results[SQLITE] = (await time_store(store, people), time_plain(path, people))
    if POSTGRES in chosen(args):
        async with postgres(args.pg_dsn) as dsn:
            seconds = await copy_into(path, dsn)
            print(f"PostgreSQL: the same rows copied by copy-store (COPY) in {seconds:.1f} s")
            async with PgStore(dsn) as store:
                await time_store(store, people[:100])
                results[POSTGRES] = (
                    await time_store(store, people),
                    await time_plain_postgres(dsn, people),
                )
    baselines = {SQLITE: "plain sqlite3", POSTGRES: "one connection"}
    for backend, (ours, plain) in results.items():
        goal = f"goal p99 <= {GOAL_P99_MS:g} ms"
        print(f"status lookup, {LABELS[backend]:<10} (store, 3 reads): {percentiles(ours)}   "
              f"| {baselines[backend]}: {percentiles(plain)}   {goal}")  # fmt: skip
    if len(results) == 2:
        pg, lite = (statistics.median(results[b][0]) for b in (POSTGRES, SQLITE))
        print(f"ratio PostgreSQL/SQLite (store p50): {pg / lite:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2000)
    add_backend_options(parser)
    args = parser.parse_args()
    asyncio.run(main_async(args.households, args.queries, args))


if __name__ == "__main__":
    main()
