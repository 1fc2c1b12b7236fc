"""`hamdeli copy-store`: move a deployment's SQLite database into PostgreSQL, verified.

Why it looks the way it does:
- Generic over the schema, not a list of tables: the two backends' migrations create the
  same tables and columns (tests/test_pg_schema.py keeps them from drifting), so every
  SQLite table is copied into its PostgreSQL twin by column name. A table on one side only
  means the two are at different versions: refused before anything is written.
- One consistent read (a read transaction on the SQLite file, which the bot may keep
  running on) and one PostgreSQL transaction: the target gets all of it or none of it.
- Rows are copied as they are, counts included: the target's user triggers are disabled
  for the copy (the counts they keep are already exact in the source), then enabled again.
  Foreign keys stay checked, so tables are copied parents first.
- Verified before the commit: every table's row count, and the sum of every integer column
  (every amount of money, reserved and paid share, count and id), computed on the source
  while reading and by PostgreSQL on what it stored. Any difference rolls everything back.
- Refuses a target that holds anything beyond what its migrations put there (provinces
  and cities): copying over live data would merge two deployments.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.storage.records import DatabaseProblem

BATCH_ROWS = 5_000
_INTEGER_TYPES = frozenset({"bigint", "integer", "smallint"})


class CopyRefused(Exception):
    """The copy cannot be made as asked; nothing was written. One line for the operator."""


@dataclass
class TableCopy:
    name: str
    rows: int = 0
    sums: dict[str, int] = field(default_factory=dict)  # integer column -> its sum


@dataclass(frozen=True)
class CopyReport:
    tables: tuple[TableCopy, ...]
    seconds: float

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables)


async def copy_store(source: Path, target_dsn: str) -> CopyReport:
    """Copy the SQLite database at `source` into the empty PostgreSQL database `target_dsn`
    (migrated first); CopyRefused, with nothing written, when that cannot be done exactly."""
    import asyncpg

    from bot.storage.postgres.migrate import VERSION_TABLE, migrate
    from bot.storage.sqlite.store import Store

    began = time.monotonic()
    async with Store(source, create=False):  # the source at the current schema, checked
        pass
    seeded = await _rows_a_fresh_database_has()
    try:
        target = await asyncpg.connect(target_dsn)
    except (OSError, asyncpg.PostgresError) as exc:
        raise CopyRefused(f"cannot connect to the target: {type(exc).__name__}: {exc}") from exc
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        await migrate(target)
        columns = await _target_columns(target, exclude={VERSION_TABLE})
        tables = _source_tables(reader)
        if set(tables) != set(columns):
            only_source, only_target = set(tables) - set(columns), set(columns) - set(tables)
            raise CopyRefused(
                "the two databases are at different schema versions (tables only in the "
                f"source: {sorted(only_source)}, only in the target: {sorted(only_target)})"
            )
        await _refuse_if_not_empty(target, columns, seeded)
        reader.execute("BEGIN")  # one snapshot of the source for the whole copy
        async with target.transaction():
            copies = await _copy_tables(reader, target, _parents_first(reader, tables), columns)
            await _verify(target, copies)
    finally:
        reader.close()
        await target.close()
    return CopyReport(tuple(copies), time.monotonic() - began)


async def _rows_a_fresh_database_has() -> dict[str, int]:
    """Row counts of a freshly migrated database (its reference data: places)."""
    from bot.storage.sqlite.store import Store

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fresh.db"
        async with Store(path):
            pass
        connection = sqlite3.connect(path)
        try:
            return {name: _count(connection, name) for name in _source_tables(connection)}
        finally:
            connection.close()


def _count(connection: sqlite3.Connection, table: str) -> int:
    return int(connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])


def _source_tables(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    return [name for (name,) in rows]


async def _target_columns(target: Any, *, exclude: set[str]) -> dict[str, dict[str, str]]:
    """table -> column -> PostgreSQL data type, in column order."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for row in await target.fetch(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"
    ):
        if row["table_name"] not in exclude:
            found[row["table_name"]][row["column_name"]] = row["data_type"]
    return dict(found)


async def _refuse_if_not_empty(
    target: Any, columns: dict[str, dict[str, str]], seeded: dict[str, int]
) -> None:
    """Only what the migrations put in may be there, exactly as they put it."""
    for table in sorted(columns):
        rows = await target.fetchval(f'SELECT count(*) FROM "{table}"')
        if rows != seeded.get(table, 0):
            raise CopyRefused(
                f"the target is not empty (table {table} has {rows} rows): copy-store only "
                "writes into a new database"
            )


def _parents_first(connection: sqlite3.Connection, tables: list[str]) -> list[str]:
    """Tables ordered so that every table comes after those its foreign keys point to, as
    far as that goes (the keys are checked at the end of the copy anyway)."""
    parents = {
        table: {row[2] for row in connection.execute(f'PRAGMA foreign_key_list("{table}")')}
        - {table}
        for table in tables
    }
    ordered: list[str] = []
    while len(ordered) < len(tables):
        ready = [t for t in tables if t not in ordered and parents[t] <= set(ordered)]
        if not ready:  # a cycle (pledges <-> credits): deferred keys take care of it
            ready = [t for t in tables if t not in ordered]
        ordered += ready
    return ordered


