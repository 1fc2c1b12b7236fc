"""What staff may do, checked at the moment they do it, and written to the audit log.

A menu drawn yesterday proves nothing: every staff action asks the store for the person's
role now (read through the cache, since roles change from other processes), and every
write or view of personal data leaves an audit row: who, what, which record, when.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.codes import random_code
from bot.domain import pledges
from bot.domain.browse import page_within
from bot.domain.refusal import Refused
from bot.models import Account, Beneficiary, Pledge, StaffRole
from bot.storage import Store
from bot.text import normalize_text

MAX_USER_ID = 2**63 - 1  # the store keeps ids as SQLite's signed 64-bit integers


async def require_staff(store: Store, account: Account) -> StaffRole:
    """The person's staff role right now; refuses everyone else."""
    fresh = await store.account(account.platform, account.user_id)
    if fresh is None or fresh.staff_role is StaffRole.NONE:
        raise Refused("staff-only")
    return fresh.staff_role


async def audit(
    store: Store,
    actor: Account,
    action: str,
    subject_type: str,
    subject_id: str,
    now: int,
    **details: object,
) -> None:
    await store.record_audit(
        at=now,
        action=action,
        platform=actor.platform,
        actor_id=actor.user_id,
        subject_type=subject_type,
        subject_id=subject_id,
        details=details or None,
    )


async def find_pledge(store: Store, actor: Account, reference: str, now: int) -> Pledge:
    """A pledge by the reference the donor wrote on the transfer (staff only, audited)."""
    await require_staff(store, actor)
    pledge = await store.pledge(reference)
    if pledge is None:
        raise Refused("staff-pledge-not-found", reference=reference)
    await audit(store, actor, "view_pledge", "pledge", reference, now)
    return pledge


async def reject_payment(
    store: Store, actor: Account, reference: str, reason: str, now: int
) -> Pledge:
    """No money arrived: reject, give the share back, tell the donor why (staff only)."""
    await require_staff(store, actor)
    rejected = await store.reject_pledge(
        reference, reason.strip(), now, notice="pledge-rejected-notice"
    )
    if rejected is None:
        raise Refused("pledge-not-awaiting-payment")
    await audit(store, actor, "reject_payment", "pledge", reference, now, reason=reason.strip())
    return rejected


async def require_admin(store: Store, account: Account) -> None:
    if await require_staff(store, account) is not StaffRole.ADMIN:
        raise Refused("admin-only")


def parse_user_id(typed: str) -> int:
    """A platform user id as an admin types it after /addstaff: digits in any script,
    positive, and small enough for the store. Anything else gets an answer, not a crash (a
    30-digit number overflowed the store's integer)."""
    text = normalize_text(typed)
    if not text:
        raise Refused("staff-usage-user-id")
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_USER_ID:
        raise Refused("staff-user-id-invalid")
    return int(text)


async def set_staff(store: Store, admin: Account, user_id: int, is_staff: bool, now: int) -> None:
    """An admin adds or removes a staff member by user id (admins come from ADMIN_IDS)."""
    await require_admin(store, admin)
    target = await store.account(admin.platform, user_id)
    if target is None:
        raise Refused("staff-user-unknown", user_id=str(user_id))
    if target.staff_role is StaffRole.ADMIN:
        raise Refused("staff-user-is-admin", user_id=str(user_id))
    role = StaffRole.STAFF if is_staff else StaffRole.NONE
    await store.set_staff_role_by_id(admin.platform, user_id, role)
    await audit(
        store, admin, "add_staff" if is_staff else "remove_staff", "user", str(user_id), now
    )


async def create_invite(store: Store, admin: Account, now: int) -> str:
    """A one-time code a new staff member redeems with /join CODE."""
    await require_admin(store, admin)
    code = "S-" + random_code(8)
    await store.create_invite(code, admin.platform, admin.user_id, now)
    await audit(store, admin, "create_invite", "invite", code, now)
    return code


async def join(store: Store, account: Account, code: str, now: int) -> None:
    """Redeem a staff invite; a used or unknown code gives the same answer."""
    if not await store.redeem_invite(code.strip().upper(), account.platform, account.user_id, now):
        raise Refused("staff-invite-invalid")
    await audit(store, account, "join_staff", "invite", code.strip().upper(), now)


