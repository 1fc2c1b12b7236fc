"""Broadcast rules: who may announce, to whom, once, and how a run is paused or stopped.

The sending itself is the outbox's (bot/delivery.py); here are the decisions staff make,
each checked against their role at the moment they make it and written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.refusal import Refused
from bot.domain.staff import audit, require_staff
from bot.domain.units import in_one_unit
from bot.models import Account, Audience, Broadcast, BroadcastStatus, StaffRole
from bot.storage.protocols import Storage
from bot.storage.records import Notice

# Telegram's limits (4096 and 1024), less room for the header line.
MAX_TEXT = 3_800
MAX_CAPTION = 900
QUEUE_CHUNK_USERS = 20_000  # users looked at per queueing transaction: short, never blocking
PLACED = (Audience.PROVINCE, Audience.CITY)
ADMIN_AUDIENCES = frozenset({Audience.EVERYONE})  # the widest reach takes an administrator


@dataclass(frozen=True)
class Draft:
    """An announcement being composed, kept in the store between the sender's steps."""

    text: str
    photo_file_id: str | None = None
    audience: Audience | None = None
    place_id: int | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "photo": self.photo_file_id,
            "audience": self.audience.value if self.audience else None,
            "place": self.place_id,
        }

    @classmethod
    def from_json(cls, data: object) -> Draft | None:
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            return None
        audience = data.get("audience")
        return cls(
            text=data["text"],
            photo_file_id=data.get("photo"),
            audience=Audience(audience) if audience in set(Audience) else None,
            place_id=data.get("place"),
        )


def check_text(text: str, has_photo: bool) -> str:
    """The announcement's text, or a refusal saying how long it may be."""
    text = text.strip()
    if not text:
        raise Refused("broadcast-text-needed")
    limit = MAX_CAPTION if has_photo else MAX_TEXT
    if len(text) > limit:
        raise Refused("broadcast-too-long", length=len(text), limit=limit)
    return text


async def audiences_for(store: Storage, actor: Account) -> list[Audience]:
    """The audiences this person may choose now (staff only): "everyone" only for admins."""
    role = await require_staff(store, actor)
    return [a for a in Audience if role is StaffRole.ADMIN or a not in ADMIN_AUDIENCES]


async def require_audience(store: Storage, actor: Account, audience: Audience | None) -> Audience:
    """Refuses an audience this person may not announce to, checked now: a staff member
    whose screen still offers "everyone", or who forges the button, is stopped here.
    Returns the audience, now known to be one (a draft's may still be unset)."""
    if audience is None:
        await require_staff(store, actor)
        raise Refused("broadcast-draft-gone")
    if audience not in await audiences_for(store, actor):
        raise Refused("broadcast-audience-admin-only")
    return audience


async def audience_size(store: Storage, actor: Account, draft: Draft) -> int:
    """How many people would get it now (staff only): the preview's count."""
    audience = await require_audience(store, actor, draft.audience)
    return await store.audience_size(actor.platform, audience, draft.place_id)


@in_one_unit
async def start(
    store: Storage, actor: Account, draft: Draft, *, chat_id: int, token: str, now: int
) -> tuple[Broadcast, bool]:
    """Create the broadcast of this confirm token once: (broadcast, whether it is new).

    A confirm button pressed twice, or redelivered after a crash, finds the broadcast its
    token already made and starts nothing.
    """
    audience = await require_audience(store, actor, draft.audience)
    if (audience in PLACED) != (draft.place_id is not None):
        raise Refused("broadcast-draft-gone")
    text = check_text(draft.text, draft.photo_file_id is not None)
    # one unit: no run without its audit row
    broadcast, created = await store.create_broadcast(
        platform=actor.platform,
        creator_id=actor.user_id,
        chat_id=chat_id,
        text=text,
        photo_file_id=draft.photo_file_id,
        audience=audience,
        place_id=draft.place_id,
        token=token,
        now=now,
    )
    if created:
        await audit(
            store, actor, "broadcast", "broadcast", str(broadcast.id), now,
            audience=audience.value, place=draft.place_id,
        )  # fmt: skip
    if created:
        # The first chunk now, so the progress starts with the count; the outbox queues
        # the rest of a large audience while it sends.
        await store.queue_broadcast_chunk(broadcast.id, QUEUE_CHUNK_USERS)
        broadcast = await store.broadcast(broadcast.id) or broadcast
    return broadcast, created


