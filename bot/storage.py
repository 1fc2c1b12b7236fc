"""The async store: every SQL statement of Hamdeli lives in this module.

Why it looks the way it does:
- One aiosqlite connection per process, in autocommit mode, so a single-statement write is
  one thread round trip (aiosqlite's thread hops, not SQLite, dominate the cost).
- One asyncio lock around every use of the connection: coroutines share it, and a statement
  from one coroutine must never land inside another coroutine's open transaction.
- WAL, `busy_timeout` and short write transactions, because `hamdeli import` and later
  several bot processes (Telegram and Bale) write the same file concurrently.
- Reference data (provinces, cities) is read once and kept in memory. Accounts are cached
  per process: a user's row is only written by the process serving that user's platform,
  so the cache cannot go stale; anything another process may change is read through.
- The interface speaks in intentions and plain records (`bot.models`) so a PostgreSQL
  backend can implement the same methods later.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import logging
import os
import sqlite3
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from bot import codes as public_codes
from bot.models import (
    Account,
    Audience,
    Beneficiary,
    Broadcast,
    BroadcastStatus,
    Checkout,
    CheckoutState,
    City,
    Credit,
    CreditMove,
    CreditSource,
    IncomingPayment,
    Inquiry,
    InvoiceCheck,
    MonthlyClaim,
    MonthlyGift,
    MonthlyStatus,
    Need,
    NeedCategory,
    NeedDraft,
    NeedKind,
    NeedStatus,
    OutboxItem,
    OutboxStatus,
    PaymentOutcome,
    PaymentResult,
    Persona,
    Pledge,
    PledgeStatus,
    Province,
    StaffRole,
    Voucher,
    VoucherStatus,
)

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
WAL_SWITCH_ATTEMPTS = 100
ACCOUNT_CACHE_SIZE = 100_000
# last_seen is only rewritten when it is older than this: "active in the last 30 days"
# needs day precision, not a write on every message.
LAST_SEEN_RESOLUTION_S = 3600


def _resource_text(*parts: str) -> str:
    return resources.files("bot").joinpath(*parts).read_text(encoding="utf-8")


async def _load_places_csv(db: aiosqlite.Connection) -> None:
    """Fill provinces and cities from the shipped data file (bot/data/places.csv)."""
    rows = list(csv.DictReader(io.StringIO(_resource_text("data", "places.csv"))))
    provinces: dict[str, int] = {}
    for row in rows:
        if row["province_en"] not in provinces:
            provinces[row["province_en"]] = len(provinces) + 1
            await db.execute(
                "INSERT INTO provinces (id, name_fa, name_en) VALUES (?, ?, ?)",
                (provinces[row["province_en"]], row["province_fa"], row["province_en"]),
            )
    await db.executemany(
        "INSERT INTO cities (province_id, name_fa, name_en, is_capital) VALUES (?, ?, ?, ?)",
        [
            (provinces[r["province_en"]], r["city_fa"], r["city_en"], int(r["is_capital"]))
            for r in rows
        ],
    )


CREDIT_CLOSED_NOTICE = "credit-need-closed-notice"  # paid money whose need was closed


class _NothingDone(Exception):
    """Raised inside a transaction to roll back a change that cannot happen as a whole."""


@dataclass(frozen=True)
class Migration:
    """A numbered schema step: an SQL file, then optionally a data-loading step."""

    version: int
    sql_file: str
    load_data: Callable[[aiosqlite.Connection], Awaitable[None]] | None = None


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "0001_places.sql", _load_places_csv),
    Migration(2, "0002_users.sql"),
    Migration(3, "0003_needs_pledges.sql"),
    Migration(4, "0004_open_need_counts.sql"),
    Migration(5, "0005_outbox.sql"),
    Migration(6, "0006_beneficiaries.sql"),
    Migration(7, "0007_verification.sql"),
    Migration(8, "0008_reminder_opt_out.sql"),
    Migration(9, "0009_staff_invites.sql"),
    Migration(10, "0010_support_tickets.sql"),
    Migration(11, "0011_broadcasts.sql"),
    Migration(12, "0012_needs_version.sql"),
    Migration(13, "0013_broadcast_reports.sql"),
    Migration(14, "0014_staff_confirmations.sql"),
    Migration(15, "0015_broadcast_pauses.sql"),
    Migration(16, "0016_invite_expiry.sql"),
    Migration(17, "0017_needs_import_rows.sql"),
    Migration(18, "0018_payments.sql"),
    Migration(19, "0019_pledge_receipts.sql"),
    Migration(20, "0020_credits.sql"),
    Migration(21, "0021_monthly.sql"),
    Migration(22, "0022_reconcile.sql"),
    Migration(23, "0023_outbox_any_chat.sql"),
    Migration(24, "0024_item_name_en.sql"),
)
READ_CACHE_ENTRIES = 10_000
NEEDS_VERSION = "SELECT version FROM data_versions WHERE name = 'needs'"
IMPORT_BATCH_ROWS = 500  # rows per write transaction: a running bot never waits long
CODE_ATTEMPTS = 5
CODE_ROUNDS = 20  # draws of the codes still missing, each checked against those in use


class MonthlyClaimLost(Exception):
    """Another run already handled this month of a monthly gift (or it was paused or
    stopped meanwhile): the transaction that tried rolled back whole."""


class CodeTaken(Exception):
    """A freshly drawn random code is already used; the caller draws another and retries.

    31**6 codes make this rare, but not negligible once there are hundreds of thousands of
    needs or pledges: it must never reach a person as a generic error.
    """


@dataclass(frozen=True)
class StaffNeedsWhere:
    """Which needs staff list (/needs): any of these left None does not filter. `added_by`
    is (platform, user id): the needs that person added (their add_need audit rows)."""

    status: NeedStatus | None = None
    province_id: int | None = None
    city_id: int | None = None
    added_by: tuple[str, int] | None = None


def _staff_needs_sql(where: StaffNeedsWhere) -> tuple[str, tuple[Any, ...]]:
    clauses, params = ["1"], []
    for column, value in (
        ("n.status", where.status.value if where.status else None),
        ("n.province_id", where.province_id),
        ("n.city_id", where.city_id),
    ):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if where.added_by is not None:
        clauses.append(
            "n.code IN (SELECT subject_id FROM audit_log WHERE action = 'add_need' "
            "AND subject_type = 'need' AND platform = ? AND actor_id = ?)"
        )
        params.extend(where.added_by)
    return " AND ".join(clauses), tuple(params)  # fmt: skip


# An invite that can still be redeemed (one parameter: now).
_OPEN_INVITE = "used_by IS NULL AND revoked_at IS NULL AND expires_at > ?"
# A status change keeps the pause clock: entering "paused" starts it (paused_at); leaving a
# pause adds its length to paused_s. Parameters: the new status, now, now.
_PAUSE_CLOCK = (
    "paused_at = CASE WHEN ? = 'paused' THEN coalesce(paused_at, ?) END, "
    "paused_s = paused_s + CASE WHEN status = 'paused' AND paused_at IS NOT NULL "
    "THEN max(0, ? - paused_at) ELSE 0 END"
)
_BROADCAST_COLUMNS = (
    "id, platform, creator_id, chat_id, progress_message_id, text, photo_file_id, audience, "
    "place_id, status, pause_reason, total, sent, blocked, failed, unknown, created_at, "
    "finished_at, reported_at"
)

# A person's city: their household's (once verified), else the home city they chose.
_USER_CITY = (
    "coalesce((SELECT b.city_id FROM beneficiary_links l JOIN beneficiaries b "
    "ON b.national_code = l.national_code WHERE l.platform = u.platform "
    "AND l.user_id = u.user_id), u.home_city_id)"
)
_AUDIENCES = {
    Audience.EVERYONE: "1",
    Audience.DONORS: "u.persona = 'donor'",
    Audience.BENEFICIARIES: "u.persona = 'beneficiary'",
    Audience.STAFF: "u.staff_role <> 'none'",
    Audience.CITY: f"{_USER_CITY} = ?",
    Audience.PROVINCE: f"(SELECT c.province_id FROM cities c WHERE c.id = {_USER_CITY}) = ?",
}


def _audience_filter(audience: Audience, place_id: int | None) -> tuple[str, tuple[Any, ...]]:
    """The WHERE clause (on users `u`) of an audience: never the blocked or opted out."""
    where = f"u.blocked = 0 AND u.announcements_opt_out = 0 AND {_AUDIENCES[audience]}"
    return where, ((place_id,) if audience in (Audience.CITY, Audience.PROVINCE) else ())


def _broadcast_from_row(row: tuple[Any, ...]) -> Broadcast:
    values = list(row)
    values[7] = Audience(values[7])
    values[9] = BroadcastStatus(values[9])
    return Broadcast(*values)


def _account_from_row(row: sqlite3.Row | tuple[Any, ...]) -> Account:
    (
        platform,
        user_id,
        chat_id,
        persona,
        staff_role,
        language,
        home_city_id,
        first_seen,
        last_seen,
        blocked,
        opt_out,
    ) = row
    return Account(
        platform=platform,
        user_id=user_id,
        chat_id=chat_id,
        language=language,
        persona=Persona(persona) if persona else None,
        staff_role=StaffRole(staff_role),
        home_city_id=home_city_id,
        first_seen=first_seen,
        last_seen=last_seen,
        blocked=bool(blocked),
        announcements_opt_out=bool(opt_out),
    )


_NEED_COLUMNS = (
    "id, code, province_id, city_id, category, kind, target, reserved, paid, description_fa, "
    "description_en, status, item_name, deadline, urgent, item_name_en"
)
_CHECKOUT_COLUMNS = (
    "transaction_id, platform, donor_id, invoice_payload, amount, currency, approved_at, "
    "state, inquiries, next_inquiry_at"
)
_PLEDGE_COLUMNS = (
    "id, reference, need_id, platform, donor_id, amount, status, created_at, expires_at, "
    "paid_at, bank_reference, receipt_file_id, donor_tracking"
)


def _need_from_row(row: tuple[Any, ...]) -> Need:
    (
        id_,
        code,
        province_id,
        city_id,
        category,
        kind,
        target,
        reserved,
        paid,
        description_fa,
        description_en,
        status,
        item_name,
        deadline,
        urgent,
        item_name_en,
    ) = row
    return Need(
        id=id_,
        code=code,
        province_id=province_id,
        city_id=city_id,
        category=NeedCategory(category),
        kind=NeedKind(kind),
        target=target,
        reserved=reserved,
        paid=paid,
        description_fa=description_fa,
        description_en=description_en,
        status=NeedStatus(status),
        item_name=item_name,
        deadline=dt.date.fromisoformat(deadline) if deadline else None,
        urgent=bool(urgent),
        item_name_en=item_name_en,
    )


_MONTHLY_COLUMNS = (
    "id, platform, donor_id, amount, province_id, city_id, category, day, status, "
    "next_period, next_due_at, version"
)
_MONTHLY_CHANGEABLE = frozenset(
    {"amount", "province_id", "city_id", "category", "status", "next_period", "next_due_at"}
)


def _monthly_from_row(row: tuple[Any, ...]) -> MonthlyGift:
    (id_, platform, donor_id, amount, province_id, city_id, category, day, status,
     next_period, next_due_at, version) = row  # fmt: skip
    return MonthlyGift(
        id=id_,
        platform=platform,
        donor_id=donor_id,
        amount=amount,
        province_id=province_id,
        city_id=city_id,
        category=NeedCategory(category) if category else None,
        day=day,
        status=MonthlyStatus(status),
        next_period=next_period,
        next_due_at=next_due_at,
        version=version,
    )


def _paid_facts(pledge: Pledge, payment: IncomingPayment | None = None) -> dict[str, object]:
    """What the donor's thanks for a paid pledge states besides the pledge (it is their
    receipt in the chat): when it was paid, and the proof: the platform's charge id of an
    in-chat payment, else the bank tracking number staff confirmed it with (if any)."""
    if payment is not None:
        return {"paid_at": pledge.paid_at, "charge_id": payment.charge_id}
    return {"paid_at": pledge.paid_at, "tracking": pledge.bank_reference}


def _pledge_from_row(row: tuple[Any, ...]) -> Pledge:
    (
        id_,
        reference,
        need_id,
        platform,
        donor_id,
        amount,
        status,
        created_at,
        expires_at,
        paid_at,
        bank_reference,
        receipt_file_id,
        donor_tracking,
    ) = row
    return Pledge(
        id=id_,
        reference=reference,
        need_id=need_id,
        platform=platform,
        donor_id=donor_id,
        amount=amount,
        status=PledgeStatus(status),
        created_at=created_at,
        expires_at=expires_at,
        paid_at=paid_at,
        bank_reference=bank_reference,
        receipt_file_id=receipt_file_id,
        donor_tracking=donor_tracking,
    )


def _need_params(draft: NeedDraft, code: str, now: int) -> tuple[Any, ...]:
    return (
        code,
        draft.external_id,
        draft.province_id,
        draft.city_id,
        draft.category.value,
        draft.kind.value,
        draft.item_name,
        draft.item_name_en,
        draft.target,
        draft.description_fa,
        draft.description_en,
        draft.deadline.isoformat() if draft.deadline else None,
        int(draft.urgent),
        draft.beneficiary_national_code,
        now,
        now,
    )


_INSERT_IMPORTED_NEED = (
    "INSERT INTO needs (code, external_id, province_id, city_id, category, kind, item_name, "
    "item_name_en, target, description_fa, description_en, deadline, urgent, "
    "beneficiary_national_code, created_at, updated_at, import_digest, import_line) "
    f"VALUES ({', '.join('?' * 18)})"
)
# A live need's status follows its target: raised above what is pledged, it is open again.
_STATUS_FOR_TARGET = (
    "CASE WHEN status NOT IN ('open', 'fully_pledged', 'funded') THEN status "
    "WHEN paid >= :target THEN 'funded' "
    "WHEN reserved + paid >= :target THEN 'fully_pledged' ELSE 'open' END"
)
_UPDATE_NEED = (
    "UPDATE needs SET province_id = :province, city_id = :city, category = :category, "
    "kind = :kind, item_name = :item, item_name_en = :item_en, target = :target, "
    "description_fa = :fa, "
    "description_en = :en, deadline = :deadline, urgent = :urgent, "
    "beneficiary_national_code = :national_code, updated_at = :now, "
    f"status = {_STATUS_FOR_TARGET}"
)


def _need_values(draft: NeedDraft, now: int) -> dict[str, Any]:
    """A draft's values under the names `_UPDATE_NEED` uses."""
    return {
        "province": draft.province_id,
        "city": draft.city_id,
        "category": draft.category.value,
        "kind": draft.kind.value,
        "item": draft.item_name,
        "item_en": draft.item_name_en,
        "target": draft.target,
        "fa": draft.description_fa,
        "en": draft.description_en,
        "deadline": draft.deadline.isoformat() if draft.deadline else None,
        "urgent": int(draft.urgent),
        "national_code": draft.beneficiary_national_code,
        "now": now,
    }


def _import_row(draft: NeedDraft, digest: str | None, line: int) -> tuple[Any, Any]:
    """A row without external_id is known by its file and line (when the file is known)."""
    if draft.external_id or digest is None:
        return None, None
    return digest, line


@dataclass(frozen=True)
class ImportedNeed:
    """What an import must know of a need a row will change."""

    id: int
    kind: str
    reserved: int
    paid: int
    status: str

    @property
    def pledged(self) -> int:
        return self.reserved + self.paid


