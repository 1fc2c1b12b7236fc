"""Applying the domain's notices inside the transaction of a change: the same steps on
every backend.

Who is told what is the domain's decision (bot/domain/notices.py): it hands the store a
`Notice` when it knows the recipient, or a rule (`DonorNotice`, `HouseholdNotice`,
`CreditNotice`, `VoucherNotices`) when only the transaction knows the rows a change
touched: the donors of the pledges a close cancels, the people linked to a household.
The store reads those rows, asks the rule, and writes what it answers into the outbox in
the same transaction, so each notice commits with its change or not at all, and its
dedupe key queues it once. Each backend mixes `NoticeWrites` in and supplies three
statements in its own dialect (below); `db` is its connection inside the transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from bot.models import Pledge
from bot.storage.records import DonorNotice, HouseholdNotice, NeedLink, Notice, PledgeFacts


def outbox_args(notice: Notice) -> str:
    """The JSON an outbox row keeps of a notice's arguments (one form on every backend)."""
    return json.dumps(dict(notice.args), ensure_ascii=False)


class NoticeWrites:
    """Queueing the domain's notices, inside the caller's transaction."""

    async def _tell_donors(
        self,
        db: Any,
        pledges: Sequence[Pledge],
        tell: DonorNotice | None,
        now: int,
        *,
        credit_id: int | None = None,
    ) -> None:
        """Each pledge's facts (with the credit its money became, if any) through the
        domain's rule, and what it answers into the outbox; None tells no one."""
        if tell is None or not pledges:
            return
        needs = {row[0]: row for row in await self._needs_named(db, {p.need_id for p in pledges})}
        facts = []
        for pledge in pledges:
            _, code, kind, item, item_en = needs[pledge.need_id]
            facts.append(PledgeFacts(pledge, code, kind, item, item_en, credit_id))
        await self._queue_notices(db, (tell(f) for f in facts), now)

    async def _tell_households(
        self, db: Any, need_ids: Sequence[int], tell: HouseholdNotice | None, now: int
    ) -> None:
        """Everyone linked to the households of these needs, through the domain's rule."""
        if tell is None or not need_ids:
            return
        links = await self._linked_to_needs(db, need_ids)
        await self._queue_notices(db, (tell(link) for link in links), now)

    async def _queue_notices(self, db: Any, notices: Iterable[Notice | None], now: int) -> None:
        """The notices a rule answered (None: that one is told nothing), due now."""
        told = [n for n in notices if n is not None]
        if told:
            await self._insert_notices(db, told, now)

    # -- what each backend supplies, in its own dialect --------------------------------

    async def _insert_notices(self, db: Any, notices: Sequence[Notice], now: int) -> None:
        """Insert outbox rows due now, skipping any whose dedupe key is already queued."""
        raise NotImplementedError

    async def _needs_named(self, db: Any, need_ids: Iterable[int]) -> list[Sequence[Any]]:
        """(id, code, kind, item_name, item_name_en) of each need: what a donor is told."""
        raise NotImplementedError

    async def _linked_to_needs(self, db: Any, need_ids: Sequence[int]) -> list[NeedLink]:
        """The people linked to each need's household, with the need's category."""
        raise NotImplementedError
