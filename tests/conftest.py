"""Shared fixtures: a fresh store, and the real Application driven through the emulator."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from telegram.ext import BaseHandler

from bot.app import build_application
from bot.config import Settings
from bot.context import HamdeliApplication
from bot.emulator import BotApiEmulator, EmulatedUser
from bot.i18n import use_strict_translations
from bot.storage import Store
from bot.storage.factory import store_for
from bot.storage.protocols import Storage

# A plugin (below) that this module also imports from: its asserts are rewritten first.
pytest.register_assert_rewrite("tests.databases")
from tests.databases import database_url  # noqa: E402

# The throwaway PostgreSQL cluster (tests/pg.py): it starts only for a test that asks for it,
# and those tests skip when PostgreSQL is not installed, so `make test` never needs it.
pytest_plugins = ("tests.pg", "tests.databases")

# Shared CI machines are noisy: a property test must fail on a wrong answer, not a slow one.
hypothesis_settings.register_profile("hamdeli", deadline=None)
hypothesis_settings.load_profile("hamdeli")

# A missing translation is a test failure, never a silent fallback.
use_strict_translations()

ADMIN_ID = 900_001


class FakeClock:
    """Time that tests move by hand."""

    def __init__(self, start: float = 1_764_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Storage]:
    """This test's store, on the backend of the run (tests/databases.py)."""
    async with store_for(database_url(tmp_path), pool_size=4) as opened:
        yield opened


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[Store]:
    """The SQLite store, named for tests that only make sense on SQLite in a module whose
    `store` runs on both backends."""
    async with Store(tmp_path / "hamdeli.db") as opened:
        yield opened


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.pg)])
def backend(request: pytest.FixtureRequest) -> object:
    """Which backend `any_store` opens: None for SQLite, else the PostgreSQL cluster
    (tests/pg.py; skipped when PostgreSQL is not installed). Synchronous, because an async
    fixture cannot ask for another one by name."""
    return request.getfixturevalue("pg_cluster") if request.param == "postgres" else None


@pytest.fixture
async def any_store(backend: object, tmp_path: Path) -> AsyncIterator[Store]:
    """The same test on each backend. A module runs all its `store` tests on both by
    overriding `store` with this fixture; PostgreSQL gets a fresh database per test."""
    if backend is None:
        async with Store(tmp_path / "hamdeli.db") as opened:
            yield opened
        return
    import asyncpg

    from bot.storage.postgres.store import PgStore

    name = f"store_{next(_pg_databases)}"
    admin = await asyncpg.connect(backend.dsn())  # type: ignore[attr-defined]
    try:
        await admin.execute(f"CREATE DATABASE {name} STRATEGY FILE_COPY")
        async with PgStore(backend.dsn(name), pool_size=4) as opened:  # type: ignore[attr-defined]
            yield opened  # type: ignore[misc]
        await admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
    finally:
        await admin.close()


_pg_databases = itertools.count(1)


def another_process(store: object) -> Store:
    """A second store on the same database, as another bot process would open it."""
    from bot.storage.postgres.store import PgStore

    if isinstance(store, PgStore):
        return PgStore(store.dsn, pool_size=4)  # type: ignore[return-value]
    assert isinstance(store, Store)
    return Store(store.path)


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url(tmp_path),
        "database_pool_size": 4,
        "admin_ids": [ADMIN_ID],
        # Tests send far more than 30 messages a second; pacing has tests of its own.
        "rate_limit_per_second": 100_000,
        "broadcast_rate": 100_000,
        "_env_file": None,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


class Chat:
    """A running bot on the emulator, and a way to add people who talk to it."""

    def __init__(self, emulator: BotApiEmulator, application: HamdeliApplication) -> None:
        self.emulator = emulator
        self.application = application
        self._ids = itertools.count(1001)

    @property
    def store(self) -> Storage:
        return self.application.services.store

    def user(
        self, lang: str = "fa", user_id: int | None = None, name: str = "Sara"
    ) -> EmulatedUser:
        return EmulatedUser(
            self.emulator,
            self.application,
            user_id or next(self._ids),
            first_name=name,
            language_code=lang,
        )


@pytest.fixture
async def start_app(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Callable]:
    """Start (and later stop) applications on one database, as restarts would."""
    running: list[HamdeliApplication] = []

    async def start(
        platform: str = "telegram",
        *,
        emulator: BotApiEmulator | None = None,
        flows: Sequence[BaseHandler] | None = None,
        **overrides: object,
    ) -> Chat:
        """A bot process on the shared database; pass the old emulator to keep the chats."""
        emulator = emulator or BotApiEmulator(platform=platform)
        settings = make_settings(tmp_path, platform=platform, **overrides)
        application = build_application(settings, request=emulator, clock=clock, flows=flows)
        await application.initialize()
        running.append(application)
        return Chat(emulator, application)

    yield start
    for application in running:
        if application._initialized:
            await application.shutdown()


@pytest.fixture
async def chat(start_app: Callable) -> Chat:
    return await start_app()
