"""What several bot processes (workers) sharing one PostgreSQL agree on through it: who is
alive, one send rate per platform, and whose turn it is in each chat.

A chat's turn is a session advisory lock keyed by (platform, chat), held on a connection of
a second, small pool (`turns`, DATABASE_POOL_SIZE connections) for as long as an update is
handled. Session, not transaction-scoped: handling an update is many short transactions and
network calls, never one transaction. A second pool, not the store's: a turn's connection
is held while the handler runs its queries on the store's pool, so taking turns from that
pool would let DATABASE_POOL_SIZE waiting updates hold every connection their handlers need
(a deadlock). Each update takes one turn and never a second, so turns cannot deadlock each
other; a worker killed mid-update drops its connection and the server releases its turns.
Per process this is at most 2 × DATABASE_POOL_SIZE connections to the server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from bot.storage.postgres.base import PgStoreBase

# The statement's time on the server's clock: one value however often the statement reads it.
_NOW = "extract(epoch FROM statement_timestamp())::float8"
_AVAILABLE = (
    f"LEAST($3::float8, send_pacing.tokens + GREATEST(0, {_NOW} - send_pacing.updated_at) "
    "* $2::float8)"
)
_GRANTED = (
    f"(CASE WHEN {_AVAILABLE} >= $4::int THEN LEAST($5::int, floor({_AVAILABLE})::int) ELSE 0 END)"
)
_TAKE = (
    f"INSERT INTO send_pacing (platform, tokens, updated_at, granted) VALUES ($1, 0, {_NOW}, 0) "
    f"ON CONFLICT (platform) DO UPDATE SET granted = {_GRANTED}, "
    f"tokens = {_AVAILABLE} - {_GRANTED}, "
    f"updated_at = GREATEST(send_pacing.updated_at, {_NOW}) "
    "RETURNING granted, tokens"
)
# The two-int advisory key space (apart from the one-bigint keys of migrations and
# forgetting): the platform's hash, and the chat id folded into 32 bits (a collision only
# makes two chats take turns).
# Waits for the lock, then reads the needs version (migration 0027, which says why).
_TAKE_TURN = "SELECT hamdeli_take_turn($1, $2)"


async def _give_back_turns(connection: asyncpg.Connection) -> None:
    """The turns pool's reset: a connection going back to the pool gives up its turn.

    One statement in place of asyncpg's default reset (UNLISTEN, RESET ALL, CLOSE ALL and
    this), which cost a second round trip after an explicit unlock on every update. A turn
    is the only session state a turn's connection ever has; a release that fails or is
    cancelled terminates the connection, and the server then drops its locks itself."""
    await connection.execute("SELECT pg_advisory_unlock_all()")


def _chat_key(chat_id: int) -> int:
    folded = (chat_id ^ (chat_id >> 32)) & 0xFFFFFFFF
    return folded - (1 << 32) if folded >= 1 << 31 else folded


class PgWorkersRepository(PgStoreBase):
    """Workers: who is alive, the shared send rate, and one chat's turn across processes."""

    _turns: asyncpg.Pool | None = None

    async def open(self) -> None:
        """The store's pool, then the turns' pool (empty until a turn is taken: stores that
        handle no updates, like the CLI's, never open a connection for it)."""
        await super().open()
        if self._turns is None:
            self._turns = await asyncpg.create_pool(
                self.dsn,
                min_size=0,
                max_size=self.pool_size,
                command_timeout=None,
                reset=_give_back_turns,
            )

    async def close(self) -> None:
        if self._turns is not None:
            turns, self._turns = self._turns, None
            await turns.close()
        await super().close()

    async def worker_seen(self, worker: str, now: int, *, starting: bool = False) -> None:
        """This worker is alive (its clock beats every WORKER_BEAT_S); `starting` also
        records when it (re)started."""
        await self.pool.execute(
            "INSERT INTO workers (worker, started_at, last_seen) VALUES ($1, $2, $2) "
            "ON CONFLICT (worker) DO UPDATE SET last_seen = $2, "
            "started_at = CASE WHEN $3 THEN $2 ELSE workers.started_at END",
            worker,
            now,
            starting,
        )

    async def take_send_tokens(
        self, platform: str, rate: float, capacity: float, least: int, most: int
    ) -> tuple[int, float]:
        """Take up to `most` send tokens from the platform's bucket, shared by every worker,
        if at least `least` are there: (taken, tokens left). One statement: the row lock
        serializes workers, and the refill (on the server's clock) and the take happen
        together, so two workers never take the same token."""
        row = await self.pool.fetchrow(_TAKE, platform, rate, capacity, least, most)
        return int(row[0]), float(row[1])

    async def give_back_send_tokens(self, platform: str, capacity: float, tokens: int) -> None:
        """Tokens taken but not used (fewer messages were due): back in the shared bucket."""
        await self.pool.execute(
            "UPDATE send_pacing SET tokens = LEAST($1::float8, tokens + $2) WHERE platform = $3",
            capacity,
            tokens,
            platform,
        )

    async def pause_sends(
        self, platform: str, rate: float, capacity: float, seconds: float
    ) -> None:
        """A 429 (it is about the whole bot): every worker's sends wait `seconds`, by leaving
        the shared bucket that far in debt (refilled from now)."""
        await self.pool.execute(
            f"UPDATE send_pacing SET tokens = LEAST({_AVAILABLE}, -$4::float8 * $2::float8), "
            f"updated_at = GREATEST(send_pacing.updated_at, {_NOW}) WHERE platform = $1",
            platform,
            rate,
            capacity,
            seconds,
        )

    @asynccontextmanager
    async def chat_turn(self, platform: str, chat_id: int) -> AsyncIterator[None]:
        """One chat's updates one at a time across processes: wait for the chat's advisory
        lock (the server queues waiters in order of asking), hold it while the caller
        handles the update, and give it back with the connection (`_give_back_turns`).

        The same round trip reads the needs version once the turn is granted, so the browse
        cache answers this update with every change committed before it began, whichever
        process made it (see `PgStoreBase._saw_needs_version`). See the module's docstring
        for the pool."""
        if self._turns is None:
            raise RuntimeError("Store is not open")
        async with self._turns.acquire() as connection:
            changes = self._changes
            version = await connection.fetchval(_TAKE_TURN, platform, _chat_key(chat_id))
            self._saw_needs_version(version, changes)
            yield
