"""The PostgreSQL store's foundation: the pool, transactions with retry, migrations and the
read cache.

Why it looks the way it does:
- An asyncpg pool (DATABASE_POOL_SIZE connections) instead of SQLite's one connection and
  its lock: PostgreSQL runs many transactions at once, and several bot processes share it.
- Every write transaction is a function of its connection, run by `_run`, not a
  `with` block: under READ COMMITTED two transactions can still deadlock (40P01) or, at
  stricter levels, fail to serialize (40001), and the only cure is running the whole body
  again, which a `with` block cannot do.
- The SQL of this backend is written natively ($1 placeholders). `_fetchall` and `_write`
  also take SQLite's `?` placeholders, translated, because the tests that run on both
  backends read and write rows with the same statements (see `_native`).
- The browse cache answers from memory without a round trip while a connection of its own
  listens for changes to needs (LISTEN/NOTIFY); see `_cached_fetchall` for what that
  guarantees and why. SQLite's in-thread probe has no twin here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import re
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, Self, TypeAlias, TypeVar

import asyncpg

from bot.models import Account, Province
from bot.storage.postgres import migrate as pg_migrate
from bot.storage.records import DatabaseProblem
from bot.storage.sqlite.common import NEEDS_VERSION, READ_CACHE_ENTRIES, _NothingDone

log = logging.getLogger(__name__)

T = TypeVar("T")
Connection: TypeAlias = asyncpg.Connection  # asyncpg ships no types: Any to the checker
DEFAULT_POOL_SIZE = 10
# Deadlock detected, serialization failure: the transaction was rolled back whole and
# running it again is correct (nothing of it was committed).
RETRY_SQLSTATES = frozenset({"40P01", "40001"})
TRANSACTION_ATTEMPTS = 5
LOCK_NEEDS = "SELECT 1 FROM data_versions WHERE name = 'needs' FOR UPDATE"
_PLACEHOLDER = re.compile(r"'[^']*'|\?")
# The browse cache's listener (see `_cached_fetchall`). The channel is notified by every
# change to needs (needs_version_bump, migration 0026).
NEEDS_CHANNEL = "hamdeli_needs"
HEARTBEAT_SECONDS = 0.25  # a round trip on the listener this often proves it still hears
TRUST_SECONDS = 1.0  # memory answers only while the last proof is at most this old
RECONNECT_SECONDS = (0.1, 5.0)  # first and longest wait before listening again


def _native(sql: str) -> str:
    """SQLite's `?` placeholders as PostgreSQL's `$1, $2…` (quoted text left alone); SQL
    already written with `$n` passes through unchanged."""
    if "?" not in sql:
        return sql
    numbers = iter(range(1, sql.count("?") + 1))

    def number(match: re.Match[str]) -> str:
        return match.group(0) if match.group(0) != "?" else f"${next(numbers)}"

    return _PLACEHOLDER.sub(number, sql)


async def _retried(attempt: Callable[[], Awaitable[T]], what: str) -> T:
    """`attempt` (a whole transaction) again from its start, a few times after a short wait,
    while PostgreSQL rolls it back for a deadlock or a serialization failure: nothing of a
    rolled-back attempt was committed, so running it again is correct."""
    for number in range(1, TRANSACTION_ATTEMPTS + 1):
        try:
            return await attempt()
        except asyncpg.PostgresError as exc:
            if exc.sqlstate not in RETRY_SQLSTATES or number == TRANSACTION_ATTEMPTS:
                raise
            log.info("%s retried (%s, attempt %d)", what, exc.sqlstate, number)
            await asyncio.sleep(0.01 * number)
    raise AssertionError("unreachable")


async def _nothing_to_reset(connection: Connection) -> None:
    """The store pool's reset, after asyncpg's own rollback of a transaction left open.

    asyncpg's default reset sends `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *;
    RESET ALL` on every release: a second round trip for every one-statement read (the
    status lookup's p99 doubled). This pool's connections keep no session state to reset:
    advisory locks here are transaction-level (migrations, forgetting), cursors live in
    transactions, nothing runs SET or LISTEN on them (the browse cache listens on its own
    connection, chat turns on their own pool). tests/test_pg_store.py checks that."""


class PgStoreBase:
    """The pool, transactions, migrations and the read cache: what every PostgreSQL
    repository builds on."""

    def __init__(
        self, dsn: str, *, pool_size: int = DEFAULT_POOL_SIZE, read_cache: bool = True
    ) -> None:
        self.dsn = dsn
        self.pool_size = pool_size
        self.read_cache = read_cache
        self._pool: asyncpg.Pool | None = None
        self._accounts: OrderedDict[tuple[str, int], Account] = OrderedDict()
        self._provinces: tuple[Province, ...] | None = None
        self._reads: dict[tuple[str, tuple[Any, ...]], list[Any]] = {}
        self._data_version: int | None = None
        self._units: dict[asyncio.Task[Any] | None, Connection] = {}  # each task's unit of work
        # The browse cache's listener and what it has proven (see _cached_fetchall).
        self._listener: Connection | None = None
        self._listening: asyncio.Task[None] | None = None
        self._changes = 0  # moves on every notification, own commit, listener lost or found
        self._checked = -1  # the value of _changes when the version row was last read
        self._version_moves = 0  # how often a version read dropped the cache
        self._heard_until = -math.inf  # monotonic time before which every notice arrived

    async def open(self) -> None:
        """Create the pool and migrate; idempotent. An unreachable server or a refused login
        is a DatabaseProblem (one line for the operator), as a bad SQLite file is."""
        if self._pool is not None:
            return
        try:
            self._pool = await asyncpg.create_pool(
                self.dsn,
                min_size=1,
                max_size=self.pool_size,
                command_timeout=60,
                reset=_nothing_to_reset,
            )
            await self.migrate()
            if self.read_cache:
                try:
                    await self._listen()
                except (OSError, TimeoutError, asyncpg.PostgresError) as exc:  # not fatal:
                    log.warning("browse cache not listening yet (%r)", exc)  # answers checked
                self._listening = asyncio.create_task(self._keep_listening())
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            await self.close()
            raise DatabaseProblem(f"PostgreSQL database cannot be used: {exc}") from exc

    async def close(self) -> None:
        if self._listening is not None:
            task, self._listening = self._listening, None
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._stop_listening()
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def pool(self) -> asyncpg.Pool:
        """The pool; inside a unit of work, that task's connection (which answers fetch,
        fetchrow, fetchval and execute as the pool does), so every statement joins it."""
        if self._pool is None:
            raise RuntimeError("Store is not open")
        unit = self._unit()
        return self._pool if unit is None else unit

    def _unit(self) -> Connection | None:
        return self._units.get(asyncio.current_task()) if self._units else None

    @property
    def shared_by_processes(self) -> bool:
        """True: PostgreSQL is where several workers meet, so another process may have
        changed any row since this one last read it."""
        return True

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[None]:
        """One transaction for everything this task asks of the store inside the block (see
        the SQLite store's): one pool connection held for the unit; a unit or a `_run`
        inside it is a savepoint. Rolled back, it forgets the cached accounts."""
        unit = self._unit()
        if unit is not None:
            async with unit.transaction():
                yield
            return
        task = asyncio.current_task()
        async with self.pool.acquire() as connection:
            self._units[task] = connection
            try:
                async with connection.transaction():
                    yield
            except BaseException:
                self._accounts.clear()
                raise
            finally:
                del self._units[task]
                self._changes += 1  # it may have changed needs: check before trusting memory

    async def run_unit(self, body: Callable[[], Awaitable[T]]) -> T:
        """`body` in one unit of work, again from the start (a few times, after a short
        wait) when PostgreSQL rolled the unit back for a deadlock or a serialization
        failure, as `_run` does for one transaction. A `_run` inside a unit is a savepoint
        and is never retried alone, so this is where a unit's deadlock is cured. Nested in
        another unit: a savepoint, and the outer unit retries."""
        if self._unit() is not None:
            async with self.unit_of_work():
                return await body()

        async def once() -> T:
            async with self.unit_of_work():
                return await body()

        return await _retried(once, "unit of work")

    async def answers_from_disk(self, busy_seconds: float = 2.0) -> None:
        """Ask the server over a fresh connection (not the pool's), or raise: readiness must
        see what the next start would see, not a connection that happens to be open."""
        connection = await asyncpg.connect(self.dsn, timeout=busy_seconds)
        try:
            await connection.fetchval("SELECT 1", timeout=busy_seconds)
        finally:
            await connection.close()

    async def _run(
        self, body: Callable[[Connection], Awaitable[T]], *, writes_needs: bool = False
    ) -> T:
        """Run `body` in one transaction, again from the start when PostgreSQL rolled it back
        for a deadlock or a serialization failure (a few times, with a short wait).

        `writes_needs`: the body changes needs, so it first locks the needs version row.
        Every change to needs locks that row anyway (its triggers, see 0012) and holds it to
        the commit; taking it first, before any pledge or need row, gives every writer of
        needs one lock order, so a pledge and an import or a closing never deadlock.
        """
        unit = self._unit()
        if unit is not None:  # a savepoint in this task's unit of work (not retried alone)
            async with unit.transaction():
                if writes_needs:
                    await unit.execute(LOCK_NEEDS)
                return await body(unit)

        async def once() -> T:
            async with self.pool.acquire() as connection, connection.transaction():
                if writes_needs:
                    await connection.execute(LOCK_NEEDS)
                return await body(connection)

        try:
            return await _retried(once, "transaction")
        finally:
            if writes_needs:  # committed or not, the next cached read checks the version row
                self._changes += 1

    async def _run_confirmed(
        self,
        token: str | None,
        now: int,
        body: Callable[[Connection], Awaitable[T]],
        *,
        writes_needs: bool = True,
    ) -> T | None:
        """`_run` (of a body that writes needs, unless told otherwise) that first spends a
        staff confirmation `token` (when given): already spent, or the body raising
        _NothingDone, rolls all of it back and returns None."""

        async def confirmed(db: Connection) -> T:
            if token is not None and not await self._use_confirmation(db, token, now):
                raise _NothingDone
            return await body(db)

        try:
            return await self._run(confirmed, writes_needs=writes_needs)
        except _NothingDone:
            return None

    @staticmethod
    async def _use_confirmation(db: Connection, token: str, now: int) -> bool:
        row = await db.fetchrow(
            "UPDATE staff_confirmations SET used_at = $1 WHERE token = $2 AND used_at IS NULL "
            "RETURNING token",
            now,
            token,
        )
        return row is not None

    async def _fetchall(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        """One statement on its own (autocommit), its rows."""
        return list(await self.pool.fetch(_native(sql), *params))

    async def _fetchrow(self, sql: str, *params: Any) -> Any:
        return await self.pool.fetchrow(sql, *params)

    async def _write(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        """One statement, committed on its own (it may change needs: the cache checks)."""
        try:
            await self.pool.execute(_native(sql), *params)
        finally:
            self._changes += 1

    async def _cached_fetchall(
        self,
        sql: str,
        params: tuple[Any, ...] = (),
        convert: Callable[[Any], Any] | None = None,
    ) -> list[Any]:
        """`_fetchall` for what donors browse, answered from memory while needs are unchanged.

        The truth is the trigger-kept `data_versions` row: any process's committed change to
        needs moves it, and a changed version drops the whole cache. Reading it before every
        answer (one round trip, ~200 µs through the pool) made a cached page ~50× dearer than
        on SQLite, so the row is read only when something may have changed: the trigger also
        notifies `hamdeli_needs` at commit (0026), and a connection of this store's own, not
        the pool's, listens. An answer comes from memory, with no round trip, only when
        1. the version row was read since the last notification, since the last transaction
           of this store that may have written needs (`writes_needs`, a unit of work,
           `_write`: our own changes show at once), and since the listener (re)connected;
        2. the listener is connected, and a round trip on it, sent at most TRUST_SECONDS
           ago, has come back (the heartbeat, every HEARTBEAT_SECONDS).
        Otherwise the version row is read first, as before: while the listener is lost or
        late, every answer is checked, never trusted.

        Why that is never stale beyond a bound. PostgreSQL (15+) signals the listening
        backends inside the writer's commit, before the commit returns, and a backend
        sends its pending notifications before it answers its next query. So when the
        heartbeat sent at time h comes back, every notice of a commit that finished before
        h has arrived (asyncpg hands notices and replies over in the order they came), and
        each such commit either moved `_changes` or was already seen by a version read.
        An answer from memory therefore includes every change to needs committed before
        the last successful heartbeat was sent, at most TRUST_SECONDS ago, and in practice
        every change whose notice has arrived, a fraction of a millisecond after its
        commit (bench/browse_query.py measures it). And every update begins with its chat's
        turn (`chat_turn`), whose round trip also reads the version row once the turn is
        granted (migration 0027): so an answer includes every change committed before the
        update began, whichever process made it — the same chat's previous update on
        another worker included — at no round trip of its own. What is left is a change
        committed while the update is being handled, which no reader can tell from one
        committed just after it.

        A change committing while an answer is being read cannot hide in the cache either:
        `_changes` is taken before the version row is read, so a notice that arrives
        during the read leaves the cache unchecked, and the next answer reads the row again.
        """
        if not self.read_cache or self._unit() is not None:
            fresh = await self._fetchall(sql, params)
            return [convert(row) for row in fresh] if convert else fresh
        if not self._trusted():
            changes = self._changes
            self._saw_needs_version(await self.pool.fetchval(NEEDS_VERSION), changes)
        key = (sql, tuple(tuple(p) if isinstance(p, list) else p for p in params))
        rows = self._reads.get(key)
        if rows is None:
            before = (self._changes, self._version_moves)
            rows = await self._fetchall(sql, params)
            if convert is not None:
                rows = [convert(row) for row in rows]
            else:
                rows = [tuple(row) for row in rows]
            # Kept only if nothing moved while it was read: a notice heard, or a version
            # read elsewhere (another answer, a chat turn) that dropped the cache, may mean
            # these rows predate a commit the cache is already marked as having seen.
            if before == (self._changes, self._version_moves):
                if len(self._reads) >= READ_CACHE_ENTRIES:
                    self._reads.clear()
                self._reads[key] = rows
        return list(rows)

    def _saw_needs_version(self, version: int, changes: int) -> None:
        """The needs version was read, after `changes` (`_changes`) was taken: a moved
        version drops the cache, and the cache is checked up to `changes` (a notice heard
        during the read leaves it unchecked). Each update's chat turn reads it too, so an
        answer includes every change committed before the update began."""
        if version != self._data_version:
            self._data_version = version
            self._version_moves += 1
            self._reads.clear()
        self._checked = changes

    def _trusted(self) -> bool:
        """May the cache answer without reading the version row? (See _cached_fetchall.)"""
        listener = self._listener
        return (
            listener is not None
            and not listener.is_closed()
            and self._checked == self._changes
            and time.monotonic() - self._heard_until <= TRUST_SECONDS
        )

    @property
    def cache_listening(self) -> bool:
        """Whether the browse cache's listener is connected (health checks, tests)."""
        return self._listener is not None and not self._listener.is_closed()

    async def _listen(self) -> None:
        """Connect the listener and LISTEN. Only after LISTEN has returned does `_changes`
        move, so the next answer reads the version row: commits before that read are in
        it, commits after LISTEN are notified."""
        listener = await asyncpg.connect(self.dsn, timeout=TRUST_SECONDS * 5)
        try:
            sent = time.monotonic()
            await listener.add_listener(NEEDS_CHANNEL, self._needs_changed)
            listener.add_termination_listener(self._listener_lost)
        except BaseException:
            listener.terminate()
            raise
        self._listener = listener
        self._heard_until = sent
        self._changes += 1

    async def _keep_listening(self) -> None:
        """The heartbeat: a round trip on the listener every HEARTBEAT_SECONDS (each one
        proves every notice sent before it has arrived); a listener lost, refused or late is
        dropped and connected again, waiting longer after each failure."""
        wait = RECONNECT_SECONDS[0]
        while True:
            try:
                if not self.cache_listening:
                    await self._stop_listening()
                    await self._listen()
                    log.info("browse cache listening again")
                    wait = RECONNECT_SECONDS[0]
                listener = self._listener
                assert listener is not None
                sent = time.monotonic()
                await listener.fetchval("SELECT 1", timeout=TRUST_SECONDS)
                if listener is self._listener:
                    self._heard_until = sent
                await asyncio.sleep(HEARTBEAT_SECONDS)
            except Exception as exc:  # whatever it was, the answers are checked meanwhile
                log.warning("browse cache not listening (%r): every answer is checked", exc)
                await self._stop_listening()
                await asyncio.sleep(wait)
                wait = min(wait * 2, RECONNECT_SECONDS[1])

    async def _stop_listening(self) -> None:
        listener, self._listener = self._listener, None
        self._changes += 1
        if listener is not None and not listener.is_closed():
            listener.remove_termination_listener(self._listener_lost)
            try:
                await asyncio.wait_for(listener.close(), timeout=TRUST_SECONDS)
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
                listener.terminate()

    def _needs_changed(self, *_: object) -> None:
        self._changes += 1

    def _listener_lost(self, *_: object) -> None:
        self._changes += 1

    async def schema_version(self) -> int:
        async with self.pool.acquire() as connection:
            return await pg_migrate.schema_version(connection)

    async def migrate(self) -> list[int]:
        """Apply pending migrations, each in its own transaction; returns the versions applied
        (two workers starting at once apply each step once: see migrate.py)."""
        async with self.pool.acquire() as connection:
            return await pg_migrate.migrate(connection)
