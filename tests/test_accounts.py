"""Accounts as the domain sees them: first contact, languages, and ADMIN_IDS."""

from __future__ import annotations

import pytest

from bot.domain import accounts
from bot.models import Persona, StaffRole
from bot.storage import Store
from tests.conftest import another_process


@pytest.fixture
def store(any_store: Store) -> Store:
    """Every test here runs on both backends (SQLite, PostgreSQL)."""
    return any_store


async def first_contact(store, user_id=1, language="en", admin_ids=(), now=100):
    return await accounts.account_for_update(
        store,
        platform="telegram",
        user_id=user_id,
        chat_id=user_id,
        client_language=language,
        default_language="fa",
        admin_ids=admin_ids,
        now=now,
    )


async def test_a_newcomer_gets_their_client_language_or_the_default(store) -> None:
    assert (await first_contact(store, 1, "en")).language == "en"
    assert (await first_contact(store, 2, "tr")).language == "fa"
    assert (await first_contact(store, 3, None)).language == "fa"


async def test_listed_admins_become_admins_and_are_demoted_when_removed(store) -> None:
    account = await first_contact(store, 7, admin_ids=(7,))
    assert account.staff_role is StaffRole.ADMIN
    account = await first_contact(store, 7, admin_ids=(), now=100_000)
    assert account.staff_role is StaffRole.NONE
    actions = [entry.action for entry in await store.latest_audit()]
    assert actions == ["admin_revoked_by_settings", "admin_granted_by_settings"]


async def test_staff_granted_elsewhere_keep_their_role_when_not_in_admin_ids(store) -> None:
    account = await first_contact(store, 8)
    await store.set_staff_role(account, StaffRole.STAFF)
    assert (await first_contact(store, 8, now=100_000)).staff_role is StaffRole.STAFF


async def test_the_staff_role_check_sees_changes_made_by_another_process(store) -> None:
    account = await first_contact(store, 9)
    async with another_process(store) as other_process:
        other = await other_process.account("telegram", 9)
        await other_process.set_staff_role(other, StaffRole.STAFF)
    assert await accounts.current_staff_role(store, account) is StaffRole.STAFF


async def test_choosing_persona_and_language(store) -> None:
    account = await first_contact(store, 10)
    account = await accounts.choose_persona(store, account, Persona.BENEFICIARY)
    account = await accounts.choose_language(store, account, "fa")
    fresh = await store.account("telegram", 10)
    assert (fresh.persona, fresh.language) == (Persona.BENEFICIARY, "fa")
    with pytest.raises(ValueError, match="unsupported"):
        await accounts.choose_language(store, account, "xx")


async def test_an_ordinary_update_opens_no_unit_of_work(store, monkeypatch) -> None:
    """Every update passes through account_for_update: only a change of role is a unit of
    work (on SQLite a write transaction, which on every update halved the bot's
    throughput). The counter only counts; the store's own run_unit still runs."""
    await first_contact(store, 9)
    units: list[object] = []
    run_unit = store.run_unit

    async def counted(body):
        units.append(body)
        return await run_unit(body)

    monkeypatch.setattr(store, "run_unit", counted)
    for now in (200, 300):
        await first_contact(store, 9, now=now)
    assert units == []
    assert (await first_contact(store, 9, admin_ids=(9,), now=400)).staff_role is StaffRole.ADMIN
    assert len(units) == 1
