"""Who is told what when a need moves is the domain's choice (bot/domain/notices.py), which
the store queues inside the transaction of the change: on both backends, the household
hears its need published, funded and delivered, a donor whose money met a closed need is
asked about the credit, and a changed tranche tells the linked people, each once. Without
the domain's choice the store names no message and tells no one (the money still moves)."""

from __future__ import annotations

import datetime as dt

from bot.domain import pledges, staff
from bot.domain.notices import NEED_NEWS, voucher_notices
from bot.models import NeedCategory, NeedDraft, NeedKind, StaffRole, Voucher, VoucherStatus
from bot.storage import Store
from tests.test_beneficiary_import import _household

PLATFORM = "telegram"
CODE = "0012345679"
NOW = 1_764_000_000
RULES = pledges.PledgeRules(min_rials=10_000, ttl_seconds=3600)


async def outbox(store: Store) -> list[tuple[int, str]]:
    rows = await store._fetchall("SELECT user_id, message_id FROM outbox ORDER BY id")
    return [(int(row[0]), str(row[1])) for row in rows]


async def linked_household(store: Store) -> None:
    await store.upsert_beneficiaries([_household(CODE)], now=1)
    await store.seen_account(PLATFORM, 5, 5, "fa", 1)
    await store.link_beneficiary(PLATFORM, 5, CODE, False, now=2)


async def household_need(store: Store, external_id: str, **kwargs: object):
    province = (await store.provinces())[0]
    draft = NeedDraft(
        city_id=province.cities[0].id, province_id=province.id, category=NeedCategory.MEDICAL,
        kind=NeedKind.MONEY, target=1_000_000, description_fa="دارو", external_id=external_id,
        beneficiary_national_code=CODE,
    )  # fmt: skip
    await store.upsert_needs([draft], now=NOW, **kwargs)  # type: ignore[arg-type]
    return (await store.needs_of_household(CODE))[-1]


async def pay_in_full(store: Store, need_code: str, token: str) -> str:
    await store.seen_account(PLATFORM, 1, 1, "fa", 1)
    made = await pledges.pledge_help(
        store, need_code=need_code, platform=PLATFORM, donor_id=1, amount=1_000_000,
        token=token, now=NOW, rules=RULES,
    )  # fmt: skip
    return made.reference


async def test_the_household_hears_its_need_published_funded_and_delivered_once(
    any_store: Store,
) -> None:
    store = any_store
    await linked_household(store)
    need = await household_need(store, "n1", news=NEED_NEWS)
    assert await outbox(store) == [(5, "aid-news-published")]
    reference = await pay_in_full(store, need.code, "t1")
    await pledges.confirm_payment(store, reference=reference, bank_reference="1", now=NOW)
    await pledges.mark_delivered(store, need_code=need.code, now=NOW + 1)
    household = [row for row in await outbox(store) if row[0] == 5]
    assert household == [(5, "aid-news-published"), (5, "aid-news-funded"),
                         (5, "aid-news-delivered")]  # fmt: skip


async def test_without_the_domains_news_the_store_tells_no_one(any_store: Store) -> None:
    store = any_store
    await linked_household(store)
    need = await household_need(store, "n1")  # as the demo or a bench writes needs
    reference = await pay_in_full(store, need.code, "t1")
    assert await store.confirm_pledge_payment(reference, "1", NOW) is not None
    assert await store.mark_need_delivered(need.id, NOW + 1) is not None
    assert await outbox(store) == []
    assert (await store.need(need.id)).paid == 1_000_000  # type: ignore[union-attr]


async def test_money_that_meets_a_closed_need_becomes_credit_with_the_domains_notice(
    any_store: Store,
) -> None:
    store = any_store
    await linked_household(store)
    need = await household_need(store, "n1", news=NEED_NEWS)
    reference = await pay_in_full(store, need.code, "t1")
    await store.attach_receipt(reference, PLATFORM, 1, tracking="123456", now=NOW)  # reported
    admin = await store.set_staff_role(
        await store.seen_account(PLATFORM, 9, 9, "fa", 1), StaffRole.ADMIN
    )
    await staff.close_need(store, admin, need.code, "duplicate", NOW)
    await pledges.confirm_payment(store, reference=reference, bank_reference="1", now=NOW)
    donor = [message for user, message in await outbox(store) if user == 1]
    assert donor[-1] == "credit-need-closed-notice"
    assert "aid-news-funded" not in [message for _, message in await outbox(store)]


async def test_a_changed_tranche_tells_the_linked_people_once_by_the_domains_rule(
    any_store: Store,
) -> None:
    store = any_store
    await linked_household(store)
    tranche = Voucher(CODE, 1, 10, 30, VoucherStatus.CHARGED, dt.date(2025, 1, 1),
                      dt.date(2025, 1, 10))  # fmt: skip
    await store.upsert_vouchers([tranche], now=3)  # no rule given: no one is told
    assert await outbox(store) == []
    changed = Voucher(CODE, 1, 20, 60, VoucherStatus.CHARGED, dt.date(2025, 1, 1),
                      dt.date(2025, 1, 10))  # fmt: skip
    await store.upsert_vouchers([changed], now=4, tell=voucher_notices)
    await store.upsert_vouchers([changed], now=5, tell=voucher_notices)  # the same file again
    assert await outbox(store) == [(5, "voucher-notice")]
