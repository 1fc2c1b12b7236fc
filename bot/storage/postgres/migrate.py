"""Apply the PostgreSQL migrations (bot/storage/postgres/migrations) with asyncpg.

Why it looks the way it does:
- The steps mirror SQLite's one for one (same numbers, same file names), so "version 17"
  means the same schema on both backends and the parity test can compare them.
- SQLite records its version in `PRAGMA user_version`, a number in the file header.
  PostgreSQL has no such header, so the version lives in a table, `schema_migrations`,
  one row per applied step (the highest is the schema's version).
- Several workers may start at once against one database. Each step runs in its own
  transaction that first takes a transaction-level advisory lock and only then reads the
  version, so a second worker waits for the first and finds the step done: no step is ever
  applied twice, and a failed step rolls back whole and leaves the version where it was.
- A step may load data through Python after its SQL (places from bot/data/places.csv), in
  the same transaction, as SQLite's runner does.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from bot.storage.records import SCHEMA_STEPS

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
VERSION_TABLE = "schema_migrations"
# pg_advisory_xact_lock takes a bigint; any constant the application uses for nothing else.
# This one is "hamdeli" in ASCII.
MIGRATION_LOCK_KEY = 0x68616D64656C69

_CREATE_VERSION_TABLE = f"""
CREATE TABLE {VERSION_TABLE} (
    version     INTEGER     PRIMARY KEY,
    name        TEXT        NOT NULL,
    applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
)
"""

# asyncpg's Connection; typed loosely so this module imports without asyncpg's stubs.
Connection = Any


async def _load_places_csv(connection: Connection) -> None:
    """Fill provinces and cities from the shipped data file (bot/data/places.csv).

    The same rows and ids as SQLite's step: provinces numbered 1.. in file order, cities
    numbered by the identity in file order.
    """
    text = resources.files("bot").joinpath("data", "places.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    provinces: dict[str, tuple[int, str]] = {}
    for row in rows:
        if row["province_en"] not in provinces:
            provinces[row["province_en"]] = (len(provinces) + 1, row["province_fa"])
    await connection.executemany(
        "INSERT INTO provinces (id, name_fa, name_en) VALUES ($1, $2, $3)",
        [(number, name_fa, name_en) for name_en, (number, name_fa) in provinces.items()],
    )
    # Explicit ids leave the identity behind; move it past them for any later insert.
    await connection.execute(
        "SELECT setval(pg_get_serial_sequence('provinces', 'id'), max(id)) FROM provinces"
    )
    await connection.executemany(
        "INSERT INTO cities (province_id, name_fa, name_en, is_capital) VALUES ($1, $2, $3, $4)",
        [
            (provinces[r["province_en"]][0], r["city_fa"], r["city_en"], int(r["is_capital"]))
            for r in rows
        ],
    )


@dataclass(frozen=True)
class Migration:
    """A numbered schema step: an SQL file, then optionally a data-loading step."""

    version: int
    sql_file: str
    load_data: Callable[[Connection], Awaitable[None]] | None = None

    def sql(self) -> str:
        return (MIGRATIONS_DIR / self.sql_file).read_text(encoding="utf-8")


MIGRATIONS: tuple[Migration, ...] = tuple(
    Migration(version, name, _load_places_csv if version == 1 else None)
    for version, name in enumerate(SCHEMA_STEPS, start=1)
)


async def schema_version(connection: Connection) -> int:
    """The highest step applied; 0 for a database no runner has touched."""
    exists = await connection.fetchval("SELECT to_regclass($1) IS NOT NULL", VERSION_TABLE)
    if not exists:
        return 0
    return int(await connection.fetchval(f"SELECT coalesce(max(version), 0) FROM {VERSION_TABLE}"))


async def migrate(connection: Connection, *, upto: int | None = None) -> list[int]:
    """Apply pending migrations in order, each in its own transaction; return those applied.

    `upto` stops after that version (tests use it to put rows in before a data step).
    The advisory lock is taken before the version is read, so two workers migrating at
    once apply each step exactly once between them.
    """
    applied = []
    for migration in MIGRATIONS:
        if upto is not None and migration.version > upto:
            break
        async with connection.transaction():
            await connection.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK_KEY)
            if not await connection.fetchval("SELECT to_regclass($1) IS NOT NULL", VERSION_TABLE):
                await connection.execute(_CREATE_VERSION_TABLE)
            current = await connection.fetchval(
                f"SELECT coalesce(max(version), 0) FROM {VERSION_TABLE}"
            )
            if migration.version <= current:
                continue
            # No arguments: asyncpg sends the file as one simple query, several statements
            # and PL/pgSQL bodies included, inside this transaction.
            await connection.execute(migration.sql())
            if migration.load_data is not None:
                await migration.load_data(connection)
            await connection.execute(
                f"INSERT INTO {VERSION_TABLE} (version, name) VALUES ($1, $2)",
                migration.version,
                migration.sql_file,
            )
            applied.append(migration.version)
    if applied:
        log.info("applied PostgreSQL migrations %s", applied)
    return applied