async def _copy_tables(
    reader: sqlite3.Connection,
    target: Any,
    tables: list[str],
    columns: dict[str, dict[str, str]],
) -> list[TableCopy]:
    """Every table's rows, in batches, with the target's user triggers off meanwhile."""
    names = ", ".join(f'"{table}"' for table in tables)
    await target.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")  # the seeded rows
    for table in tables:
        await target.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
    keys = await _defer_foreign_keys(target)
    copies = []
    for table in tables:
        copy = TableCopy(
            table, sums={c: 0 for c, t in columns[table].items() if t in _INTEGER_TYPES}
        )
        for batch in _batches(reader, table, columns[table]):
            await target.copy_records_to_table(table, records=batch, columns=list(columns[table]))
            copy.rows += len(batch)
            for name in copy.sums:
                index = list(columns[table]).index(name)
                copy.sums[name] += sum(row[index] or 0 for row in batch)
            await asyncio.sleep(0)
        copies.append(copy)
    await _check_foreign_keys(target, keys)  # first: no ALTER while checks are pending
    for table in tables:
        await target.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
    await _restart_identities(target)
    return copies


def _batches(
    reader: sqlite3.Connection, table: str, types: dict[str, str]
) -> Iterator[list[tuple[Any, ...]]]:
    """The table's rows as the target's columns want them, oldest first. A column the
    SQLite table does not declare is its rowid (PostgreSQL keeps `users.rowid` as a real
    column, which the broadcasts read)."""
    declared = {row[1] for row in reader.execute(f'PRAGMA table_info("{table}")')}
    select = ", ".join(f'"{c}"' if c in declared else "rowid" for c in types)
    try:
        cursor = reader.execute(f'SELECT {select} FROM "{table}" ORDER BY rowid')
    except sqlite3.OperationalError:  # a WITHOUT ROWID table: no order to keep
        cursor = reader.execute(f'SELECT {select} FROM "{table}"')
    converters = [_converter(kind) for kind in types.values()]
    while rows := cursor.fetchmany(BATCH_ROWS):
        yield [tuple(f(v) for f, v in zip(converters, row, strict=True)) for row in rows]


def _converter(kind: str) -> Any:
    """SQLite stores what it is given; PostgreSQL's binary COPY wants its own type."""
    if kind in _INTEGER_TYPES:
        return lambda v: v if v is None or isinstance(v, int) else int(v)
    if kind in ("text", "character varying"):
        return lambda v: v if v is None or isinstance(v, str) else str(v)
    if kind in ("double precision", "real", "numeric"):
        return lambda v: v if v is None else float(v)
    return lambda v: v


async def _defer_foreign_keys(target: Any) -> list[tuple[str, str]]:
    """Foreign keys checked at the end of the copy, not per row: rows that point at each
    other (a pledge funded by a credit that names the pledge) come in one after the other."""
    keys = [
        (row["table_name"], row["conname"])
        for row in await target.fetch(
            "SELECT conrelid::regclass::text AS table_name, conname FROM pg_constraint "
            "WHERE contype = 'f' AND connamespace = 'public'::regnamespace AND NOT condeferrable"
        )
    ]
    for table, key in keys:
        await target.execute(
            f'ALTER TABLE {table} ALTER CONSTRAINT "{key}" DEFERRABLE INITIALLY DEFERRED'
        )
    return keys


async def _check_foreign_keys(target: Any, keys: list[tuple[str, str]]) -> None:
    """Check every deferred key now (a broken reference fails the copy here), then make the
    keys immediate again, as the migrations made them."""
    try:
        await target.execute("SET CONSTRAINTS ALL IMMEDIATE")
    except Exception as exc:
        raise CopyRefused(f"the source's references do not hold: {exc}") from exc
    for table, key in keys:
        await target.execute(f'ALTER TABLE {table} ALTER CONSTRAINT "{key}" NOT DEFERRABLE')


async def _restart_identities(target: Any) -> None:
    """Identity columns continue after the highest copied id."""
    for row in await target.fetch(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'public' AND is_identity = 'YES'"
    ):
        table, column = row["table_name"], row["column_name"]
        await target.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
            f'coalesce((SELECT max("{column}") FROM "{table}"), 0) + 1, false)'
        )


async def _verify(target: Any, copies: list[TableCopy]) -> None:
    """Counts and integer sums as PostgreSQL now holds them; CopyRefused (and so a
    rollback) at the first difference."""
    for copy in copies:
        sums = ", ".join(f'coalesce(sum("{c}"), 0)::numeric' for c in copy.sums)
        query = f'SELECT count(*){", " + sums if sums else ""} FROM "{copy.name}"'
        row = await target.fetchrow(query)
        stored = [int(value) for value in row]
        expected = [copy.rows, *copy.sums.values()]
        if stored != expected:
            raise CopyRefused(
                f"verification failed for table {copy.name} (source {expected}, target "
                f"{stored}); nothing was written"
            )


def describe_problem(exc: BaseException) -> str:
    """One line for any failure the CLI reports."""
    if isinstance(exc, (CopyRefused, DatabaseProblem)):
        return str(exc)
    return f"copy-store failed, nothing was written: {type(exc).__name__}: {exc}"
