"""The staff repository, called directly and through the staff domain on both backends
(SQLite, PostgreSQL): invites, one-time confirmations, the confirmation queue, undoing a
confirmation, statistics, exports and the metrics counts.

The Application's staff flows are tests/test_staff_console.py and test_staff_pledges.py
(SQLite); two PostgreSQL pools spending one token at once is tests/test_pg_store.py."""

from __future__ import annotations

import dataclasses

import pytest

from bot.domain import pledges, staff
from bot.domain.refusal import Refused
from bot.models import (
    Account,
    NeedCategory,
    NeedDraft,
    NeedKind,
    NeedStatus,
    Persona,
    PledgeStatus,
    StaffRole,
)
from bot.storage import Store
from bot.storage.records import Confirmation, ProvinceMoney, Statistics
from tests.test_unit_of_work import ADMIN, DONOR, NEWCOMER, PLATFORM, person

NOW = 1_800_000_000
RULES = pledges.PledgeRules(min_rials=10_000, ttl_seconds=3600)
DRAFT = NeedDraft(
    city_id=0, province_id=0, category=NeedCategory.MEDICAL, kind=NeedKind.MONEY,
    target=5_000_000, description_fa="دارو", external_id="s1",
)  # fmt: skip


@pytest.fixture
def store(any_store: Store) -> Store:
    """Every test here runs on both backends (SQLite, PostgreSQL)."""
    return any_store


@pytest.fixture
async def admin(store: Store) -> Account:
    return await person(store, ADMIN, StaffRole.ADMIN)


async def need_code(store: Store, external_id: str = "s1") -> str:
    province = (await store.provinces())[0]
    draft = dataclasses.replace(
        DRAFT, city_id=province.cities[0].id, province_id=province.id, external_id=external_id
    )
    await store.upsert_needs([draft], now=NOW)
    rows = await store._fetchall("SELECT code FROM needs WHERE external_id = ?", (external_id,))
    return str(rows[0][0])


async def pledge(store: Store, code: str, token: str, amount: int = 1_000_000, at: int = NOW):
    await person(store, DONOR)
    return await pledges.pledge_help(
        store, need_code=code, platform=PLATFORM, donor_id=DONOR, amount=amount, token=token,
        now=at, rules=RULES,
    )  # fmt: skip


async def test_an_invite_is_redeemed_once_and_only_while_open(store, admin) -> None:
    newcomer = await person(store, NEWCOMER)
    invite = await staff.create_invite(store, admin, NOW, ttl_days=7)
    assert invite.expires_at == NOW + 7 * 86_400
    listed = await staff.open_invites(store, admin, NOW, [ADMIN])
    assert [i.code for i in listed] == [invite.code]
    await staff.join(store, newcomer, invite.code.lower(), NOW + 1, [ADMIN])
    assert (await store.account(PLATFORM, NEWCOMER)).staff_role is StaffRole.STAFF  # type: ignore[union-attr]
    late = await person(store, NEWCOMER + 1)
    with pytest.raises(Refused, match="staff-invite-invalid"):
        await staff.join(store, late, invite.code, NOW + 2, [ADMIN])
    assert await store.open_invites(PLATFORM, NOW + 2, 10) == []

    expiring = await staff.create_invite(store, admin, NOW, ttl_days=1)
    assert not await store.redeem_invite(expiring.code, PLATFORM, late.user_id, NOW + 86_400)
    assert not await store.redeem_invite(expiring.code, "bale", late.user_id, NOW)
    revoked = await staff.create_invite(store, admin, NOW + 3, ttl_days=1)
    assert [i.code for i in await store.open_invites(PLATFORM, NOW + 4, 10)] == [
        revoked.code, expiring.code,
    ]  # fmt: skip
    assert await staff.revoke_invite(store, admin, revoked.code, NOW + 5) == revoked.code
    with pytest.raises(Refused, match="staff-invite-not-open"):
        await staff.revoke_invite(store, admin, revoked.code, NOW + 6)
    assert not await store.redeem_invite(revoked.code, PLATFORM, late.user_id, NOW + 7)
    actions = [entry.action for entry in await store.latest_audit()]
    assert actions == ["revoke_invite", "create_invite", "create_invite", "join_staff",
                       "create_invite"]  # fmt: skip


async def test_invites_of_an_admin_who_is_gone_are_voided(store, admin) -> None:
    mine = await staff.create_invite(store, admin, NOW, ttl_days=7)
    await person(store, ADMIN + 1, StaffRole.ADMIN)
    other = await store.create_invite("S-OTHER", PLATFORM, ADMIN + 1, NOW, NOW + 3600)
    assert other is None
    assert await staff.void_orphaned_invites(store, PLATFORM, [ADMIN], NOW + 1) == 1
    assert [i.code for i in await store.open_invites(PLATFORM, NOW + 1, 10)] == [mine.code]


async def test_a_staff_role_is_set_by_id_and_unknown_ids_are_said(store, admin) -> None:
    await person(store, NEWCOMER)
    assert await store.account(PLATFORM, NEWCOMER) is not None  # cached now
    assert await store.set_staff_role_by_id(PLATFORM, NEWCOMER, StaffRole.STAFF)
    assert (await store.account(PLATFORM, NEWCOMER)).staff_role is StaffRole.STAFF  # type: ignore[union-attr]
    assert not await store.set_staff_role_by_id(PLATFORM, 55, StaffRole.STAFF)
    assert not await store.set_staff_role_by_id("bale", NEWCOMER, StaffRole.STAFF)


