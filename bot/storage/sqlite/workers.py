"""What several bot processes (workers) sharing one SQLite file agree on through it: who is
alive, and one send rate per platform. The per-chat turn is a no-op here (see `chat_turn`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.storage.sqlite.base import StoreBase

# The database's clock, in seconds: every process reads the same one, and a take's refill is
# measured on it, so clocks that disagree between processes cannot mint extra tokens.
_NOW = "((julianday('now') - 2440587.5) * 86400.0)"
_AVAILABLE = f"MIN(?3, send_pacing.tokens + MAX(0.0, {_NOW} - send_pacing.updated_at) * ?2)"
_GRANTED = f"(CASE WHEN {_AVAILABLE} >= ?4 THEN MIN(?5, CAST({_AVAILABLE} AS INTEGER)) ELSE 0 END)"
_TAKE = (
    f"INSERT INTO send_pacing (platform, tokens, updated_at, granted) VALUES (?1, 0, {_NOW}, 0) "
    f"ON CONFLICT (platform) DO UPDATE SET granted = {_GRANTED}, "
    f"tokens = {_AVAILABLE} - {_GRANTED}, "
    f"updated_at = MAX(send_pacing.updated_at, {_NOW}) "
    "RETURNING granted, tokens"
)


class WorkersRepository(StoreBase):
    """Workers: who is alive, the shared send rate, and one chat's turn across processes."""

    async def worker_seen(self, worker: str, now: int, *, starting: bool = False) -> None:
        """This worker is alive (its clock beats every WORKER_BEAT_S); `starting` also
        records when it (re)started."""
        await self._write(
            "INSERT INTO workers (worker, started_at, last_seen) VALUES (?1, ?2, ?2) "
            "ON CONFLICT (worker) DO UPDATE SET last_seen = ?2, "
            "started_at = CASE WHEN ?3 THEN ?2 ELSE workers.started_at END",
            (worker, now, starting),
        )

    async def take_send_tokens(
        self, platform: str, rate: float, capacity: float, least: int, most: int
    ) -> tuple[int, float]:
        """Take up to `most` send tokens from the platform's bucket, shared by every worker,
        if at least `least` are there: (taken, tokens left). One statement: the refill since
        the last take (at `rate` a second, up to `capacity`) and the take happen together,
        so two workers never take the same token."""
        rows = await self._fetchall(_TAKE, (platform, rate, capacity, least, most))
        return int(rows[0][0]), float(rows[0][1])

    async def give_back_send_tokens(self, platform: str, capacity: float, tokens: int) -> None:
        """Tokens taken but not used (fewer messages were due): back in the shared bucket."""
        await self._write(
            "UPDATE send_pacing SET tokens = MIN(?, tokens + ?) WHERE platform = ?",
            (capacity, tokens, platform),
        )

    async def pause_sends(
        self, platform: str, rate: float, capacity: float, seconds: float
    ) -> None:
        """A 429 (it is about the whole bot): every worker's sends wait `seconds`, by leaving
        the shared bucket that far in debt (refilled from now)."""
        await self._write(
            f"UPDATE send_pacing SET tokens = MIN({_AVAILABLE}, -?4 * ?2), "
            f"updated_at = MAX(send_pacing.updated_at, {_NOW}) WHERE platform = ?1",
            (platform, rate, capacity, seconds),
        )

    @asynccontextmanager
    async def chat_turn(self, platform: str, chat_id: int) -> AsyncIterator[None]:
        """One chat's updates one at a time across processes. Nothing to do on SQLite: one
        SQLite file serves one bot process per platform (the file takes one writer at a
        time, and its processes are the bot and short CLI commands, which handle no
        updates), and bot/processing.py already orders a chat inside that process. Several
        `hamdeli run` processes for one bot need PostgreSQL."""
        yield
