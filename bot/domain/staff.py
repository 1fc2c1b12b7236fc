"""What staff may do, checked at the moment they do it, and written to the audit log.

A menu drawn yesterday proves nothing: every staff action asks the store for the person's
role now (read through the cache, since roles change from other processes), and every
write or view of personal data leaves an audit row: who, what, which record, when. The row
is written in one unit of work with what it records, so neither commits without the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.codes import random_code
from bot.domain import pledges
from bot.domain.browse import page_within
from bot.domain.notices import CLOSED_CREDIT_NOTICE, TellDonor
from bot.domain.refusal import Refused
from bot.domain.units import in_one_unit
from bot.models import (
    Account,
    Beneficiary,
    Need,
    NeedKind,
    NeedStatus,
    Pledge,
    PledgeStatus,
    StaffRole,
)
from bot.storage import StaffNeedsWhere
from bot.storage.protocols import Storage
from bot.storage.records import OpenInvite, PledgeExport, Statistics, TrackingNumberUsed
from bot.text import InputError, normalize_text

MAX_USER_ID = 2**63 - 1  # the store keeps ids as SQLite's signed 64-bit integers


async def require_staff(store: Storage, account: Account) -> StaffRole:
    """The person's staff role right now; refuses everyone else."""
    fresh = await store.account(account.platform, account.user_id)
    if fresh is None or fresh.staff_role is StaffRole.NONE:
        raise Refused("staff-only")
    return fresh.staff_role


async def audit(
    store: Storage,
    actor: Account,
    action: str,
    subject_type: str,
    subject_id: str,
    now: int,
    **details: object,
) -> None:
    """One audit row. Called inside the action's unit of work (@in_one_unit) with the
    change (or the read of personal data) it records, so that both commit or neither does
    (product rule 2)."""
    await store.record_audit(
        at=now,
        action=action,
        platform=actor.platform,
        actor_id=actor.user_id,
        subject_type=subject_type,
        subject_id=subject_id,
        details=details or None,
    )


@in_one_unit
async def find_pledge(store: Storage, actor: Account, reference: str, now: int) -> Pledge:
    """A pledge by the reference the donor wrote on the transfer (staff only, audited)."""
    await require_staff(store, actor)
    # one unit: the read and its audit row together
    pledge = await store.pledge(reference)
    if pledge is None:
        raise Refused("staff-pledge-not-found", reference=reference)
    await audit(store, actor, "view_pledge", "pledge", reference, now)
    return pledge


CONFIRMABLE = (PledgeStatus.AWAITING_PAYMENT, PledgeStatus.PAYMENT_REPORTED)
MIN_REASON_LETTERS = 5  # "confirm without a tracking number" needs a reason someone can audit


class TrackingNumberRefused(Refused):
    """A typed bank tracking number that cannot confirm the pledge: not 6 to 20 digits,
    or it already confirmed another pledge (named in the words: one transfer counts
    once). A refusal of the number, not of the step: it is asked for again, and "confirm
    without a tracking number" (with a reason) stays open, for the rare transfer that
    really paid two pledges."""


@dataclass(frozen=True)
class Confirmable:
    """A pledge staff may confirm now, with its need (goods are received, money is paid)."""

    pledge: Pledge
    need: Need

    @property
    def goods(self) -> bool:
        return self.need.kind is NeedKind.ITEMS


async def confirmable(store: Storage, actor: Account, reference: str) -> Confirmable:
    """Checked before staff are asked for anything: they are staff, the pledge exists and
    can still be confirmed (not already paid, rejected, cancelled or expired)."""
    await require_staff(store, actor)
    pledge = await store.pledge(reference)
    if pledge is None:
        raise Refused("staff-pledge-not-found", reference=reference)
    need = await store.need(pledge.need_id)
    if pledge.status not in CONFIRMABLE or need is None:
        raise Refused(f"staff-not-confirmable-{pledge.status.value}", reference=reference)
    return Confirmable(pledge, need)


def read_bank_tracking(typed: str) -> str:
    """A bank tracking number as staff type it: 6 to 20 digits in any script, separators
    allowed; anything else (a name, "ok", a made-up 3-digit number) is refused."""
    try:
        return pledges.read_tracking_number(typed)
    except InputError:
        raise TrackingNumberRefused("staff-tracking-invalid") from None


def read_no_tracking_reason(typed: str) -> str:
    """Why staff confirm money without a tracking number: written, so it can be audited."""
    reason = " ".join(typed.split())[:200]  # audited as written
    if sum(ch.isalpha() for ch in normalize_text(reason)) < MIN_REASON_LETTERS:
        raise Refused("staff-no-tracking-reason-short")
    return reason