async def existing(store: Storage, token: str) -> Broadcast | None:
    return await store.broadcast_by_token(token)


# action -> (new status, the statuses it may come from)
_CONTROLS = {
    "pause": (BroadcastStatus.PAUSED, (BroadcastStatus.RUNNING,)),
    "resume": (BroadcastStatus.RUNNING, (BroadcastStatus.PAUSED,)),
    "cancel": (BroadcastStatus.CANCELLED, (BroadcastStatus.RUNNING, BroadcastStatus.PAUSED)),
}


@in_one_unit
async def control(
    store: Storage, actor: Account, broadcast_id: int, action: str, now: int,
    token: str | None = None,
) -> Broadcast:  # fmt: skip
    """Pause, resume or cancel a run (any staff member: whoever is on duty can stop it).

    A cancelled run's report is the outbox's to write, once the sends already on their way
    have ended, so that it counts them.
    """
    await require_staff(store, actor)
    to, allowed = _CONTROLS[action]
    # one unit: the new state and its audit row together
    changed = await store.change_broadcast_status(
        broadcast_id,
        actor.platform,
        to,
        allowed_from=allowed,
        now=now,
        reason="staff" if action == "pause" else None,
        token=token,
    )
    if changed is None:
        current = await _refuse_control(store, actor, broadcast_id)
        if token is not None:  # the state allows it: the confirmation was spent meanwhile
            raise Refused("staff-confirm-used")
        raise Refused(f"broadcast-already-{current.status.value}", id=broadcast_id)
    await audit(store, actor, f"broadcast_{action}", "broadcast", str(broadcast_id), now)
    if action == "resume":
        await store.retry_broadcast_now(broadcast_id, now)
    return changed


async def _refuse_control(store: Storage, actor: Account, broadcast_id: int) -> Broadcast:
    """This platform's run, if it has not ended; else why it cannot be steered."""
    current = await store.broadcast(broadcast_id)
    if current is None or current.platform != actor.platform:
        raise Refused("broadcast-unknown")
    if current.status in (BroadcastStatus.DONE, BroadcastStatus.CANCELLED):
        raise Refused("broadcast-not-changeable", id=broadcast_id)
    return current


async def cancel_preview(store: Storage, actor: Account, broadcast_id: int) -> Broadcast:
    """The run a cancel would stop, if it can still be stopped (staff only): what its
    confirm screen shows."""
    await require_staff(store, actor)
    return await _refuse_control(store, actor, broadcast_id)


async def queue_report(store: Storage, broadcast: Broadcast, now: int) -> None:
    """The final report to the sender, once, in their language (sent by the outbox), with
    the time it spent sending, pauses left out, over which its rate is measured."""
    await store.mark_broadcast_reported(broadcast.id, now)
    seconds = await store.broadcast_sending_seconds(broadcast.id, now)
    await store.queue_notice(
        Notice(
            broadcast.platform, broadcast.creator_id, "broadcast-report",
            {"id": broadcast.id, "status": broadcast.status.value, "total": broadcast.total,
             "sent": broadcast.sent, "blocked": broadcast.blocked, "failed": broadcast.failed,
             "unknown": broadcast.unknown, "not_sent": broadcast.remaining,
             "done": broadcast.done, "seconds": seconds},
            f"broadcast-report:{broadcast.id}",
        ),
        now,
    )  # fmt: skip


async def set_announcements(store: Storage, platform: str, user_id: int, off: bool) -> None:
    """A person's own choice: no announcements (the button under each one), or them again.
    Reports and notices about their own pledges and household are not announcements."""
    await store.set_announcements_opt_out(platform, user_id, off)


async def set_home_city(store: Storage, platform: str, user_id: int, city_id: int) -> None:
    """The city whose announcements a person hears (an audience by place)."""
    await store.set_home_city(platform, user_id, city_id)


async def remember_progress_message(store: Storage, broadcast_id: int, message_id: int) -> None:
    """The staff chat's message the outbox keeps up to date while the run goes on."""
    await store.set_broadcast_progress_message(broadcast_id, message_id)
