"""The store benches' backend option: `--backend sqlite|postgres|both` (default: the
BENCH_BACKEND variable, else both; `make bench BENCH_BACKEND=sqlite` skips PostgreSQL).

Why it looks the way it does:
- PostgreSQL is measured beside SQLite in the same run, on the same rows: each bench fills
  its SQLite file as before, then `copy-store` (bot/storage/copy.py, COPY in batches, the
  way a deployment moves) copies it into PostgreSQL, and ANALYZE gives the planner its
  statistics (autovacuum would, a minute later).
- The server is the tests' throwaway cluster (tests/pg.py: initdb into a temporary folder,
  a unix socket only, durability off, deleted afterwards), so `make bench` needs nothing
  running. With durability off PostgreSQL, like SQLite's WAL with synchronous=NORMAL, does
  not wait for the disk at each commit: the two are compared on the same footing.
  `--pg-dsn` (or BENCH_PG_DSN) names an empty database on a server of your own instead.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/pg.py, by path

from tests.pg import Cluster, postgres_bin, start_cluster, stop_cluster

SQLITE, POSTGRES = "sqlite", "postgres"
LABELS = {SQLITE: "SQLite", POSTGRES: "PostgreSQL"}


def add_backend_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--backend",
        choices=(SQLITE, POSTGRES, "both"),
        default=os.environ.get("BENCH_BACKEND") or "both",
        help="which store to measure (default: $BENCH_BACKEND, else both)",
    )
    parser.add_argument(
        "--pg-dsn",
        default=os.environ.get("BENCH_PG_DSN"),
        help="an empty PostgreSQL database to use (default: a throwaway cluster)",
    )


def chosen(args: argparse.Namespace) -> list[str]:
    return [SQLITE, POSTGRES] if args.backend == "both" else [args.backend]


@asynccontextmanager
async def postgres(dsn: str | None) -> AsyncIterator[str]:
    """An empty database's DSN: `dsn` when given, else one on a throwaway cluster that is
    deleted on the way out."""
    if dsn is not None:
        yield dsn
        return
    bin_dir = postgres_bin()
    if bin_dir is None:
        raise SystemExit(
            "PostgreSQL is not installed (no initdb): `make bench` installs it, or run "
            "with --backend sqlite"
        )
    cluster: Cluster = start_cluster(bin_dir)
    try:
        yield cluster.dsn()
    finally:
        stop_cluster(cluster)


async def copy_into(source: Path, dsn: str) -> float:
    """Copy the SQLite database `source` into the empty PostgreSQL database `dsn` with
    copy-store, then ANALYZE; returns the seconds it took."""
    import asyncpg

    from bot.storage.copy import copy_store

    started = time.perf_counter()
    await copy_store(source, dsn)
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
    return time.perf_counter() - started


def ratio(postgres_value: float, sqlite_value: float) -> str:
    return f"{postgres_value / sqlite_value:.1f}x" if sqlite_value > 0 else "-"