@in_one_unit
async def confirm_payment(
    store: Storage,
    actor: Account,
    reference: str,
    now: int,
    *,
    tracking: str | None = None,
    reason: str | None = None,
) -> Confirmable:
    """Staff confirm the money arrived (with the bank tracking number, or without one and a
    written reason) or, for goods, that they were received (nothing to type). Checked again
    at the moment of writing; audited with what was typed."""
    found = await confirmable(store, actor, reference)
    if not found.goods and tracking is None and not reason:
        raise Refused("staff-tracking-invalid")
    # one unit: confirmed, thanks queued and audited: all or none
    try:
        pledge, need = await pledges.confirm_payment(
            store, reference=reference, bank_reference=None if found.goods else tracking, now=now
        )
    except TrackingNumberUsed as used:  # nothing was written
        raise TrackingNumberRefused("staff-tracking-used", pledge=used.pledge) from None
    if found.goods:
        await audit(store, actor, "confirm_received", "pledge", reference, now)
    elif tracking is not None:
        await audit(store, actor, "confirm_payment", "pledge", reference, now,
                    bank_reference=tracking)  # fmt: skip
    else:
        await audit(store, actor, "confirm_without_tracking", "pledge", reference, now,
                    reason=reason)  # fmt: skip
    return Confirmable(pledge, need)


async def next_to_confirm(store: Storage, actor: Account) -> Pledge | None:
    """The first pledge in the staff queue (reported payments and receipts first)."""
    await require_staff(store, actor)
    first = await store.pledges_awaiting_confirmation(limit=1, offset=0, need_id=None)
    return first[0] if first else None


@in_one_unit
async def reject_payment(
    store: Storage, actor: Account, reference: str, reason: str, now: int
) -> Pledge:
    """No money arrived: reject, give the share back, tell the donor why (staff only)."""
    await require_staff(store, actor)
    rejected = await store.reject_pledge(
        reference, now,
        TellDonor("pledge-rejected-notice", {"reason": reason.strip()}, at=now),
    )  # fmt: skip
    if rejected is None:
        raise Refused("pledge-not-awaiting-payment")
    await audit(store, actor, "reject_payment", "pledge", reference, now,
                reason=reason.strip())  # fmt: skip
    return rejected


async def require_admin(store: Storage, account: Account) -> None:
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


@in_one_unit
async def set_staff(store: Storage, admin: Account, user_id: int, is_staff: bool, now: int) -> None:
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


INVITES_LISTED = 20


Invite = OpenInvite  # an invite code that can still be redeemed, as the store lists it


@in_one_unit
async def create_invite(store: Storage, admin: Account, now: int, ttl_days: int) -> Invite:
    """A one-time code a new staff member redeems with /join CODE within `ttl_days`."""
    await require_admin(store, admin)
    code = "S-" + random_code(8)
    expires_at = now + ttl_days * 86_400
    await store.create_invite(code, admin.platform, admin.user_id, now, expires_at)
    await audit(store, admin, "create_invite", "invite", code, now, days=ttl_days)
    return Invite(code, admin.user_id, now, expires_at)


@in_one_unit
async def void_orphaned_invites(
    store: Storage, platform: str, admin_ids: Sequence[int], now: int
) -> int:
    """Invites die with their admin: open invites whose creator is no longer in ADMIN_IDS
    (the only source of admins) are voided, each audited under its creator. Run before an
    invite is listed or redeemed, and when an admin loses the role."""
    voided = await store.void_invites_not_from(platform, admin_ids, now)
    for code, creator in voided:
        await store.record_audit(
            at=now, action="void_invite", platform=platform, actor_id=creator,
            subject_type="invite", subject_id=code, details=None,
        )  # fmt: skip
    return len(voided)


@in_one_unit
async def join(
    store: Storage, account: Account, code: str, now: int, admin_ids: Sequence[int]
) -> None:
    """Redeem a staff invite; a used, expired, revoked or unknown code gets the same answer
    (an answer that differed would tell a guesser which codes exist)."""
    await void_orphaned_invites(store, account.platform, admin_ids, now)
    code = normalize_text(code).upper()
    if not await store.redeem_invite(code, account.platform, account.user_id, now):
        raise Refused("staff-invite-invalid")
    await audit(store, account, "join_staff", "invite", code, now)


