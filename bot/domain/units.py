"""A domain action that is one unit of work: its change, its audit row and its outbox rows
commit together or not at all (product rule 2), and a deadlock retries it whole.

Why a decorator rather than `async with store.unit_of_work():` in each action: with several
workers on PostgreSQL two actions can lock the same rows in opposite orders, and the
database then rolls one of them back (40P01). A `with` block cannot run its body again; a
function can (`Storage.run_unit`). So the action itself is the unit: everything it asks
of the store, reads included, is one transaction, attempted again from the start when the
database says so. Actions touch nothing but the store (they send nothing: sends go through
the outbox), so running one twice is safe.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Concatenate, ParamSpec, TypeVar

from bot.storage.protocols import Storage

P = ParamSpec("P")
T = TypeVar("T")


def in_one_unit(
    action: Callable[Concatenate[Storage, P], Awaitable[T]],
) -> Callable[Concatenate[Storage, P], Awaitable[T]]:
    """Run `action(store, …)` as one unit of work on `store`, retried on a deadlock."""

    async def unit(store: Storage, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return await store.run_unit(lambda: action(store, *args, **kwargs))

    # update_wrapper, not @wraps: the same name and docstring for logs and metrics, while
    # the checker keeps `unit`'s own signature (wraps' result type hides it)
    functools.update_wrapper(unit, action)
    return unit
