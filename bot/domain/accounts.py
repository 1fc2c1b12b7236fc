"""Who is talking to the bot: accounts, personas, languages and staff roles."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from bot.domain.staff import void_orphaned_invites
from bot.domain.units import in_one_unit
from bot.i18n import available_languages, pick_language
from bot.models import Account, Persona, StaffRole
from bot.storage.protocols import Storage


async def account_for_update(
    store: Storage,
    *,
    platform: str,
    user_id: int,
    chat_id: int,
    client_language: str | None,
    default_language: str,
    admin_ids: Collection[int],
    now: int,
) -> Account:
    """The account behind an incoming update, created on first contact.

    A newcomer gets their client's language when we speak it, else the default. ADMIN_IDS
    is authoritative for the admin role: listed ids become admins, and an admin whose id
    was removed from the setting loses the role at their next message.
    """
    account = await store.seen_account(
        platform, user_id, chat_id, pick_language(client_language, default_language), now
    )
    is_listed = user_id in admin_ids
    if is_listed == (account.staff_role is StaffRole.ADMIN):
        return account
    return await _follow_admin_setting(
        store, account, is_listed=is_listed, admin_ids=admin_ids, now=now
    )


@in_one_unit
async def _follow_admin_setting(
    store: Storage, account: Account, *, is_listed: bool, admin_ids: Collection[int], now: int
) -> Account:
    """ADMIN_IDS changed for this person: the role, its audit row and the voided invites,
    one unit. Only this rare path is a unit: every update passes through
    `account_for_update`, and a unit on SQLite is a write transaction (BEGIN IMMEDIATE and a
    commit), which, taken for every update, halved the bot's throughput (bench/run.py:
    2,300 → 1,200 updates/s)."""
    platform, user_id = account.platform, account.user_id
    role = StaffRole.ADMIN if is_listed else StaffRole.NONE
    account = await store.set_staff_role(account, role)
    await store.record_audit(
        at=now,
        action="admin_granted_by_settings" if is_listed else "admin_revoked_by_settings",
        platform=platform,
        actor_id=user_id,
        subject_type="user",
        subject_id=str(user_id),
    )
    if not is_listed:
        await void_orphaned_invites(store, platform, list(admin_ids), now)  # die with them
    return account


async def choose_persona(store: Storage, account: Account, persona: Persona) -> Account:
    """Remember whether this person came to help or to check their status."""
    return await store.set_persona(account, persona)


async def choose_language(store: Storage, account: Account, language: str) -> Account:
    """Switch the bot's language for this person; unknown codes are refused."""
    if language not in available_languages():
        raise ValueError(f"unsupported language {language!r}")
    return await store.set_language(account, language)


async def current_staff_role(store: Storage, account: Account) -> StaffRole:
    """The staff role right now, read through the cache: roles change from other processes."""
    fresh = await store.account(account.platform, account.user_id)
    return fresh.staff_role if fresh else StaffRole.NONE


@dataclass(frozen=True)
class Forgotten:
    """What erasing a donor left: the pseudonymous number their pledges now carry."""

    donor_number: int
    pledges_kept: int


async def forget_donor(
    store: Storage, platform: str, user_id: int, default_language: str, now: int
) -> Forgotten:
    """Erase the account (language, settings, flow state); keep its pledges, detached.

    Pledges and payments are the welfare office's records of money promised and received:
    they stay, under a new pseudonymous donor number that nothing links to the person.
    Staff must lose their role first (the audit log names them as actors).
    """
    number, kept = await store.forget_donor(platform, user_id, default_language, now)
    return Forgotten(donor_number=number, pledges_kept=kept)