async def test_a_confirmation_keeps_what_was_asked_and_is_spent_once(store) -> None:
    await store.create_confirmation(
        "c1", PLATFORM, ADMIN, "close", "N-ABC", {"reason": "نیاز برطرف شد", "n": 2}, NOW
    )
    await store.create_confirmation("c2", PLATFORM, ADMIN, "deliver", "N-XYZ", None, NOW)
    assert await store.confirmation("c1") == Confirmation(
        token="c1", platform=PLATFORM, user_id=ADMIN, action="close",
        subject="N-ABC", details={"reason": "نیاز برطرف شد", "n": 2},
        created_at=NOW, used_at=None,
    )  # fmt: skip
    assert (await store.confirmation("c2")).details == {}  # type: ignore[union-attr]
    assert await store.confirmation("nope") is None
    assert await store.use_confirmation("c1", NOW + 1)
    assert not await store.use_confirmation("c1", NOW + 2)
    assert (await store.confirmation("c1")).used_at == NOW + 1  # type: ignore[union-attr]
    assert not await store.use_confirmation("nope", NOW)


async def test_the_queue_shows_reported_payments_with_receipts_first(store, admin) -> None:
    code = await need_code(store)
    other = await need_code(store, "s2")
    awaiting = await pledge(store, code, "t1", at=NOW)
    reported = await pledge(store, code, "t2", at=NOW + 1)
    with_receipt = await pledge(store, other, "t3", at=NOW + 2)
    await store.report_pledge_paid(reported.reference, None, NOW + 3)
    await store.report_pledge_paid(with_receipt.reference, "file-1", NOW + 3)
    queue = await staff.awaiting_confirmation(store, admin)
    assert [p.reference for p in queue.pledges] == [
        with_receipt.reference, reported.reference, awaiting.reference,
    ]  # fmt: skip
    assert queue.total == 3
    one_need = await staff.awaiting_confirmation(store, admin, need_code=code)
    assert [p.reference for p in one_need.pledges] == [reported.reference, awaiting.reference]
    assert await store.count_pledges_awaiting_confirmation(queue.pledges[0].need_id) == 1
    page = await store.pledges_awaiting_confirmation(limit=1, offset=1)
    assert [p.reference for p in page] == [reported.reference]


async def test_undoing_a_confirmation_moves_the_money_back_and_tells_the_donor(
    store, admin
) -> None:
    code = await need_code(store)
    made = await pledge(store, code, "t1", amount=DRAFT.target)
    await staff.confirm_payment(store, admin, made.reference, NOW, tracking="123456789")
    need = await store.need_by_code(code)
    assert (need.status, need.paid, need.reserved) == (NeedStatus.FUNDED, DRAFT.target, 0)  # type: ignore[union-attr]
    undone = await staff.undo_confirmation(store, admin, made.reference, NOW + 5)
    assert undone.status is PledgeStatus.PAYMENT_REPORTED
    assert (undone.paid_at, undone.bank_reference) == (None, None)
    need = await store.need_by_code(code)
    assert (need.status, need.paid, need.reserved) == (  # type: ignore[union-attr]
        NeedStatus.FULLY_PLEDGED, 0, DRAFT.target,
    )  # fmt: skip
    with pytest.raises(Refused, match="staff-not-confirmed"):
        await staff.undo_confirmation(store, admin, made.reference, NOW + 6)
    told = await store._fetchall(
        "SELECT user_id FROM outbox WHERE message_id = 'pledge-unconfirmed-notice'"
    )
    assert [row[0] for row in told] == [DONOR]


async def test_statistics_and_exports_count_what_is_there(store, admin) -> None:
    code = await need_code(store)
    first = await pledge(store, code, "t1", amount=1_000_000, at=NOW)
    await pledge(store, code, "t2", amount=2_000_000, at=NOW + 10)
    await staff.confirm_payment(store, admin, first.reference, NOW + 20, tracking="123456789")
    donor = await store.account(PLATFORM, DONOR)
    await store.set_persona(donor, Persona.DONOR)  # type: ignore[arg-type]
    await person(store, NEWCOMER)
    numbers = await store.statistics(PLATFORM, active_since=0)
    province = (await store.provinces())[0]
    assert numbers == Statistics(
        personas={"donor": 1, "new": 2},
        staff=1,
        active=3,
        needs={"open": 1},
        pledges={"paid": 1, "awaiting_payment": 1},
        money_by_province=[
            ProvinceMoney(province.name_fa, province.name_en, 1_000_000, DRAFT.target)
        ],
        unallocated_credit=0,
        office_share=0,
    )
    assert (await store.statistics(PLATFORM, active_since=NOW)).active == 0
    assert (await store.statistics("bale", 0)).personas == {}
    rows = await store.pledges_for_export(NOW, NOW + 10, with_pii=False)
    assert [(r.reference, r.need_code, r.amount, r.status, r.bank_reference) for r in rows] == [
        (first.reference, code, 1_000_000, "paid", "123456789")
    ]
    with_pii = await store.pledges_for_export(0, NOW + 11, with_pii=True)
    assert [r.national_code for r in with_pii] == [None, None]  # no household is linked
    assert sorted(await store.metrics_pledges_by_status()) == [
        (PLATFORM, "awaiting_payment", 1), (PLATFORM, "paid", 1),
    ]  # fmt: skip
    assert await store.metrics_outbox_depth() == [(PLATFORM, "notice", 1)]  # the thanks
    assert await store.metrics_broadcasts_running() == []
