"""The store's foundation: the connection, its lock, transactions, migrations and the read cache."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Self

import aiosqlite

from bot.models import (
    Account,
    Province,
)
from bot.storage.records import (
    DatabaseProblem,
)
from bot.storage.sqlite.common import (
    _INSERT_CHECKOUT,
    BUSY_TIMEOUT_MS,
    MIGRATIONS,
    NEEDS_VERSION,
    READ_CACHE_ENTRIES,
    RESTORE_HINT,
    WAL_SWITCH_ATTEMPTS,
    _explain_sqlite_error,
    _GroupCommit,
    _NothingDone,
    _resource_text,
    _split_sql,
    database_file_problem,
    log,
)


class StoreBase:
    """The connection, its lock, transactions, migrations and the read cache: what every
    repository builds on."""

    def __init__(self, path: Path | str, *, read_cache: bool = True, create: bool = True) -> None:
        self.path = Path(path)
        self.read_cache = read_cache  # off only to time the queries themselves (bench)
        self.create = create  # False: a missing file is a DatabaseProblem, not a new database
        self._db: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._accounts: OrderedDict[tuple[str, int], Account] = OrderedDict()
        self._provinces: tuple[Province, ...] | None = None
        self._reads: dict[tuple[str, tuple[Any, ...]], list[Any]] = {}
        self._data_version: int | None = None
        self._version_probe: sqlite3.Connection | None = None
        self._checkouts = _GroupCommit(self, _INSERT_CHECKOUT)

    async def open(self) -> None:
        """Check, connect, configure and migrate. The folder is created if missing; idempotent.

        A file SQLite cannot use, or whose pages a quick integrity check finds damaged, is a
        DatabaseProblem: reported at start, never served (a damaged b-tree answers wrong
        counts long before it fails loudly).
        """
        if self._db is not None:
            return
        problem = database_file_problem(self.path, create=self.create)
        if problem is not None:
            raise DatabaseProblem(problem)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            await self._connect()
        except sqlite3.Error as exc:
            await self.close()
            raise DatabaseProblem(_explain_sqlite_error(self.path, exc)) from exc
        except DatabaseProblem:
            await self.close()
            raise

    async def _connect(self) -> None:
        self._db = await aiosqlite.connect(self.path, isolation_level=None)
        await self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await self._check_integrity()
        await self._enable_wal()
        await self._db.execute("PRAGMA synchronous = NORMAL")
        await self._db.execute("PRAGMA foreign_keys = ON")
        await self.migrate()
        # Read-only, used only from the event loop's thread to ask whether anything changed.
        self._version_probe = sqlite3.connect(
            f"file:{self.path}?mode=ro", uri=True, check_same_thread=False
        )

    async def _check_integrity(self) -> None:
        """PRAGMA quick_check: every page readable and every b-tree well formed (O(size),
        without the index cross-checks of integrity_check, so it is fit for every start)."""
        rows = await self.db.execute_fetchall("PRAGMA quick_check(1)")
        verdict = rows[0][0] if rows else "ok"
        if verdict != "ok":
            verdict = " ".join(verdict.replace("*** in database main ***", "").split())
            raise DatabaseProblem(
                f"database {self.path} is damaged (quick_check: {verdict}): {RESTORE_HINT}"
            )

    async def _enable_wal(self) -> None:
        """Switch to WAL, retrying while another process does the same.

        WAL is a property of the file, so this only races when two processes create the
        database together; SQLite then answers "locked" at once, without the busy timeout.
        """
        for attempt in range(WAL_SWITCH_ATTEMPTS):
            try:
                await self.db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == WAL_SWITCH_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(0.05)

    async def close(self) -> None:
        if self._version_probe is not None:
            self._version_probe.close()
            self._version_probe = None
        if self._db is not None:
            await self._db.close()
            self._db = None

    async def answers_from_disk(self, busy_seconds: float = 2.0) -> None:
        """Read the file through a fresh read-only connection (in a thread), or raise.

        Readiness (/readyz) asks this: the long-open connection keeps working from its file
        descriptor and its page cache after the file is made unreadable, so only a new
        connection sees what the next start, an import or the other bot would see.
        """

        def probe() -> None:
            connection = sqlite3.connect(
                f"file:{self.path}?mode=ro", uri=True, timeout=busy_seconds, check_same_thread=False
            )
            try:
                connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
            finally:
                connection.close()

        await asyncio.to_thread(probe)

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("Store is not open")
        return self._db

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any error; holds the connection lock."""
        async with self._lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                await self.db.execute("ROLLBACK")
                raise
            await self.db.execute("COMMIT")

    @asynccontextmanager
    async def _confirmed(self, token: str | None, now: int) -> AsyncIterator[aiosqlite.Connection]:
        """A transaction that first spends a staff confirmation `token` (when given): if it
        was already spent, or the body raises _NothingDone, all of it is rolled back and the
        block is left quietly (the caller's result stays unset)."""
        try:
            async with self._transaction() as db:
                if token is not None and not await self._use_confirmation(db, token, now):
                    raise _NothingDone
                yield db
        except _NothingDone:
            pass

    async def _fetchall(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        async with self._lock:
            return list(await self.db.execute_fetchall(sql, params))

    async def _cached_fetchall(
        self,
        sql: str,
        params: tuple[Any, ...] = (),
        convert: Callable[[tuple[Any, ...]], Any] | None = None,
    ) -> list[Any]:
        """`_fetchall` for what donors browse, answered from memory while needs are unchanged.

        Browsing is most of the traffic, and each aiosqlite round trip costs ~100 µs of
        thread hops. Every read first asks SQLite whether needs changed since the answer was
        cached (the trigger-kept `needs` counter, read on a small read-only connection in
        this thread: a few microseconds, no lock), so an import, the other platform's bot or
        this process's own pledge is seen at once, while a broadcast's thousands of outbox
        commits leave the cache alone.
        """
        if not self.read_cache:
            return await self._fetchall(sql, params)
        version = self._version_probe.execute(NEEDS_VERSION).fetchone()[0]
        if version != self._data_version:
            self._data_version = version
            self._reads.clear()
        key = (sql, params)
        rows = self._reads.get(key)
        if rows is None:
            rows = await self._fetchall(sql, params)
            if convert is not None:  # cache the records, not just the rows
                rows = [convert(row) for row in rows]
            if len(self._reads) >= READ_CACHE_ENTRIES:
                self._reads.clear()
            self._reads[key] = rows
        return list(rows)

    async def _read_in_loop(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        """A one-row indexed read on the read-only connection, in the event loop's thread:
        no lock and no thread hop, so it never queues behind other coroutines' writes (WAL
        readers do not wait for writers). It sees committed data only, which is all there
        is outside a transaction. For the pre-checkout answer, which the platform needs
        within seconds even while hundreds of payments are being recorded. Should SQLite
        still say busy (a checkpoint, a recovery), the read takes the ordinary way."""
        if self._version_probe is None:
            raise RuntimeError("Store is not open")
        try:
            return self._version_probe.execute(sql, params).fetchall()
        except sqlite3.OperationalError as busy:
            log.info("read-only connection busy (%s): reading through the store", busy)
            return await self._fetchall(sql, params)

    async def _write(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        """One statement, one round trip, committed on its own (autocommit)."""
        async with self._lock:
            await self.db.execute(sql, params)

    async def schema_version(self) -> int:
        rows = await self._fetchall("PRAGMA user_version")
        return int(rows[0][0])

    async def migrate(self) -> list[int]:
        """Apply pending migrations, each in its own transaction; returns the versions applied.

        The version is re-read inside the write transaction, so two processes starting at
        once (the bot and an import) never apply the same step twice.
        """
        applied = []
        for migration in MIGRATIONS:
            async with self._transaction() as db:
                current = (await db.execute_fetchall("PRAGMA user_version"))[0][0]
                if migration.version <= current:
                    continue
                for statement in _split_sql(_resource_text("migrations", migration.sql_file)):
                    await db.execute(statement)
                if migration.load_data is not None:
                    await migration.load_data(db)
                await db.execute(f"PRAGMA user_version = {migration.version:d}")
                applied.append(migration.version)
        if applied:
            log.info("applied migrations %s", applied)
        return applied
