"""Which store a DATABASE_URL names: `sqlite:///…` the SQLite store (the default),
`postgresql://…` (or `postgres://…`) the PostgreSQL one.

Callers still construct `Store(settings.database_path)` directly; they move to
`store_for` once the PostgreSQL backend implements every protocol (issue #12). Until then
Settings refuses a postgresql:// DATABASE_URL, so no caller can mistake it for a path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.storage.postgres.store import PgStore
    from bot.storage.sqlite.store import Store

DEFAULT_POOL_SIZE = 10
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def open_store(settings: Settings, **options: Any) -> Store | PgStore:
    """The store Settings name (DATABASE_URL, DATABASE_POOL_SIZE), not yet opened."""
    return store_for(settings.database_url, pool_size=settings.database_pool_size, **options)


def is_postgres_url(database_url: str) -> bool:
    return database_url.startswith(POSTGRES_SCHEMES)


def store_for(
    database_url: str, *, pool_size: int = DEFAULT_POOL_SIZE, **options: Any
) -> Store | PgStore:
    """The (unopened) store a URL names; `options` go to the SQLite store (read_cache,
    create) or the PostgreSQL one (read_cache)."""
    if is_postgres_url(database_url):
        from bot.storage.postgres.store import PgStore

        return PgStore(database_url, pool_size=pool_size, **options)
    if database_url.startswith("sqlite:///") and database_url != "sqlite:///":
        from bot.storage.sqlite.store import Store

        return Store(database_url.removeprefix("sqlite:///"), **options)
    raise ValueError(f"not a database URL Hamdeli knows: {database_url.split('://')[0]}://")
