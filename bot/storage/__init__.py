"""The async store: every SQL statement of Hamdeli lives in this package.

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

Layout: `sqlite/` is the SQLite backend (the default), one module per repository (accounts,
places and browsing, needs, pledges, payments, credits, households and vouchers,
verification, outbox, broadcasts, staff, support, monthly, conversation state), each a
mixin over `sqlite/base.py` (the connection, transactions, migrations); `sqlite/store.py`
composes them into `Store`. `protocols.py` lists the whole surface the domain depends on.
"""

from __future__ import annotations

from bot.storage.records import (
    IMPORT_BATCH_ROWS,
    CodeTaken,
    DatabaseProblem,
    ImportedNeed,
    ImportRefused,
    MonthlyClaimLost,
    StaffNeedsWhere,
)
from bot.storage.sqlite.common import (
    CODE_ATTEMPTS,
    LAST_SEEN_RESOLUTION_S,
    MIGRATIONS,
    backup_database,
    database_file_problem,
)
from bot.storage.sqlite.store import Store

__all__ = [
    "CODE_ATTEMPTS",
    "IMPORT_BATCH_ROWS",
    "LAST_SEEN_RESOLUTION_S",
    "MIGRATIONS",
    "CodeTaken",
    "DatabaseProblem",
    "ImportRefused",
    "ImportedNeed",
    "MonthlyClaimLost",
    "StaffNeedsWhere",
    "Store",
    "backup_database",
    "database_file_problem",
]
