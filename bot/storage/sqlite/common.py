"""Module-level pieces of the SQLite store: errors, records, row mappers, SQL shared by
several repositories, migrations, backup."""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import os
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import aiosqlite

from bot.models import (
    Audience,
    MonthlyStatus,
    NeedDraft,
)
from bot.storage.records import (
    SCHEMA_STEPS,
    DatabaseProblem,
    MonthlyStatistics,
    ProvinceMoney,
    StaffNeedsWhere,
    Statistics,
    from_row,
)

if TYPE_CHECKING:
    from bot.storage.sqlite.base import StoreBase

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


def _listed(rows: Iterable[Any]) -> list[Any]:
    """What aiosqlite's `execute_fetchall` returns, as it is: a list (its stub says only
    Iterable, which cannot be indexed or measured). A cast: nothing is copied."""
    return cast("list[Any]", rows)


class _NothingDone(Exception):
    """Raised inside a transaction to roll back a change that cannot happen as a whole."""


@dataclass(frozen=True)
class Migration:
    """A numbered schema step: an SQL file, then optionally a data-loading step."""

    version: int
    sql_file: str
    load_data: Callable[[aiosqlite.Connection], Awaitable[None]] | None = None


MIGRATIONS: tuple[Migration, ...] = tuple(
    Migration(version, name, _load_places_csv if version == 1 else None)
    for version, name in enumerate(SCHEMA_STEPS, start=1)
)
READ_CACHE_ENTRIES = 10_000
NEEDS_VERSION = "SELECT version FROM data_versions WHERE name = 'needs'"
CODE_ATTEMPTS = 5
CODE_ROUNDS = 20  # draws of the codes still missing, each checked against those in use


def _unfinished_sends_sql(
    platform: str, worker: str | None, silent_before: int | None
) -> tuple[str, tuple[Any, ...]]:
    """The statement that marks interrupted sends 'unknown', for both backends (`?`
    placeholders; PostgreSQL's store numbers them). Which 'sending' rows: with neither
    `worker` nor `silent_before`, every one of the platform (one process on its own); with a
    `worker`, that worker's own and the unclaimed ones (claimed before claims were
    recorded); with `silent_before`, also those of workers not seen since then (or never).
    The partial index outbox_sending keeps it to the rows in flight."""
    who: list[str] = []
    params: list[Any] = [platform]
    if worker is None and silent_before is None:
        who.append("1 = 1")
    if worker is not None:
        who.append("claimed_by = ? OR claimed_by IS NULL")
        params.append(worker)
    if silent_before is not None:
        who.append(
            "claimed_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM workers w "
            "WHERE w.worker = outbox.claimed_by AND w.last_seen >= ?)"
        )
        params.append(silent_before)
    sql = (
        "UPDATE outbox SET status = 'unknown' WHERE platform = ? AND status = 'sending' AND ("
        + " OR ".join(f"({one})" for one in who)
        + ") RETURNING id"
    )
    return sql, tuple(params)


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
# pause adds its length to paused_s. Parameters: the new status, now, now, now. (Written in
# SQL both backends speak: no max(a, b), which is greatest() on PostgreSQL.)
_PAUSE_CLOCK = (
    "paused_at = CASE WHEN ? = 'paused' THEN coalesce(paused_at, ?) END, "
    "paused_s = paused_s + CASE WHEN status = 'paused' AND paused_at IS NOT NULL "
    "AND ? > paused_at THEN ? - paused_at ELSE 0 END"
)
_CONFIRMATION_COLUMNS = "token, platform, user_id, action, subject, details, created_at, used_at"


def _statistics(
    personas: Sequence[Sequence[Any]],
    staff: int,
    active: int,
    needs: Sequence[Sequence[Any]],
    pledges: Sequence[Sequence[Any]],
    money: Sequence[Sequence[Any]],
    credit: Sequence[Any],
) -> Statistics:
    """The numbers of /stats from the rows of their queries (the same on every backend)."""
    unallocated, office = credit
    return Statistics(
        personas={persona: count for persona, count in personas},
        staff=staff,
        active=active,
        needs={status: count for status, count in needs},
        pledges={status: count for status, count in pledges},
        money_by_province=[from_row(ProvinceMoney, row) for row in money],
        unallocated_credit=unallocated,
        office_share=office,
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
    Audience.EVERYONE: "TRUE",  # a boolean on both backends (1 is not one on PostgreSQL)
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


_NEED_COLUMNS = (
    "id, code, province_id, city_id, category, kind, target, reserved, paid, description_fa, "
    "description_en, status, item_name, deadline, urgent, item_name_en"
)
_CHECKOUT_COLUMNS = (
    "transaction_id, platform, donor_id, invoice_payload AS payload, amount, currency, "
    "approved_at, state, inquiries, next_inquiry_at"
)
_PLEDGE_COLUMNS = (
    "id, reference, need_id, platform, donor_id, amount, status, created_at, expires_at, "
    "paid_at, bank_reference, receipt_file_id, donor_tracking"
)


_MONTHLY_COLUMNS = (
    "id, platform, donor_id, amount, province_id, city_id, category, day, status, "
    "next_period, next_due_at, version"
)
_MONTHLY_CHANGEABLE = frozenset(
    {"amount", "province_id", "city_id", "category", "status", "next_period", "next_due_at"}
)


def _check_monthly_changes(changes: dict[str, object]) -> None:
    """Only these columns of a standing gift change through `change_monthly`."""
    unknown = changes.keys() - _MONTHLY_CHANGEABLE
    if unknown:
        raise ValueError(f"not changeable: {sorted(unknown)}")


def _monthly_statistics(
    by_status: dict[str, int], raised: int, paid_gifts: int
) -> MonthlyStatistics:
    """Standing gifts by status, and what the gifts of a month raised (every backend)."""
    return MonthlyStatistics(
        active=by_status.get(MonthlyStatus.ACTIVE.value, 0),
        paused=by_status.get(MonthlyStatus.PAUSED.value, 0),
        raised=raised,
        paid_gifts=paid_gifts,
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


_UPDATABLE_ACCOUNT_FIELDS = frozenset({"persona", "language", "staff_role"})
_ACCOUNT_COLUMNS = (
    "platform, user_id, chat_id, language, persona, staff_role, home_city_id, "
    "first_seen, last_seen, blocked, announcements_opt_out"
)


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

    def __init__(self, store: StoreBase, sql: str) -> None:
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
