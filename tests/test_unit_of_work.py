"""A staff action, its audit row and its outbox rows commit together or not at all.

Product rule 2: personal-data reads and staff writes are audited in the same transaction as
the change. Each test makes the audit insert itself fail (a real trigger on the audit
table, as a full disk or a broken row would) and checks the action left nothing behind;
then, with the trigger gone, the same action happens with exactly one audit row. Every
test runs on both backends, but the two whose names say SQLite: the command line's export
opens the settings' SQLite file, and only SQLite's one connection makes other tasks wait
for an open unit (tests/test_pg_store.py has PostgreSQL's side of that).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

import asyncpg
import pytest

from bot.domain import accounts, broadcasts, need_editing, pledges, staff
from bot.domain.notices import TellDonor
from bot.domain.refusal import Refused
from bot.models import (
    Account,
    Audience,
    Need,
    NeedCategory,
    NeedDraft,
    NeedKind,
    NeedStatus,
    PledgeStatus,
    StaffRole,
)
from bot.operations import export_pledges
from bot.storage import Store
from bot.storage.records import Notice
from tests.conftest import make_settings

NOW = 1_764_000_000  # 2025-11-24
TODAY = dt.date(2025, 11, 24)
PLATFORM = "telegram"
ADMIN, DONOR, NEWCOMER = 900_001, 1001, 1002
RULES = pledges.PledgeRules(min_rials=10_000, ttl_seconds=3600)


# What a refused audit insert raises: SQLite's RAISE(ABORT), PostgreSQL's RAISE EXCEPTION.
AUDIT_REFUSED = (sqlite3.IntegrityError, asyncpg.RaiseError)


@pytest.fixture
def store(any_store: Store) -> Store:
    """Every test here runs on both backends (SQLite, PostgreSQL), but those that ask for
    `sqlite_store`."""
    return any_store


@asynccontextmanager
async def audit_refused(store: Store) -> AsyncIterator[None]:
    """Every audit insert fails while inside (a trigger in the database: other connections
    to it, such as the command line's, see it too)."""
    if isinstance(store, Store):
        await store._write(
            "CREATE TRIGGER audit_refused BEFORE INSERT ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit refused'); END"
        )
    else:
        await store._write(
            "CREATE FUNCTION audit_refused() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'audit refused'; END $$"
        )
        await store._write(
            "CREATE TRIGGER audit_refused BEFORE INSERT ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_refused()"
        )
    try:
        yield
    finally:
        if isinstance(store, Store):
            await store._write("DROP TRIGGER audit_refused")
        else:
            await store._write("DROP TRIGGER audit_refused ON audit_log")
            await store._write("DROP FUNCTION audit_refused()")


async def audit_actions(store: Store) -> list[str]:
    return [str(row.action) for row in await store.latest_audit(1000)]


async def outbox_rows(store: Store) -> int:
    return int((await store._fetchall("SELECT count(*) FROM outbox"))[0][0])


async def all_or_nothing(
    store: Store,
    act: Callable[[], Awaitable[object]],
    happened: Callable[[], Awaitable[bool]],
    action: str,
) -> None:
    """`act` fails whole while its audit row cannot be written, then succeeds with one."""
    audited = await audit_actions(store)
    async with audit_refused(store):
        with pytest.raises(AUDIT_REFUSED, match="audit refused"):
            await act()
    assert not await happened(), "the change committed without its audit row"
    assert await audit_actions(store) == audited
    await act()
    assert await happened()
    assert await audit_actions(store) == [action, *audited]


async def person(store: Store, user_id: int, role: StaffRole = StaffRole.NONE) -> Account:
    account = await store.seen_account(PLATFORM, user_id, user_id, "fa", NOW)
    return await store.set_staff_role(account, role)


@pytest.fixture
async def admin(store: Store) -> Account:
    return await person(store, ADMIN, StaffRole.ADMIN)


DRAFT = NeedDraft(
    city_id=0, province_id=0, category=NeedCategory.MEDICAL, kind=NeedKind.MONEY,
    target=50_000_000, description_fa="دارو برای یک ماه", external_id="u1",
)  # fmt: skip


@pytest.fixture
async def need(store: Store) -> Need:
    return await add_need(store)


async def add_need(store: Store) -> Need:
    province = (await store.provinces())[0]
    draft = dataclasses.replace(DRAFT, city_id=province.cities[0].id, province_id=province.id)
    await store.upsert_needs([draft], now=NOW)
    code = (await store._fetchall("SELECT code FROM needs"))[0][0]
    return await store.need_by_code(code)  # type: ignore[return-value]


async def pledge(store: Store, need: Need, token: str = "t1") -> str:
    """A donor's awaiting pledge of 1,000,000 rials on `need`; its reference."""
    await person(store, DONOR)
    made = await pledges.pledge_help(
        store, need_code=need.code, platform=PLATFORM, donor_id=DONOR, amount=1_000_000,
        token=token, now=NOW, rules=RULES,
    )  # fmt: skip
    return made.reference


async def test_confirming_a_payment_commits_with_its_audit_row_and_the_donors_thanks(
    store: Store, admin: Account, need: Need
) -> None:
    reference = await pledge(store, need)
    queued = await outbox_rows(store)

    async def paid() -> bool:
        status = (await store.pledge(reference)).status  # type: ignore[union-attr]
        fresh = await store.need(need.id)
        thanked = await outbox_rows(store) > queued
        assert (status is PledgeStatus.PAID) == (fresh.paid > 0) == thanked  # type: ignore[union-attr]
        return status is PledgeStatus.PAID

    confirm = partial(staff.confirm_payment, store, admin, reference, NOW, tracking="123456789")
    await all_or_nothing(store, confirm, paid, "confirm_payment")


async def test_rejecting_a_payment_commits_with_its_audit_row(
    store: Store, admin: Account, need: Need
) -> None:
    reference = await pledge(store, need)

    async def rejected() -> bool:
        return (await store.pledge(reference)).status is PledgeStatus.REJECTED  # type: ignore[union-attr]

    reject = partial(staff.reject_payment, store, admin, reference, "no such transfer", NOW)
    await all_or_nothing(store, reject, rejected, "reject_payment")


async def test_marking_a_need_delivered_commits_with_its_audit_row(
    store: Store, admin: Account, need: Need
) -> None:
    reference = await pledge(store, need)
    await staff.confirm_payment(store, admin, reference, NOW, tracking="123456789")
    queued = await outbox_rows(store)

    async def delivered() -> bool:
        status = (await store.need(need.id)).status  # type: ignore[union-attr]
        assert (status is NeedStatus.DELIVERED) == (await outbox_rows(store) > queued)
        return status is NeedStatus.DELIVERED

    deliver = partial(staff.deliver_need, store, admin, need.code, NOW)
    await all_or_nothing(store, deliver, delivered, "deliver_need")


async def test_closing_a_need_commits_with_its_audit_row(
    store: Store, admin: Account, need: Need
) -> None:
    reference = await pledge(store, need)

    async def closed() -> bool:
        status = (await store.need(need.id)).status  # type: ignore[union-attr]
        cancelled = (await store.pledge(reference)).status is PledgeStatus.CANCELLED  # type: ignore[union-attr]
        assert (status is NeedStatus.CLOSED) == cancelled
        return status is NeedStatus.CLOSED

    close = partial(staff.close_need, store, admin, need.code, "the family moved away", NOW)
    await all_or_nothing(store, close, closed, "close_need")


async def test_editing_a_need_commits_with_its_audit_row(
    store: Store, admin: Account, need: Need
) -> None:
    draft = dataclasses.replace(
        DRAFT, city_id=need.city_id, province_id=need.province_id, description_fa="دارو و درمان"
    )

    async def edited() -> bool:
        return (await store.need(need.id)).description_fa == "دارو و درمان"  # type: ignore[union-attr]

    edit = partial(need_editing.update_need, store, admin, need.code, draft, today=TODAY, now=NOW)
    await all_or_nothing(store, edit, edited, "edit_need")


async def test_adding_staff_commits_with_its_audit_row(store: Store, admin: Account) -> None:
    await person(store, NEWCOMER)

    async def added() -> bool:
        account = await store.account(PLATFORM, NEWCOMER)
        return account.staff_role is StaffRole.STAFF  # type: ignore[union-attr]

    add = partial(staff.set_staff, store, admin, NEWCOMER, True, NOW)
    await all_or_nothing(store, add, added, "add_staff")


async def test_an_invite_and_joining_with_it_commit_with_their_audit_rows(
    store: Store, admin: Account
) -> None:
    async def invited() -> bool:
        return bool(await store.open_invites(PLATFORM, NOW, 10))

    invite = partial(staff.create_invite, store, admin, NOW, ttl_days=7)
    await all_or_nothing(store, invite, invited, "create_invite")
    [invite_row] = await store.open_invites(PLATFORM, NOW, 10)
    code = invite_row.code
    newcomer = await person(store, NEWCOMER)

    async def joined() -> bool:
        account = await store.account(PLATFORM, NEWCOMER)
        return account.staff_role is StaffRole.STAFF  # type: ignore[union-attr]

    join = partial(staff.join, store, newcomer, code, NOW, [ADMIN])
    await all_or_nothing(store, join, joined, "join_staff")


async def test_the_admin_role_from_settings_commits_with_its_audit_row(store: Store) -> None:
    """Also: the account cache does not keep a role whose transaction rolled back."""

    async def seen() -> Account:
        return await accounts.account_for_update(
            store, platform=PLATFORM, user_id=ADMIN, chat_id=ADMIN, client_language="fa",
            default_language="fa", admin_ids=[ADMIN], now=NOW,
        )  # fmt: skip

    async def admin_now() -> bool:
        cached = await store.seen_account(PLATFORM, ADMIN, ADMIN, "fa", NOW)
        stored = await store.account(PLATFORM, ADMIN)
        assert cached.staff_role is stored.staff_role  # type: ignore[union-attr]
        return cached.staff_role is StaffRole.ADMIN

    await person(store, ADMIN)
    await all_or_nothing(store, seen, admin_now, "admin_granted_by_settings")


async def test_starting_a_broadcast_commits_with_its_audit_row(
    store: Store, admin: Account
) -> None:
    draft = broadcasts.Draft(text="Tomorrow the office is closed.", audience=Audience.STAFF)

    async def started() -> bool:
        return await store.broadcast_by_token("b1") is not None

    start = partial(broadcasts.start, store, admin, draft, chat_id=ADMIN, token="b1", now=NOW)
    await all_or_nothing(store, start, started, "broadcast")


async def test_looking_up_a_household_is_not_answered_without_its_audit_row(
    store: Store, admin: Account
) -> None:
    async with audit_refused(store):
        with pytest.raises(AUDIT_REFUSED, match="audit refused"):
            await staff.look_up_household(store, admin, "0000000000", NOW)
    assert await audit_actions(store) == []
    assert await staff.look_up_household(store, admin, "0000000000", NOW) is None
    assert await audit_actions(store) == ["view_beneficiary"]


@pytest.mark.sqlite_only
async def test_a_pii_export_from_the_sqlite_file_is_not_written_without_its_audit_row(
    sqlite_store: Store, tmp_path: Path
) -> None:
    store = sqlite_store
    await pledge(store, await add_need(store))
    out = tmp_path / "pledges.csv"
    args = argparse.Namespace(since="2025-11-01", until=None, out=out, with_pii=True)
    settings = make_settings(tmp_path)
    assert settings.database_path == store.path
    async with audit_refused(store):
        with pytest.raises(AUDIT_REFUSED, match="audit refused"):
            await export_pledges(args, settings)
    assert not out.exists()
    assert await audit_actions(store) == []
    assert await export_pledges(args, settings) == 0
    assert out.exists()
    assert await audit_actions(store) == ["export_pledges_pii"]


# -- the unit of work itself ------------------------------------------------------------------


async def test_an_exception_inside_a_unit_of_work_rolls_back_all_of_it(
    store: Store, admin: Account
) -> None:
    """Single statements, a method with its own transaction (now a savepoint), the audit
    row and an outbox row: none of it stays."""
    await person(store, NEWCOMER)

    async def change_mind() -> None:
        async with store.unit_of_work():
            await store.create_invite("S-ONE", PLATFORM, ADMIN, NOW, NOW + 3600)
            assert await store.redeem_invite("S-ONE", PLATFORM, NEWCOMER, NOW)
            await store.record_audit(at=NOW, action="join_staff", platform=PLATFORM)
            await store.queue_notice(Notice(PLATFORM, NEWCOMER, "support-reply", {}, "k1"), NOW)
            newcomer = await store.account(PLATFORM, NEWCOMER)
            assert newcomer.staff_role is StaffRole.STAFF  # type: ignore[union-attr]
            raise RuntimeError("changed my mind")

    with pytest.raises(RuntimeError, match="changed my mind"):
        await change_mind()
    assert await store.open_invites(PLATFORM, NOW, 10) == []
    assert (await store.account(PLATFORM, NEWCOMER)).staff_role is StaffRole.NONE  # type: ignore[union-attr]
    assert await audit_actions(store) == []
    assert await outbox_rows(store) == 0


async def test_a_nested_transaction_that_does_nothing_leaves_the_rest_of_the_unit(
    store: Store, admin: Account
) -> None:
    """A spent confirmation rolls back only the method that tried to spend it (a savepoint),
    not what the unit of work did before it."""
    await store.create_confirmation("c1", PLATFORM, ADMIN, "close", "x", None, NOW)
    assert await store.use_confirmation("c1", NOW)
    async with store.unit_of_work():
        await store.record_audit(at=NOW, action="first", platform=PLATFORM)
        unpaid, paid = TellDonor("a"), TellDonor("b")
        assert await store.close_need(1, NOW, unpaid, paid, token="c1") is None  # spent
        await store.record_audit(at=NOW, action="second", platform=PLATFORM)
    assert await audit_actions(store) == ["second", "first"]


async def test_a_confirmation_spent_meanwhile_is_refused_and_changes_nothing(
    store: Store, admin: Account, need: Need
) -> None:
    """The race the handler's own check cannot close: the token is spent between that check
    and the write (a double press served by two processes)."""
    reference = await pledge(store, need)
    await staff.confirm_payment(store, admin, reference, NOW, tracking="123456789")
    await store.create_confirmation("c2", PLATFORM, ADMIN, "deliver", need.code, None, NOW)
    assert await store.use_confirmation("c2", NOW)
    with pytest.raises(Refused, match="staff-confirm-used"):
        await staff.deliver_need(store, admin, need.code, NOW, token="c2")
    assert (await store.need(need.id)).status is NeedStatus.OPEN  # type: ignore[union-attr]
    assert "deliver_need" not in await audit_actions(store)


async def test_two_concurrent_units_of_work_wait_for_sqlites_one_connection(
    sqlite_store: Store,
) -> None:
    """While one task's unit is open (and yields to the loop), another task's statements
    wait for it: none lands inside it, so its rollback takes none of them with it."""
    store = sqlite_store
    events: list[str] = []
    opened = asyncio.Event()

    async def first_unit() -> None:
        async with store.unit_of_work():
            await store.record_audit(at=NOW, action="first", platform=PLATFORM)
            opened.set()
            for _ in range(5):
                await asyncio.sleep(0.01)  # the other tasks run meanwhile
                await store.record_audit(at=NOW, action="first", platform=PLATFORM)
            events.append("first ends")
            raise RuntimeError("rolled back")

    async def first() -> None:
        with pytest.raises(RuntimeError, match="rolled back"):
            await first_unit()

    async def second() -> None:
        await opened.wait()
        async with store.unit_of_work():
            events.append("second begins")
            await store.record_audit(at=NOW, action="second", platform=PLATFORM)

    async def lone_write() -> None:
        await opened.wait()
        await store.record_audit(at=NOW, action="lone", platform=PLATFORM)
        events.append("lone written")

    await asyncio.wait_for(asyncio.gather(first(), second(), lone_write()), timeout=10)
    assert events[0] == "first ends"
    assert sorted(events[1:]) == ["lone written", "second begins"]
    assert sorted(await audit_actions(store)) == ["lone", "second"]
