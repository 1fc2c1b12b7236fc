"""Writes a handler asks for go through a domain function, which carries the rule: each
called on both backends (SQLite, PostgreSQL) through the store alone."""

from __future__ import annotations

import datetime as dt

from bot.domain import broadcasts, verification
from bot.models import Voucher, VoucherStatus
from bot.storage import Store
from tests.test_beneficiary_import import _household

PLATFORM = "telegram"
CODE = "0012345679"


async def test_reminders_toggle_only_for_a_linked_person_and_the_clock_skips_who_is_off(
    any_store: Store,
) -> None:
    store = any_store
    await store.upsert_beneficiaries([_household(CODE)], now=1)
    await store.upsert_vouchers(
        [Voucher(CODE, 1, 10, 30, VoucherStatus.CHARGED, dt.date(2025, 1, 1),
                 dt.date(2025, 1, 10))],
        now=1,
    )  # fmt: skip
    for user_id in (5, 6, 7):
        await store.seen_account(PLATFORM, user_id, user_id, "fa", 1)
    for user_id in (5, 6):
        await store.link_beneficiary(PLATFORM, user_id, CODE, False, now=2)
    assert await verification.toggle_reminders(store, PLATFORM, 7) is None  # not linked
    assert not await store.reminders_off(PLATFORM, 7)
    assert await verification.toggle_reminders(store, PLATFORM, 6) is True
    assert await verification.toggle_reminders(store, PLATFORM, 5) is True
    assert await verification.toggle_reminders(store, PLATFORM, 5) is False
    assert await store.reminders_off(PLATFORM, 6)
    assert not await store.reminders_off(PLATFORM, 5)
    today = dt.date(2025, 1, 7)
    assert await verification.queue_voucher_reminders(store, PLATFORM, today, 3, 9) == 1
    assert await verification.queue_voucher_reminders(store, PLATFORM, today, 3, 9) == 0  # once
    rows = await store._fetchall("SELECT user_id FROM outbox WHERE message_id = 'voucher-reminder'")
    assert [row[0] for row in rows] == [5]


async def test_announcement_settings_are_the_persons_own(any_store: Store) -> None:
    store = any_store
    await store.seen_account(PLATFORM, 5, 5, "fa", 1)
    await store.seen_account(PLATFORM, 6, 6, "fa", 1)
    city = (await store.provinces())[0].cities[0]
    await broadcasts.set_announcements(store, PLATFORM, 5, True)
    await broadcasts.set_home_city(store, PLATFORM, 5, city.id)
    me, other = await store.account(PLATFORM, 5), await store.account(PLATFORM, 6)
    assert me is not None
    assert other is not None
    assert (me.announcements_opt_out, me.home_city_id) == (True, city.id)
    assert (other.announcements_opt_out, other.home_city_id) == (False, None)
    await broadcasts.set_announcements(store, PLATFORM, 5, False)
    assert not (await store.account(PLATFORM, 5)).announcements_opt_out  # type: ignore[union-attr]
