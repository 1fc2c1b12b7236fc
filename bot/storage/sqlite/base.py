"""The store's foundation: the connection, its lock, transactions, migrations and the read cache."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

import aiosqlite

from bot.models import (
    Account,
    MonthlyClaim,
    Pledge,
    Province,
)
from bot.storage.records import (
    DatabaseProblem,
    DonorNotice,
    HouseholdNotice,
    Notice,
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
    _listed,
    _NothingDone,
    _resource_text,
    _split_sql,
    database_file_problem,
    log,
)

T = TypeVar("T")


class StoreBase:
    """The connection, its lock, transactions, migrations and the read cache: what every
    repository builds on."""

    def __init__(self, path: Path | str, *, read_cache: bool = True, create: bool = True) -> None:
        self.path = Path(path)
        self.read_cache = read_cache  # off only to time the queries themselves (bench)
        self.create = create  # False: a missing file is a DatabaseProblem, not a new database
        self._db: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._unit_task: asyncio.Task[Any] | None = None  # whose transaction is open
        self._savepoints = 0  # nested transactions inside it
        self._uncommitted: set[tuple[str, int]] = set()  # accounts cached inside it
        self._accounts: OrderedDict[tuple[str, int], Account] = OrderedDict()
        self._provinces: tuple[Province, ...] | None = None
        self._reads: dict[tuple[str, tuple[Any, ...]], list[Any]] = {}
        self._data_version: int | None = None
        self._version_probe: sqlite3.Connection | None = None
        self._checkouts = _GroupCommit(self, _INSERT_CHECKOUT)

    if TYPE_CHECKING:
        # Steps one repository's transaction borrows from another's (the composed `Store`
        # has them all), declared for the type checker only: each is defined once, in the
        # module named, and mypy checks that definition against the one here.

        async def _tell_donors(  # bot/storage/notices.py, mixed into outbox.py
            self,
            db: Any,
            pledges: Sequence[Pledge],
            tell: DonorNotice | None,
            now: int,
            *,
            credit_id: int | None = None,
        ) -> None: ...

        async def _tell_households(  # as _tell_donors
            self, db: Any, need_ids: Sequence[int], tell: HouseholdNotice | None, now: int
        ) -> None: ...

        async def _queue_notices(  # as _tell_donors
            self, db: Any, notices: Iterable[Notice | None], now: int
        ) -> None: ...

        async def _queue_published_news(  # outbox.py
            self, db: aiosqlite.Connection, now: int, tell: HouseholdNotice | None
        ) -> None: ...

        async def _credit_paid_pledges(  # credits.py
            self, db: aiosqlite.Connection, pledges: Sequence[Pledge], tell: DonorNotice | None,
            now: int,
        ) -> None: ...  # fmt: skip

        async def _paid_money_pledges(  # credits.py
            self, db: aiosqlite.Connection, need_id: int
        ) -> list[Pledge]: ...

        async def _cancel_unpaid(  # pledges.py
            self, db: aiosqlite.Connection, need_id: int, tell: DonorNotice | None, now: int
        ) -> list[Pledge]: ...

        @staticmethod
        async def _claim_month(  # monthly.py
            db: aiosqlite.Connection, claim: MonthlyClaim, outcome: str, pledge_id: int | None,
            now: int,
        ) -> None: ...  # fmt: skip

        @staticmethod
        async def _insert_audit(  # staff.py
            db: aiosqlite.Connection,
            *,
            at: int,
            action: str,
            platform: str | None,
            actor_id: int | None,
            subject_type: str | None,
            subject_id: str | None,
            details: dict[str, Any] | None,
        ) -> None: ...

        @staticmethod
        async def _use_confirmation(  # staff.py
            db: aiosqlite.Connection, token: str, now: int
        ) -> bool: ...

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
        rows = _listed(await self.db.execute_fetchall("PRAGMA quick_check(1)"))
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

    @property
    def shared_by_processes(self) -> bool:
        """False: SQLite is one process's store (several processes on one file are not a
        deployment Hamdeli offers; PostgreSQL is), so what it caches stays true."""
        return False

    def unit_of_work(self) -> AbstractAsyncContextManager[None]:
        """One transaction for everything this task asks of the store inside the block.

        A staff action's change, its audit row and its outbox rows commit together or not
        at all (product rule 2: a crash, or a failed audit insert, between the change and
        its audit row must not leave an unaudited action). Any exception leaves the block
        with all of it rolled back.

        The unit holds the connection (and its lock) until it ends, so: keep it short, send
        nothing over the network inside it, and never wait in it for another task that
        uses the store (that task waits for the lock: a deadlock). Store methods called
        from this task join it, whether they write one statement or open a transaction of
        their own (that one becomes a savepoint); other coroutines wait, so none of their
        statements lands inside it. A PostgreSQL backend does the same with one connection
        from its pool held for the unit.
        """
        # The connection it yields is for the store's own methods: a unit's caller gets none.
        return cast("AbstractAsyncContextManager[None]", self._transaction())

    async def run_unit(self, body: Callable[[], Awaitable[T]]) -> T:
        """`body` in one unit of work. One writer at a time (the connection lock, BEGIN
        IMMEDIATE) cannot deadlock, so unlike PostgreSQL's there is nothing to retry."""
        async with self.unit_of_work():
            return await body()

    def _in_unit(self) -> bool:
        """Whether the running task has this store's transaction open."""
        return self._unit_task is not None and self._unit_task is asyncio.current_task()

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[aiosqlite.Connection]:
        """The connection for one use: inside this task's open transaction as it is, else
        under the lock (which keeps other coroutines' statements out of a transaction)."""
        if self._in_unit():
            yield self.db
            return
        async with self._lock:
            yield self.db

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any error; holds the connection lock.

        Opened again by the task that already has one open (a repository method called in
        a unit of work), it is a savepoint within it: its failure undoes only its own
        writes, as its own transaction would have, and the outer one decides the commit.
        """
        if self._in_unit():
            async with self._savepoint() as db:
                yield db
            return
        async with self._lock:
            self._unit_task = asyncio.current_task()
            try:
                await self.db.execute("BEGIN IMMEDIATE")
                try:
                    yield self.db
                    await self.db.execute("COMMIT")
                except BaseException:
                    await self._undo("ROLLBACK")
                    raise
            finally:
                self._unit_task = None
                self._uncommitted.clear()

    @asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[aiosqlite.Connection]:
        """A transaction within this task's open one (SQLite and PostgreSQL both have them)."""
        self._savepoints += 1
        name = f"nested_{self._savepoints}"
        try:
            await self.db.execute(f"SAVEPOINT {name}")
            try:
                yield self.db
            except BaseException:
                await self._undo(f"ROLLBACK TO {name}", f"RELEASE {name}")
                raise
            await self.db.execute(f"RELEASE {name}")
        finally:
            self._savepoints -= 1

    async def _undo(self, *statements: str) -> None:
        """Roll back (unless SQLite already did, as it does after some errors) and forget
        the accounts cached meanwhile: what they say was never committed."""
        for statement in statements:
            if self.db.in_transaction:
                await self.db.execute(statement)
        for key in self._uncommitted:
            self._accounts.pop(key, None)

    @asynccontextmanager
    async def _confirmed(
        self, token: str | None, now: int
    ) -> AsyncIterator[aiosqlite.Connection | None]:
        """A transaction that first spends a staff confirmation `token` (when given). If the
        body raises _NothingDone, all of it is rolled back and the block is left quietly
        (the caller's result stays unset). If the token was already spent, the block gets
        None instead of the connection: nothing was done, and the body must do nothing (a
        context manager cannot skip its body)."""
        entered = False
        try:
            async with self._transaction() as db:
                if token is not None and not await self._use_confirmation(db, token, now):
                    raise _NothingDone
                entered = True
                yield db
        except _NothingDone:
            pass
        if not entered:  # the token was spent: rolled back before the body
            yield None

    async def _fetchall(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[Any]:
        async with self._connection() as db:
            return list(await db.execute_fetchall(sql, params))

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
        if not self.read_cache or self._in_unit():  # it may read what it has not committed
            return await self._fetchall(sql, params)
        assert self._version_probe is not None  # opened with the connection (open)
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
        """One statement, one round trip, committed on its own (autocommit) unless this
        task has a unit of work open."""
        async with self._connection() as db:
            await db.execute(sql, params)

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
                current = (_listed(await db.execute_fetchall("PRAGMA user_version")))[0][0]
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
