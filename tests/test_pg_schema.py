"""The PostgreSQL schema (bot/storage/postgres) against the SQLite one it mirrors.

- Every PostgreSQL migration applies on an empty database; a second run applies nothing;
  workers migrating at once apply each step exactly once between them.
- Parity: after both runners, the two schemas have the same tables, columns (nullability,
  integer or text, defaults), keys, unique constraints, foreign keys, indexes and triggers,
  and the same places. A failure names what drifted.
- The triggers keep their counts exact in PostgreSQL: the same statements run on both
  backends leave the same counts, each equal to a COUNT over the rows it summarises, and
  concurrent writers lose nothing.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.storage import Store
from bot.storage.postgres.migrate import MIGRATIONS, VERSION_TABLE, migrate, schema_version

pytestmark = pytest.mark.pg

ALL_VERSIONS = [m.version for m in MIGRATIONS]
# SQLite keeps its version in the file header (PRAGMA user_version), PostgreSQL in a table.
PG_ONLY_TABLES = {VERSION_TABLE}
# SQLite's users table has an implicit rowid (broadcasts read it); PostgreSQL spells it out.
PG_ONLY_COLUMNS = {("users", "rowid")}

Schema = dict[str, set[Any]]


@pytest.fixture
async def pg(pg_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(pg_dsn)
    try:
        yield connection
    finally:
        await connection.close()


@pytest.fixture
async def lite(tmp_path: Path) -> AsyncIterator[sqlite3.Connection]:
    """A SQLite file migrated by the store itself, then opened plainly for SQL."""
    path = tmp_path / "hamdeli.db"
    async with Store(path):
        pass
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA foreign_keys = ON")
    try:
        yield connection
    finally:
        connection.close()


# -- the runner ------------------------------------------------------------------------------


async def test_every_migration_applies_on_an_empty_database_and_again_is_a_no_op(
    pg: asyncpg.Connection,
) -> None:
    assert await schema_version(pg) == 0
    assert await migrate(pg) == ALL_VERSIONS
    assert await schema_version(pg) == ALL_VERSIONS[-1]
    assert await migrate(pg) == []
    recorded = await pg.fetch(f"SELECT version, name FROM {VERSION_TABLE} ORDER BY version")
    assert [(r["version"], r["name"]) for r in recorded] == [
        (m.version, m.sql_file) for m in MIGRATIONS
    ]


async def test_workers_migrating_at_once_apply_each_step_once(pg_dsn: str) -> None:
    workers = [await asyncpg.connect(pg_dsn) for _ in range(4)]
    try:
        applied = await asyncio.gather(*(migrate(w) for w in workers))
        assert sorted(v for one in applied for v in one) == ALL_VERSIONS
        rows = await workers[0].fetch(f"SELECT version FROM {VERSION_TABLE}")
        assert sorted(r["version"] for r in rows) == ALL_VERSIONS
        assert await workers[0].fetchval("SELECT count(*) FROM provinces") == 31
    finally:
        for worker in workers:
            await worker.close()


async def test_a_step_resumes_where_an_earlier_run_stopped(pg: asyncpg.Connection) -> None:
    assert await migrate(pg, upto=3) == [1, 2, 3]
    assert await migrate(pg) == ALL_VERSIONS[3:]


async def test_places_are_the_same_rows_with_the_same_ids_on_both_backends(
    pg: asyncpg.Connection, lite: sqlite3.Connection
) -> None:
    await migrate(pg)
    for query in (
        "SELECT id, name_fa, name_en FROM provinces ORDER BY id",
        "SELECT id, province_id, name_fa, name_en, is_capital FROM cities ORDER BY id",
    ):
        assert [tuple(r) for r in await pg.fetch(query)] == lite.execute(query).fetchall()
    # The identity moved past the ids the load gave explicitly.
    new_id = await pg.fetchval(
        "INSERT INTO provinces (name_fa, name_en) VALUES ('x', 'x') RETURNING id"
    )
    assert new_id == 32


# -- schema parity ---------------------------------------------------------------------------


def _family(declared: str) -> str:
    """integer, real or text: what SQLite's type affinity and PostgreSQL's type agree on."""
    declared = declared.lower()
    if declared in ("integer", "bigint", "smallint"):
        return "integer"
    if declared in ("real", "double precision"):  # SQLite's REAL is an 8-byte float
        return "real"
    return declared


def _default(value: str | None) -> str | None:
    """A column default as written, without PostgreSQL's casts: 'open'::text is 'open'."""
    return None if value is None else value.split("::")[0].strip("()")