class ImportRefused(Exception):
    """Rows the database cannot take as they are; nothing was written."""

    def __init__(self, problems: list[Any]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


_UPDATABLE_ACCOUNT_FIELDS = frozenset({"persona", "language", "staff_role"})
_ACCOUNT_COLUMNS = (
    "platform, user_id, chat_id, persona, staff_role, language, home_city_id, "
    "first_seen, last_seen, blocked, announcements_opt_out"
)


class DatabaseProblem(Exception):
    """The database file cannot be used, said in one line an operator can act on.

    Raised instead of sqlite3's own errors at open, so `hamdeli` prints it and exits with 2
    rather than a traceback (the people running the bot are volunteers).
    """


RESTORE_HINT = "restore the latest copy made with `hamdeli backup`"


def database_file_problem(path: Path, *, create: bool) -> str | None:
    """What is wrong with `path` as a database file before SQLite sees it (None: nothing).

    `create` is False for every command but `run` and `migrate`: a mistyped DATABASE_URL
    must not silently become a new, empty database.
    """
    if path.is_dir():
        return f"database {path} is a folder, not a database file: check DATABASE_URL"
    folder = next((p for p in path.parents if p.exists()), None)
    if folder is not None and not folder.is_dir():
        return f"database {path} cannot be created: {folder} is a file, not a folder"
    if not path.exists():
        if create:
            return None
        return (
            f"no database at {path}: check DATABASE_URL (`hamdeli migrate` creates a new one there)"
        )
    if not path.stat().st_mode & 0o222 or not os.access(path, os.W_OK):
        return f"database {path} is read-only: the bot must be able to write it (chmod u+w)"
    return None


def _explain_sqlite_error(path: Path, exc: sqlite3.Error) -> str:
    """sqlite3's error at open, as one line that says what to do."""
    text = str(exc)
    if "not a database" in text:
        return f"database {path} is not a SQLite database (damaged or another file): {RESTORE_HINT}"
    if "malformed" in text or "corrupt" in text:
        return f"database {path} is damaged ({text}): {RESTORE_HINT}"
    if "readonly" in text or "read-only" in text:
        return f"database {path} is read-only: the bot must be able to write it (chmod u+w)"
    return f"database {path} cannot be opened: {text}"


class Store:
    """Hamdeli's persistent state, behind intention-named async methods."""

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

    # -- lifecycle -------------------------------------------------------------------------

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

    async def __aenter__(self) -> Store:
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

    # -- migrations ------------------------------------------------------------------------

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

    # -- reference data --------------------------------------------------------------------

    async def provinces(self) -> tuple[Province, ...]:
        """All provinces with their cities, read once per process (reference data)."""
        if self._provinces is None:
            cities = [
                City(id=r[0], province_id=r[1], name_fa=r[2], name_en=r[3], is_capital=bool(r[4]))
                for r in await self._fetchall(
                    "SELECT id, province_id, name_fa, name_en, is_capital FROM cities "
                    "ORDER BY is_capital DESC, name_fa"
                )
            ]
            self._provinces = tuple(
                Province(
                    id=pid,
                    name_fa=name_fa,
                    name_en=name_en,
                    cities=tuple(c for c in cities if c.province_id == pid),
                )
                for pid, name_fa, name_en in await self._fetchall(
                    "SELECT id, name_fa, name_en FROM provinces ORDER BY name_fa"
                )
            )
        return self._provinces

    # -- accounts --------------------------------------------------------------------------

    async def seen_account(
        self, platform: str, user_id: int, chat_id: int, language: str, now: int
    ) -> Account:
        """The account of someone who just wrote to the bot, created on first contact.

        Costs no query when the account is cached and was seen recently. `language` only
        applies to a new account: a returning user keeps the language they chose.
        """
        key = (platform, user_id)
        cached = self._accounts.get(key)
        if cached and cached.chat_id == chat_id and now - cached.last_seen < LAST_SEEN_RESOLUTION_S:
            self._accounts.move_to_end(key)
            return cached
        async with self._lock:
            rows = await self.db.execute_fetchall(
                "INSERT INTO users (platform, user_id, chat_id, language, first_seen, last_seen) "
                "VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (platform, user_id) DO UPDATE SET "
                "chat_id = excluded.chat_id, last_seen = excluded.last_seen, blocked = 0 "
                f"RETURNING {_ACCOUNT_COLUMNS}",
                (platform, user_id, chat_id, language, now, now),
            )
        return self._remember(_account_from_row(next(iter(rows))))

    async def account(self, platform: str, user_id: int) -> Account | None:
        """Read through (no cache): for checks that must see other processes' writes."""
        rows = await self._fetchall(
            f"SELECT {_ACCOUNT_COLUMNS} FROM users WHERE platform = ? AND user_id = ?",
            (platform, user_id),
        )
        return _account_from_row(rows[0]) if rows else None

    async def set_persona(self, account: Account, persona: Persona) -> Account:
        return await self._update_account(account, "persona", persona)

    async def set_language(self, account: Account, language: str) -> Account:
        return await self._update_account(account, "language", language)

    async def set_staff_role(self, account: Account, role: StaffRole) -> Account:
        return await self._update_account(account, "staff_role", role)

    async def _update_account(self, account: Account, field: str, value: object) -> Account:
        """Change one column of a person's row (none when unchanged) and the cached copy."""
        if getattr(account, field) == value:
            return account
        if field not in _UPDATABLE_ACCOUNT_FIELDS:
            raise ValueError(f"not an updatable account field: {field}")
        stored = value.value if isinstance(value, Enum) else value
        await self._write(
            f"UPDATE users SET {field} = ? WHERE platform = ? AND user_id = ?",
            (stored, account.platform, account.user_id),
        )
        return self._remember(replace(account, **{field: value}))

    async def set_staff_role_by_id(self, platform: str, user_id: int, role: StaffRole) -> bool:
        """Change someone's staff role by id (an admin's command); False if unknown to us."""
        rows = await self._fetchall(
            "UPDATE users SET staff_role = ? WHERE platform = ? AND user_id = ? RETURNING user_id",
            (role.value, platform, user_id),
        )
        self._accounts.pop((platform, user_id), None)
        return bool(rows)

    async def create_invite(
        self, code: str, platform: str, created_by: int, now: int, expires_at: int
    ) -> None:
        await self._write(
            "INSERT INTO staff_invites (code, platform, created_by, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (code, platform, created_by, now, expires_at),
        )

    async def redeem_invite(self, code: str, platform: str, user_id: int, now: int) -> bool:
        """Use a one-time code: the person becomes staff, atomically, at most once, and only
        while the code is unexpired and not revoked."""
        async with self._transaction() as db:
            used = await db.execute_fetchall(
                "UPDATE staff_invites SET used_by = ?, used_at = ? WHERE code = ? "
                f"AND platform = ? AND {_OPEN_INVITE} RETURNING code",
                (user_id, now, code, platform, now),
            )
            if not used:
                return False
            await db.execute(
                "UPDATE users SET staff_role = 'staff' WHERE platform = ? AND user_id = ? "
                "AND staff_role = 'none'",
                (platform, user_id),
            )
        self._accounts.pop((platform, user_id), None)
        return True

    async def open_invites(self, platform: str, now: int, limit: int) -> list[tuple[Any, ...]]:
        """Invites that can still be redeemed, newest first: (code, created_by, created_at,
        expires_at)."""
        return await self._fetchall(
            "SELECT code, created_by, created_at, expires_at FROM staff_invites "
            f"WHERE platform = ? AND {_OPEN_INVITE} ORDER BY created_at DESC, code LIMIT ?",
            (platform, now, limit),
        )

    async def revoke_invite(self, code: str, platform: str, by: int, now: int) -> bool:
        """An admin takes back an open invite; False if it was not open."""
        rows = await self._fetchall(
            "UPDATE staff_invites SET revoked_at = ?, revoked_by = ? WHERE code = ? "
            f"AND platform = ? AND {_OPEN_INVITE} RETURNING code",
            (now, by, code, platform, now),
        )
        return bool(rows)

    async def void_invites_not_from(
        self, platform: str, admins: Sequence[int], now: int
    ) -> list[tuple[str, int]]:
        """Open invites whose creator is no longer an admin die with them: (code, creator)
        of each one voided now."""
        return [
            (str(code), int(creator))
            for code, creator in await self._fetchall(
                "UPDATE staff_invites SET revoked_at = ? WHERE platform = ? "
                f"AND {_OPEN_INVITE} AND created_by NOT IN (SELECT value FROM json_each(?)) "
                "RETURNING code, created_by",
                (now, platform, now, json.dumps(list(admins))),
            )
        ]

    async def pledges_for_export(
        self, since: int, until: int, with_pii: bool
    ) -> list[tuple[Any, ...]]:
        """Pledges created in [since, until) with their need, oldest first. With `with_pii`,
        the linked household's national code, name and phone are added (staff only)."""
        pii = ", n.beneficiary_national_code, b.full_name, b.mobile" if with_pii else ""
        rows = await self._fetchall(
            "SELECT p.reference, n.code, n.kind, n.item_name, p.amount, p.status, "
            f"p.created_at, p.paid_at, p.bank_reference{pii} FROM pledges p "
            "JOIN needs n ON n.id = p.need_id "
            "LEFT JOIN beneficiaries b ON b.national_code = n.beneficiary_national_code "
            "WHERE p.created_at >= ? AND p.created_at < ? ORDER BY p.created_at, p.id",
            (since, until),
        )
        return [tuple(row) for row in rows]

    async def statistics(self, platform: str, active_since: int) -> dict[str, Any]:
        """The numbers of /stats, in one transaction so they agree with each other."""
        async with self._transaction() as db:
            personas = await db.execute_fetchall(
                "SELECT coalesce(persona, 'new'), count(*) FROM users WHERE platform = ? "
                "AND user_id > 0 GROUP BY 1",  # not the pseudonyms of erased donors
                (platform,),
            )
            staff = await db.execute_fetchall(
                "SELECT count(*) FROM users WHERE platform = ? AND staff_role != 'none'",
                (platform,),
            )
            active = await db.execute_fetchall(
                "SELECT count(*) FROM users WHERE platform = ? AND last_seen >= ?",
                (platform, active_since),
            )
            needs = await db.execute_fetchall("SELECT status, count(*) FROM needs GROUP BY 1")
            pledges = await db.execute_fetchall("SELECT status, count(*) FROM pledges GROUP BY 1")
            money = await db.execute_fetchall(
                "SELECT p.name_fa, p.name_en, sum(n.paid), sum(n.target) FROM needs n "
                "JOIN provinces p ON p.id = n.province_id WHERE n.kind = 'money' "
                "AND n.status NOT IN ('draft', 'closed') GROUP BY p.id ORDER BY 3 DESC"
            )
            credit = await db.execute_fetchall(
                "SELECT coalesce(sum(unallocated), 0), coalesce(sum(office), 0) FROM credits"
            )
        return {
            "credit": tuple(next(iter(credit))),
            "personas": dict(personas),
            "staff": staff[0][0],
            "active": active[0][0],
            "needs": dict(needs),
            "pledges": dict(pledges),
            "money_by_province": list(money),
        }

    async def open_ticket(self, platform: str, user_id: int, now: int) -> int:
        rows = await self._fetchall(
            "INSERT INTO support_tickets (platform, user_id, created_at) VALUES (?, ?, ?) "
            "RETURNING id",
            (platform, user_id, now),
        )
        return int(rows[0][0])

    async def attach_ticket_message(self, ticket_id: int, staff_message_id: int) -> None:
        await self._write(
            "UPDATE support_tickets SET staff_message_id = ? WHERE id = ?",
            (staff_message_id, ticket_id),
        )

    async def ticket_for_staff_message(
        self, platform: str, staff_message_id: int
    ) -> tuple[int, Account] | None:
        """The ticket (and its person) a staff reply answers."""
        rows = await self._fetchall(
            f"SELECT t.id, {', '.join('u.' + c.strip() for c in _ACCOUNT_COLUMNS.split(','))} "
            "FROM support_tickets t JOIN users u ON u.platform = t.platform "
            "AND u.user_id = t.user_id WHERE t.platform = ? AND t.staff_message_id = ?",
            (platform, staff_message_id),
        )
        return (rows[0][0], _account_from_row(rows[0][1:])) if rows else None

    async def forget_donor(
        self, platform: str, user_id: int, language: str, now: int
    ) -> tuple[int, int]:
        """Erase a person's account, keeping their pledges under a pseudonymous donor number.

        One transaction: the pledges (what the welfare office must account for: reference,
        need, amount, status, payment) move to a new pseudonym, the row `users(platform, -N)`
        that never receives a message (blocked, no language of theirs, no city, no
        settings); their message history in the outbox moves too and what was still to be
        sent is dropped; their account row (language, settings, persona), conversation
        state, flow data, support tickets, verification failures and household link are
        deleted. Audited under the pseudonym only: nothing links N back to the person.
        Returns (N, pledges kept).
        """
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                "SELECT coalesce(max(-user_id), 0) + 1 FROM users "
                "WHERE platform = ? AND user_id < 0",
                (platform,),
            )
            number = int(next(iter(rows))[0])
            await db.execute(
                "INSERT INTO users (platform, user_id, chat_id, persona, language, first_seen, "
                "last_seen, blocked, announcements_opt_out) "
                "VALUES (?, ?, ?, 'donor', ?, ?, ?, 1, 1)",
                (platform, -number, -number, language, now, now),
            )
            moved = await db.execute_fetchall(
                "UPDATE pledges SET donor_id = ? WHERE platform = ? AND donor_id = ? RETURNING id",
                (-number, platform, user_id),
            )
            for table in ("payments", "credits"):  # the money goes with its pledges
                await db.execute(
                    f"UPDATE {table} SET donor_id = ? WHERE platform = ? AND donor_id = ?",
                    (-number, platform, user_id),
                )
            await db.execute(
                "UPDATE outbox SET user_id = ?, status = CASE WHEN status = 'pending' "
                "THEN 'blocked' ELSE status END WHERE platform = ? AND user_id = ?",
                (-number, platform, user_id),
            )
            await db.execute(  # a standing monthly gift ends with the account
                "UPDATE monthly_gifts SET donor_id = ?, status = 'stopped', create_token = NULL "
                "WHERE platform = ? AND donor_id = ?",
                (-number, platform, user_id),
            )
            for table in ("support_tickets", "verification_failures", "beneficiary_links",
                          "flow_data", "staff_confirmations"):  # fmt: skip
                await db.execute(
                    f"DELETE FROM {table} WHERE platform = ? AND user_id = ?", (platform, user_id)
                )
            await db.execute(
                "DELETE FROM conversation_states WHERE platform = ? AND key = ?",
                (platform, json.dumps([user_id, user_id])),
            )
            await db.execute(
                "DELETE FROM users WHERE platform = ? AND user_id = ?", (platform, user_id)
            )
            await db.execute(
                "INSERT INTO audit_log (at, platform, actor_id, action, subject_type, "
                "subject_id, details) VALUES (?, ?, NULL, 'forget_donor', 'donor', ?, ?)",
                (now, platform, f"D-{number}", json.dumps({"pledges_kept": len(moved)})),
            )
        self._accounts.pop((platform, user_id), None)
        return number, len(moved)

    async def count_accounts(self, platform: str | None = None) -> int:
        sql, params = "SELECT count(*) FROM users", ()
        if platform:
            sql, params = sql + " WHERE platform = ?", (platform,)
        return int((await self._fetchall(sql, params))[0][0])

    def _remember(self, account: Account) -> Account:
        key = (account.platform, account.user_id)
        self._accounts[key] = account
        self._accounts.move_to_end(key)
        if len(self._accounts) > ACCOUNT_CACHE_SIZE:
            self._accounts.popitem(last=False)
        return account

    # -- conversation state and flow data (PTB persistence) --------------------------------

    async def conversation_states(self, platform: str, name: str) -> dict[str, Any]:
        rows = await self._fetchall(
            "SELECT key, state FROM conversation_states WHERE platform = ? AND name = ?",
            (platform, name),
        )
        return {key: json.loads(state) for key, state in rows}

    async def conversation_times(self, platform: str, name: str) -> dict[str, int]:
        """When each conversation's state was last written (see StorePersistence)."""
        rows = await self._fetchall(
            "SELECT key, updated_at FROM conversation_states WHERE platform = ? AND name = ?",
            (platform, name),
        )
        return {key: int(updated_at) for key, updated_at in rows}

    async def save_conversation_state(
        self, platform: str, name: str, key: str, state: Any, now: int
    ) -> None:
        """Write one conversation's state; `None` means the conversation ended."""
        if state is None:
            await self._write(
                "DELETE FROM conversation_states WHERE platform = ? AND name = ? AND key = ?",
                (platform, name, key),
            )
            return
        await self._write(
            "INSERT INTO conversation_states (platform, name, key, state, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, name, key) DO UPDATE SET "
            "state = excluded.state, updated_at = excluded.updated_at",
            (platform, name, key, json.dumps(state), now),
        )

    async def flow_data(self, platform: str, user_id: int) -> dict[str, Any] | None:
        rows = await self._fetchall(
            "SELECT data FROM flow_data WHERE platform = ? AND user_id = ?", (platform, user_id)
        )
        return json.loads(rows[0][0]) if rows else None

    async def save_flow_data(
        self, platform: str, user_id: int, data: dict[str, Any] | None, now: int
    ) -> None:
        """Store what a flow has collected; empty or `None` removes the row."""
        if not data:
            await self._write(
                "DELETE FROM flow_data WHERE platform = ? AND user_id = ?", (platform, user_id)
            )
            return
        await self._write(
            "INSERT INTO flow_data (platform, user_id, data, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (platform, user_id) DO UPDATE SET "
            "data = excluded.data, updated_at = excluded.updated_at",
            (platform, user_id, json.dumps(data, ensure_ascii=False), now),
        )

    async def drop_flow_data_holding(
        self,
        platform: str,
        field: str,
        *,
        user_id: int | None = None,
        updated_before: int | None = None,
    ) -> None:
        """Remove flow data that holds `field` (one person's, or everyone's not touched since
        `updated_before`): what must not outlive its flow, such as a shared phone."""
        sql = "DELETE FROM flow_data WHERE platform = ? AND json_extract(data, ?) IS NOT NULL"
        params: list[Any] = [platform, f"$.{field}"]
        if user_id is not None:
            sql, params = sql + " AND user_id = ?", [*params, user_id]
        if updated_before is not None:
            sql, params = sql + " AND updated_at < ?", [*params, updated_before]
        await self._write(sql, tuple(params))

    # -- needs -----------------------------------------------------------------------------

    async def upsert_needs(self, drafts: Sequence[NeedDraft], now: int) -> tuple[int, int]:
        """Add needs, or update those whose external_id exists; returns (added, updated).

        For code that writes needs directly (the demo, tests, benches): batches of
        IMPORT_BATCH_ROWS rows, one transaction each. `hamdeli import` uses `import_needs`,
        one transaction for the whole file. New needs get a fresh public code; an update
        keeps the code donors may already have shared.
        """
        added = updated = 0
        for start in range(0, len(drafts), IMPORT_BATCH_ROWS):
            batch = list(enumerate(drafts[start : start + IMPORT_BATCH_ROWS], start=start + 1))
            new, existing = await self.import_needs(batch, now)
            added, updated = added + new, updated + existing
        return added, updated

    async def import_needs(
        self,
        rows: Sequence[tuple[int, NeedDraft]],
        now: int,
        *,
        digest: str | None = None,
        check: Callable[[dict[int, ImportedNeed]], Sequence[Any]] | None = None,
        after_batch: Callable[[int], Awaitable[None]] | None = None,
    ) -> tuple[int, int]:
        """Write a file's rows (line, draft) in ONE transaction; returns (added, updated).

        All or nothing for any size: a crash, a kill or an error at any row leaves no need
        added or changed. A row is the need with its external_id, or else, with `digest`
        (the file's sha256), the need this file's same line added before: running a file
        again never publishes a row twice. `check` sees the needs rows will change (by line)
        inside the transaction and returns problems, which refuse the whole file
        (ImportRefused). `after_batch` runs between batches of IMPORT_BATCH_ROWS (a progress
        bar). Codes are drawn per row, retried against every code in use.
        """
        async with self._transaction() as db:
            existing = await self._imported_needs(db, rows, digest)
            problems = check(existing) if check is not None else ()
            if problems:
                raise ImportRefused(list(problems))
            added = updated = 0
            for start in range(0, len(rows), IMPORT_BATCH_ROWS):
                batch = rows[start : start + IMPORT_BATCH_ROWS]
                new = [(line, d) for line, d in batch if line not in existing]
                fresh = await self._fresh_need_codes(db, len(new))
                await db.executemany(
                    _INSERT_IMPORTED_NEED,
                    [
                        (*_need_params(d, code, now), *_import_row(d, digest, line))
                        for (line, d), code in zip(new, fresh, strict=True)
                    ],
                )
                await db.executemany(
                    f"{_UPDATE_NEED} WHERE id = :id",
                    [
                        _need_values(d, now) | {"id": existing[line].id}
                        for line, d in batch
                        if line in existing
                    ],
                )
                added, updated = added + len(new), updated + len(batch) - len(new)
                if after_batch is not None:
                    await after_batch(added + updated)
            await self._queue_published_news(db, now)
        return added, updated

    @staticmethod
    async def _imported_needs(
        db: aiosqlite.Connection, rows: Sequence[tuple[int, NeedDraft]], digest: str | None
    ) -> dict[int, ImportedNeed]:
        """The needs that rows already are, by line: same external_id, or same file and line."""
        by_id = {d.external_id: line for line, d in rows if d.external_id}
        found: dict[int, ImportedNeed] = {}
        ids = list(by_id)
        for start in range(0, len(ids), IMPORT_BATCH_ROWS):
            chunk = ids[start : start + IMPORT_BATCH_ROWS]
            for external_id, *values in await db.execute_fetchall(
                "SELECT external_id, id, kind, reserved, paid, status FROM needs "
                f"WHERE external_id IN ({','.join('?' * len(chunk))})",
                chunk,
            ):
                found[by_id[external_id]] = ImportedNeed(*values)
        if digest is not None:
            without_id = {line for line, d in rows if not d.external_id}
            for line, *values in await db.execute_fetchall(
                "SELECT import_line, id, kind, reserved, paid, status FROM needs "
                "WHERE import_digest = ?",
                (digest,),
            ):
                if line in without_id:
                    found[line] = ImportedNeed(*values)
        return found

    @staticmethod
    async def _fresh_need_codes(db: aiosqlite.Connection, count: int) -> list[str]:
        """`count` new public codes, none in use and none repeated: each taken one is drawn
        again (near a million needs, about one draw in a thousand collides)."""
        fresh: list[str] = []
        for _ in range(CODE_ROUNDS):
            missing = count - len(fresh)
            drawn = list(dict.fromkeys(public_codes.new_need_code() for _ in range(missing)))
            drawn = [code for code in drawn if code not in fresh]
            if drawn:
                taken = {
                    row[0]
                    for row in await db.execute_fetchall(
                        f"SELECT code FROM needs WHERE code IN ({','.join('?' * len(drawn))})",
                        drawn,
                    )
                }
                fresh += [code for code in drawn if code not in taken]
            if len(fresh) == count:
                return fresh
        raise CodeTaken(f"no free need code after {CODE_ROUNDS} rounds")

    async def count_needs(self, status: NeedStatus | None = None) -> int:
        sql, params = "SELECT count(*) FROM needs", ()
        if status is not None:
            sql, params = sql + " WHERE status = ?", (status.value,)
        return int((await self._fetchall(sql, params))[0][0])

    async def count_staff_needs(self, where: StaffNeedsWhere) -> int:
        sql, params = _staff_needs_sql(where)
        return int(
            (await self._fetchall(f"SELECT count(*) FROM needs n WHERE {sql}", params))[0][0]
        )

    async def staff_needs(self, where: StaffNeedsWhere, limit: int, offset: int) -> list[Need]:
        """A page of needs for staff (/needs): drafts first, then the latest changed."""
        sql, params = _staff_needs_sql(where)
        rows = await self._fetchall(
            f"SELECT {_NEED_COLUMNS} FROM needs n WHERE {sql} "
            "ORDER BY n.status = 'draft' DESC, n.updated_at DESC, n.id DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [_need_from_row(row) for row in rows]

    async def need(self, need_id: int) -> Need | None:
        rows = await self._fetchall(f"SELECT {_NEED_COLUMNS} FROM needs WHERE id = ?", (need_id,))
        return _need_from_row(rows[0]) if rows else None

    async def need_by_code(self, code: str) -> Need | None:
        rows = await self._fetchall(f"SELECT {_NEED_COLUMNS} FROM needs WHERE code = ?", (code,))
        return _need_from_row(rows[0]) if rows else None

    async def close_need(
        self, need_id: int, now: int, unpaid_notice: str, paid_notice: str,
        token: str | None = None, credit_notice: str = CREDIT_CLOSED_NOTICE,
    ) -> tuple[list[Pledge], list[Pledge]] | None:  # fmt: skip
        """Take a need out of browsing, in one transaction: pledges still awaiting payment
        are cancelled (shares returned, donors told not to pay); money already paid leaves
        the need as its donors' credit, each asked where it goes (`credit_notice`); donors
        who reported a payment (or gave items) are told it is safe and staff will settle it.
        Returns (cancelled, paid or reported), or None if the need was already closed or
        delivered, or the confirmation `token` was already used."""
        told = None
        async with self._confirmed(token, now) as db:
            closed = await db.execute_fetchall(
                "UPDATE needs SET status = 'closed', updated_at = ? WHERE id = ? "
                "AND status NOT IN ('closed', 'delivered') RETURNING id",
                (now, need_id),
            )
            if not closed:
                raise _NothingDone
            cancelled = await self._cancel_unpaid(db, need_id, unpaid_notice, now)
            rows = await db.execute_fetchall(
                f"SELECT {_PLEDGE_COLUMNS} FROM pledges WHERE need_id = ? AND status IN (?, ?)",
                (need_id, PledgeStatus.PAYMENT_REPORTED.value, PledgeStatus.PAID.value),
            )
            paid = [_pledge_from_row(row) for row in rows]
            credited = await self._paid_money_pledges(db, need_id)
            await self._credit_paid_pledges(db, credited, credit_notice, now)
            settled_by_staff = [p for p in paid if p not in credited]
            await self._queue_pledge_notices(db, settled_by_staff, paid_notice, now)
            told = cancelled, paid
        return told

    async def set_need_status(self, need_id: int, status: NeedStatus, now: int) -> None:
        await self._write(
            "UPDATE needs SET status = ?, updated_at = ? WHERE id = ?",
            (status.value, now, need_id),
        )

    # -- browsing --------------------------------------------------------------------------
    # Counts come from open_need_counts (kept exact by triggers, see 0004), never from
    # counting needs. Every method is one round trip, and none when its answer is cached
    # (see _cached_fetchall: the cache is dropped on every change to needs).

    async def open_counts_by_province(self) -> dict[int, int]:
        """Open needs per province (only provinces that have some): the donor's first screen."""
        rows = await self._cached_fetchall(
            "SELECT c.province_id, sum(o.n) FROM open_need_counts o "
            "JOIN cities c ON c.id = o.city_id WHERE o.n > 0 GROUP BY c.province_id"
        )
        return dict(rows)

    async def open_counts_by_city(self, province_id: int) -> dict[int, int]:
        """Open needs per city of a province (only cities that have some)."""
        rows = await self._cached_fetchall(
            "SELECT o.city_id, sum(o.n) FROM cities c "
            "JOIN open_need_counts o ON o.city_id = c.id "
            "WHERE c.province_id = ? AND o.n > 0 GROUP BY o.city_id",
            (province_id,),
        )
        return dict(rows)

    async def open_counts_by_category(self, city_ids: Sequence[int]) -> dict[NeedCategory, int]:
        """Open needs per category in these cities (only categories that have some)."""
        where, params = self._browse_filter(city_ids, None)
        rows = await self._cached_fetchall(
            f"SELECT category, sum(n) FROM open_need_counts WHERE {where} AND n > 0 "
            "GROUP BY category",
            params,
        )
        return {NeedCategory(category): n for category, n in rows}

    async def open_need_count(self, city_ids: Sequence[int], category: NeedCategory | None) -> int:
        """How many needs `open_needs_page` pages through: for "page X of Y"."""
        where, params = self._browse_filter(city_ids, category)
        rows = await self._cached_fetchall(
            f"SELECT coalesce(sum(n), 0) FROM open_need_counts WHERE {where}", params
        )
        return int(rows[0][0])

    async def open_needs_page(
        self, city_ids: Sequence[int], category: NeedCategory | None, limit: int, offset: int
    ) -> list[Need]:
        """Open needs in browse order: urgent first, then nearest deadline (none last), then id.

        `urgent IN (1, 0)` changes nothing (urgent is 0 or 1) but lets SQLite walk the index
        once per urgency and take `deadline NULLS LAST` straight from it, so one city's page
        reads a handful of index entries and sorts nothing, however big the city. Several
        cities are merged by a small sort: SQLite takes at most offset + limit entries per
        city and urgency from the index, so the cost grows with cities x pages, not needs.
        The index is named: for several cities and a category SQLite would otherwise pick
        needs_browse and, for a category a big city lacks, read the whole city (~100 ms).
        """
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must not be negative")
        if not city_ids:  # `IN ()` is valid SQLite, but planned as a scan of every need
            return []
        index = "needs_browse" if category is None else "needs_browse_category"
        where, params = self._browse_filter(city_ids, category)
        return await self._cached_fetchall(
            f"SELECT {_NEED_COLUMNS} FROM needs INDEXED BY {index} "
            f"WHERE status = 'open' AND {where} "
            "AND urgent IN (1, 0) ORDER BY urgent DESC, deadline NULLS LAST, id LIMIT ? OFFSET ?",
            (*params, limit, offset),
            convert=_need_from_row,
        )

    @staticmethod
    def _browse_filter(
        city_ids: Sequence[int], category: NeedCategory | None
    ) -> tuple[str, tuple[Any, ...]]:
        """The WHERE terms shared by the counts and the page, so both count the same needs.

        One city becomes `city_id IN (?)`, which SQLite treats as `city_id = ?`.
        """
        where = f"city_id IN ({','.join('?' * len(city_ids))})"
        params: tuple[Any, ...] = tuple(city_ids)
        if category is not None:
            where, params = where + " AND category = ?", (*params, category.value)
        return where, params

    # -- pledges ---------------------------------------------------------------------------

    async def reserve_pledge(
        self,
        *,
        need_id: int,
        platform: str,
        donor_id: int,
        amount: int,
        token: str,
        reference: str,
        now: int,
        expires_at: int,
        monthly: MonthlyClaim | None = None,
    ) -> tuple[Pledge | None, int]:
        """Reserve `amount` of a need for a donor, atomically; returns (pledge, remaining).

        The conditional UPDATE re-checks what remains in the same statement that takes it,
        and the transaction holds SQLite's write lock, so no interleaving of donors or
        processes can over-pledge. A token seen before returns that pledge unchanged (a
        redelivered confirmation). A lost race returns (None, what remains now).
        A `monthly` gift's month is claimed in the same transaction (MonthlyClaimLost, and
        nothing reserved, when another run already handled it).
        """
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                f"SELECT {_PLEDGE_COLUMNS} FROM pledges WHERE confirm_token = ?", (token,)
            )
            if rows:
                if monthly is not None:  # that month was pledged by an earlier run
                    raise MonthlyClaimLost(monthly.gift_id)
                pledge = _pledge_from_row(next(iter(rows)))
                return pledge, await self._remaining(db, pledge.need_id)
            taken = await self._take_share(db, need_id, amount, now)
            if taken is None:
                return None, await self._remaining(db, need_id)
            if await db.execute_fetchall("SELECT 1 FROM pledges WHERE reference = ?", (reference,)):
                raise CodeTaken(reference)  # rolls back the reservation above
            rows = await db.execute_fetchall(
                "INSERT INTO pledges (reference, need_id, platform, donor_id, amount, status, "
                "confirm_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                f"RETURNING {_PLEDGE_COLUMNS}",
                (
                    reference,
                    need_id,
                    platform,
                    donor_id,
                    amount,
                    PledgeStatus.AWAITING_PAYMENT.value,
                    token,
                    now,
                    expires_at,
                ),
            )
            pledge = _pledge_from_row(next(iter(rows)))
            if monthly is not None:
                await self._claim_month(db, monthly, "pledged", pledge.id, now)
                if monthly.notice:
                    await self._queue_pledge_notices(
                        db, [pledge], monthly.notice, now, monthly.notice_args
                    )
            return pledge, taken

    @staticmethod
    async def _take_share(
        db: aiosqlite.Connection, need_id: int, amount: int, now: int
    ) -> int | None:
        """Reserve `amount` of an open need if it still fits; returns what remains after,
        or None. The one conditional UPDATE that keeps every need from over-pledging."""
        taken = await db.execute_fetchall(
            "UPDATE needs SET reserved = reserved + :amount, updated_at = :now, "
            "status = CASE WHEN reserved + paid + :amount >= target "
            "THEN 'fully_pledged' ELSE status END "
            "WHERE id = :need AND status = 'open' AND reserved + paid + :amount <= target "
            "RETURNING target - reserved - paid",
            {"amount": amount, "now": now, "need": need_id},
        )
        return next(iter(taken))[0] if taken else None

    @staticmethod
    async def _remaining(db: aiosqlite.Connection, need_id: int) -> int:
        rows = await db.execute_fetchall(
            "SELECT CASE WHEN status = 'open' THEN target - reserved - paid ELSE 0 END "
            "FROM needs WHERE id = ?",
            (need_id,),
        )
        return next(iter(rows))[0] if rows else 0

    async def release_pledge(
        self, reference: str, to_status: PledgeStatus, now: int, notice: str | None = None
    ) -> Pledge | None:
        """Cancel or expire an awaiting pledge and give its share back to the need."""
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                "UPDATE pledges SET status = ? WHERE reference = ? AND status = ? "
                f"RETURNING {_PLEDGE_COLUMNS}",
                (to_status.value, reference, PledgeStatus.AWAITING_PAYMENT.value),
            )
            if not rows:
                return None
            pledge = _pledge_from_row(next(iter(rows)))
            await self._return_share(db, pledge, now)
            if notice:
                await self._queue_pledge_notices(db, [pledge], notice, now)
            return pledge

    @staticmethod
    async def _return_share(db: aiosqlite.Connection, pledge: Pledge, now: int) -> None:
        """A released pledge's reserved share goes back; a fully pledged need reopens."""
        await db.execute(
            "UPDATE needs SET reserved = reserved - ?, updated_at = ?, "
            "status = CASE WHEN status = 'fully_pledged' THEN 'open' ELSE status END "
            "WHERE id = ?",
            (pledge.amount, now, pledge.need_id),
        )

    async def reject_pledge(
        self, reference: str, reason: str, now: int, notice: str
    ) -> Pledge | None:
        """Staff found no payment: the pledge is rejected, its share returns to the need,
        and the donor's message (with the reason) is queued in the same transaction."""
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                "UPDATE pledges SET status = ?, expires_at = NULL WHERE reference = ? "
                f"AND status IN (?, ?) RETURNING {_PLEDGE_COLUMNS}",
                (
                    PledgeStatus.REJECTED.value,
                    reference,
                    PledgeStatus.AWAITING_PAYMENT.value,
                    PledgeStatus.PAYMENT_REPORTED.value,
                ),
            )
            if not rows:
                return None
            pledge = _pledge_from_row(next(iter(rows)))
            await self._return_share(db, pledge, now)
            await self._queue_pledge_notices(
                db, [pledge], notice, now, {"reason": reason}, repeatable=True
            )
            return pledge

    async def report_rejected_pledge_again(self, reference: str, now: int) -> Pledge | None:
        """The donor insists a rejected payment was made: the pledge takes its share of the
        need back (only if it still fits) and waits for staff again as a reported payment.
        None when the pledge is not rejected or the need has no room for it any more."""
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                f"SELECT {_PLEDGE_COLUMNS} FROM pledges WHERE reference = ? AND status = ?",
                (reference, PledgeStatus.REJECTED.value),
            )
            if not rows:
                return None
            pledge = _pledge_from_row(next(iter(rows)))
            if await self._take_share(db, pledge.need_id, pledge.amount, now) is None:
                return None
            rows = await db.execute_fetchall(
                "UPDATE pledges SET status = ?, expires_at = NULL WHERE id = ? "
                f"RETURNING {_PLEDGE_COLUMNS}",
                (PledgeStatus.PAYMENT_REPORTED.value, pledge.id),
            )
            return _pledge_from_row(next(iter(rows)))

    async def report_pledge_paid(
        self, reference: str, receipt_file_id: str | None, now: int
    ) -> Pledge | None:
        """The donor says they paid: expiry stops until staff confirm or reject."""
        rows = await self._fetchall(
            "UPDATE pledges SET status = ?, expires_at = NULL, "
            "receipt_file_id = coalesce(?, receipt_file_id) "
            f"WHERE reference = ? AND status = ? RETURNING {_PLEDGE_COLUMNS}",
            (
                PledgeStatus.PAYMENT_REPORTED.value,
                receipt_file_id,
                reference,
                PledgeStatus.AWAITING_PAYMENT.value,
            ),
        )
        return _pledge_from_row(rows[0]) if rows else None

    async def attach_receipt(
        self,
        reference: str,
        platform: str,
        donor_id: int,
        *,
        file_id: str | None = None,
        tracking: str | None = None,
        now: int,
    ) -> Pledge | None:
        """Keep a receipt (a photo or PDF's file id, or a typed tracking number) on the
        donor's own pledge, whatever its status: a receipt sent after staff decided is
        still kept (and staff told by the caller). A pledge still awaiting payment counts
        as reported paid from now on, so it no longer expires. None: not the donor's."""
        rows = await self._fetchall(
            "UPDATE pledges SET receipt_file_id = coalesce(?1, receipt_file_id), "
            "donor_tracking = coalesce(?2, donor_tracking), "
            "expires_at = CASE WHEN status = ?3 THEN NULL ELSE expires_at END, "
            "status = CASE WHEN status = ?3 THEN ?4 ELSE status END "
            "WHERE reference = ?5 AND platform = ?6 AND donor_id = ?7 "
            f"RETURNING {_PLEDGE_COLUMNS}",
            (file_id, tracking, PledgeStatus.AWAITING_PAYMENT.value,
             PledgeStatus.PAYMENT_REPORTED.value, reference, platform, donor_id),
        )  # fmt: skip
        return _pledge_from_row(rows[0]) if rows else None

    async def pending_pledges_of_donor(self, platform: str, donor_id: int) -> list[Pledge]:
        """The donor's pledges a receipt may be for: awaiting payment or reported paid."""
        rows = await self._fetchall(
            f"SELECT {_PLEDGE_COLUMNS} FROM pledges WHERE platform = ? AND donor_id = ? "
            "AND status IN (?, ?) ORDER BY created_at DESC, id DESC",
            (platform, donor_id, PledgeStatus.AWAITING_PAYMENT.value,
             PledgeStatus.PAYMENT_REPORTED.value),
        )  # fmt: skip
        return [_pledge_from_row(row) for row in rows]

    async def confirm_pledge_payment(
        self, reference: str, bank_reference: str | None, now: int, notice: str | None = None
    ) -> tuple[Pledge, Need] | None:
        """Staff saw the money: the reserved share becomes paid; a need paid in full is funded."""
        async with self._transaction() as db:
            paid = await self._pay_reserved_pledge(db, reference, bank_reference, now)
            if paid is None:
                return None
            pledge, need = paid
            if need.status is NeedStatus.CLOSED:  # paid after the need closed: a credit
                await self._credit_paid_pledges(db, [pledge], CREDIT_CLOSED_NOTICE, now)
                return pledge, need
            if notice:
                await self._queue_pledge_notices(db, [pledge], notice, now, _paid_facts(pledge))
            if need.status is NeedStatus.FUNDED:
                await self._queue_household_news(db, [need.id], "aid-news-funded", now)
            return pledge, need

    @staticmethod
    async def _pay_reserved_pledge(
        db: aiosqlite.Connection, reference: str, bank_reference: str, now: int
    ) -> tuple[Pledge, Need] | None:
        """An awaiting (or reported) pledge becomes paid and its reserved share moves to paid,
        inside the caller's transaction: the one path for staff and in-chat payments."""
        rows = await db.execute_fetchall(
            "UPDATE pledges SET status = ?, paid_at = ?, bank_reference = ?, expires_at = NULL "
            f"WHERE reference = ? AND status IN (?, ?) RETURNING {_PLEDGE_COLUMNS}",
            (
                PledgeStatus.PAID.value,
                now,
                bank_reference,
                reference,
                PledgeStatus.AWAITING_PAYMENT.value,
                PledgeStatus.PAYMENT_REPORTED.value,
            ),
        )
        if not rows:
            return None
        pledge = _pledge_from_row(next(iter(rows)))
        needs = await db.execute_fetchall(
            "UPDATE needs SET reserved = reserved - :amount, paid = paid + :amount, "
            "updated_at = :now, status = CASE WHEN status = 'closed' THEN status "
            "WHEN paid + :amount >= target THEN 'funded' "
            f"ELSE status END WHERE id = :need RETURNING {_NEED_COLUMNS}",
            {"amount": pledge.amount, "now": now, "need": pledge.need_id},
        )
        return pledge, _need_from_row(next(iter(needs)))

    async def mark_need_delivered(
        self,
        need_id: int,
        now: int,
        notice: str | None = None,
        *,
        unpaid_notice: str | None = None,
        token: str | None = None,
    ) -> tuple[list[Pledge], list[Pledge]] | None:
        """The help reached the family, in one transaction: the need and its paid pledges
        become delivered (those donors told), pledges still awaiting payment are cancelled
        (shares returned, donors told not to pay), the household hears it. Reported payments
        stay for staff to confirm. Returns (delivered, cancelled), or None when nothing was
        done: the need is closed, already delivered or has no confirmed payment, or the
        confirmation `token` was already used."""
        done = None
        async with self._confirmed(token, now) as db:
            updated = await db.execute_fetchall(
                "UPDATE needs SET status = 'delivered', updated_at = ? WHERE id = ? "
                "AND status NOT IN ('closed', 'delivered') AND paid > 0 RETURNING id",
                (now, need_id),
            )
            if not updated:
                raise _NothingDone
            rows = await db.execute_fetchall(
                "UPDATE pledges SET status = ? WHERE need_id = ? AND status = ? "
                f"RETURNING {_PLEDGE_COLUMNS}",
                (PledgeStatus.DELIVERED.value, need_id, PledgeStatus.PAID.value),
            )
            delivered = [_pledge_from_row(row) for row in rows]
            if notice:
                await self._queue_pledge_notices(db, delivered, notice, now)
            cancelled = await self._cancel_unpaid(db, need_id, unpaid_notice, now)
            await self._queue_household_news(db, [need_id], "aid-news-delivered", now)
            done = delivered, cancelled
        return done

    async def _cancel_unpaid(
        self, db: aiosqlite.Connection, need_id: int, notice: str | None, now: int
    ) -> list[Pledge]:
        """A need that ends (closed, delivered): pledges still awaiting payment are cancelled,
        their shares returned and their donors told not to pay (inside the caller's
        transaction)."""
        rows = await db.execute_fetchall(
            "UPDATE pledges SET status = ? WHERE need_id = ? AND status = ? "
            f"RETURNING {_PLEDGE_COLUMNS}",
            (PledgeStatus.CANCELLED.value, need_id, PledgeStatus.AWAITING_PAYMENT.value),
        )
        cancelled = [_pledge_from_row(row) for row in rows]
        for pledge in cancelled:
            await self._return_share(db, pledge, now)
        if notice:
            await self._queue_pledge_notices(db, cancelled, notice, now)
        return cancelled

    async def pledge_counts(self, need_id: int) -> dict[PledgeStatus, int]:
        """How many of a need's pledges are in each status: what an ending will tell whom."""
        rows = await self._fetchall(
            "SELECT status, count(*) FROM pledges WHERE need_id = ? GROUP BY status", (need_id,)
        )
        return {PledgeStatus(status): count for status, count in rows}

    async def households_linked_to_need(self, need_id: int) -> int:
        """How many verified people would hear news of this need (its household's links)."""
        rows = await self._fetchall(
            "SELECT count(*) FROM needs n JOIN beneficiary_links l "
            "ON l.national_code = n.beneficiary_national_code WHERE n.id = ?",
            (need_id,),
        )
        return int(rows[0][0])

    # -- one-time confirmations of irreversible staff actions ---------------------------------

    async def create_confirmation(
        self, token: str, platform: str, user_id: int, action: str, subject: str,
        details: dict[str, object] | None, now: int,
    ) -> None:  # fmt: skip
        await self._write(
            "INSERT INTO staff_confirmations (token, platform, user_id, action, subject, "
            "details, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (token, platform, user_id, action, subject,
             json.dumps(details, ensure_ascii=False) if details else None, now),
        )  # fmt: skip

    async def confirmation(self, token: str) -> dict[str, Any] | None:
        rows = await self._fetchall(
            "SELECT token, platform, user_id, action, subject, details, created_at, used_at "
            "FROM staff_confirmations WHERE token = ?",
            (token,),
        )
        if not rows:
            return None
        keys = ("token", "platform", "user_id", "action", "subject", "details", "created_at",
                "used_at")  # fmt: skip
        row = dict(zip(keys, rows[0], strict=True))
        row["details"] = json.loads(row["details"]) if row["details"] else {}
        return row

    async def use_confirmation(self, token: str, now: int) -> bool:
        """Spend a confirmation without acting (its "no" button); False if already spent."""
        async with self._transaction() as db:
            return await self._use_confirmation(db, token, now)

    @staticmethod
    async def _use_confirmation(db: aiosqlite.Connection, token: str, now: int) -> bool:
        rows = await db.execute_fetchall(
            "UPDATE staff_confirmations SET used_at = ? WHERE token = ? AND used_at IS NULL "
            "RETURNING token",
            (now, token),
        )
        return bool(rows)

    async def count_pledges_awaiting_confirmation(self, need_id: int | None = None) -> int:
        rows = await self._fetchall(
            "SELECT count(*) FROM pledges WHERE status IN (?, ?) AND (?3 IS NULL OR need_id = ?3)",
            (PledgeStatus.PAYMENT_REPORTED.value, PledgeStatus.AWAITING_PAYMENT.value, need_id),
        )
        return int(rows[0][0])

    async def pledges_awaiting_confirmation(
        self, limit: int, offset: int = 0, need_id: int | None = None
    ) -> list[Pledge]:
        """Pledges staff must check: reported payments (receipts first), then awaiting ones;
        all of them, or one need's."""
        rows = await self._fetchall(
            f"SELECT {_PLEDGE_COLUMNS} FROM pledges WHERE status IN (:reported, :awaiting) "
            "AND (:need IS NULL OR need_id = :need) ORDER BY status = :reported DESC, "
            "receipt_file_id IS NOT NULL DESC, created_at, id LIMIT :limit OFFSET :offset",
            {  # type: ignore[arg-type]
                "reported": PledgeStatus.PAYMENT_REPORTED.value,
                "awaiting": PledgeStatus.AWAITING_PAYMENT.value,
                "need": need_id,
                "limit": limit,
                "offset": offset,
            },
        )
        return [_pledge_from_row(row) for row in rows]

    async def undo_confirmation(self, reference: str, now: int, notice: str) -> Pledge | None:
        """A wrong confirmation: paid becomes payment-reported again, the amount moves back
        from paid to reserved (a funded need reopens as fully pledged), the donor is told."""
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                "UPDATE pledges SET status = ?, paid_at = NULL, bank_reference = NULL "
                f"WHERE reference = ? AND status = ? RETURNING {_PLEDGE_COLUMNS}",
                (PledgeStatus.PAYMENT_REPORTED.value, reference, PledgeStatus.PAID.value),
            )
            if not rows:
                return None
            pledge = _pledge_from_row(next(iter(rows)))
            await db.execute(
                "UPDATE needs SET paid = paid - :amount, reserved = reserved + :amount, "
                "updated_at = :now, status = CASE WHEN status = 'funded' THEN 'fully_pledged' "
                "ELSE status END WHERE id = :need",
                {"amount": pledge.amount, "now": now, "need": pledge.need_id},
            )
            await self._queue_pledge_notices(db, [pledge], notice, now)
            return pledge

    async def pledge_by_token(self, token: str) -> Pledge | None:
        rows = await self._fetchall(
            f"SELECT {_PLEDGE_COLUMNS} FROM pledges WHERE confirm_token = ?", (token,)
        )
        return _pledge_from_row(rows[0]) if rows else None

    async def pledge(self, reference: str) -> Pledge | None:
        rows = await self._fetchall(
            f"SELECT {_PLEDGE_COLUMNS} FROM pledges WHERE reference = ?", (reference,)
        )
        return _pledge_from_row(rows[0]) if rows else None

    async def expired_pledges(self, now: int, platform: str) -> list[Pledge]:
        """Awaiting pledges whose time ran out (expiry is a row with a due time, not a timer).

        Per platform: each bot process expires the pledges of the donors it can tell.
        """
        rows = await self._fetchall(
            f"SELECT {_PLEDGE_COLUMNS} FROM pledges WHERE status = ? AND expires_at <= ? "
            "AND platform = ?",
            (PledgeStatus.AWAITING_PAYMENT.value, now, platform),
        )
        return [_pledge_from_row(row) for row in rows]

    async def remind_pledges(self, now: int, platform: str, notice: str) -> list[Pledge]:
        """Queue a reminder for awaiting pledges past half their time, once: the pledge is
        marked and the message queued in one transaction, so no restart repeats or loses it."""
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                "UPDATE pledges SET reminded = 1 WHERE status = ? AND reminded = 0 "
                "AND expires_at IS NOT NULL AND created_at + (expires_at - created_at) / 2 <= ? "
                f"AND platform = ? RETURNING {_PLEDGE_COLUMNS}",
                (PledgeStatus.AWAITING_PAYMENT.value, now, platform),
            )
            reminded = [_pledge_from_row(row) for row in rows]
            await self._queue_pledge_notices(db, reminded, notice, now)
            return reminded

    async def pledges_of_donor(
        self, platform: str, donor_id: int, limit: int, offset: int = 0
    ) -> list[Pledge]:
        rows = await self._fetchall(
            f"SELECT {_PLEDGE_COLUMNS} FROM pledges WHERE platform = ? AND donor_id = ? "
            "ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
            (platform, donor_id, limit, offset),
        )
        return [_pledge_from_row(row) for row in rows]

    async def count_pledges_of_donor(self, platform: str, donor_id: int) -> int:
        """How many pledges `pledges_of_donor` pages through: for "page X of Y"."""
        rows = await self._fetchall(
            "SELECT count(*) FROM pledges WHERE platform = ? AND donor_id = ?",
            (platform, donor_id),
        )
        return int(rows[0][0])

    # -- payments in the chat -----------------------------------------------------------------
    # An invoice is offered once per "Pay now" (its payload names the pledge and a nonce);
    # pre-checkout reads it with its pledge in one indexed query; a successful payment is
    # recorded, allocated (or not), announced and audited in one transaction.

    async def create_invoice(
        self, pledge_id: int, payload: str, amount: int, currency: str, now: int
    ) -> None:
        await self._write(
            "INSERT INTO invoices (payload, pledge_id, amount, currency, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (payload, pledge_id, amount, currency, now),
        )

    async def invoice_check(self, payload: str) -> InvoiceCheck | None:
        """The invoice and its pledge's state, by the payload's unique index: pre-checkout
        must answer within seconds, so this is its only read."""
        rows = await self._read_in_loop(
            "SELECT p.reference, i.amount, i.currency, i.paid_at IS NOT NULL, p.status, "
            "p.expires_at FROM invoices i JOIN pledges p ON p.id = i.pledge_id "
            "WHERE i.payload = ?",
            (payload,),
        )
        if not rows:
            return None
        reference, amount, currency, used, status, expires_at = rows[0]
        return InvoiceCheck(
            reference, amount, currency, bool(used), PledgeStatus(status), expires_at
        )

    async def record_payment(
        self, payment: IncomingPayment, now: int, *, paid_notice: str, unallocated_notice: str
    ) -> PaymentResult:
        """Money arrived: in ONE transaction record it, pay its pledge (or keep it
        unallocated), queue the donor's thanks and the household's news, and audit it with
        the payment as the actor. Never refuses: the money has left the donor's account.

        A redelivered update (same charge id) returns DUPLICATE and changes nothing. A pledge
        that expired or was cancelled after its pre-checkout takes its share again only if
        the need still has room (one conditional UPDATE, so no race over-funds it); a pledge
        already paid, or no room, leaves the amount unallocated for the donor's choice.
        """
        async with self._transaction() as db:
            if await self._payment_known(db, payment, now):
                return PaymentResult(PaymentOutcome.DUPLICATE, 0, 0)
            pledge = await self._invoiced_pledge(db, payment.payload)
            outcome, need = await self._allocate(db, payment, pledge, now)
            if outcome is not PaymentOutcome.UNALLOCATED:
                pledge = await self._pledge_by_id(db, pledge.id)  # type: ignore[union-attr]
            allocated = 0 if outcome is PaymentOutcome.UNALLOCATED else payment.amount
            inserted = await db.execute_fetchall(
                "INSERT INTO payments (platform, donor_id, pledge_id, invoice_payload, amount, "
                "currency, allocated, unallocated, telegram_payment_charge_id, "
                "provider_payment_charge_id, paid_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "RETURNING id",
                (payment.platform, payment.donor_id, pledge.id if pledge else None,
                 payment.payload, payment.amount, payment.currency, allocated,
                 payment.amount - allocated, payment.charge_id,
                 payment.provider_charge_id or None, now),
            )  # fmt: skip
            await self._settle_checkout(db, payment, next(iter(inserted))[0], now)
            credit_id = None
            if allocated < payment.amount:  # no toman without a home: the donor's credit
                credit_id = await self._open_credit(
                    db, platform=payment.platform, donor_id=payment.donor_id,
                    amount=payment.amount - allocated, source=CreditSource.PAYMENT,
                    pledge=pledge, payment_id=int(next(iter(inserted))[0]), now=now,
                )  # fmt: skip
            await db.execute(
                "UPDATE invoices SET paid_at = coalesce(paid_at, ?) WHERE payload = ?",
                (now, payment.payload),
            )
            result = PaymentResult(outcome, allocated, payment.amount - allocated, pledge)
            await self._announce_payment(db, result, payment, need, now, paid_notice,
                                         unallocated_notice, credit_id)  # fmt: skip
            await self._insert_audit(
                db, at=now, action="payment_received", platform=payment.platform,
                actor_id=None, subject_type="payment", subject_id=payment.charge_id,
                details={"actor": "payment", "pledge": pledge.reference if pledge else None,
                         "outcome": outcome.value, "amount": payment.amount,
                         "allocated": allocated, "unallocated": payment.amount - allocated,
                         "currency": payment.currency,
                         "provider_charge_id": payment.provider_charge_id,
                         "via": "inquiry" if payment.transaction_id else "update"},
            )  # fmt: skip
            return result

    @staticmethod
    async def _invoiced_pledge(db: aiosqlite.Connection, payload: str) -> Pledge | None:
        rows = await db.execute_fetchall(
            f"SELECT {', '.join('p.' + c for c in _PLEDGE_COLUMNS.split(', '))} "
            "FROM invoices i JOIN pledges p ON p.id = i.pledge_id WHERE i.payload = ?",
            (payload,),
        )
        return _pledge_from_row(next(iter(rows))) if rows else None

    @staticmethod
    async def _pledge_by_id(db: aiosqlite.Connection, pledge_id: int) -> Pledge:
        rows = await db.execute_fetchall(
            f"SELECT {_PLEDGE_COLUMNS} FROM pledges WHERE id = ?", (pledge_id,)
        )
        return _pledge_from_row(next(iter(rows)))

    async def _allocate(
        self, db: aiosqlite.Connection, payment: IncomingPayment, pledge: Pledge | None, now: int
    ) -> tuple[PaymentOutcome, Need | None]:
        """Give the payment its pledge's share: the reserved one, or a fresh one if the need
        still has room; else nothing (UNALLOCATED)."""
        if pledge is None or payment.amount != pledge.amount:
            return PaymentOutcome.UNALLOCATED, None
        if pledge.status in (PledgeStatus.AWAITING_PAYMENT, PledgeStatus.PAYMENT_REPORTED):
            paid = await self._pay_reserved_pledge(db, pledge.reference, payment.charge_id, now)
            if paid is not None and paid[1].status is NeedStatus.CLOSED:
                await self._credit_paid_pledges(db, [paid[0]], CREDIT_CLOSED_NOTICE, now)
            if paid is not None:
                return PaymentOutcome.PAID, paid[1]
        if pledge.status not in (
            PledgeStatus.EXPIRED, PledgeStatus.CANCELLED, PledgeStatus.REJECTED
        ):  # fmt: skip
            return PaymentOutcome.UNALLOCATED, None
        taken = await self._pay_into_need(db, pledge.need_id, pledge.amount, now)
        if taken is None:
            return PaymentOutcome.UNALLOCATED, None
        await db.execute(
            "UPDATE pledges SET status = ?, paid_at = ?, bank_reference = ?, expires_at = NULL "
            "WHERE id = ?",
            (PledgeStatus.PAID.value, now, payment.charge_id, pledge.id),
        )
        return PaymentOutcome.RESERVED_AGAIN, taken

    @staticmethod
    async def _pay_into_need(
        db: aiosqlite.Connection, need_id: int, amount: int, now: int
    ) -> Need | None:
        """Money already paid goes straight into an open need if it still fits (one
        conditional UPDATE, as pledging): the need after, or None when it has no room."""
        taken = await db.execute_fetchall(
            "UPDATE needs SET paid = paid + :amount, updated_at = :now, status = CASE "
            "WHEN paid + :amount >= target THEN 'funded' "
            "WHEN reserved + paid + :amount >= target THEN 'fully_pledged' ELSE status END "
            "WHERE id = :need AND status = 'open' AND reserved + paid + :amount <= target "
            f"RETURNING {_NEED_COLUMNS}",
            {"amount": amount, "now": now, "need": need_id},
        )
        return _need_from_row(next(iter(taken))) if taken else None

    async def _announce_payment(
        self,
        db: aiosqlite.Connection,
        result: PaymentResult,
        payment: IncomingPayment,
        need: Need | None,
        now: int,
        paid_notice: str,
        unallocated_notice: str,
        credit_id: int | None = None,
    ) -> None:
        """The donor's thanks (or the word that the money is safe), and the household's news
        when the need is now funded: queued with the payment, so each goes out once."""
        if result.pledge is None:
            return  # no pledge to name (an invoice this bot never made): staff see the row
        if result.outcome is PaymentOutcome.UNALLOCATED:
            await self._queue_pledge_notices(
                db, [result.pledge], unallocated_notice, now, {"credit": credit_id},
                dedupe=payment.charge_id,
            )  # fmt: skip
            return
        await self._queue_pledge_notices(
            db, [result.pledge], paid_notice, now, _paid_facts(result.pledge, payment)
        )
        if need is not None and need.status is NeedStatus.FUNDED:
            await self._queue_household_news(db, [need.id], "aid-news-funded", now)

    async def ledger(self) -> tuple[int, int, int]:
        """(sum of payments, allocated, unallocated) over every payment: the first is always
        the sum of the other two."""
        rows = await self._fetchall(
            "SELECT coalesce(sum(amount), 0), coalesce(sum(allocated), 0), "
            "coalesce(sum(unallocated), 0) FROM payments"
        )
        return tuple(rows[0])  # type: ignore[return-value]

    async def payments_of_pledge(self, reference: str) -> list[dict[str, Any]]:
        """Every payment recorded for a pledge, oldest first (for staff and tests)."""
        rows = await self._fetchall(
            "SELECT y.amount, y.currency, y.allocated, y.unallocated, "
            "y.telegram_payment_charge_id, y.provider_payment_charge_id, y.paid_at "
            "FROM payments y JOIN pledges p ON p.id = y.pledge_id WHERE p.reference = ? "
            "ORDER BY y.id",
            (reference,),
        )
        keys = ("amount", "currency", "allocated", "unallocated", "charge_id",
                "provider_charge_id", "paid_at")  # fmt: skip
        return [dict(zip(keys, row, strict=True)) for row in rows]

    # -- reconciliation of in-chat payments (see 0022_reconcile.sql, bot/domain/reconcile.py)
    # Every approved pre-checkout is a checkout. Payments for one invoice are interchangeable
    # (same pledge, same amount), so what must hold is a count: each transaction Bale calls
    # paid has exactly one payment row, whichever arrives first, the successful_payment
    # update or the inquiry's answer. Both go through `record_payment` (one transaction).

    async def record_checkout(self, checkout: Checkout) -> None:
        """An approved pre-checkout, written before the approval is sent: if the money then
        moves and its update is lost, the reconciliation job still knows to ask."""
        await self._checkouts.write(
            (checkout.transaction_id, checkout.platform, checkout.donor_id, checkout.payload,
             checkout.amount, checkout.currency, checkout.approved_at,
             checkout.next_inquiry_at)
        )  # fmt: skip

    async def _payment_known(
        self, db: aiosqlite.Connection, payment: IncomingPayment, now: int
    ) -> bool:
        """Whether this money is already counted, so recording it again would count it twice.

        A charge id seen before is a redelivery. An inquiry's answer counts nothing for a
        checkout no longer awaiting, and takes an update's payment for the same invoice that
        no checkout claimed yet (the update came first). An update for an invoice whose
        payment reconciliation already recorded is that payment: it is linked, nothing more.
        """
        seen = await db.execute_fetchall(
            "SELECT NULL FROM payments WHERE telegram_payment_charge_id = :charge "
            "UNION ALL SELECT NULL FROM checkouts WHERE charge_id = :charge "
            "UNION ALL SELECT * FROM (SELECT transaction_id FROM checkouts "
            "WHERE invoice_payload = :payload AND state = 'reconciled' AND charge_id IS NULL "
            "ORDER BY approved_at, transaction_id LIMIT 1)",
            {"charge": payment.charge_id, "payload": payment.payload},
        )
        found = [row[0] for row in seen]  # None: this charge id is known
        if None in found:
            return True
        if payment.transaction_id is not None:
            return await self._claim_update_payment(db, payment, now)
        if not found:
            return False
        await db.execute(  # the update of money reconciliation recorded: linked, no more
            "UPDATE checkouts SET charge_id = ? WHERE transaction_id = ?",
            (payment.charge_id, found[0]),
        )
        return True

    @staticmethod
    async def _claim_update_payment(
        db: aiosqlite.Connection, payment: IncomingPayment, now: int
    ) -> bool:
        """For an inquiry's "paid": True (nothing to count) when its checkout is settled, or
        when an update's payment for the invoice is not yet claimed by any checkout (it is
        this transaction's money: the checkout takes it)."""
        state = await db.execute_fetchall(
            "SELECT state FROM checkouts WHERE transaction_id = ?", (payment.transaction_id,)
        )
        if not state or state[0][0] != "awaiting":
            return True
        unclaimed = await db.execute_fetchall(
            "SELECT id, telegram_payment_charge_id FROM payments WHERE invoice_payload = ? "
            "AND id NOT IN (SELECT payment_id FROM checkouts WHERE payment_id IS NOT NULL) "
            "ORDER BY id LIMIT 1",
            (payment.payload,),
        )
        if not unclaimed:
            return False
        payment_id, charge_id = next(iter(unclaimed))
        await db.execute(
            "UPDATE checkouts SET state = 'paid', charge_id = ?, payment_id = ?, "
            "next_inquiry_at = NULL, settled_at = ? WHERE transaction_id = ?",
            (charge_id, payment_id, now, payment.transaction_id),
        )
        return True

    @staticmethod
    async def _settle_checkout(
        db: aiosqlite.Connection, payment: IncomingPayment, payment_id: int, now: int
    ) -> None:
        """The checkout this new payment settles: the inquired one (reconciled), or the one
        awaiting checkout of its invoice when there is exactly one (paid). With several
        awaiting, which one paid is not known: they stay for the job, which asks Bale."""
        if payment.transaction_id is not None:
            await db.execute(
                "UPDATE checkouts SET state = 'reconciled', payment_id = ?, "
                "next_inquiry_at = NULL, settled_at = ? WHERE transaction_id = ?",
                (payment_id, now, payment.transaction_id),
            )
            return
        await db.execute(
            "UPDATE checkouts SET state = 'paid', charge_id = :charge, payment_id = :payment, "
            "next_inquiry_at = NULL, settled_at = :now WHERE invoice_payload = :payload "
            "AND state = 'awaiting' AND (SELECT count(*) FROM checkouts "
            "WHERE invoice_payload = :payload AND state = 'awaiting') = 1",
            {"charge": payment.charge_id, "payment": payment_id, "now": now,
             "payload": payment.payload},
        )  # fmt: skip

    async def due_checkouts(self, platform: str, now: int, limit: int) -> list[Checkout]:
        """Approved checkouts still awaiting their money whose next question is due."""
        rows = await self._fetchall(
            f"SELECT {_CHECKOUT_COLUMNS} FROM checkouts WHERE platform = ? "
            "AND next_inquiry_at IS NOT NULL AND next_inquiry_at <= ? "
            "ORDER BY next_inquiry_at LIMIT ?",
            (platform, now, limit),
        )
        return [_checkout_from_row(row) for row in rows]

    async def checkout(self, transaction_id: str) -> Checkout | None:
        rows = await self._fetchall(
            f"SELECT {_CHECKOUT_COLUMNS} FROM checkouts WHERE transaction_id = ?",
            (transaction_id,),
        )
        return _checkout_from_row(rows[0]) if rows else None

    async def record_inquiry(
        self,
        checkout: Checkout,
        inquiry: Inquiry,
        now: int,
        *,
        state: CheckoutState,
        next_at: int | None,
    ) -> bool:
        """What Bale answered, as a row, and the checkout's next step, in one transaction:
        its next question (`next_at`), or settled as declined or given up (then NULL). A
        give-up is audited with the payment as the actor, for staff. False (nothing written)
        when the checkout was settled meanwhile (its update arrived)."""
        async with self._transaction() as db:
            moved = await db.execute_fetchall(
                "UPDATE checkouts SET inquiries = inquiries + 1, state = ?, next_inquiry_at = ?, "
                "settled_at = CASE WHEN ? IS NULL THEN ? END "
                "WHERE transaction_id = ? AND state = 'awaiting' RETURNING inquiries",
                (state.value, next_at, next_at, now, checkout.transaction_id),
            )
            if not moved:
                return False
            await db.execute(
                "INSERT INTO checkout_inquiries (transaction_id, asked_at, answer, amount, "
                "detail) VALUES (?, ?, ?, ?, ?)",
                (checkout.transaction_id, now, inquiry.answer.value, inquiry.amount,
                 inquiry.detail[:200] or None),
            )  # fmt: skip
            if state is CheckoutState.GIVEN_UP:
                await self._insert_audit(
                    db, at=now, action="payment_inquiry_given_up", platform=checkout.platform,
                    actor_id=None, subject_type="payment",
                    subject_id=checkout.payload.split(":", 1)[0],
                    details={"actor": "payment", "transaction": checkout.transaction_id,
                             "inquiries": next(iter(moved))[0],
                             "last_answer": inquiry.answer.value, "amount": checkout.amount},
                )  # fmt: skip
            return True

    async def inquiries_of(self, transaction_id: str) -> list[dict[str, Any]]:
        """Every question asked about a checkout and what was heard, oldest first."""
        rows = await self._fetchall(
            "SELECT asked_at, answer, amount, detail FROM checkout_inquiries "
            "WHERE transaction_id = ? ORDER BY id",
            (transaction_id,),
        )
        keys = ("asked_at", "answer", "amount", "detail")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    # -- credit: paid money with no need to go to (see 0020_credits.sql) -------------------
    # Every move of credit (opened, moved to a need, given to the office, decided by the
    # office, placed by staff) is one transaction with one audit row. Money placed on a need
    # becomes a paid pledge funded by the credit, taken by the same conditional UPDATE that
    # keeps pledges from over-committing a need.

    _CREDIT_COLUMNS = (
        "id, platform, donor_id, amount, unallocated, office, source, need_id, pledge_id, "
        "created_at, decided_at, decided_by"
    )

    @staticmethod
    def _credit_from_row(row: Sequence[Any]) -> Credit:
        values = list(row)
        values[6] = CreditSource(values[6])
        return Credit(*values)

    async def _open_credit(
        self, db: aiosqlite.Connection, *, platform: str, donor_id: int, amount: int,
        source: CreditSource, pledge: Pledge | None, payment_id: int | None, now: int,
    ) -> int:  # fmt: skip
        """A credit in the donor's name, inside the caller's transaction, audited."""
        rows = await db.execute_fetchall(
            "INSERT INTO credits (platform, donor_id, amount, unallocated, source, need_id, "
            "pledge_id, payment_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (platform, donor_id, amount, amount, source.value,
             pledge.need_id if pledge else None, pledge.id if pledge else None, payment_id,
             now),
        )  # fmt: skip
        credit_id = int(next(iter(rows))[0])
        await self._insert_audit(
            db, at=now, action="credit_opened", platform=platform, actor_id=None,
            subject_type="credit", subject_id=str(credit_id),
            details={"source": source.value, "amount": amount,
                     "pledge": pledge.reference if pledge else None},
        )  # fmt: skip
        return credit_id

    async def _credit_paid_pledges(
        self, db: aiosqlite.Connection, pledges: Sequence[Pledge], notice: str, now: int
    ) -> None:
        """Paid money pledges of a need that ended without them (closed): each one's money
        leaves the need and becomes its donor's credit, and the donor is asked where it
        goes. The pledge is cancelled but keeps its `paid_at`: it was paid."""
        for pledge in pledges:
            await db.execute(
                "UPDATE pledges SET status = ? WHERE id = ?",
                (PledgeStatus.CANCELLED.value, pledge.id),
            )
            await db.execute(
                "UPDATE needs SET paid = paid - ?, updated_at = ? WHERE id = ?",
                (pledge.amount, now, pledge.need_id),
            )
            credit_id = await self._open_credit(
                db, platform=pledge.platform, donor_id=pledge.donor_id, amount=pledge.amount,
                source=CreditSource.NEED_CLOSED, pledge=pledge, payment_id=None, now=now,
            )  # fmt: skip
            await self._queue_pledge_notices(db, [pledge], notice, now, {"credit": credit_id})

    async def _paid_money_pledges(self, db: aiosqlite.Connection, need_id: int) -> list[Pledge]:
        rows = await db.execute_fetchall(
            f"SELECT {', '.join('p.' + c for c in _PLEDGE_COLUMNS.split(', '))} "
            "FROM pledges p JOIN needs n ON n.id = p.need_id "
            "WHERE p.need_id = ? AND p.status = ? AND n.kind = 'money'",
            (need_id, PledgeStatus.PAID.value),
        )
        return [_pledge_from_row(row) for row in rows]

    async def credit(self, credit_id: int) -> Credit | None:
        rows = await self._fetchall(
            f"SELECT {self._CREDIT_COLUMNS} FROM credits WHERE id = ?", (credit_id,)
        )
        return self._credit_from_row(rows[0]) if rows else None

    async def credits_of_donor(self, platform: str, donor_id: int) -> list[Credit]:
        """The donor's credits still waiting for their choice, oldest first."""
        rows = await self._fetchall(
            f"SELECT {self._CREDIT_COLUMNS} FROM credits WHERE platform = ? AND donor_id = ? "
            "AND unallocated > 0 ORDER BY id",
            (platform, donor_id),
        )
        return [self._credit_from_row(row) for row in rows]

    async def similar_needs(
        self, need: Need, *, same_city: bool, limit: int, exclude: int | None = None
    ) -> list[Need]:
        """Open money needs with room, of `need`'s category, in its city (or province),
        most urgent first as browsing orders them: where its donor's credit could go."""
        place = "city_id = :place" if same_city else "province_id = :place"
        rows = await self._fetchall(
            f"SELECT {_NEED_COLUMNS} FROM needs WHERE status = 'open' AND kind = 'money' "
            f"AND category = :category AND {place} AND reserved + paid < target "
            "AND id != :exclude ORDER BY urgent DESC, deadline IS NULL, deadline, created_at, "
            "id LIMIT :limit",
            {"place": need.city_id if same_city else need.province_id,  # type: ignore[dict-item]
             "category": need.category.value, "exclude": exclude or need.id, "limit": limit},
        )  # fmt: skip
        return [_need_from_row(row) for row in rows]

    async def move_credit(
        self, credit_id: int, need_id: int | None, now: int, *, by: str,
        platform: str | None = None, donor_id: int | None = None, office_rest: bool = False,
        notice: str | None = None, due_before: int | None = None,
    ) -> CreditMove | None:  # fmt: skip
        """Place a credit's unallocated money, in one transaction with one audit row.

        As much as the need (`need_id`, when given) can take goes to it as a paid pledge;
        with `office_rest` what is left goes to the office. `platform`/`donor_id` make it
        the donor's own act (someone else's credit is None); `due_before` makes it the
        office's decision on a credit created before then (one not yet due is None), with
        the donor told by `notice`. None also when nothing is unallocated any more: each
        credit is decided once, however often a button is pressed or the clock ticks.
        """
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                f"SELECT {self._CREDIT_COLUMNS} FROM credits WHERE id = ? AND unallocated > 0",
                (credit_id,),
            )
            if not rows:
                return None
            credit = self._credit_from_row(next(iter(rows)))
            if donor_id is not None and (credit.platform, credit.donor_id) != (platform, donor_id):
                return None
            if due_before is not None and credit.created_at > due_before:
                return None
            moved, need, pledge = 0, None, None
            if need_id is not None:
                need, pledge = await self._fund_from_credit(db, credit, credit.unallocated,
                                                            need_id, now)  # fmt: skip
                moved = pledge.amount if pledge else 0
            to_office = credit.unallocated - moved if office_rest else 0
            if not moved and not to_office:
                return CreditMove(credit, need=need)  # the need was full: nothing changed
            rows = await db.execute_fetchall(
                "UPDATE credits SET unallocated = unallocated - ?, office = office + ?, "
                "decided_at = ?, decided_by = ? WHERE id = ? "
                f"RETURNING {self._CREDIT_COLUMNS}",
                (moved + to_office, to_office, now, by, credit.id),
            )
            done = CreditMove(self._credit_from_row(next(iter(rows))), moved, to_office,
                              need, pledge)  # fmt: skip
            await self._insert_audit(
                db, at=now, action="credit_decided" if due_before else "credit_moved",
                platform=credit.platform, actor_id=None,  # never a donor's id: see /forget
                subject_type="credit", subject_id=str(credit.id),
                details={"by": by, "need": need.code if need and moved else None,
                         "pledge": pledge.reference if pledge else None, "moved": moved,
                         "office": to_office, "left": done.credit.unallocated},
            )  # fmt: skip
            if notice:
                await db.execute(
                    "INSERT OR IGNORE INTO outbox (platform, user_id, message_id, args, due_at, "
                    "created_at, dedupe_key) SELECT ?, ?, ?, ?, ?, ?, ? WHERE ? > 0",
                    (credit.platform, credit.donor_id, notice,
                     json.dumps({"credit": credit.id, "amount": moved, "office": to_office,
                                 "code": need.code if need and moved else None}),
                     now, now, f"{notice}:{credit.id}", credit.donor_id),
                )  # fmt: skip
            return done

    async def _fund_from_credit(
        self, db: aiosqlite.Connection, credit: Credit, most: int, need_id: int, now: int
    ) -> tuple[Need | None, Pledge | None]:
        """Up to `most` of a credit goes to an open money need, as much as it has room for
        (one conditional UPDATE, as pledging): a new paid pledge in the credit's donor's
        name, and the household's news if the need is now funded."""
        rows = await db.execute_fetchall(
            "SELECT min(:most, target - reserved - paid) FROM needs WHERE id = :need "
            "AND status = 'open' AND kind = 'money' AND reserved + paid < target",
            {"most": most, "need": need_id},
        )
        amount = int(next(iter(rows))[0] or 0) if rows else 0
        if amount <= 0:
            return await self._need_in(db, need_id), None
        need = await self._pay_into_need(db, need_id, amount, now)
        if need is None:  # cannot happen inside this transaction; never over-commit anyway
            return await self._need_in(db, need_id), None
        reference = public_codes.new_pledge_reference()
        while await db.execute_fetchall("SELECT 1 FROM pledges WHERE reference = ?", (reference,)):
            reference = public_codes.new_pledge_reference()
        rows = await db.execute_fetchall(
            "INSERT INTO pledges (reference, need_id, platform, donor_id, amount, status, "
            "confirm_token, created_at, paid_at, bank_reference, funded_by_credit) "
            f"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING {_PLEDGE_COLUMNS}",
            (reference, need_id, credit.platform, credit.donor_id, amount,
             PledgeStatus.PAID.value, public_codes.new_confirm_token(), now, now,
             f"credit-{credit.id}", credit.id),
        )  # fmt: skip
        if need.status is NeedStatus.FUNDED:
            await self._queue_household_news(db, [need.id], "aid-news-funded", now)
        return need, _pledge_from_row(next(iter(rows)))

    @staticmethod
    async def _need_in(db: aiosqlite.Connection, need_id: int) -> Need | None:
        rows = await db.execute_fetchall(
            f"SELECT {_NEED_COLUMNS} FROM needs WHERE id = ?", (need_id,)
        )
        return _need_from_row(next(iter(rows))) if rows else None

    async def due_credits(self, platform: str, created_before: int, limit: int) -> list[Credit]:
        """Credits still undecided that were opened before `created_before`: the office's
        to decide now (the due time is created_at + REDIRECT_DECISION_DAYS)."""
        rows = await self._fetchall(
            f"SELECT {self._CREDIT_COLUMNS} FROM credits WHERE unallocated > 0 "
            "AND created_at <= ? AND platform = ? ORDER BY created_at, id LIMIT ?",
            (created_before, platform, limit),
        )
        return [self._credit_from_row(row) for row in rows]

    async def office_share(self) -> int:
        rows = await self._fetchall("SELECT coalesce(sum(office), 0) FROM credits")
        return int(rows[0][0])

    async def place_office_share(
        self, need_id: int, now: int, *, platform: str, actor_id: int, token: str | None = None
    ) -> tuple[Need, int] | None:
        """Staff place the office's share on a need, oldest credits first, as much as the
        need has room for, spending the confirmation `token`; one audit row with the staff
        member as actor. Returns (the need after, amount placed), or None when nothing was
        placed (no share, no room, the token spent)."""
        placed: tuple[Need, int] | None = None
        async with self._confirmed(token, now) as db:
            rows = await db.execute_fetchall(
                f"SELECT {self._CREDIT_COLUMNS} FROM credits WHERE office > 0 ORDER BY id"
            )
            total, need, pledges = 0, None, []
            for row in rows:
                credit = self._credit_from_row(row)
                need, pledge = await self._fund_from_credit(db, credit, credit.office,
                                                            need_id, now)  # fmt: skip
                if pledge is None:
                    break
                await db.execute(
                    "UPDATE credits SET office = office - ? WHERE id = ?",
                    (pledge.amount, credit.id),
                )
                total += pledge.amount
                pledges.append(pledge.reference)
            if not total or need is None:
                raise _NothingDone
            await self._insert_audit(
                db, at=now, action="office_share_placed", platform=platform, actor_id=actor_id,
                subject_type="need", subject_id=need.code,
                details={"amount": total, "pledges": pledges},
            )  # fmt: skip
            placed = need, total
        return placed

    async def credit_totals(self) -> tuple[int, int]:
        """(unallocated, office share) over every credit: for /stats."""
        rows = await self._fetchall(
            "SELECT coalesce(sum(unallocated), 0), coalesce(sum(office), 0) FROM credits"
        )
        return int(rows[0][0]), int(rows[0][1])

    async def credits_for_export(self) -> list[tuple[Any, ...]]:
        """Every credit with its origin and where its money is now, oldest first."""
        rows = await self._fetchall(
            "SELECT c.id, c.source, p.reference, n.code, c.amount, c.unallocated, c.office, "
            "c.amount - c.unallocated - c.office, c.created_at, c.decided_by FROM credits c "
            "LEFT JOIN pledges p ON p.id = c.pledge_id LEFT JOIN needs n ON n.id = c.need_id "
            "ORDER BY c.id"
        )
        return [tuple(row) for row in rows]

    async def ledger_problems(self) -> list[str]:
        """Every way the money does not add up, in words (empty when all is well).

        For each donor: what they paid (in the chat, or confirmed by staff) equals what is
        allocated (their paid pledges) plus their unallocated credit plus what they gave the
        office. For each credit: its amount is what is unallocated, the office's and what
        it funded. For each need: nothing over its target, and `paid` is its pledges'.
        """
        async with self._lock:
            donors = await self.db.execute_fetchall(
                "WITH received AS ("
                " SELECT platform, donor_id, amount FROM payments"
                " UNION ALL SELECT p.platform, p.donor_id, p.amount FROM pledges p"
                "  JOIN needs n ON n.id = p.need_id WHERE n.kind = 'money'"
                "  AND p.paid_at IS NOT NULL AND p.funded_by_credit IS NULL"
                "  AND NOT EXISTS (SELECT 1 FROM payments y WHERE y.pledge_id = p.id"
                "   AND y.allocated > 0)),"
                " homes AS ("
                " SELECT p.platform, p.donor_id, p.amount FROM pledges p JOIN needs n"
                "  ON n.id = p.need_id WHERE n.kind = 'money' AND p.status IN ('paid', 'delivered')"
                " UNION ALL SELECT platform, donor_id, unallocated + office FROM credits),"
                " r AS (SELECT platform, donor_id, sum(amount) AS s FROM received GROUP BY 1, 2),"
                " h AS (SELECT platform, donor_id, sum(amount) AS s FROM homes GROUP BY 1, 2) "
                "SELECT r.platform, r.donor_id, r.s, coalesce(h.s, 0) FROM r LEFT JOIN h "
                "USING (platform, donor_id) WHERE r.s != coalesce(h.s, 0) "
                "UNION ALL SELECT h.platform, h.donor_id, 0, h.s FROM h WHERE NOT EXISTS "
                "(SELECT 1 FROM r WHERE r.platform = h.platform AND r.donor_id = h.donor_id)"
            )
            credits = await self.db.execute_fetchall(
                "SELECT c.id, c.amount, c.unallocated + c.office + coalesce(sum(p.amount), 0) "
                "FROM credits c LEFT JOIN pledges p ON p.funded_by_credit = c.id "
                "GROUP BY c.id HAVING c.amount != c.unallocated + c.office "
                "+ coalesce(sum(p.amount), 0)"
            )
            needs = await self.db.execute_fetchall(
                "SELECT n.code, n.target, n.reserved, n.paid, (SELECT coalesce(sum(amount), 0) "
                "FROM pledges WHERE need_id = n.id AND status IN ('paid', 'delivered')) AS s "
                "FROM needs n WHERE n.reserved + n.paid > n.target OR n.paid != s"
            )
        return [
            *(f"donor {p}:{d} paid {r} but {h} has a home" for p, d, r, h in donors),
            *(f"credit {i} of {a} accounts for {s}" for i, a, s in credits),
            *(f"need {c}: target {t}, reserved {r}, paid {p}, pledges paid {s}"
              for c, t, r, p, s in needs),
        ]  # fmt: skip

    # -- beneficiaries ---------------------------------------------------------------------
    # Households and their kalabarg tranches, written by `hamdeli import`. Each batch is one
    # short transaction that reads the stored rows with the batch's keys (one query) and
    # writes only new or changed rows (one executemany), so re-running a file writes nothing
    # and the counts can say so.

    _BENEFICIARY_COLUMNS = (
        "national_code, full_name, mobile, province_id, city_id, household_size, decile"
    )
    _VOUCHER_COLUMNS = (
        "national_code, tranche, amount_per_person, total, status, charged_on, expires_on"
    )
    _UPSERT_BENEFICIARY = (
        f"INSERT INTO beneficiaries ({_BENEFICIARY_COLUMNS}, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (national_code) DO UPDATE SET "
        "full_name = excluded.full_name, mobile = excluded.mobile, "
        "province_id = excluded.province_id, city_id = excluded.city_id, "
        "household_size = excluded.household_size, decile = excluded.decile, "
        "updated_at = excluded.updated_at"
    )
    _UPSERT_VOUCHER = (
        f"INSERT INTO vouchers ({_VOUCHER_COLUMNS}, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (national_code, tranche) DO UPDATE SET "
        "amount_per_person = excluded.amount_per_person, total = excluded.total, "
        "status = excluded.status, charged_on = excluded.charged_on, "
        "expires_on = excluded.expires_on, updated_at = excluded.updated_at"
    )

    async def upsert_beneficiaries(
        self, rows: Sequence[Beneficiary], now: int, *, batch_rows: int = IMPORT_BATCH_ROWS
    ) -> tuple[int, int]:
        """Add households or update them by national code; returns (added, updated).

        Rows equal to the stored ones are neither: len(rows) - added - updated were
        unchanged. Rows in national-code order (the importer sorts them) make each batch
        touch neighbouring pages of the table instead of pages all over it.
        """
        values = [
            (
                r.national_code,
                r.full_name,
                r.mobile,
                r.province_id,
                r.city_id,
                r.household_size,
                r.decile,
            )
            for r in rows
        ]
        select = (
            f"SELECT {self._BENEFICIARY_COLUMNS} FROM beneficiaries "
            "WHERE national_code IN (SELECT value FROM json_each(?))"
        )
        return await self._upsert_changed(
            values, 1, select, self._UPSERT_BENEFICIARY, now, batch_rows
        )

    async def upsert_vouchers(
        self, rows: Sequence[Voucher], now: int, *, batch_rows: int = IMPORT_BATCH_ROWS
    ) -> tuple[int, int]:
        """Add or update tranches by (national code, tranche); returns (added, updated).

        Like upsert_beneficiaries. Every household must exist: the foreign key refuses the
        batch otherwise, so importers check with household_sizes first.
        """
        values = [
            (
                r.national_code,
                r.tranche,
                r.amount_per_person,
                r.total,
                r.status.value,
                r.charged_on.isoformat() if r.charged_on else None,
                r.expires_on.isoformat() if r.expires_on else None,
            )
            for r in rows
        ]
        select = (
            f"SELECT {self._VOUCHER_COLUMNS} FROM vouchers "
            "WHERE national_code IN (SELECT value FROM json_each(?))"
        )

        async def tell_linked_households(db: aiosqlite.Connection, written: list) -> None:
            await self._queue_voucher_notices(db, written, now)

        return await self._upsert_changed(
            values, 2, select, self._UPSERT_VOUCHER, now, batch_rows, tell_linked_households
        )

    async def _queue_voucher_notices(
        self, db: aiosqlite.Connection, written: list[tuple[Any, ...]], now: int
    ) -> None:
        """A new or changed tranche: one message to each person linked to that household.

        Queued by the import itself (another process); the running bot delivers it. Only
        rows that changed get here, and the dedupe key names the values, so importing the
        same file again sends nothing.
        """
        codes = list({row[0] for row in written})
        links = await db.execute_fetchall(
            "SELECT national_code, platform, user_id FROM beneficiary_links "
            "WHERE national_code IN (SELECT value FROM json_each(?))",
            (json.dumps(codes),),
        )
        linked: dict[str, list[tuple[str, int]]] = {}
        for code, platform, user_id in links:
            linked.setdefault(code, []).append((platform, user_id))
        notices = [
            (
                platform,
                user_id,
                "voucher-notice",
                json.dumps(
                    {
                        "tranche": tranche,
                        "per_person": per_person,
                        "total": total,
                        "status": status,
                        "expires_on": expires_on,
                    }
                ),
                now,
                now,
                f"voucher:{code}:{tranche}:{per_person}:{total}:{status}:{expires_on}:"
                f"{platform}:{user_id}",
            )
            for code, tranche, per_person, total, status, _charged, expires_on in written
            for platform, user_id in linked.get(code, [])
        ]
        if notices:
            await db.executemany(
                "INSERT OR IGNORE INTO outbox (platform, user_id, message_id, args, due_at, "
                "created_at, dedupe_key) VALUES (?, ?, ?, ?, ?, ?, ?)",
                notices,
            )

    async def _upsert_changed(
        self,
        values: list[tuple[Any, ...]],
        key_width: int,
        select: str,
        upsert: str,
        now: int,
        batch_rows: int,
        after_write: Callable[[aiosqlite.Connection, list[tuple[Any, ...]]], Awaitable[None]]
        | None = None,
    ) -> tuple[int, int]:
        """Write the rows (key columns first) that are new or differ from the stored ones.

        `select` takes a JSON list of the batch's first key column and returns stored rows
        in the same column order as `values`. `after_write` runs in the same transaction
        with the rows written (for messages that must go out exactly when data changed).
        """
        added = updated = 0
        for start in range(0, len(values), batch_rows):
            batch = values[start : start + batch_rows]
            async with self._transaction() as db:
                stored = {
                    row[:key_width]: row
                    for row in await db.execute_fetchall(
                        select, (json.dumps([v[0] for v in batch]),)
                    )
                }
                new = [v for v in batch if v[:key_width] not in stored]
                changed = [v for v in batch if stored.get(v[:key_width], v) != v]
                if new or changed:
                    await db.executemany(upsert, [(*v, now, now) for v in new + changed])
                    if after_write is not None:
                        await after_write(db, new + changed)
            added, updated = added + len(new), updated + len(changed)
        return added, updated

    async def household_sizes(self, national_codes: Sequence[str]) -> dict[str, int]:
        """Household size by national code, for those of the codes that have a household.

        One query however many codes (they travel as one JSON list), so a vouchers file
        is checked against the households in a single round trip.
        """
        rows = await self._fetchall(
            "SELECT national_code, household_size FROM beneficiaries "
            "WHERE national_code IN (SELECT value FROM json_each(?))",
            (json.dumps(list(national_codes)),),
        )
        return dict(rows)

    async def beneficiary(self, national_code: str) -> Beneficiary | None:
        rows = await self._fetchall(
            f"SELECT {self._BENEFICIARY_COLUMNS} FROM beneficiaries WHERE national_code = ?",
            (national_code,),
        )
        return Beneficiary(*rows[0]) if rows else None

    async def vouchers_of(self, national_code: str) -> list[Voucher]:
        """A household's tranches, first tranche first."""
        rows = await self._fetchall(
            f"SELECT {self._VOUCHER_COLUMNS} FROM vouchers WHERE national_code = ? "
            "ORDER BY tranche",
            (national_code,),
        )
        return [
            Voucher(
                code,
                tranche,
                per_person,
                total,
                VoucherStatus(status),
                dt.date.fromisoformat(charged) if charged else None,
                dt.date.fromisoformat(expires) if expires else None,
            )
            for code, tranche, per_person, total, status, charged, expires in rows
        ]

    async def needs_of_household(self, national_code: str) -> list[Need]:
        """The aid requests linked to a household (for its own status screen only)."""
        rows = await self._fetchall(
            f"SELECT {_NEED_COLUMNS} FROM needs WHERE beneficiary_national_code = ? "
            "AND status != 'closed' ORDER BY created_at DESC, id DESC LIMIT 10",
            (national_code,),
        )
        return [_need_from_row(row) for row in rows]

    async def count_beneficiaries(self) -> int:
        return int((await self._fetchall("SELECT count(*) FROM beneficiaries"))[0][0])

    async def count_vouchers(self) -> int:
        return int((await self._fetchall("SELECT count(*) FROM vouchers"))[0][0])

    # -- verification ------------------------------------------------------------------------

    async def verification_failures(self, platform: str, user_id: int, since: int) -> list[int]:
        """Times of this person's failed verifications since `since`, oldest first."""
        rows = await self._fetchall(
            "SELECT at FROM verification_failures WHERE platform = ? AND user_id = ? "
            "AND at >= ? ORDER BY at",
            (platform, user_id, since),
        )
        return [row[0] for row in rows]

    async def record_verification_failure(self, platform: str, user_id: int, now: int) -> None:
        await self._write(
            "INSERT INTO verification_failures (platform, user_id, at) VALUES (?, ?, ?)",
            (platform, user_id, now),
        )

    async def link_beneficiary(
        self, platform: str, user_id: int, national_code: str, weak_ownership: bool, now: int
    ) -> None:
        await self._write(
            "INSERT INTO beneficiary_links (platform, user_id, national_code, weak_ownership, "
            "linked_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, user_id) DO UPDATE SET "
            "national_code = excluded.national_code, weak_ownership = excluded.weak_ownership, "
            "linked_at = excluded.linked_at",
            (platform, user_id, national_code, int(weak_ownership), now),
        )

    async def beneficiary_link(self, platform: str, user_id: int) -> str | None:
        """The national code this person proved they belong to, or None."""
        rows = await self._fetchall(
            "SELECT national_code FROM beneficiary_links WHERE platform = ? AND user_id = ?",
            (platform, user_id),
        )
        return rows[0][0] if rows else None

    async def unlink_beneficiary(self, platform: str, user_id: int) -> None:
        await self._write(
            "DELETE FROM beneficiary_links WHERE platform = ? AND user_id = ?", (platform, user_id)
        )

    async def queue_voucher_reminders(
        self, platform: str, today: dt.date, days_ahead: int, now: int
    ) -> int:
        """Queue one reminder per linked person for charged tranches expiring within
        `days_ahead` days, once (dedupe key), skipping people who turned reminders off."""
        rows = await self._fetchall(
            "INSERT OR IGNORE INTO outbox (platform, user_id, message_id, args, due_at, "
            "created_at, dedupe_key) "
            "SELECT l.platform, l.user_id, 'voucher-reminder', json_object('tranche', "
            "v.tranche, 'per_person', v.amount_per_person, 'total', v.total, 'status', "
            "v.status, 'expires_on', v.expires_on), ?, ?, 'voucher-reminder:' || "
            "v.national_code || ':' || v.tranche || ':' || l.platform || ':' || l.user_id "
            "FROM vouchers v JOIN beneficiary_links l ON l.national_code = v.national_code "
            "JOIN users u ON u.platform = l.platform AND u.user_id = l.user_id "
            "WHERE l.platform = ? AND v.status = 'charged' AND v.expires_on > ? "
            "AND v.expires_on <= ? AND u.reminders_off = 0 RETURNING id",
            (
                now,
                now,
                platform,
                today.isoformat(),
                (today + dt.timedelta(days=days_ahead)).isoformat(),
            ),
        )
        return len(rows)

    async def reminders_off(self, platform: str, user_id: int) -> bool:
        rows = await self._fetchall(
            "SELECT reminders_off FROM users WHERE platform = ? AND user_id = ?",
            (platform, user_id),
        )
        return bool(rows and rows[0][0])

    async def set_reminders_off(self, platform: str, user_id: int, off: bool) -> None:
        await self._write(
            "UPDATE users SET reminders_off = ? WHERE platform = ? AND user_id = ?",
            (int(off), platform, user_id),
        )

    # -- outbox ------------------------------------------------------------------------------

    async def _queue_pledge_notices(
        self,
        db: aiosqlite.Connection,
        pledges: Sequence[Pledge],
        message_id: str,
        now: int,
        extra: dict[str, object] | None = None,
        *,
        repeatable: bool = False,
        dedupe: str | None = None,
    ) -> None:
        """Queue a message to each pledge's donor, inside the caller's transaction.

        The arguments carry raw values (amount and unit); the sender renders them in the
        donor's language at send time. The dedupe key (the event: the pledge, or `dedupe`
        when one pledge can have several, like payments) makes the same event queue once;
        a `repeatable` event (a rejection, after the donor reported the payment again)
        is keyed by its time as well, so the second one is told too.
        """
        pledges = [p for p in pledges if p.donor_id > 0]  # an erased donor cannot be told
        if not pledges:
            return
        needs = {
            row[0]: row
            for row in await db.execute_fetchall(
                f"SELECT id, code, kind, item_name, item_name_en FROM needs WHERE id IN "
                f"({','.join('?' * len(pledges))})",
                [p.need_id for p in pledges],
            )
        }
        await db.executemany(
            "INSERT OR IGNORE INTO outbox (platform, user_id, message_id, args, due_at, "
            "created_at, dedupe_key) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    p.platform,
                    p.donor_id,
                    message_id,
                    json.dumps(
                        {
                            "reference": p.reference,
                            "code": needs[p.need_id][1],
                            "amount": p.amount,
                            "kind": needs[p.need_id][2],
                            "item": needs[p.need_id][3],
                            "item_en": needs[p.need_id][4],
                            "expires_at": p.expires_at,
                            **(extra or {}),
                        },
                        ensure_ascii=False,
                    ),
                    now,
                    now,
                    f"{message_id}:{dedupe or p.reference}" + (f":{now}" if repeatable else ""),
                )
                for p in pledges
            ],
        )

    async def _queue_household_news(
        self, db: aiosqlite.Connection, need_ids: Sequence[int], message_id: str, now: int
    ) -> None:
        """Tell the household a need is about (everyone linked to it) how it stands, once."""
        await db.execute(
            "INSERT OR IGNORE INTO outbox (platform, user_id, message_id, args, due_at, "
            "created_at, dedupe_key) "
            "SELECT l.platform, l.user_id, ?, json_object('category', n.category), ?, ?, "
            "? || ':' || n.id || ':' || l.platform || ':' || l.user_id "
            "FROM needs n JOIN beneficiary_links l "
            "ON l.national_code = n.beneficiary_national_code "
            "WHERE n.id IN (SELECT value FROM json_each(?))",
            (message_id, now, now, message_id, json.dumps(list(need_ids))),
        )

    async def _queue_published_news(self, db: aiosqlite.Connection, now: int) -> None:
        """Needs just added (created in this transaction) for a linked household: published."""
        rows = await db.execute_fetchall(
            "SELECT id FROM needs WHERE created_at = ? AND status = 'open' "
            "AND beneficiary_national_code IS NOT NULL",
            (now,),
        )
        if rows:
            await self._queue_household_news(
                db, [row[0] for row in rows], "aid-news-published", now
            )

    async def claim_outbox(self, platform: str, now: int, limit: int) -> list[OutboxItem]:
        """Mark the next due messages 'sending' (committed before any is sent) and return them
        with the recipient's chat and language: notices first, then running broadcasts.

        Two round trips per batch: SQLite cannot use an index for a subquery in RETURNING
        (it would scan every user per row), so the recipients are read right after.
        """
        rows = await self._fetchall(
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1 WHERE id IN ("
            " SELECT id FROM (SELECT id FROM outbox WHERE platform = ?1 AND status = 'pending'"
            "  AND broadcast_id IS NULL AND due_at <= ?2 ORDER BY due_at LIMIT ?3)"
            " UNION ALL"
            " SELECT id FROM (SELECT o.id FROM broadcasts b JOIN outbox o"
            "  ON o.broadcast_id = b.id AND o.status = 'pending' AND o.due_at <= ?2"
            "  WHERE b.platform = ?1 AND b.status = 'running' ORDER BY b.id, o.id LIMIT ?3)"
            " LIMIT ?3) "
            "RETURNING id, user_id, message_id, args, attempts, broadcast_id",
            (platform, now, limit),
        )
        if not rows:
            return []
        try:
            people = {
                user_id: (chat_id, language)
                for user_id, chat_id, language in await self._fetchall(
                    "SELECT user_id, chat_id, language FROM users WHERE platform = ? "
                    "AND user_id IN (SELECT value FROM json_each(?))",
                    (platform, json.dumps([row[1] for row in rows])),
                )
            }
        except BaseException:  # nothing was sent: put them back rather than strand them
            await self._write(
                "UPDATE outbox SET status = 'pending', attempts = attempts - 1 "
                "WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps([row[0] for row in rows]),),
            )
            raise
        items = []
        for item_id, user_id, message_id, args, attempts, broadcast_id in rows:
            values = json.loads(args) if args else {}
            # A chat that is no user (the staff group) is addressed by its id, in the
            # language its notice was queued with.
            chat_id, language = people.get(user_id) or (user_id, values.get("language", "fa"))
            items.append(
                OutboxItem(
                    id=item_id, platform=platform, user_id=user_id, chat_id=chat_id,
                    language=language, message_id=message_id, args=values,
                    attempts=attempts, broadcast_id=broadcast_id,
                )
            )  # fmt: skip
        return sorted(items, key=lambda item: (item.broadcast_id is not None, item.id))

    async def finish_outbox(
        self, item_id: int, status: OutboxStatus, now: int, retry_at: int | None = None
    ) -> None:
        """Record how a send ended; `retry_at` puts it back as pending for later."""
        if retry_at is not None:
            await self._write(
                "UPDATE outbox SET status = 'pending', due_at = ? WHERE id = ?",
                (retry_at, item_id),
            )
            return
        await self._write(
            "UPDATE outbox SET status = ?, sent_at = ? WHERE id = ?",
            (status.value, now if status is OutboxStatus.SENT else None, item_id),
        )

    async def abandon_unfinished_sends(self, platform: str) -> int:
        """At start: sends a crash interrupted may or may not have arrived. They become
        'unknown' and are not repeated: a person must never get the same message twice."""
        rows = await self._fetchall(
            "UPDATE outbox SET status = 'unknown' WHERE platform = ? AND status = 'sending' "
            "RETURNING id",
            (platform,),
        )
        return len(rows)

    async def mark_blocked(self, platform: str, user_id: int) -> None:
        """They blocked the bot: later messages skip them until they write again."""
        await self._write(
            "UPDATE users SET blocked = 1 WHERE platform = ? AND user_id = ?", (platform, user_id)
        )
        self._accounts.pop((platform, user_id), None)

    async def outbox_backlog(self, platform: str) -> int:
        """Messages still to send: notices, and rows of broadcasts that are running (a paused
        or cancelled one's rows wait for nobody)."""
        rows = await self._fetchall(
            "SELECT count(*) FROM outbox o LEFT JOIN broadcasts b ON b.id = o.broadcast_id "
            "WHERE o.platform = ? AND o.status IN ('pending', 'sending') "
            "AND (o.broadcast_id IS NULL OR b.status = 'running')",
            (platform,),
        )
        return int(rows[0][0])

    async def outbox_statuses(self, platform: str) -> dict[str, int]:
        rows = await self._fetchall(
            "SELECT status, count(*) FROM outbox WHERE platform = ? GROUP BY status", (platform,)
        )
        return dict(rows)

    async def outbox_stuck(self, platform: str, due_before: int, sent_since: int) -> bool:
        """Readiness: a message of this platform was due before `due_before` and is still
        waiting, and nothing of this platform was sent since `sent_since`.

        The first question rides the due indexes; the second (no index on sent_at) is only
        asked when something is overdue, which a healthy outbox never is.
        """
        overdue = await self._fetchall(
            "SELECT 1 FROM outbox WHERE platform = ?1 AND status = 'pending' "
            "AND broadcast_id IS NULL AND due_at < ?2 "
            "UNION ALL SELECT 1 FROM broadcasts b JOIN outbox o ON o.broadcast_id = b.id "
            "AND o.status = 'pending' AND o.due_at < ?2 "
            "WHERE b.platform = ?1 AND b.status = 'running' LIMIT 1",
            (platform, due_before),
        )
        if not overdue:
            return False
        sent = await self._fetchall(
            "SELECT 1 FROM outbox WHERE platform = ? AND status = 'sent' AND sent_at >= ? LIMIT 1",
            (platform, sent_since),
        )
        return not sent

    # -- broadcasts ------------------------------------------------------------------------

    async def audience_size(self, platform: str, audience: Audience, place_id: int | None) -> int:
        """How many people a broadcast to this audience would reach now (for the preview)."""
        where, params = _audience_filter(audience, place_id)
        rows = await self._fetchall(
            f"SELECT count(*) FROM users u WHERE u.platform = ? AND {where}", (platform, *params)
        )
        return int(rows[0][0])

    async def create_broadcast(
        self,
        *,
        platform: str,
        creator_id: int,
        chat_id: int,
        text: str,
        photo_file_id: str | None,
        audience: Audience,
        place_id: int | None,
        token: str,
        now: int,
    ) -> tuple[Broadcast, bool]:
        """The broadcast of this confirm token, created on first use: (broadcast, created).

        The audience is fixed now as "users up to the newest one"; the outbox queues them
        in short chunks (`queue_broadcast_chunk`), so even a million never hold the store.
        """
        rows = await self._fetchall(
            "INSERT INTO broadcasts (platform, creator_id, chat_id, text, photo_file_id, "
            "audience, place_id, token, status, users_upto, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', "
            "(SELECT coalesce(max(rowid), 0) FROM users), ?) "
            "ON CONFLICT (token) DO NOTHING RETURNING id",
            (platform, creator_id, chat_id, text, photo_file_id, audience.value, place_id,
             token, now),
        )  # fmt: skip
        if rows:
            return await self.broadcast(rows[0][0]), True  # type: ignore[return-value]
        return await self.broadcast_by_token(token), False  # type: ignore[return-value]

    async def broadcast(self, broadcast_id: int) -> Broadcast | None:
        rows = await self._fetchall(
            f"SELECT {_BROADCAST_COLUMNS} FROM broadcasts WHERE id = ?", (broadcast_id,)
        )
        return _broadcast_from_row(rows[0]) if rows else None

    async def broadcast_by_token(self, token: str) -> Broadcast | None:
        rows = await self._fetchall(
            f"SELECT {_BROADCAST_COLUMNS} FROM broadcasts WHERE token = ?", (token,)
        )
        return _broadcast_from_row(rows[0]) if rows else None

    async def unfinished_broadcasts(self, platform: str) -> list[Broadcast]:
        """What the outbox looks after: running and paused broadcasts of this platform, and
        cancelled ones whose final report is still to come."""
        rows = await self._fetchall(
            f"SELECT {_BROADCAST_COLUMNS} FROM broadcasts WHERE platform = ? "
            "AND (status IN ('running', 'paused') OR reported_at IS NULL) "
            "AND status <> 'done' ORDER BY id",
            (platform,),
        )
        return [_broadcast_from_row(row) for row in rows]

    async def broadcast_in_flight(self, broadcast_id: int) -> bool:
        """Whether a send of this broadcast is under way (claimed, not finished)."""
        rows = await self._fetchall(
            "SELECT 1 FROM outbox WHERE broadcast_id = ? AND status = 'sending' LIMIT 1",
            (broadcast_id,),
        )
        return bool(rows)

    async def mark_broadcast_reported(self, broadcast_id: int, now: int) -> None:
        await self._write("UPDATE broadcasts SET reported_at = ? WHERE id = ?", (now, broadcast_id))

    async def retry_broadcast_now(self, broadcast_id: int, now: int) -> None:
        """A resumed run: rows put off after a refusal (a revoked token?) are due again."""
        await self._write(
            "UPDATE outbox SET due_at = ? WHERE broadcast_id = ? AND status = 'pending' "
            "AND due_at > ?",
            (now, broadcast_id, now),
        )

    async def broadcasts_to_queue(self, platform: str) -> list[int]:
        rows = await self._fetchall(
            "SELECT id FROM broadcasts WHERE platform = ? AND status IN ('running', 'paused') "
            "AND built_upto < users_upto ORDER BY id",
            (platform,),
        )
        return [row[0] for row in rows]

    async def queue_broadcast_chunk(self, broadcast_id: int, users: int) -> bool:
        """Queue the next `users` users' rows (those in the audience) in one short
        transaction; returns whether more remain.

        Moving `built_upto` only from the value read makes two processes doing this at once
        queue each chunk once.
        """
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                "SELECT platform, audience, place_id, built_upto, users_upto, created_at "
                "FROM broadcasts WHERE id = ?",
                (broadcast_id,),
            )
            platform, audience, place_id, built, upto, created = next(iter(rows))
            if built >= upto:
                return False
            end = min(upto, built + users)
            where, params = _audience_filter(Audience(audience), place_id)
            cursor = await db.execute(
                "INSERT INTO outbox (platform, user_id, broadcast_id, due_at, created_at) "
                f"SELECT u.platform, u.user_id, ?, ?, ? FROM users u WHERE u.platform = ? "
                f"AND u.rowid > ? AND u.rowid <= ? AND {where} ORDER BY u.rowid",
                (broadcast_id, created, created, platform, built, end, *params),
            )
            await db.execute(
                "UPDATE broadcasts SET built_upto = ?, total = total + ? WHERE id = ?",
                (end, cursor.rowcount, broadcast_id),
            )
        return end < upto

    async def set_broadcast_progress_message(self, broadcast_id: int, message_id: int) -> None:
        await self._write(
            "UPDATE broadcasts SET progress_message_id = ? WHERE id = ?", (message_id, broadcast_id)
        )

    async def change_broadcast_status(
        self,
        broadcast_id: int,
        platform: str,
        to: BroadcastStatus,
        *,
        allowed_from: Sequence[BroadcastStatus],
        now: int,
        reason: str | None = None,
        token: str | None = None,
    ) -> Broadcast | None:
        """Move this platform's broadcast to `to` if it is in one of `allowed_from`; None if
        it was not, or if the confirmation `token` was already used."""
        finished = now if to in (BroadcastStatus.CANCELLED, BroadcastStatus.DONE) else None
        rows = []
        async with self._confirmed(token, now) as db:
            rows = await db.execute_fetchall(
                "UPDATE broadcasts SET status = ?, pause_reason = ?, finished_at = ?, "
                f"{_PAUSE_CLOCK} WHERE id = ? AND platform = ? "
                f"AND status IN ({','.join('?' * len(allowed_from))}) "
                f"RETURNING {_BROADCAST_COLUMNS}",
                (to.value, reason, finished, to.value, now, now, broadcast_id, platform,
                 *(s.value for s in allowed_from)),
            )  # fmt: skip
        return _broadcast_from_row(rows[0]) if rows else None

    async def finish_broadcast_if_complete(self, broadcast_id: int, now: int) -> Broadcast | None:
        """Mark a running or paused broadcast done once every recipient's row has ended (a
        run paused after its last send has nothing left to wait for); else None."""
        rows = await self._fetchall(
            f"UPDATE broadcasts SET status = 'done', finished_at = ?, {_PAUSE_CLOCK} "
            "WHERE id = ? AND status IN ('running', 'paused') AND built_upto >= users_upto "
            "AND sent + blocked + failed + unknown >= total "
            f"RETURNING {_BROADCAST_COLUMNS}",
            (now, "done", now, now, broadcast_id),
        )
        return _broadcast_from_row(rows[0]) if rows else None

    async def broadcast_sending_seconds(self, broadcast_id: int, now: int) -> int:
        """How long a broadcast has been sending: from its confirmation to its end (or now),
        its pauses left out. The final report's rate is measured over this."""
        rows = await self._fetchall(
            "SELECT coalesce(finished_at, ?) - created_at - paused_s "
            "- coalesce(? - paused_at, 0) FROM broadcasts WHERE id = ?",
            (now, now, broadcast_id),
        )
        return max(0, int(rows[0][0])) if rows else 0

    async def broadcast_statuses(self, broadcast_id: int) -> dict[str, int]:
        """Recipients by outbox status, counted row by row (tests and reports check the
        trigger-kept counts against this)."""
        rows = await self._fetchall(
            "SELECT status, count(*) FROM outbox WHERE broadcast_id = ? GROUP BY status",
            (broadcast_id,),
        )
        return dict(rows)

    async def queue_notice(
        self,
        platform: str,
        user_id: int,
        message_id: str,
        args: dict[str, object],
        now: int,
        *,
        dedupe_key: str,
    ) -> None:
        """One notice for one person (a report, an alert), queued once per `dedupe_key`."""
        await self._write(
            "INSERT OR IGNORE INTO outbox (platform, user_id, message_id, args, due_at, "
            "created_at, dedupe_key) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (platform, user_id, message_id, json.dumps(args, ensure_ascii=False), now, now,
             dedupe_key),
        )  # fmt: skip

    async def set_announcements_opt_out(self, platform: str, user_id: int, off: bool) -> None:
        await self._write(
            "UPDATE users SET announcements_opt_out = ? WHERE platform = ? AND user_id = ?",
            (int(off), platform, user_id),
        )
        self._accounts.pop((platform, user_id), None)

    async def set_home_city(self, platform: str, user_id: int, city_id: int | None) -> None:
        await self._write(
            "UPDATE users SET home_city_id = ? WHERE platform = ? AND user_id = ?",
            (city_id, platform, user_id),
        )
        self._accounts.pop((platform, user_id), None)

    # -- audit -----------------------------------------------------------------------------

    async def record_audit(
        self,
        *,
        at: int,
        action: str,
        platform: str | None = None,
        actor_id: int | None = None,
        subject_type: str | None = None,
        subject_id: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        async with self._lock:
            await self._insert_audit(
                self.db, at=at, action=action, platform=platform, actor_id=actor_id,
                subject_type=subject_type, subject_id=subject_id, details=details,
            )  # fmt: skip

    @staticmethod
    async def _insert_audit(
        db: aiosqlite.Connection,
        *,
        at: int,
        action: str,
        platform: str | None,
        actor_id: int | None,
        subject_type: str | None,
        subject_id: str | None,
        details: dict[str, Any] | None,
    ) -> None:
        """One audit row, on its own or inside the caller's transaction."""
        await db.execute(
            "INSERT INTO audit_log (at, platform, actor_id, action, subject_type, subject_id, "
            "details) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                at,
                platform,
                actor_id,
                action,
                subject_type,
                subject_id,
                json.dumps(details, ensure_ascii=False) if details else None,
            ),
        )

    async def latest_audit(self, limit: int = 20) -> list[dict[str, Any]]:
        rows = await self._fetchall(
            "SELECT at, platform, actor_id, action, subject_type, subject_id, details "
            "FROM audit_log ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        keys = ("at", "platform", "actor_id", "action", "subject_type", "subject_id", "details")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    # -- staff need editing ---------------------------------------------------------------

    async def add_need(
        self, draft: NeedDraft, code: str, status: NeedStatus, now: int
    ) -> Need | None:
        """One need staff wrote, under the code its preview showed, open or as a draft.

        None when another need has the code meanwhile (the caller picks another). A need
        published for a linked household tells it, as an import does.
        """
        try:
            async with self._transaction() as db:
                rows = await db.execute_fetchall(
                    "INSERT INTO needs (code, external_id, province_id, city_id, category, kind, "
                    "item_name, item_name_en, target, description_fa, description_en, deadline, "
                    "urgent, beneficiary_national_code, created_at, updated_at, status) "
                    f"VALUES ({', '.join('?' * 17)}) RETURNING {_NEED_COLUMNS}",
                    (*_need_params(draft, code, now), status.value),
                )
                need = _need_from_row(next(iter(rows)))
                if need.open and draft.beneficiary_national_code:
                    await self._queue_household_news(db, [need.id], "aid-news-published", now)
                return need
        except sqlite3.IntegrityError as exc:
            if "needs.code" not in str(exc):
                raise
            return None

    async def need_beneficiary_code(self, need_id: int) -> str | None:
        """The private link of a need to its household (staff screens only)."""
        rows = await self._fetchall(
            "SELECT beneficiary_national_code FROM needs WHERE id = ?", (need_id,)
        )
        return rows[0][0] if rows else None

    async def update_need(self, need_id: int, draft: NeedDraft, now: int) -> Need | None:
        """Staff change a need's values (its code and external id stay).

        One conditional UPDATE, so a pledge racing the edit cannot be stranded: the target
        never falls below what is reserved and paid, and the kind only changes while nothing
        is pledged (None: refused). A live need's status follows its new target.
        """
        rows = await self._fetchall(
            f"{_UPDATE_NEED} WHERE id = :id AND reserved + paid <= :target "
            f"AND (kind = :kind OR reserved + paid = 0) RETURNING {_NEED_COLUMNS}",
            _need_values(draft, now) | {"id": need_id},
        )
        return _need_from_row(rows[0]) if rows else None

    async def publish_draft(self, need_id: int, now: int) -> Need | None:
        """A draft becomes open (None: it is not a draft); a linked household is told."""
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                "UPDATE needs SET status = 'open', updated_at = ? WHERE id = ? "
                f"AND status = 'draft' RETURNING {_NEED_COLUMNS}",
                (now, need_id),
            )
            if not rows:
                return None
            await self._queue_household_news(db, [need_id], "aid-news-published", now)
            return _need_from_row(next(iter(rows)))

    # -- monthly kindness (bot.domain.monthly) ---------------------------------------------

    async def create_monthly(
        self, gift: MonthlyGift, token: str, now: int
    ) -> tuple[MonthlyGift, bool]:
        """Start a donor's monthly gift; returns (the gift, whether it is new).

        The confirm button's `token` makes a double press start one gift; a donor who
        already has one (active or paused) gets theirs back, unchanged.
        """
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                f"SELECT {_MONTHLY_COLUMNS} FROM monthly_gifts WHERE create_token = ? "
                "OR (platform = ? AND donor_id = ? AND status != 'stopped') "
                "ORDER BY create_token = ? DESC LIMIT 1",
                (token, gift.platform, gift.donor_id, token),
            )
            if rows:
                return _monthly_from_row(next(iter(rows))), False
            rows = await db.execute_fetchall(
                "INSERT INTO monthly_gifts (platform, donor_id, amount, province_id, city_id, "
                "category, day, status, next_period, next_due_at, create_token, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?) "
                f"RETURNING {_MONTHLY_COLUMNS}",
                (gift.platform, gift.donor_id, gift.amount, gift.province_id, gift.city_id,
                 gift.category.value if gift.category else None, gift.day, gift.next_period,
                 gift.next_due_at, token, now, now),
            )  # fmt: skip
            return _monthly_from_row(next(iter(rows))), True

    async def monthly_of_donor(self, platform: str, donor_id: int) -> MonthlyGift | None:
        """The donor's gift that is still standing (active or paused), if any."""
        rows = await self._fetchall(
            f"SELECT {_MONTHLY_COLUMNS} FROM monthly_gifts WHERE platform = ? AND donor_id = ? "
            "AND status != 'stopped'",
            (platform, donor_id),
        )
        return _monthly_from_row(rows[0]) if rows else None

    async def change_monthly(
        self, gift_id: int, version: int, now: int, **changes: object
    ) -> MonthlyGift | None:
        """Change a standing gift as the donor saw it (`version`); None when it changed
        since (an older button) or was stopped. Values are column values."""
        unknown = changes.keys() - _MONTHLY_CHANGEABLE
        if unknown:
            raise ValueError(f"not changeable: {sorted(unknown)}")
        sets = "".join(f"{column} = :{column}, " for column in changes)
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                f"UPDATE monthly_gifts SET {sets}version = version + 1, updated_at = :now "
                "WHERE id = :id AND version = :version AND status != 'stopped' "
                f"RETURNING {_MONTHLY_COLUMNS}",
                {**changes, "now": now, "id": gift_id, "version": version},
            )
        return _monthly_from_row(next(iter(rows))) if rows else None

    async def due_monthly(self, platform: str, now: int, limit: int = 100) -> list[MonthlyGift]:
        """Active gifts whose month has come, oldest due first."""
        rows = await self._fetchall(
            f"SELECT {_MONTHLY_COLUMNS} FROM monthly_gifts WHERE platform = ? "
            "AND status = 'active' AND next_due_at <= ? ORDER BY next_due_at, id LIMIT ?",
            (platform, now, limit),
        )
        return [_monthly_from_row(row) for row in rows]

    async def close_month(
        self, claim: MonthlyClaim, outcome: str, now: int, *, version: int | None = None
    ) -> bool:
        """A month handled without a pledge (nothing needed money, or the donor skipped it),
        with its notice; False when another run (or an older button) got there first."""
        try:
            async with self._transaction() as db:
                if version is not None:
                    current = await db.execute_fetchall(
                        "SELECT 1 FROM monthly_gifts WHERE id = ? AND version = ?",
                        (claim.gift_id, version),
                    )
                    if not current:
                        raise MonthlyClaimLost(claim.gift_id)
                await self._claim_month(db, claim, outcome, None, now)
                if claim.notice:
                    await db.execute(
                        "INSERT OR IGNORE INTO outbox (platform, user_id, message_id, args, "
                        "due_at, created_at, dedupe_key) SELECT platform, donor_id, ?, ?, ?, ?, ? "
                        "FROM monthly_gifts WHERE id = ? AND donor_id > 0",
                        (claim.notice, json.dumps(claim.notice_args, ensure_ascii=False), now,
                         now, f"{claim.notice}:{claim.gift_id}:{claim.period}", claim.gift_id),
                    )  # fmt: skip
        except MonthlyClaimLost:
            return False
        return True

    @staticmethod
    async def _claim_month(
        db: aiosqlite.Connection, claim: MonthlyClaim, outcome: str, pledge_id: int | None,
        now: int,
    ) -> None:  # fmt: skip
        """Move the gift on to its next month, if this month is still the one to handle:
        the one conditional UPDATE that keeps two runs from giving twice."""
        claimed = await db.execute_fetchall(
            "UPDATE monthly_gifts SET next_period = ?, next_due_at = ?, version = version + 1, "
            "updated_at = ? WHERE id = ? AND next_period = ? AND status = 'active' RETURNING id",
            (claim.next_period, claim.next_due_at, now, claim.gift_id, claim.period),
        )
        if not claimed:
            raise MonthlyClaimLost(claim.gift_id)
        await db.execute(
            "INSERT INTO monthly_runs (gift_id, period, outcome, pledge_id, at) "
            "VALUES (?, ?, ?, ?, ?)",
            (claim.gift_id, claim.period, outcome, pledge_id, now),
        )

    async def monthly_statistics(self, platform: str, period: int) -> dict[str, int]:
        """Standing gifts by status, and what the gifts of `period` raised (paid so far)."""
        counts = await self._fetchall(
            "SELECT status, count(*) FROM monthly_gifts WHERE platform = ? GROUP BY 1",
            (platform,),
        )
        raised = await self._fetchall(
            "SELECT coalesce(sum(p.amount), 0), count(p.id) FROM monthly_runs r "
            "JOIN monthly_gifts g ON g.id = r.gift_id JOIN pledges p ON p.id = r.pledge_id "
            "WHERE g.platform = ? AND r.period = ? AND p.status IN ('paid', 'delivered')",
            (platform, period),
        )
        by_status = dict(counts)
        return {
            "active": by_status.get(MonthlyStatus.ACTIVE.value, 0),
            "paused": by_status.get(MonthlyStatus.PAUSED.value, 0),
            "raised": raised[0][0],
            "paid_gifts": raised[0][1],
        }

    async def monthly_run(self, gift_id: int, period: int) -> tuple[str, int | None] | None:
        """What became of one month of a gift: (outcome, pledge id), or None if not yet."""
        rows = await self._fetchall(
            "SELECT outcome, pledge_id FROM monthly_runs WHERE gift_id = ? AND period = ?",
            (gift_id, period),
        )
        return (rows[0][0], rows[0][1]) if rows else None

    # ---- /metrics: small read-only counts for the gauges refreshed at each scrape

    async def metrics_outbox_depth(self) -> list[tuple[str, str, int]]:
        """(platform, kind, rows waiting or being sent); kind is notice or broadcast."""
        rows = await self._fetchall(
            "SELECT platform, CASE WHEN broadcast_id IS NULL THEN 'notice' ELSE 'broadcast' "
            "END, count(*) FROM outbox WHERE status IN ('pending', 'sending') GROUP BY 1, 2"
        )
        return [(row[0], row[1], row[2]) for row in rows]

    async def metrics_broadcasts_running(self) -> list[tuple[str, int]]:
        """(platform, broadcasts running)."""
        rows = await self._fetchall(
            "SELECT platform, count(*) FROM broadcasts WHERE status = 'running' GROUP BY 1"
        )
        return [(row[0], row[1]) for row in rows]

    async def metrics_pledges_by_status(self) -> list[tuple[str, str, int]]:
        """(platform, status, pledges)."""
        rows = await self._fetchall("SELECT platform, status, count(*) FROM pledges GROUP BY 1, 2")
        return [(row[0], row[1], row[2]) for row in rows]