async def open_invites(
    store: Storage, admin: Account, now: int, admin_ids: Sequence[int]
) -> list[Invite]:
    """The invites that can still be redeemed, newest first (admins only)."""
    await require_admin(store, admin)
    await void_orphaned_invites(store, admin.platform, admin_ids, now)
    return await store.open_invites(admin.platform, now, INVITES_LISTED)


@in_one_unit
async def revoke_invite(store: Storage, admin: Account, code: str, now: int) -> str:
    """An admin takes back an open invite (audited); anything else is refused."""
    await require_admin(store, admin)
    code = normalize_text(code).upper().replace(" ", "")
    if not code:
        raise Refused("staff-revoke-usage")
    if not await store.revoke_invite(code, admin.platform, admin.user_id, now):
        raise Refused("staff-invite-not-open", code=code[:12])
    await audit(store, admin, "revoke_invite", "invite", code, now)
    return code


@in_one_unit
async def undo_confirmation(store: Storage, admin: Account, reference: str, now: int) -> Pledge:
    """An admin takes back a wrong confirmation (audited; the donor is told)."""
    await require_admin(store, admin)
    undone = await store.undo_confirmation(reference, now, TellDonor("pledge-unconfirmed-notice"))
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
    store: Storage, actor: Account, *, need_code: str | None = None, need_id: int = 0,
    page: int = 0,
) -> Queue:  # fmt: skip
    """What staff must check, reported payments and receipts first: all of it, or one
    need's (by its typed code, or by id from a page button), a page at a time."""
    await require_staff(store, actor)
    if need_code:
        need_id = (await _need(store, need_code)).id
    total = await store.count_pledges_awaiting_confirmation(need_id or None)
    page, _ = page_within(page, total, QUEUE_PAGE)
    pledges = await store.pledges_awaiting_confirmation(
        limit=QUEUE_PAGE, offset=page * QUEUE_PAGE, need_id=need_id or None
    )
    return Queue(pledges, total, page, need_id)


@in_one_unit
async def look_up_household(
    store: Storage, actor: Account, national_code: str, now: int
) -> Beneficiary | None:
    """A household by national code, for staff; every look is audited (personal data)."""
    await require_staff(store, actor)
    # one unit: no look without its audit row (product rule 2)
    household = await store.beneficiary(national_code)
    await audit(store, actor, "view_beneficiary", "beneficiary", national_code, now,
                found=household is not None)  # fmt: skip
    return household


@dataclass(frozen=True)
class Ending:
    """What ending a need (/delivered, /close) will tell whom: its confirm screen."""

    need: Need
    paid: int  # pledges paid: told the help arrived (/delivered) or that it is safe (/close)
    reported: int  # payments reported, not confirmed: stay for staff
    unpaid: int  # awaiting payment: cancelled, donors told not to pay
    households: int  # verified people of the household, who hear of a delivery


async def _ending(store: Storage, need: Need) -> Ending:
    counts = await store.pledge_counts(need.id)
    return Ending(
        need,
        paid=counts.get(PledgeStatus.PAID, 0),
        reported=counts.get(PledgeStatus.PAYMENT_REPORTED, 0),
        unpaid=counts.get(PledgeStatus.AWAITING_PAYMENT, 0),
        households=await store.households_linked_to_need(need.id),
    )


async def _need(store: Storage, code: str) -> Need:
    """The need a staff member typed the code of; an unknown code says where to look."""
    need = await store.need_by_code(code)
    if need is None:
        raise Refused("staff-need-not-found", code=code[:12])
    return need


def _check_deliverable(need: Need) -> Need:
    """Only help that was paid for can be delivered, once, and never a closed need."""
    if need.status is NeedStatus.DELIVERED:
        raise Refused("staff-deliver-already", code=need.code)
    if need.status is NeedStatus.CLOSED:
        raise Refused("staff-deliver-closed", code=need.code)
    if need.paid == 0:
        raise Refused("staff-deliver-unpaid", code=need.code)
    return need


async def delivery_preview(store: Storage, actor: Account, need_code: str) -> Ending:
    """What /delivered CODE would do, or why it cannot (staff only)."""
    await require_staff(store, actor)
    return await _ending(store, _check_deliverable(await _need(store, need_code)))


