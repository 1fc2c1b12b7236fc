"""The protocols in bot/storage/protocols.py are the store's whole surface: the SQLite
Store and the PostgreSQL PgStore each implement every method of every protocol (the whole
`Storage`) with the same parameters, and have no public method that no protocol lists (a
new method goes in its repository's protocol, or this fails)."""

from __future__ import annotations

import inspect

import pytest

from bot.storage import Store, protocols
from bot.storage.postgres.store import PgStore

REPOSITORIES = [
    value
    for name, value in vars(protocols).items()
    if inspect.isclass(value) and value.__module__ == protocols.__name__ and name != "Storage"
]


def public_methods(cls: type) -> set[str]:
    return {
        name
        for name in dir(cls)
        if not name.startswith("_") and inspect.isfunction(getattr(cls, name))
    }


def declared(protocol: type) -> set[str]:
    return {name for name in vars(protocol) if not name.startswith("_")}


@pytest.mark.parametrize("store", [Store, PgStore], ids=["sqlite", "postgres"])
@pytest.mark.parametrize("protocol", REPOSITORIES, ids=lambda p: p.__name__)
def test_each_store_implements_each_method_as_declared(store: type, protocol: type) -> None:
    for name in declared(protocol):
        if isinstance(vars(protocol)[name], property):  # a fact about the store, not a call
            assert isinstance(getattr(store, name), property), name
            continue
        wanted = inspect.signature(getattr(protocol, name))
        actual = inspect.signature(getattr(store, name))
        assert list(actual.parameters.values()) == list(wanted.parameters.values()), name
        assert inspect.iscoroutinefunction(getattr(store, name)) == (
            inspect.iscoroutinefunction(getattr(protocol, name))  # not unit_of_work
        ), name


@pytest.mark.parametrize("store", [Store, PgStore], ids=["sqlite", "postgres"])
def test_every_public_store_method_is_in_exactly_one_protocol(store: type) -> None:
    owners: dict[str, list[str]] = {}
    for protocol in REPOSITORIES:
        for name in declared(protocol):
            owners.setdefault(name, []).append(protocol.__name__)
    assert {name: where for name, where in owners.items() if len(where) > 1} == {}
    assert public_methods(store) - set(owners) == set()


def test_storage_is_every_repository_at_once() -> None:
    assert set(protocols.Storage.__mro__) >= set(REPOSITORIES)
