"""Which store a DATABASE_URL names: `sqlite:///…` the SQLite store (the default),
`postgresql://…` (or `postgres://…`) the PostgreSQL one.

Every caller that opens the store (the service, the demo, the imports, the exports, the
migrations) asks here, so the backend is one setting and no caller names a class.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

import asyncpg

from bot.config import POSTGRES_SCHEMES

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.storage.postgres.store import PgStore
    from bot.storage.sqlite.store import Store

DEFAULT_POOL_SIZE = 10
# What a database failing mid-work raises, on either backend: commands that report "the
# database failed" in one line catch these. (A database that cannot be opened at all is a
# DatabaseProblem, which `hamdeli` itself reports.)
DATABASE_ERRORS: tuple[type[BaseException], ...] = (
    sqlite3.Error,
    OSError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
)


def open_store(settings: Settings, **options: Any) -> Store | PgStore:
    """The store Settings name (DATABASE_URL, DATABASE_POOL_SIZE), not yet opened."""
    return store_for(settings.database_url, pool_size=settings.database_pool_size, **options)


def is_postgres_url(database_url: str) -> bool:
    return database_url.startswith(POSTGRES_SCHEMES)


def store_for(
    database_url: str, *, pool_size: int = DEFAULT_POOL_SIZE, **options: Any
) -> Store | PgStore:
    """The (unopened) store a URL names; `options` go to the SQLite store (read_cache,
    create) or the PostgreSQL one (read_cache). `create=False` (imports, exports: the
    database must already exist) means nothing on PostgreSQL, where the server's database
    always exists before Hamdeli connects (a missing one is refused at open)."""
    if is_postgres_url(database_url):
        from bot.storage.postgres.store import PgStore

        options.pop("create", None)
        return PgStore(database_url, pool_size=pool_size, **options)
    if database_url.startswith("sqlite:///") and database_url != "sqlite:///":
        from bot.storage.sqlite.store import Store

        return Store(database_url.removeprefix("sqlite:///"), **options)
    raise ValueError(f"not a database URL Hamdeli knows: {database_url.split('://')[0]}://")
