"""`make bench`: the queries donors browse with, at a million needs over every city, on
SQLite and PostgreSQL in the same run.

The needs are written with plain sqlite3 in one transaction (the fast way to fill a file),
through the real schema, so the 0004 triggers keep open_need_counts as they would in use;
for PostgreSQL that file is copied with copy-store (COPY; see bench/backends.py), so both
hold the same rows. Each query is then timed through the store (aiosqlite, or PgStore on
its asyncpg pool: what the bot runs) and, in the same run, the very same SQL and parameters
without the store: plain sqlite3 in this thread, or one asyncpg connection. That baseline
shows what the database itself costs, and what the store adds (aiosqlite's thread hops,
the pool's acquire and release). Every query draws the same workload on both backends.

Then the cache: the browse pages again, answered from memory (the store's read cache), and
on PostgreSQL how long another process's change takes to reach that cache.

    python bench/browse_query.py [--needs 1000000] [--queries 2000] [--seed 7]
                                 [--backend sqlite|postgres|both] [--pg-dsn DSN]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import asyncpg
from backends import (
    LABELS,
    POSTGRES,
    SQLITE,
    add_backend_options,
    chosen,
    copy_into,
    postgres,
    ratio,
)

from bot.models import NeedCategory, NeedStatus
from bot.storage import Store
from bot.storage.postgres.base import _native
from bot.storage.postgres.store import PgStore

PAGE_SIZE = 5
GOAL_P99_MS = 2.0
PROVINCE_PAGE_QUERIES = 200  # several cities take a small sort: measured apart, fewer
# Share of each category and status among the generated needs (the rest of the weight).
CATEGORY_WEIGHTS = {
    NeedCategory.LIVELIHOOD: 30, NeedCategory.MEDICAL: 20, NeedCategory.HOUSING: 15,
    NeedCategory.EDUCATION: 12, NeedCategory.DOWRY: 10, NeedCategory.ORPHANS: 8,
    NeedCategory.WORK_TOOLS: 3, NeedCategory.OTHER: 2,
}  # fmt: skip
STATUS_WEIGHTS = {
    NeedStatus.OPEN: 75, NeedStatus.FULLY_PLEDGED: 5, NeedStatus.FUNDED: 5,
    NeedStatus.DELIVERED: 10, NeedStatus.CLOSED: 4, NeedStatus.EXPIRED: 1,
}  # fmt: skip
INSERT_NEED = (
    "INSERT INTO needs (code, province_id, city_id, category, kind, target, description_fa, "
    "deadline, urgent, status, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, 'money', ?, ?, ?, ?, ?, ?, ?)"
)
CACHE_CHANGES = 200  # another process's changes timed until the cache shows them
Query = Callable[[], Awaitable[Any]]
Statements = list[tuple[str, tuple[Any, ...]]]
Plain = Callable[[Statements], Awaitable["Timing"]]
AnyStore = Store | PgStore


@dataclass(frozen=True)
class Timing:
    """Median and tail: a chat feels the tail, so p99 is what the goal is set on."""

    p50_ms: float
    p99_ms: float


def timing(samples_ns: list[int]) -> Timing:
    cuts = statistics.quantiles(samples_ns, n=100, method="inclusive")
    return Timing(p50_ms=cuts[49] / 1e6, p99_ms=cuts[98] / 1e6)


# -- the data --------------------------------------------------------------------------------


def city_weights(cities: list[tuple[int, int]], rng: random.Random) -> list[float]:
    """Zipf-like: a few big cities hold much of it, most cities a few hundred needs."""
    ranks = list(range(1, len(cities) + 1))
    rng.shuffle(ranks)
    return [1 / rank for rank in ranks]


def need_rows(
    count: int, cities: list[tuple[int, int]], rng: random.Random
) -> Iterator[tuple[Any, ...]]:
    """Needs for executemany: skewed cities, ~10% urgent, deadlines over a year or none."""
    places = rng.choices(cities, weights=city_weights(cities, rng), k=count)
    categories = rng.choices(list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values()), k=count)
    statuses = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()), k=count)
    today, now = dt.date(2026, 1, 1), 1_767_000_000
    for i in range(count):
        city_id, province_id = places[i]
        deadline = None if rng.random() < 0.4 else today + dt.timedelta(days=rng.randrange(365))
        yield (
            f"B{i:07d}", province_id, city_id, categories[i].value, rng.randrange(1, 10**9),
            f"نیاز شماره {i} برای یک خانواده", deadline.isoformat() if deadline else None,
            int(rng.random() < 0.1), statuses[i].value, now, now,
        )  # fmt: skip


def fill(path: Path, count: int, rng: random.Random) -> float:
    """Write `count` needs in one transaction; returns the seconds it took."""
    started = time.perf_counter()
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = OFF")  # a scratch file: no rollback needed
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA cache_size = -262144")
        cities = db.execute("SELECT id, province_id FROM cities ORDER BY id").fetchall()
        db.execute("BEGIN")
        db.executemany(INSERT_NEED, need_rows(count, cities, rng))
        db.execute("COMMIT")
        db.execute("PRAGMA journal_mode = WAL")
    finally:
        db.close()
    return time.perf_counter() - started


# -- the measurement -------------------------------------------------------------------------


async def capture(store: AnyStore, queries: list[Query]) -> Statements:
    """Run each query once (a warm-up) and record the SQL and parameters it sent."""
    sent: Statements = []
    fetchall = store._fetchall

    async def spy(sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        sent.append((sql, params))
        return await fetchall(sql, params)

    store._fetchall = spy  # type: ignore[method-assign]
    try:
        for query in queries:
            await query()
    finally:
        del store._fetchall
    return sent


async def time_store(queries: list[Query]) -> Timing:
    samples = []
    for query in queries:
        started = time.perf_counter_ns()
        await query()
        samples.append(time.perf_counter_ns() - started)
    return timing(samples)


def plain_sqlite(db: sqlite3.Connection) -> Plain:
    """The statements through plain sqlite3 in this thread."""

    async def run(statements: Statements) -> Timing:
        for sql, params in statements:  # warm-up, as the capture was for the store
            db.execute(sql, params).fetchall()
        samples = []
        for sql, params in statements:
            started = time.perf_counter_ns()
            db.execute(sql, params).fetchall()
            samples.append(time.perf_counter_ns() - started)
        return timing(samples)

    return run


def plain_postgres(db: asyncpg.Connection) -> Plain:
    """The statements on one asyncpg connection (prepared and cached, as the pool's are)."""

    async def run(statements: Statements) -> Timing:
        native = [(_native(sql), params) for sql, params in statements]
        for sql, params in native:
            await db.fetch(sql, *params)
        samples = []
        for sql, params in native:
            started = time.perf_counter_ns()
            await db.fetch(sql, *params)
            samples.append(time.perf_counter_ns() - started)
        return timing(samples)

    return run


async def measure(store: AnyStore, plain: Plain, queries: list[Query]) -> tuple[Timing, Timing]:
    """The store's timings and the same statements' without it."""
    statements = await capture(store, queries)
    return await time_store(queries), await plain(statements)


@dataclass(frozen=True)
class Place:
    """A city and how many open needs it has: donors browse where the needs are."""

    city_id: int
    province_id: int
    open_needs: int


async def places(store: AnyStore) -> list[Place]:
    """Every city with its open needs, read through the store's own counts."""
    by_city: dict[int, int] = {}
    for province in await store.open_counts_by_province():
        by_city |= await store.open_counts_by_city(province)
    return [
        Place(city.id, province.id, by_city.get(city.id, 0))
        for province in await store.provinces()
        for city in province.cities
    ]


def workloads(
    store: AnyStore, cities: list[Place], rng: random.Random, n: int
) -> dict[str, list[Query]]:
    """Donors' queries: a page of 5 (pages 1-4) of a city picked as donors would, in
    proportion to its open needs (so big cities often), with and without a category, and
    the counts the menus show."""
    picked = rng.choices(cities, weights=[c.open_needs for c in cities], k=n)
    categories: list[NeedCategory | None] = [None, *NeedCategory]

    def page(city: Place, category: NeedCategory | None) -> Query:
        offset = rng.randrange(4) * PAGE_SIZE
        return lambda: store.open_needs_page([city.city_id], category, PAGE_SIZE, offset)

    def count(city: Place, category: NeedCategory | None) -> Query:
        return lambda: store.open_need_count([city.city_id], category)

    return {
        "browse page": [page(c, None) for c in picked],
        "browse page, category": [page(c, rng.choice(list(NeedCategory))) for c in picked],
        "counts by province": [store.open_counts_by_province] * n,
        "counts by city": [partial(store.open_counts_by_city, c.province_id) for c in picked],
        "counts by category": [partial(store.open_counts_by_category, [c.city_id]) for c in picked],
        "need count": [count(c, rng.choice(categories)) for c in picked],
    }


def province_pages(
    store: AnyStore,
    cities: list[Place],
    rng: random.Random,
    categories: list[NeedCategory | None],
) -> list[Query]:
    """First pages of whole provinces (all their cities in one list): each city gives only
    its first index entries to a small sort, so a big province costs little more."""
    members: dict[int, list[int]] = {}
    for city in cities:
        members.setdefault(city.province_id, []).append(city.city_id)
    picked = rng.choices(cities, weights=[c.open_needs for c in cities], k=PROVINCE_PAGE_QUERIES)
    return [
        partial(store.open_needs_page, members[c.province_id], rng.choice(categories), PAGE_SIZE, 0)
        for c in picked
    ]


Results = dict[str, tuple[Timing, Timing | None]]  # line -> (store, without the store)


async def measure_all(
    uncached: AnyStore, cached: AnyStore, plain: Plain, n: int, seed: int
) -> Results:
    """Every line of one backend; `uncached` times the queries, `cached` the read cache.
    The workload is drawn from `seed`, so both backends are asked the very same things."""
    rng = random.Random(seed)
    cities = await places(uncached)
    results: Results = {}
    for name, workload in workloads(uncached, cities, rng, n).items():
        results[name] = await measure(uncached, plain, workload)
    for name, categories in [("", [None]), (", category", list(NeedCategory))]:
        pages = province_pages(uncached, cities, rng, categories)
        results["province page 1" + name] = await measure(uncached, plain, pages)
    pages = workloads(cached, cities, random.Random(seed), n)["browse page"]
    for page in pages:
        await page()  # every page once into the cache; then all answers come from memory
    results["browse page, cached"] = (await time_store(pages), None)
    return results


async def on_sqlite(path: Path, n: int, seed: int) -> Results:
    plain = sqlite3.connect(path, isolation_level=None)
    try:
        # read_cache=False: time the queries, not the cache
        async with Store(path, read_cache=False) as uncached, Store(path) as cached:
            return await measure_all(uncached, cached, plain_sqlite(plain), n, seed)
    finally:
        plain.close()


async def on_postgres(path: Path, dsn: str, n: int, seed: int) -> tuple[Results, str]:
    seconds = await copy_into(path, dsn)
    note = f"PostgreSQL: the same rows copied by copy-store (COPY) in {seconds:.1f} s, analyzed"
    plain = await asyncpg.connect(dsn)
    try:
        async with PgStore(dsn, read_cache=False) as uncached, PgStore(dsn) as cached:
            results = await measure_all(uncached, cached, plain_postgres(plain), n, seed)
            delays = await change_reaches_cache(cached, dsn)
    finally:
        await plain.close()
    cut = statistics.quantiles(delays, n=100, method="inclusive")
    note += (
        f"\nanother process's change in the PostgreSQL cache: p50 {cut[49]:.2f} ms, "
        f"p99 {cut[98]:.2f} ms after its commit returned ({len(delays)} changes; "
        "bound 1,000 ms, see PgStoreBase._cached_fetchall)"
    )
    return results, note


async def change_reaches_cache(cached: PgStore, dsn: str) -> list[float]:
    """Milliseconds from another process's commit returning to `cached` answering with
    it, for CACHE_CHANGES changes (a need closed, then opened again)."""
    province = (await cached.provinces())[0]
    city_ids = [city.id for city in province.cities]
    async with PgStore(dsn, pool_size=1, read_cache=False) as other_process:
        need = (await other_process.open_needs_page(city_ids, None, 1, 0))[0]
        delays = []
        for n in range(CACHE_CHANGES):
            before = (await cached.open_counts_by_province())[province.id]
            status = NeedStatus.CLOSED if n % 2 == 0 else NeedStatus.OPEN
            await other_process.set_need_status(need.id, status, 0)
            committed = time.perf_counter()
            while (await cached.open_counts_by_province())[province.id] == before:  # noqa: ASYNC110 - polling the cache is what is timed
                await asyncio.sleep(0)
            delays.append((time.perf_counter() - committed) * 1000)
    return delays


def report(results: dict[str, Results]) -> None:
    """One line per query: each backend's store and baseline, and PostgreSQL/SQLite."""
    backends = list(results)
    baselines = {SQLITE: "plain sqlite3", POSTGRES: "one connection"}
    header = f"{'p50 / p99 ms':<26}"
    for backend in backends:
        header += f" {LABELS[backend] + ' store':>18} {baselines[backend]:>18} |"
    print(header + (" PG/SQLite p50" if len(backends) == 2 else ""))
    for name in results[backends[0]]:
        line = f"{name:<26}"
        for backend in backends:
            ours, plain = results[backend][name]
            line += f" {ours.p50_ms:8.3f} /{ours.p99_ms:7.3f}"
            line += f" {plain.p50_ms:8.3f} /{plain.p99_ms:7.3f} |" if plain else f" {'':>18} |"
        if len(backends) == 2:
            line += (
                f" {ratio(results[POSTGRES][name][0].p50_ms, results[SQLITE][name][0].p50_ms):>8}"
            )
        if name.startswith("browse page") and "cached" not in name:
            line += f"   goal p99 <= {GOAL_P99_MS:g} ms"
        print(line)


async def create(path: Path) -> None:
    async with Store(path):
        pass  # schema, places and triggers, exactly as the bot creates them


async def run(path: Path, args: argparse.Namespace) -> None:
    results: dict[str, Results] = {}
    notes = []
    if SQLITE in chosen(args):
        results[SQLITE] = await on_sqlite(path, args.queries, args.seed + 1)
    if POSTGRES in chosen(args):
        async with postgres(args.pg_dsn) as dsn:
            results[POSTGRES], note = await on_postgres(path, dsn, args.queries, args.seed + 1)
            notes.append(note)
    for note in notes:
        print(note)
    report(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    add_backend_options(parser)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="hamdeli-browse-") as folder:
        path = Path(folder) / "browse.db"
        asyncio.run(create(path))
        seconds = fill(path, args.needs, rng)
        size_mb = path.stat().st_size / 1e6
        print(f"{args.needs:,} needs written in {seconds:.1f} s ({size_mb:.0f} MB), "
              f"{args.queries:,} queries per line, page size {PAGE_SIZE}")  # fmt: skip
        asyncio.run(run(path, args))


if __name__ == "__main__":
    main()