def sqlite_schema(db: sqlite3.Connection) -> Schema:
    """Tables, columns, keys, unique sets, foreign keys, indexes and triggers of SQLite."""
    schema: Schema = {k: set() for k in ("tables", "columns", "keys", "uniques", "fks")}
    tables = [
        r[0]
        for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    for table in tables:
        schema["tables"].add(table)
        info = db.execute(f"PRAGMA table_info({table})").fetchall()
        for _cid, name, declared, notnull, default, pk in info:
            # A primary key column never holds NULL in PostgreSQL; in SQLite only a quirk
            # lets a rowid table's non-integer key be NULL, which nothing here relies on.
            nullable = not (notnull or pk)
            schema["columns"].add((table, name, nullable, _family(declared), _default(default)))
        key = tuple(name for *_, name, _t, _n, _d, pk in sorted(info, key=lambda r: r[5]) if pk)
        if key:
            schema["keys"].add((table, key))
        for _seq, index, unique, origin, partial in db.execute(f"PRAGMA index_list({table})"):
            columns = tuple(r[2] for r in db.execute(f"PRAGMA index_info({index})"))
            if origin == "u":
                schema["uniques"].add((table, columns))
            elif origin == "c":
                schema.setdefault("indexes", set()).add(
                    (table, index, columns, bool(unique), bool(partial))
                )
        fks: dict[int, list[Any]] = {}
        for fk_id, _seq, target, source, to, *_ in db.execute(f"PRAGMA foreign_key_list({table})"):
            fks.setdefault(fk_id, [target, [], []])
            fks[fk_id][1].append(source)
            fks[fk_id][2].append(to)
        for target, sources, tos in fks.values():
            schema["fks"].add((table, tuple(sources), target, tuple(tos)))
    triggers = "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"
    schema["triggers"] = {tuple(r) for r in db.execute(triggers)}
    # CHECK constraints are only in the table's SQL text; how many each table has is what
    # both backends can state alike (their expressions are spelled differently).
    schema["checks"] = {
        (table, len(re.findall(r"\bCHECK\s*\(", sql, re.IGNORECASE)))
        for table, sql in db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    return schema


_PG_COLUMNS = """
SELECT table_name, column_name, is_nullable = 'YES', data_type, column_default
FROM information_schema.columns WHERE table_schema = 'public'
"""
_PG_CONSTRAINTS = """
SELECT c.conrelid::regclass::text, c.contype::text,
       array(SELECT attname FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
             JOIN pg_attribute ON attrelid = c.conrelid AND attnum = k.n ORDER BY k.o),
       c.confrelid::regclass::text,
       array(SELECT attname FROM unnest(c.confkey) WITH ORDINALITY k(n, o)
             JOIN pg_attribute ON attrelid = c.confrelid AND attnum = k.n ORDER BY k.o)
FROM pg_constraint c JOIN pg_namespace ns ON ns.oid = c.connamespace
WHERE ns.nspname = 'public' AND c.contype IN ('p', 'u', 'f')
"""
_PG_INDEXES = """
SELECT t.relname, i.relname,
       array(SELECT attname FROM unnest(x.indkey) WITH ORDINALITY k(n, o)
             JOIN pg_attribute ON attrelid = x.indrelid AND attnum = k.n ORDER BY k.o),
       x.indisunique, x.indpred IS NOT NULL
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace ns ON ns.oid = t.relnamespace
WHERE ns.nspname = 'public' AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.oid)
"""
_PG_CHECKS = """
SELECT t.relname, count(c.oid) FROM pg_class t JOIN pg_namespace ns ON ns.oid = t.relnamespace
LEFT JOIN pg_constraint c ON c.conrelid = t.oid AND c.contype = 'c'
WHERE ns.nspname = 'public' AND t.relkind = 'r' GROUP BY t.relname
"""
_PG_TRIGGERS = """
SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal
"""


async def pg_schema(db: asyncpg.Connection) -> Schema:
    """The same description of PostgreSQL's schema, leaving out what only it has."""
    schema: Schema = {k: set() for k in ("tables", "columns", "keys", "uniques", "fks")}
    for table, name, nullable, declared, default in await db.fetch(_PG_COLUMNS):
        if table in PG_ONLY_TABLES or (table, name) in PG_ONLY_COLUMNS:
            continue
        schema["tables"].add(table)
        schema["columns"].add((table, name, nullable, _family(declared), _default(default)))
    for table, kind, columns, target, to in await db.fetch(_PG_CONSTRAINTS):
        if table in PG_ONLY_TABLES or any((table, c) in PG_ONLY_COLUMNS for c in columns):
            continue
        if kind == "p":
            schema["keys"].add((table, tuple(columns)))
        elif kind == "u":
            schema["uniques"].add((table, tuple(columns)))
        else:
            schema["fks"].add((table, tuple(columns), target, tuple(to)))
    schema["indexes"] = {(t, i, tuple(c), u, p) for t, i, c, u, p in await db.fetch(_PG_INDEXES)}
    schema["triggers"] = {tuple(r) for r in await db.fetch(_PG_TRIGGERS)}
    schema["checks"] = {
        tuple(r) for r in await db.fetch(_PG_CHECKS) if r["relname"] not in PG_ONLY_TABLES
    }
    return schema


SHAPES = {
    "columns": "(table, column, nullable, integer|text, default)",
    "keys": "(table, primary key columns)",
    "uniques": "(table, unique constraint columns)",
    "fks": "(table, columns, referenced table, referenced columns)",
    "indexes": "(table, index, columns, unique, partial)",
    "triggers": "(table, trigger)",
    "checks": "(table, number of CHECK constraints)",
}


def drift(sqlite: Schema, postgres: Schema) -> list[str]:
    """One line per difference, naming the table (and column, index...) that drifted."""
    lines = [f"{part} are {shape}" for part, shape in SHAPES.items()]
    for part in sorted(sqlite.keys() | postgres.keys()):
        only_sqlite = sqlite.get(part, set()) - postgres.get(part, set())
        only_pg = postgres.get(part, set()) - sqlite.get(part, set())
        lines += [f"{part}: only in SQLite: {item}" for item in sorted(only_sqlite, key=str)]
        lines += [f"{part}: only in PostgreSQL: {item}" for item in sorted(only_pg, key=str)]
    return lines


async def test_both_backends_have_the_same_schema(
    pg: asyncpg.Connection, lite: sqlite3.Connection
) -> None:
    await migrate(pg)
    sqlite, postgres = sqlite_schema(lite), await pg_schema(pg)
    assert len(sqlite["tables"]) > 20
    problems = drift(sqlite, postgres)
    assert problems[len(SHAPES) :] == [], "PostgreSQL drifted from SQLite:\n" + "\n".join(problems)


async def test_users_rowid_stands_for_sqlites_implicit_one(
    pg: asyncpg.Connection, lite: sqlite3.Connection
) -> None:
    """The one column only PostgreSQL has: SQLite's users table has it hidden."""
    await migrate(pg)
    insert = (
        "INSERT INTO users (platform, user_id, chat_id, language, first_seen, last_seen) "
        "VALUES ('telegram', 7, 7, 'fa', 0, 0), ('bale', 7, 7, 'fa', 0, 0)"
    )
    lite.execute(insert)
    await pg.execute(insert)
    query = "SELECT platform, rowid FROM users ORDER BY rowid"
    assert [tuple(r) for r in await pg.fetch(query)] == lite.execute(query).fetchall()


# -- triggers keep counts exact --------------------------------------------------------------

NEED = "('{code}', 1, {city}, '{category}', 'money', 1000, 'x', '{status}', 0, 0)"
INSERT_NEEDS = (
    "INSERT INTO needs (code, province_id, city_id, category, kind, target, description_fa, "
    "status, created_at, updated_at) VALUES "
)


def needs(*rows: tuple[str, int, str, str]) -> str:
    values = ", ".join(
        NEED.format(code=code, city=city, category=category, status=status)
        for code, city, category, status in rows
    )
    return INSERT_NEEDS + values


# Each step moves the counts in one of the ways the store does: a new need, one closed,
# reopened, moved to another city or category, a draft published, an import's upsert that
# assigns every column (changed or not), a change to a column the counts ignore, deletions.
NEED_STEPS = (
    needs(
        ("N1", 1, "dowry", "open"),
        ("N2", 1, "dowry", "open"),
        ("N3", 1, "dowry", "open"),
        ("N4", 1, "medical", "open"),
        ("N5", 2, "dowry", "open"),
        ("N6", 2, "dowry", "draft"),
    ),
    "UPDATE needs SET status = 'closed' WHERE code = 'N1'",
    "UPDATE needs SET status = 'open' WHERE code = 'N1'",
    "UPDATE needs SET city_id = 3 WHERE code = 'N2'",
    "UPDATE needs SET category = 'housing' WHERE code = 'N4'",
    "UPDATE needs SET city_id = 3 WHERE code = 'N6'",
    "UPDATE needs SET status = status, city_id = city_id, category = category",
    "UPDATE needs SET status = 'open' WHERE code = 'N6'",
    "UPDATE needs SET status = 'fully_pledged' WHERE city_id = 1",
    needs(("N1", 2, "orphans", "open"), ("N7", 2, "orphans", "open"))
    + " ON CONFLICT (code) DO UPDATE SET city_id = excluded.city_id, "
    "category = excluded.category, status = excluded.status",
    "UPDATE needs SET urgent = 1 WHERE status = 'open'",
    "UPDATE needs SET status = 'closed', city_id = 4 WHERE code IN ('N5', 'N7')",
    "DELETE FROM needs WHERE code IN ('N3', 'N6')",
    "DELETE FROM needs",
)
OPEN_COUNTS = "SELECT city_id, category, n FROM open_need_counts WHERE n > 0"
GROUP_BY_NEEDS = (
    "SELECT city_id, category, count(*) FROM needs WHERE status = 'open' GROUP BY city_id, category"
)
NEEDS_VERSION = "SELECT version FROM data_versions WHERE name = 'needs'"


async def pg_rows(db: asyncpg.Connection, query: str) -> set[tuple[Any, ...]]:
    return {tuple(r) for r in await db.fetch(query)}


def lite_rows(db: sqlite3.Connection, query: str) -> set[tuple[Any, ...]]:
    return {tuple(r) for r in db.execute(query)}


async def test_open_need_counts_and_needs_version_move_alike_on_both_backends(
    pg: asyncpg.Connection, lite: sqlite3.Connection
) -> None:
    await migrate(pg)
    for step in NEED_STEPS:
        lite.execute(step)
        await pg.execute(step)
        counted = await pg_rows(pg, OPEN_COUNTS)
        assert counted == await pg_rows(pg, GROUP_BY_NEEDS), step
        assert counted == lite_rows(lite, OPEN_COUNTS), step
        assert await pg.fetchval(NEEDS_VERSION) == lite.execute(NEEDS_VERSION).fetchone()[0], step
    assert await pg.fetchval(NEEDS_VERSION) > len(NEED_STEPS)


async def test_the_migration_counts_the_needs_already_there(pg: asyncpg.Connection) -> None:
    await migrate(pg, upto=3)
    await pg.execute(NEED_STEPS[0])
    await migrate(pg)
    assert await pg_rows(pg, OPEN_COUNTS) == await pg_rows(pg, GROUP_BY_NEEDS)
    assert await pg_rows(pg, OPEN_COUNTS) == {(1, "dowry", 3), (1, "medical", 1), (2, "dowry", 1)}


async def test_data_steps_update_the_rows_already_there(pg: asyncpg.Connection) -> None:
    """0013 and 0016 fill their new columns for rows written before them, as in SQLite."""
    await migrate(pg, upto=12)
    await pg.execute(
        BROADCAST.format(id=1).replace("'running', 5, 0)", "'done', 5, 0)"),
    )
    await pg.execute("UPDATE broadcasts SET finished_at = 9")
    await pg.execute(
        "INSERT INTO staff_invites (code, platform, created_by, created_at) "
        "VALUES ('C', 'telegram', 1, 100)"
    )
    await migrate(pg)
    assert await pg.fetchval("SELECT reported_at FROM broadcasts") == 9
    assert await pg.fetchval("SELECT expires_at FROM staff_invites") == 100 + 7 * 86400


BROADCAST = (
    "INSERT INTO broadcasts (id, platform, creator_id, chat_id, text, audience, token, "
    "status, users_upto, created_at) VALUES ({id}, 'telegram', 1, 1, 'hi', 'everyone', "
    "'t{id}', 'running', 5, 0)"
)
OUTBOX_ROW = "({id}, 'telegram', {user}, {broadcast}, {message}, 'pending', 0, 0)"


def outbox(*rows: tuple[int, int, int | None]) -> str:
    values = ", ".join(
        OUTBOX_ROW.format(
            id=row_id,
            user=user,
            broadcast="NULL" if broadcast is None else broadcast,
            message="'notice'" if broadcast is None else "NULL",
        )
        for row_id, user, broadcast in rows
    )
    return (
        "INSERT INTO outbox (id, platform, user_id, broadcast_id, message_id, status, "
        f"due_at, created_at) VALUES {values}"
    )


# A broadcast's sends as the outbox makes them: claimed (sending), then each ending one way;
# a crash's 'unknown' later found sent; a status written again unchanged; a notice (no
# broadcast) that must move no broadcast's counts; a second broadcast kept apart.
BROADCAST_STEPS = (
    BROADCAST.format(id=1),
    BROADCAST.format(id=2),
    outbox(*((i, i, 1) for i in range(1, 7)), (7, 1, 2), (8, 2, 2), (9, 3, None)),
    "UPDATE outbox SET status = 'sending' WHERE id IN (1, 2, 3, 4, 5, 7)",
    "UPDATE outbox SET status = 'sent' WHERE id IN (1, 7)",
    "UPDATE outbox SET status = 'blocked' WHERE id = 2",
    "UPDATE outbox SET status = 'failed' WHERE id = 3",
    "UPDATE outbox SET status = 'unknown' WHERE id IN (4, 5)",
    "UPDATE outbox SET status = 'sent' WHERE id = 4",
    "UPDATE outbox SET status = status",
    "UPDATE outbox SET status = 'sent' WHERE id = 9",
    "UPDATE outbox SET status = 'sent', attempts = attempts + 1 WHERE broadcast_id = 2",
)
PROGRESS = "SELECT id, sent, blocked, failed, unknown FROM broadcasts"
COUNTED_PROGRESS = (
    "SELECT b.id, "
    + ", ".join(
        f"(SELECT count(*) FROM outbox o WHERE o.broadcast_id = b.id AND o.status = '{s}')"
        for s in ("sent", "blocked", "failed", "unknown")
    )
    + " FROM broadcasts b"
)


async def test_broadcast_progress_moves_alike_on_both_backends(
    pg: asyncpg.Connection, lite: sqlite3.Connection
) -> None:
    await migrate(pg)
    users = (
        "INSERT INTO users (platform, user_id, chat_id, language, first_seen, last_seen) "
        "VALUES " + ", ".join(f"('telegram', {i}, {i}, 'fa', 0, 0)" for i in range(1, 7))
    )
    for step in (users, *BROADCAST_STEPS):
        lite.execute(step)
        await pg.execute(step)
        counted = await pg_rows(pg, PROGRESS)
        assert counted == await pg_rows(pg, COUNTED_PROGRESS), step
        assert counted == lite_rows(lite, PROGRESS), step
    assert await pg_rows(pg, PROGRESS) == {(1, 2, 1, 1, 1), (2, 2, 0, 0, 0)}


async def test_concurrent_writers_keep_every_count_exact(
    pg: asyncpg.Connection, pg_dsn: str
) -> None:
    """Row locks, not a single writer, keep PostgreSQL's counts: nothing is lost at once."""
    await migrate(pg)
    await pg.execute(BROADCAST.format(id=1))
    await pg.execute(
        "INSERT INTO users (platform, user_id, chat_id, language, first_seen, last_seen) "
        "SELECT 'telegram', i, i, 'fa', 0, 0 FROM generate_series(1, 400) i"
    )
    await pg.execute(
        "INSERT INTO outbox (platform, user_id, broadcast_id, status, due_at, created_at) "
        "SELECT 'telegram', i, 1, 'pending', 0, 0 FROM generate_series(1, 400) i"
    )
    writers = [await asyncpg.connect(pg_dsn) for _ in range(8)]
    statuses = ("sent", "blocked", "failed", "unknown")

    async def work(number: int, db: asyncpg.Connection) -> None:
        for i in range(25):
            code = f"W{number}-{i}"
            await db.execute(needs((code, 1 + i % 2, "dowry", "open")))
            if i % 3 == 0:
                await db.execute(f"UPDATE needs SET status = 'closed' WHERE code = '{code}'")
        for row in range(number * 50 + 1, number * 50 + 51):
            await db.execute(
                f"UPDATE outbox SET status = '{statuses[row % 4]}' WHERE user_id = {row}"
            )

    try:
        await asyncio.gather(*(work(n, w) for n, w in enumerate(writers)))
    finally:
        for writer in writers:
            await writer.close()
    assert await pg_rows(pg, OPEN_COUNTS) == await pg_rows(pg, GROUP_BY_NEEDS)
    assert sum(n for *_, n in await pg_rows(pg, OPEN_COUNTS)) == 8 * 25 - 8 * 9
    assert await pg_rows(pg, PROGRESS) == await pg_rows(pg, COUNTED_PROGRESS)
    assert await pg_rows(pg, PROGRESS) == {(1, 100, 100, 100, 100)}
    # One step per row written: 200 inserts and 72 closes.
    assert await pg.fetchval(NEEDS_VERSION) == 200 + 72
    assert Counter(r[0] for r in await pg.fetch("SELECT status FROM outbox")) == dict.fromkeys(
        statuses, 100
    )


async def _waits_for_a_lock(observer: asyncpg.Connection, pid: int) -> None:
    """Return once the backend `pid` is blocked on a lock (its statement is queued)."""
    for _ in range(500):
        waiting = await observer.fetchval(
            "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $1", pid
        )
        if waiting:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the second writer never waited for the first")


async def test_writers_of_needs_in_several_cities_queue_instead_of_deadlocking(
    pg: asyncpg.Connection, pg_dsn: str
) -> None:
    """Two transactions closing needs of two cities in opposite orders: the second waits for
    the first (the version row is taken before any count row) and both commit."""
    await migrate(pg)
    await pg.execute(needs(("A1", 1, "dowry", "open"), ("A2", 2, "dowry", "open")))
    await pg.execute(needs(("B2", 2, "dowry", "open"), ("B1", 1, "dowry", "open")))
    first, second = await asyncpg.connect(pg_dsn), await asyncpg.connect(pg_dsn)
    close = "UPDATE needs SET status = 'closed' WHERE code = '{}'"

    async def second_writer() -> None:
        async with second.transaction():
            await second.execute(close.format("B2"))
            await second.execute(close.format("B1"))

    try:
        async with first.transaction():
            await first.execute(close.format("A1"))
            task = asyncio.create_task(second_writer())
            await _waits_for_a_lock(pg, second.get_server_pid())
            await first.execute(close.format("A2"))
        await task
    finally:
        await first.close()
        await second.close()
    assert await pg_rows(pg, OPEN_COUNTS) == set()
    assert await pg_rows(pg, "SELECT n FROM open_need_counts") == {(0,)}