async def undo_confirmation(store: Store, admin: Account, reference: str, now: int) -> Pledge:
    """An admin takes back a wrong confirmation (audited; the donor is told)."""
    await require_admin(store, admin)
    undone = await store.undo_confirmation(reference, now, notice="pledge-unconfirmed-notice")
    if undone is None:
        raise Refused("staff-not-confirmed", reference=reference)
    await audit(store, admin, "undo_confirmation", "pledge", reference, now)
    return undone


QUEUE_PAGE = 10


@dataclass(frozen=True)
class Queue:
    """One page of what staff must check, and how many there are in all."""

    pledges: list[Pledge]
    total: int
    page: int
    need_id: int  # 0: every need

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // QUEUE_PAGE))


async def awaiting_confirmation(
    store: Store, actor: Account, *, need_code: str | None = None, need_id: int = 0,
    page: int = 0,
) -> Queue:  # fmt: skip
    """What staff must check, reported payments and receipts first: all of it, or one
    need's (by its typed code, or by id from a page button), a page at a time."""
    await require_staff(store, actor)
    if need_code:
        need = await store.need_by_code(need_code)
        if need is None:
            raise Refused("need-not-found")
        need_id = need.id
    total = await store.count_pledges_awaiting_confirmation(need_id or None)
    page, _ = page_within(page, total, QUEUE_PAGE)
    pledges = await store.pledges_awaiting_confirmation(
        limit=QUEUE_PAGE, offset=page * QUEUE_PAGE, need_id=need_id or None
    )
    return Queue(pledges, total, page, need_id)


async def look_up_household(
    store: Store, actor: Account, national_code: str, now: int
) -> Beneficiary | None:
    """A household by national code, for staff; every look is audited (personal data)."""
    await require_staff(store, actor)
    household = await store.beneficiary(national_code)
    await audit(
        store,
        actor,
        "view_beneficiary",
        "beneficiary",
        national_code,
        now,
        found=household is not None,
    )
    return household


async def deliver_need(store: Store, actor: Account, need_code: str, now: int) -> int:
    """Staff mark a need delivered; every donor who paid is told. Returns how many."""
    await require_staff(store, actor)
    try:
        told = await pledges.mark_delivered(store, need_code=need_code, now=now)
    except pledges.PledgeRefused:
        raise Refused("need-not-found") from None
    await audit(store, actor, "deliver_need", "need", need_code, now, donors=len(told))
    return len(told)


async def close_need(
    store: Store, actor: Account, need_code: str, reason: str, now: int
) -> tuple[int, int]:
    """Staff close a need with a reason: it leaves browsing, donors whose pledges were still
    unpaid are told not to pay, and donors who already paid are told their payment is safe
    and staff will settle it (those pledges stay as they are). Returns (unpaid, paid)
    donors told; a need already closed or delivered is refused."""
    await require_staff(store, actor)
    need = await store.need_by_code(need_code)
    if need is None:
        raise Refused("need-not-found")
    told = await store.close_need(
        need.id, now, "pledge-need-closed-notice", "pledge-need-closed-paid-notice"
    )
    if told is None:
        raise Refused("staff-need-already-closed", code=need_code)
    cancelled, paid = told
    await audit(store, actor, "close_need", "need", need_code, now, reason=reason,
                cancelled=len(cancelled), paid=len(paid))  # fmt: skip
    return len(cancelled), len(paid)


ACTIVE_DAYS = 30


async def statistics(store: Store, actor: Account, now: int) -> dict[str, object]:
    """How the bot is doing at a glance (staff only; aggregates, no personal data)."""
    await require_staff(store, actor)
    return await store.statistics(actor.platform, now - ACTIVE_DAYS * 86_400)


EXPORT_DAYS = 30


async def recent_pledges_for_export(store: Store, actor: Account, now: int) -> list[tuple]:
    """The last 30 days of pledges, without personal data (staff only, audited)."""
    await require_staff(store, actor)
    rows = await store.pledges_for_export(now - EXPORT_DAYS * 86_400, now + 1, with_pii=False)
    await audit(
        store, actor, "export_pledges", "pledges", f"last {EXPORT_DAYS} days", now, rows=len(rows)
    )
    return rows
