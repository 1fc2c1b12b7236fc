"""Irreversible staff actions ask once: /delivered, /close, /place and cancelling a broadcast.

The command (or the cancel button) shows what will be told to whom and stores a one-time
confirmation: who asked, what, about which record. Its Yes button carries only the token,
like a pledge's confirm button and a broadcast's Send button. Pressing it acts in the same
transaction that spends the token (bot/storage/), so a double press, or an update the
platform redelivers after a crash, acts once; the second press is told it was already done.
Every step re-checks the staff role, and the state is checked again when acting: the
preview may be old.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.codes import new_confirm_token
from bot.domain import broadcasts, credits, staff
from bot.domain.refusal import Refused
from bot.models import Account, Broadcast
from bot.storage.protocols import Storage

CONFIRM_TTL_S = 86_400  # a preview older than a day says too little about now: ask again


@dataclass(frozen=True)
class Asked:
    """A confirmation still waiting for its button."""

    token: str
    action: str  # deliver, close, place_office, cancel_broadcast
    subject: str  # the need code or the broadcast id
    details: dict[str, object]


@dataclass(frozen=True)
class Done:
    """What a confirmed action did, for the answer to staff."""

    action: str
    subject: str
    counts: dict[str, int] = field(default_factory=dict)
    broadcast: Broadcast | None = None


async def ask(
    store: Storage, actor: Account, action: str, subject: str, now: int, **details: object
) -> str:
    """Store what is being asked and return the token its Yes button carries."""
    await staff.require_staff(store, actor)
    token = new_confirm_token()
    await store.create_confirmation(
        token, actor.platform, actor.user_id, action, subject, details or None, now
    )
    return token


async def take(store: Storage, actor: Account, token: str, now: int) -> Asked:
    """The confirmation a button carries, if it is still this person's to use: someone
    else's, an unknown or an old one is gone; a spent one was already done."""
    await staff.require_staff(store, actor)
    row = await store.confirmation(token)
    if row is None or (row.platform, row.user_id) != (actor.platform, actor.user_id):
        raise Refused("staff-confirm-gone")
    if row.used_at is not None:
        raise Refused("staff-confirm-used")
    if now - row.created_at > CONFIRM_TTL_S:
        raise Refused("staff-confirm-gone")
    return Asked(token, row.action, row.subject, dict(row.details))


async def dismiss(store: Storage, actor: Account, token: str, now: int) -> None:
    """The No button: the confirmation is spent and nothing else changes."""
    await take(store, actor, token, now)
    await store.use_confirmation(token, now)


async def confirm(store: Storage, actor: Account, token: str, now: int) -> Done:
    """The Yes button: do what was asked, once."""
    asked = await take(store, actor, token, now)
    try:
        return await _act(store, actor, asked, now)
    except Refused:
        spent = await store.confirmation(token)
        if spent is not None and spent.used_at is not None:  # a press raced this one
            raise Refused("staff-confirm-used") from None
        raise


async def _act(store: Storage, actor: Account, asked: Asked, now: int) -> Done:
    if asked.action == "deliver":
        told, cancelled = await staff.deliver_need(store, actor, asked.subject, now, asked.token)
        return Done(asked.action, asked.subject, {"donors": told, "cancelled": cancelled})
    if asked.action == "place_office":
        need, amount = await credits.place_office_share(
            store, actor, asked.subject, now, token=asked.token
        )
        return Done(asked.action, need.code, {"amount": amount})
    if asked.action == "close":
        reason = str(asked.details.get("reason") or "")
        cancelled, paid = await staff.close_need(
            store, actor, asked.subject, reason, now, token=asked.token
        )
        return Done(asked.action, asked.subject, {"donors": cancelled, "paid": paid})
    cancelled_run = await broadcasts.control(
        store, actor, int(asked.subject), "cancel", now, token=asked.token
    )
    return Done(asked.action, asked.subject, broadcast=cancelled_run)