def backup_database(source: Path, target: Path) -> None:
    """A consistent copy of a live database (SQLite's online backup: other processes may go
    on writing; the copy is one committed state).

    DatabaseProblem, in one line, when the source is not a usable database, when the target
    is the live file itself (SQLite would "copy" it onto itself and keep nothing), or when
    the target cannot be written.
    """
    problem = database_file_problem(source, create=False)
    if problem is not None and "read-only" not in problem:  # reading is enough for a copy
        raise DatabaseProblem(problem)
    if target.exists() and target.resolve() == source.resolve():
        raise DatabaseProblem(
            f"{target} is the live database itself: name another file for the backup"
        )
    if target.is_dir():
        raise DatabaseProblem(f"cannot write the backup to {target}: it is a folder")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        if "unable to open" in str(exc):
            raise DatabaseProblem(f"cannot write the backup to {target}: {exc}") from exc
        raise DatabaseProblem(_explain_sqlite_error(source, exc)) from exc
    except OSError as exc:
        raise DatabaseProblem(
            f"cannot write the backup to {target}: {exc.strerror or exc}"
        ) from exc


def _split_sql(script: str) -> list[str]:
    """Split a migration file into statements (sqlite3 executes one at a time)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements


_INSERT_CHECKOUT = (
    "INSERT OR IGNORE INTO checkouts (transaction_id, platform, donor_id, invoice_payload, "
    "amount, currency, approved_at, next_inquiry_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


class _GroupCommit:
    """One INSERT from many coroutines, committed together: each `write` returns once its
    row is committed, but the rows that arrive while a commit is under way share the next
    one (one thread hop and one commit for all of them, instead of one each).

    For pre-checkouts: hundreds may arrive at once, each must be on disk before its "yes",
    and each "yes" is due within seconds; queueing them one by one behind the store's lock
    made the last wait for all the others' hops.
    """

    def __init__(self, store: Store, sql: str) -> None:
        self.store = store
        self.sql = sql
        self._rows: list[tuple[tuple[Any, ...], asyncio.Future[None]]] = []
        self._flushing: asyncio.Task[None] | None = None

    async def write(self, row: tuple[Any, ...]) -> None:
        done = asyncio.get_running_loop().create_future()
        self._rows.append((row, done))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush())
        await done

    async def _flush(self) -> None:
        while self._rows:
            batch, self._rows = self._rows, []
            try:
                async with self.store._transaction() as db:
                    await db.executemany(self.sql, [row for row, _ in batch])
            except BaseException as failed:  # every writer hears it, as its own write would
                for _, done in batch + self._rows:
                    if not done.done():
                        done.set_exception(failed)
                if not isinstance(failed, Exception):
                    raise  # cancelled (shutdown): nobody is left waiting
                continue
            for _, done in batch:
                if not done.done():
                    done.set_result(None)


def _checkout_from_row(row: Sequence[Any]) -> Checkout:
    (transaction_id, platform, donor_id, payload, amount, currency, approved_at, state,
     inquiries, next_inquiry_at) = row  # fmt: skip
    return Checkout(
        transaction_id, platform, donor_id, payload, amount, currency, approved_at,
        CheckoutState(state), inquiries, next_inquiry_at,
    )  # fmt: skip
