"""What staff may do, checked at the moment they do it, and written to the audit log.

A menu drawn yesterday proves nothing: every staff action asks the store for the person's
role now (read through the cache, since roles change from other processes), and every
write or view of personal data leaves an audit row: who, what, which record, when.
"""

from __future__ import annotations

from bot.domain.refusal import Refused
from bot.models import Account, Pledge, StaffRole
from bot.storage import Store


async def require_staff(store: Store, account: Account) -> StaffRole:
    """The person's staff role right now; refuses everyone else."""
    fresh = await store.account(account.platform, account.user_id)
    if fresh is None or fresh.staff_role is StaffRole.NONE:
        raise Refused("staff-only")
    return fresh.staff_role


async def audit(
    store: Store, actor: Account, action: str, subject_type: str, subject_id: str, now: int,
    **details: object,
) -> None:  # fmt: skip
    await store.record_audit(at=now, action=action, platform=actor.platform,
                             actor_id=actor.user_id, subject_type=subject_type,
                             subject_id=subject_id, details=details or None)  # fmt: skip


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
    rejected = await store.reject_pledge(reference, reason.strip(), now,
                                         notice="pledge-rejected-notice")  # fmt: skip
    if rejected is None:
        raise Refused("pledge-not-awaiting-payment")
    await audit(store, actor, "reject_payment", "pledge", reference, now, reason=reason.strip())
    return rejected