@in_one_unit
async def deliver_need(
    store: Storage, actor: Account, need_code: str, now: int, token: str | None = None
) -> tuple[int, int]:
    """Staff mark a need delivered: donors who paid are told, unpaid pledges are cancelled
    (see pledges.DELIVERED_UNPAID_NOTICE). Returns (donors told, pledges cancelled)."""
    await require_staff(store, actor)
    need = _check_deliverable(await _need(store, need_code))
    # one unit: delivered, donors' notices queued, audited: all or none
    done = await pledges.deliver(store, need, now, token)
    if done is None:  # changed meanwhile, or the token was spent: say which
        _check_deliverable(await _need(store, need_code))
        raise Refused("staff-confirm-used")
    delivered, cancelled = done
    await audit(store, actor, "deliver_need", "need", need_code, now,
                donors=len(delivered), cancelled=len(cancelled))  # fmt: skip
    return len(delivered), len(cancelled)


async def closing_preview(store: Storage, actor: Account, need_code: str) -> Ending:
    """What /close CODE would do, or why it cannot (staff only)."""
    await require_staff(store, actor)
    need = await _need(store, need_code)
    if need.status in (NeedStatus.CLOSED, NeedStatus.DELIVERED):
        raise Refused("staff-need-already-closed", code=need_code)
    return await _ending(store, need)


@in_one_unit
async def close_need(
    store: Storage, actor: Account, need_code: str, reason: str, now: int,
    token: str | None = None,
) -> tuple[int, int]:  # fmt: skip
    """Staff close a need with a reason: it leaves browsing, donors whose pledges were still
    unpaid are told not to pay, and donors who already paid are told their payment is safe
    and staff will settle it (those pledges stay as they are). Returns (unpaid, paid)
    donors told; a need already closed or delivered is refused."""
    await require_staff(store, actor)
    need = await _need(store, need_code)
    # one unit: closed, donors' notices queued, audited: all or none
    told = await store.close_need(
        need.id, now, TellDonor("pledge-need-closed-notice"),
        TellDonor("pledge-need-closed-paid-notice"), token,
        tell_credited=TellDonor(CLOSED_CREDIT_NOTICE),
    )  # fmt: skip
    if told is None:
        await closing_preview(store, actor, need_code)  # closed meanwhile: say so
        raise Refused("staff-confirm-used")
    cancelled, paid = told
    await audit(store, actor, "close_need", "need", need_code, now, reason=reason,
                cancelled=len(cancelled), paid=len(paid))  # fmt: skip
    return len(cancelled), len(paid)


NEEDS_PAGE = 8


@dataclass(frozen=True)
class NeedsFilter:
    """What /needs shows. Decided for issue #9: all needs of the office by default (imports
    have no author, and whoever is on duty handles any need), with a toggle to the needs
    this staff member added (`mine`); any status or one; anywhere, one province or one city."""

    mine: bool = False
    status: NeedStatus | None = None
    province_id: int | None = None
    city_id: int | None = None
    page: int = 0


@dataclass(frozen=True)
class NeedsPage:
    needs: list[Need]
    total: int
    filter: NeedsFilter

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // NEEDS_PAGE))


async def list_needs(store: Storage, actor: Account, wanted: NeedsFilter) -> NeedsPage:
    """A page of needs for staff, drafts first then the latest changed; a page past the
    end shows the last real page (staff only)."""
    await require_staff(store, actor)
    where = StaffNeedsWhere(
        status=wanted.status, province_id=wanted.province_id, city_id=wanted.city_id,
        added_by=(actor.platform, actor.user_id) if wanted.mine else None,
    )  # fmt: skip
    total = await store.count_staff_needs(where)
    page = max(0, min(wanted.page, -(-total // NEEDS_PAGE) - 1))
    needs = await store.staff_needs(where, NEEDS_PAGE, page * NEEDS_PAGE)
    return NeedsPage(needs, total, replace(wanted, page=page))


ACTIVE_DAYS = 30


async def statistics(store: Storage, actor: Account, now: int) -> Statistics:
    """How the bot is doing at a glance (staff only; aggregates, no personal data)."""
    await require_staff(store, actor)
    return await store.statistics(actor.platform, now - ACTIVE_DAYS * 86_400)


EXPORT_DAYS = 30


@in_one_unit
async def recent_pledges_for_export(store: Storage, actor: Account, now: int) -> list[PledgeExport]:
    """The last 30 days of pledges, without personal data (staff only, audited)."""
    await require_staff(store, actor)
    rows = await store.pledges_for_export(now - EXPORT_DAYS * 86_400, now + 1, with_pii=False)
    await audit(store, actor, "export_pledges", "pledges", f"last {EXPORT_DAYS} days", now,
                rows=len(rows))  # fmt: skip
    return rows
