"""Pledges per second under contention, next to a bare UPDATE loop measured in the same run.

Many donors pledge to the same few needs at once through `domain.pledges.pledge_help`
(the function the bot calls), with asyncio.gather in waves of 200. Afterwards every need is
checked: reserved + paid never exceeds the target. The baseline runs the same conditional
UPDATE in a plain sqlite3 loop in-thread, so the ratio shows what the store's safety and
aiosqlite's thread hops cost on this machine today.

    python bench/pledges.py [--pledges 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import tempfile
import time
from pathlib import Path

from bot.codes import new_confirm_token
from bot.domain import pledges
from bot.domain.pledges import PledgeRefused, PledgeRules
from bot.models import NeedCategory, NeedDraft, NeedKind
from bot.storage import Store

TOMAN = 10
WAVE = 200
NEEDS = 5
AMOUNT = 1_000_000 * TOMAN
RULES = PledgeRules(min_rials=100_000 * TOMAN, ttl_seconds=48 * 3600)


async def seed(store: Store, donors: int, per_need_target: int) -> list[str]:
    province = (await store.provinces())[0]
    drafts = [
        NeedDraft(
            city_id=province.cities[0].id, province_id=province.id,
            category=NeedCategory.LIVELIHOOD, kind=NeedKind.MONEY,
            target=per_need_target, description_fa="bench", external_id=f"bench-{n}",
        )
        for n in range(NEEDS)
    ]  # fmt: skip
    await store.upsert_needs(drafts, now=0)
    for donor in range(donors):
        await store.seen_account("telegram", donor, donor, "fa", 0)
    return [row[0] for row in await store._fetchall("SELECT code FROM needs ORDER BY id")]


async def contended(path: Path, total: int) -> tuple[float, int, int]:
    """(pledges/s, accepted, refused) for `total` attempts on NEEDS needs."""
    async with Store(path) as store:
        # Targets take 90% of the attempts: most pledges succeed, the last ones race and lose.
        codes = await seed(store, WAVE, int(total / NEEDS * 0.9) * AMOUNT)
        accepted = refused = 0

        async def attempt(n: int) -> bool:
            try:
                await pledges.pledge_help(
                    store, need_code=codes[n % NEEDS], platform="telegram", donor_id=n % WAVE,
                    amount=AMOUNT, token=new_confirm_token(), now=1, rules=RULES,
                )  # fmt: skip
            except PledgeRefused:
                return False
            return True

        started = time.perf_counter()
        for wave in range(0, total, WAVE):
            results = await asyncio.gather(*(attempt(n) for n in range(wave, wave + WAVE)))
            accepted += sum(results)
            refused += len(results) - sum(results)
        elapsed = time.perf_counter() - started
        over = await store._fetchall("SELECT count(*) FROM needs WHERE reserved + paid > target")
        assert over[0][0] == 0, "over-pledged!"
    return total / elapsed, accepted, refused


def bare_update_loop(path: Path, total: int) -> float:
    """The same conditional UPDATE, plain sqlite3, in-thread, one commit each."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    started = time.perf_counter()
    for n in range(total):
        db.execute(
            "UPDATE needs SET reserved = reserved + ? WHERE id = ? AND status = 'open' "
            "AND reserved + paid + ? <= target",
            (1, n % NEEDS + 1, 1),
        )
    elapsed = time.perf_counter() - started
    db.close()
    return total / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pledges", type=int, default=3000)
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp(prefix="hamdeli-pledges-")) / "bench.db"
    rate, accepted, refused = asyncio.run(contended(path, args.pledges))
    baseline = bare_update_loop(path, args.pledges)
    print(f"pledges under contention: {args.pledges:,} attempts on {NEEDS} needs, {WAVE} at once")
    print(f"  pledge_help:        {rate:8,.0f} pledges/s  ({accepted:,} accepted, {refused:,} "
          "refused, 0 over-pledged; goal >= 300/s)")  # fmt: skip
    print(f"  bare UPDATE loop:   {baseline:8,.0f} updates/s (plain sqlite3, same run)")
    print(f"  ratio:              {rate / baseline:8.3f}")


if __name__ == "__main__":
    main()
