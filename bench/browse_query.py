"""`make bench`: the queries donors browse with, at a million needs over every city.

The needs are written with plain sqlite3 in one transaction (the fast way to fill a file),
through the real schema, so the 0004 triggers keep open_need_counts as they would in use.
Each query is then timed through `Store` (aiosqlite, what the bot runs) and, in the same
run, the very same SQL and parameters through plain sqlite3 in this thread: the baseline
that shows what SQLite itself costs and what aiosqlite's thread hops add.

    python bench/browse_query.py [--needs 1000000] [--queries 2000] [--seed 7]
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

from bot.models import NeedCategory, NeedStatus
from bot.storage import Store

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
Query = Callable[[], Awaitable[Any]]


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


async def capture(store: Store, queries: list[Query]) -> list[tuple[str, tuple[Any, ...]]]:
    """Run each query once (a warm-up) and record the SQL and parameters it sent."""
    sent: list[tuple[str, tuple[Any, ...]]] = []
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


def time_plain(db: sqlite3.Connection, statements: list[tuple[str, tuple[Any, ...]]]) -> Timing:
    for sql, params in statements:  # warm-up, as the capture was for the store
        db.execute(sql, params).fetchall()
    samples = []
    for sql, params in statements:
        started = time.perf_counter_ns()
        db.execute(sql, params).fetchall()
        samples.append(time.perf_counter_ns() - started)
    return timing(samples)


async def measure(store: Store, plain: sqlite3.Connection, queries: list[Query]) -> str:
    """One line: the store's timings next to the same statements through plain sqlite3."""
    statements = await capture(store, queries)
    ours, baseline = await time_store(queries), time_plain(plain, statements)
    return (
        f"(aiosqlite): p50 {ours.p50_ms:.2f} ms  p99 {ours.p99_ms:.2f} ms   "
        f"| plain sqlite3: p50 {baseline.p50_ms:.2f} ms  p99 {baseline.p99_ms:.2f} ms"
    )


@dataclass(frozen=True)
class Place:
    """A city and how many open needs it has: donors browse where the needs are."""

    city_id: int
    province_id: int
    open_needs: int


async def places(store: Store) -> list[Place]:
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
    store: Store, cities: list[Place], rng: random.Random, n: int
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
    store: Store, cities: list[Place], rng: random.Random, categories: list[NeedCategory | None]
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


async def run(path: Path, queries: int, rng: random.Random) -> None:
    plain = sqlite3.connect(path, isolation_level=None)
    try:
        async with Store(path, read_cache=False) as store:  # time the queries, not the cache
            cities = await places(store)
            for name, workload in workloads(store, cities, rng, queries).items():
                goal = f"   goal p99 <= {GOAL_P99_MS:g} ms" if name.startswith("browse") else ""
                print(f"{name:<26} {await measure(store, plain, workload)}{goal}")
            for name, categories in [("", [None]), (", category", list(NeedCategory))]:
                pages = province_pages(store, cities, rng, categories)
                print(f"{'province page 1' + name:<26} {await measure(store, plain, pages)}")
    finally:
        plain.close()


async def create(path: Path) -> None:
    async with Store(path):
        pass  # schema, places and triggers, exactly as the bot creates them


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="hamdeli-browse-") as folder:
        path = Path(folder) / "browse.db"
        asyncio.run(create(path))
        seconds = fill(path, args.needs, rng)
        size_mb = path.stat().st_size / 1e6
        print(f"{args.needs:,} needs written in {seconds:.1f} s ({size_mb:.0f} MB), "
              f"{args.queries:,} queries per line, page size {PAGE_SIZE}")  # fmt: skip
        asyncio.run(run(path, args.queries, rng))


if __name__ == "__main__":
    main()
