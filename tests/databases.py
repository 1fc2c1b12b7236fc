"""Which database each test runs on: the same suite on SQLite (`make test`) and on
PostgreSQL (`make test-pg`, which sets HAMDELI_TEST_BACKEND=postgres). A pytest plugin that
tests/conftest.py loads.

Why it looks the way it does:
- A test names its database with `database_url(tmp_path)` (and `make_settings`, the `store`
  fixture and the `hamdeli` subprocess helpers all ask it), never a file path, so switching
  the backend is one environment variable and no test is written twice.
- On PostgreSQL each test gets a database of its own, created on first use by cloning a
  template that was migrated once per session, and dropped when the test ends. Tests that
  never ask for a database pay nothing. STRATEGY FILE_COPY copies the template's files
  (~30 ms with the throwaway cluster's fsync off); PostgreSQL 15's default, WAL_LOG, writes
  every page through the WAL and took ~525 ms a database here, a quarter hour per run.
- `database_url` is synchronous because `make_settings` is, and tests call it inside a
  running event loop: the few statements that create and drop databases run on a private
  loop in a worker thread.
- A test that only makes sense on one backend carries `sqlite_only` or (the pg marker) in its
  name and markers; the other backend's run skips it.
"""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

BACKEND_ENV = "HAMDELI_TEST_BACKEND"
ON_POSTGRES = os.environ.get(BACKEND_ENV, "sqlite") == "postgres"
TEMPLATE = "hamdeli_template"

_cluster: Any = None  # tests/pg.py's Cluster, once the session has started it
_created: dict[Path, str] = {}  # tmp_path -> the database created for that test
_names = itertools.count(1)
_admin = ThreadPoolExecutor(max_workers=1, thread_name_prefix="test-databases")


def database_url(tmp_path: Path) -> str:
    """This test's database: a SQLite file in its folder, or its own PostgreSQL database."""
    if not ON_POSTGRES:
        return f"sqlite:///{tmp_path / 'hamdeli.db'}"
    if _cluster is None:
        raise RuntimeError("the PostgreSQL run has no cluster (the session fixture did not start)")
    name = _created.get(tmp_path)
    if name is None:
        name = _created[tmp_path] = f"t{next(_names)}"
        _admin_sql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE} STRATEGY FILE_COPY")
    return str(_cluster.dsn(name))


def _admin_sql(*statements: str) -> None:
    """Statements on the cluster's maintenance database, on a private loop and thread."""
    import asyncpg

    async def run() -> None:
        connection = await asyncpg.connect(_cluster.dsn())
        try:
            for statement in statements:
                await connection.execute(statement)
        finally:
            await connection.close()

    _admin.submit(asyncio.run, run()).result()


def _migrate_template() -> None:
    from bot.storage.postgres.store import PgStore

    async def migrate() -> None:
        async with PgStore(_cluster.dsn(TEMPLATE), pool_size=1):
            pass  # opening migrates

    _admin_sql(f"DROP DATABASE IF EXISTS {TEMPLATE}", f"CREATE DATABASE {TEMPLATE}")
    _admin.submit(asyncio.run, migrate()).result()


@pytest.fixture(scope="session", autouse=True)
def _postgres_session(request: pytest.FixtureRequest) -> Iterator[None]:
    """On the PostgreSQL run: the cluster and its migrated template, once per session."""
    global _cluster
    if not ON_POSTGRES:
        yield
        return
    _cluster = request.getfixturevalue("pg_cluster")
    _migrate_template()
    yield
    _cluster = None


@pytest.fixture(autouse=True)
def _drop_test_databases() -> Iterator[None]:
    """Drop the databases the test created (tests run one at a time, so every one made
    since it began is its own; FORCE: a store the test left open is cut off)."""
    yield
    if _created:
        names = list(_created.values())
        _created.clear()
        _admin_sql(*(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)" for name in names))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: only meaningful on SQLite (its name says why); skipped on PG"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """On the PostgreSQL run, skip what only SQLite can mean, and the SQLite half of the
    tests that run on both backends side by side (`any_store`): the SQLite run has them."""
    if not ON_POSTGRES:
        return
    skip = pytest.mark.skip(reason="SQLite only (HAMDELI_TEST_BACKEND=postgres)")
    for item in items:
        callspec = getattr(item, "callspec", None)
        side_by_side = callspec is not None and callspec.params.get("backend") == "sqlite"
        if item.get_closest_marker("sqlite_only") or side_by_side:
            item.add_marker(skip)
