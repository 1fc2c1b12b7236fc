"""Pledging rules, called directly: reserve, race, idempotency, cancel, expire, pay, deliver."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import replace

import pytest

from bot.codes import ALPHABET, new_confirm_token, new_need_code, new_pledge_reference
from bot.domain import pledges
from bot.domain.pledges import PledgeRefused, PledgeRules
from bot.models import NeedCategory, NeedDraft, NeedKind, NeedStatus, PledgeStatus
from bot.storage import Store
from tests.conftest import another_process

TOMAN = 10
RULES = PledgeRules(min_rials=100_000 * TOMAN, ttl_seconds=48 * 3600)
NOW = 1_800_000_000
_donors = itertools.count(1)


@pytest.fixture
def store(any_store: Store) -> Store:
    """Every test here runs on both backends (SQLite, PostgreSQL)."""
    return any_store


async def add_need(
    store: Store, *, target: int = 10_000_000 * TOMAN, kind: NeedKind = NeedKind.MONEY
) -> str:
    tehran = (await store.provinces())[0]
    draft = NeedDraft(
        city_id=tehran.cities[0].id,
        province_id=tehran.id,
        category=NeedCategory.DOWRY,
        kind=kind,
        target=target,
        description_fa="یک سرویس جهیزیه",
        item_name="چرخ خیاطی" if kind is NeedKind.ITEMS else None,
        external_id=f"ext-{next(_donors)}",
    )
    await store.upsert_needs([draft], now=NOW)
    rows = await store._fetchall("SELECT code FROM needs ORDER BY id DESC LIMIT 1")
    return rows[0][0]


async def donor(store: Store) -> int:
    user_id = next(_donors)
    await store.seen_account("telegram", user_id, user_id, "fa", NOW)
    return user_id


async def pledge(
    store: Store,
    code: str,
    amount: int,
    *,
    donor_id: int | None = None,
    token: str | None = None,
    now: int = NOW,
):
    return await pledges.pledge_help(
        store,
        need_code=code,
        platform="telegram",
        donor_id=donor_id or await donor(store),
        amount=amount,
        token=token or new_confirm_token(),
        now=now,
        rules=RULES,
    )


def test_codes_are_short_unambiguous_and_random() -> None:
    codes = {new_need_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == 6 and set(c) <= set(ALPHABET) for c in codes)
    assert not set("01IOL") & set(ALPHABET)
    assert new_pledge_reference().startswith("P-")


async def test_a_pledge_reserves_its_share_until_paid(store) -> None:
    code = await add_need(store)
    made = await pledge(store, code, 2_000_000 * TOMAN)
    assert made.status is PledgeStatus.AWAITING_PAYMENT
    assert made.expires_at == NOW + RULES.ttl_seconds
    need = await store.need_by_code(code)
    assert (need.reserved, need.paid, need.remaining) == (20_000_000, 0, 80_000_000)


async def test_more_than_remains_is_refused_with_the_remaining_amount(store) -> None:
    code = await add_need(store, target=1_000_000 * TOMAN)
    with pytest.raises(PledgeRefused) as refused:
        await pledge(store, code, 2_000_000 * TOMAN)
    assert refused.value.message_id == "pledge-above-remaining"
    assert refused.value.args_ == {"remaining": 10_000_000}


async def test_below_the_minimum_is_refused_unless_it_finishes_the_need(store) -> None:
    code = await add_need(store, target=1_050_000 * TOMAN)
    with pytest.raises(PledgeRefused, match="pledge-below-minimum"):
        await pledge(store, code, 50_000 * TOMAN)
    await pledge(store, code, 1_000_000 * TOMAN)
    last = await pledge(store, code, 50_000 * TOMAN)  # what remains is below the minimum
    assert last.amount == 500_000
    assert (await store.need_by_code(code)).status is NeedStatus.FULLY_PLEDGED


async def test_item_needs_take_quantities_without_a_money_minimum(store) -> None:
    code = await add_need(store, target=3, kind=NeedKind.ITEMS)
    await pledge(store, code, 1)
    with pytest.raises(PledgeRefused, match="pledge-above-remaining"):
        await pledge(store, code, 3)
    await pledge(store, code, 2)
    assert (await store.need_by_code(code)).status is NeedStatus.FULLY_PLEDGED


async def test_a_redelivered_confirmation_creates_nothing_twice(store) -> None:
    code = await add_need(store, target=1_000_000 * TOMAN)
    donor_id = await donor(store)
    first = await pledge(store, code, 1_000_000 * TOMAN, donor_id=donor_id, token="tok-1")
    again = await pledge(store, code, 1_000_000 * TOMAN, donor_id=donor_id, token="tok-1")
    assert again == first
    assert (await store.need_by_code(code)).reserved == 10_000_000


async def test_200_concurrent_donors_never_pledge_more_than_the_target(store) -> None:
    code = await add_need(store, target=10_000_000 * TOMAN)
    donors = [await donor(store) for _ in range(200)]

    async def attempt(donor_id: int) -> str:
        try:
            await pledge(store, code, 300_000 * TOMAN, donor_id=donor_id)
        except PledgeRefused as refused:
            return refused.message_id
        return "ok"

    results = await asyncio.gather(*(attempt(d) for d in donors))
    need = await store.need_by_code(code)
    assert results.count("ok") == 33  # 33 × 300,000 = 9,900,000 of 10,000,000
    assert need.reserved == 33 * 3_000_000 <= need.target
    assert set(results) <= {"ok", "pledge-lost-race", "pledge-above-remaining"}


async def test_two_processes_racing_never_over_pledge(store) -> None:
    code = await add_need(store, target=1_000_000 * TOMAN)
    async with another_process(store) as other_process:
        donors = [await donor(store) for _ in range(40)]

        async def attempt(which: Store, donor_id: int) -> bool:
            try:
                await pledges.pledge_help(
                    which,
                    need_code=code,
                    platform="telegram",
                    donor_id=donor_id,
                    amount=100_000 * TOMAN,
                    token=new_confirm_token(),
                    now=NOW,
                    rules=RULES,
                )
            except PledgeRefused:
                return False
            return True

        won = await asyncio.gather(
            *(attempt(store if i % 2 else other_process, d) for i, d in enumerate(donors))
        )
    assert sum(won) == 10
    assert (await store.need_by_code(code)).reserved == 10_000_000


async def test_cancelling_returns_the_share_and_reopens_a_fully_pledged_need(store) -> None:
    code = await add_need(store, target=1_000_000 * TOMAN)
    donor_id = await donor(store)
    made = await pledge(store, code, 1_000_000 * TOMAN, donor_id=donor_id)
    assert (await store.need_by_code(code)).status is NeedStatus.FULLY_PLEDGED
    cancelled = await pledges.cancel_pledge(
        store, reference=made.reference, platform="telegram", donor_id=donor_id, now=NOW + 5
    )
    assert cancelled.status is PledgeStatus.CANCELLED
    need = await store.need_by_code(code)
    assert (need.status, need.reserved) == (NeedStatus.OPEN, 0)
    with pytest.raises(PledgeRefused, match="pledge-not-cancellable"):
        await pledges.cancel_pledge(
            store, reference=made.reference, platform="telegram", donor_id=donor_id, now=NOW
        )


async def test_nobody_else_can_cancel_or_even_see_a_pledge(store) -> None:
    code = await add_need(store)
    made = await pledge(store, code, 1_000_000 * TOMAN)
    stranger = await donor(store)
    with pytest.raises(PledgeRefused, match="pledge-not-found"):
        await pledges.cancel_pledge(
            store, reference=made.reference, platform="telegram", donor_id=stranger, now=NOW
        )
    with pytest.raises(PledgeRefused, match="pledge-not-found"):
        await pledges.cancel_pledge(
            store, reference=made.reference, platform="bale", donor_id=made.donor_id, now=NOW
        )


async def test_expired_pledges_give_their_share_back_exactly_once(store) -> None:
    code = await add_need(store, target=1_000_000 * TOMAN)
    made = await pledge(store, code, 1_000_000 * TOMAN)
    assert await pledges.expire_due_pledges(store, NOW + RULES.ttl_seconds - 1, "telegram") == []
    expired = await pledges.expire_due_pledges(store, NOW + RULES.ttl_seconds, "telegram")
    assert [p.reference for p in expired] == [made.reference]
    assert await pledges.expire_due_pledges(store, NOW + RULES.ttl_seconds + 60, "telegram") == []
    need = await store.need_by_code(code)
    assert (need.status, need.reserved) == (NeedStatus.OPEN, 0)


async def test_reported_payment_stops_the_expiry(store) -> None:
    code = await add_need(store)
    donor_id = await donor(store)
    made = await pledge(store, code, 1_000_000 * TOMAN, donor_id=donor_id)
    reported = await pledges.report_paid(
        store,
        reference=made.reference,
        platform="telegram",
        donor_id=donor_id,
        receipt_file_id="photo-1",
        now=NOW + 10,
    )
    assert reported.status is PledgeStatus.PAYMENT_REPORTED
    assert await pledges.expire_due_pledges(store, NOW + 10 * RULES.ttl_seconds, "telegram") == []


async def test_confirmed_payments_fund_the_need_and_delivery_tells_every_payer(store) -> None:
    code = await add_need(store, target=2_000_000 * TOMAN)
    first = await pledge(store, code, 1_000_000 * TOMAN)
    second = await pledge(store, code, 1_000_000 * TOMAN)
    _, need = await pledges.confirm_payment(
        store, reference=first.reference, bank_reference=" 123456 ", now=NOW + 1
    )
    assert (need.status, need.paid, need.reserved) == (
        NeedStatus.FULLY_PLEDGED,
        10_000_000,
        10_000_000,
    )
    paid, need = await pledges.confirm_payment(
        store, reference=second.reference, bank_reference="654321", now=NOW + 2
    )
    assert paid.bank_reference == "654321"
    assert (need.status, need.paid) == (NeedStatus.FUNDED, 20_000_000)
    with pytest.raises(PledgeRefused):
        await pledges.confirm_payment(
            store, reference=second.reference, bank_reference="again", now=NOW + 3
        )
    delivered = await pledges.mark_delivered(store, need_code=code, now=NOW + 4)
    assert {p.reference for p in delivered} == {first.reference, second.reference}
    assert (await store.need_by_code(code)).status is NeedStatus.DELIVERED


async def test_a_closed_need_takes_no_pledges(store) -> None:
    code = await add_need(store)
    need = await store.need_by_code(code)
    await store.set_need_status(need.id, NeedStatus.CLOSED, NOW)
    with pytest.raises(PledgeRefused, match="pledge-need-unavailable"):
        await pledge(store, code, 1_000_000 * TOMAN)
    with pytest.raises(PledgeRefused, match="pledge-need-unavailable"):
        await pledge(store, "NOPE22", 1_000_000 * TOMAN)


async def test_upsert_by_external_id_updates_and_keeps_the_public_code(store) -> None:
    tehran = (await store.provinces())[0]
    draft = NeedDraft(
        city_id=tehran.cities[0].id,
        province_id=tehran.id,
        category=NeedCategory.MEDICAL,
        kind=NeedKind.MONEY,
        target=5_000_000,
        description_fa="دارو",
        external_id="A-1",
    )
    assert await store.upsert_needs([draft], now=NOW) == (1, 0)
    code = (await store._fetchall("SELECT code FROM needs"))[0][0]
    changed = replace(draft, target=7_000_000)
    assert await store.upsert_needs([changed], now=NOW + 1) == (0, 1)
    need = await store.need_by_code(code)
    assert need.target == 7_000_000
    assert await store.count_needs() == 1
