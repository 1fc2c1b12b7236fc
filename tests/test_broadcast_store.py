"""The broadcasts repository, called directly on both backends (SQLite, PostgreSQL): who an
audience reaches, one broadcast per confirm token, recipients queued in chunks each once,
exact progress counts, status changes with their pause clock and one-time tokens.

The Application's broadcast flows are tests/test_broadcasts.py (SQLite); what only several
PostgreSQL workers at once can show is in tests/test_pg_store.py."""

from __future__ import annotations

import pytest

from bot.domain import broadcasts
from bot.domain.refusal import Refused
from bot.models import Account, Audience, BroadcastStatus, OutboxStatus, Persona, StaffRole
from bot.storage import Store

NOW = 1_800_000_000
PLATFORM = "telegram"
ADMIN = 900_001


@pytest.fixture
def store(any_store: Store) -> Store:
    """Every test here runs on both backends (SQLite, PostgreSQL)."""
    return any_store


async def person(
    store: Store, user_id: int, persona: Persona | None = None, role: StaffRole = StaffRole.NONE
) -> Account:
    account = await store.seen_account(PLATFORM, user_id, user_id, "fa", NOW)
    if persona is not None:
        account = await store.set_persona(account, persona)
    return await store.set_staff_role(account, role)


async def new_broadcast(store: Store, audience: Audience = Audience.EVERYONE, token: str = "b1",
                        place_id: int | None = None) -> int:  # fmt: skip
    broadcast, created = await store.create_broadcast(
        platform=PLATFORM, creator_id=ADMIN, chat_id=ADMIN, text="hello", photo_file_id=None,
        audience=audience, place_id=place_id, token=token, now=NOW,
    )  # fmt: skip
    assert created
    return broadcast.id


async def send_all(store: Store, statuses: list[OutboxStatus]) -> None:
    """Claim every due row and end each with the next of `statuses` (round robin)."""
    n = 0
    while items := await store.claim_outbox(PLATFORM, NOW, 7):
        for item in items:
            await store.finish_outbox(item.id, statuses[n % len(statuses)], NOW + 1)
            n += 1


async def test_each_audience_reaches_its_people_never_the_blocked_or_opted_out(store) -> None:
    await person(store, ADMIN, role=StaffRole.ADMIN)
    for user_id in (1, 2, 3):
        await person(store, user_id, Persona.DONOR)
    await person(store, 4, Persona.BENEFICIARY)
    await person(store, 5, Persona.DONOR)
    await store.mark_blocked(PLATFORM, 5)
    await store.set_announcements_opt_out(PLATFORM, 3, True)
    await store.seen_account("bale", 1, 1, "fa", NOW)  # another bot's people
    province = (await store.provinces())[0]
    city = province.cities[0]
    await store.set_home_city(PLATFORM, 2, city.id)
    sizes = {
        audience: await store.audience_size(PLATFORM, audience, None)
        for audience in (Audience.EVERYONE, Audience.DONORS, Audience.BENEFICIARIES,
                         Audience.STAFF)
    }  # fmt: skip
    assert sizes == {
        Audience.EVERYONE: 4, Audience.DONORS: 2, Audience.BENEFICIARIES: 1, Audience.STAFF: 1,
    }  # fmt: skip
    assert await store.audience_size(PLATFORM, Audience.CITY, city.id) == 1
    assert await store.audience_size(PLATFORM, Audience.PROVINCE, province.id) == 1
    assert (await store.account(PLATFORM, 2)).home_city_id == city.id  # type: ignore[union-attr]
    await store.set_announcements_opt_out(PLATFORM, 3, False)
    assert await store.audience_size(PLATFORM, Audience.DONORS, None) == 3


async def test_one_confirm_token_makes_one_broadcast(store) -> None:
    first = await new_broadcast(store)
    again, created = await store.create_broadcast(
        platform=PLATFORM, creator_id=ADMIN, chat_id=ADMIN, text="other", photo_file_id=None,
        audience=Audience.STAFF, place_id=None, token="b1", now=NOW + 5,
    )  # fmt: skip
    assert (again.id, again.text, created) == (first, "hello", False)
    assert (await store.broadcast_by_token("b1")).id == first  # type: ignore[union-attr]
    assert await store.broadcast_by_token("nope") is None
    assert await store.broadcast(first + 1) is None


async def test_recipients_are_queued_in_chunks_each_once_and_counted_exactly(store) -> None:
    for user_id in range(1, 24):
        await person(store, user_id, Persona.DONOR)
    await store.mark_blocked(PLATFORM, 7)
    broadcast_id = await new_broadcast(store, Audience.DONORS)
    await person(store, 99, Persona.DONOR)  # came after: not in this audience
    assert await store.broadcasts_to_queue(PLATFORM) == [broadcast_id]
    chunks = 1
    while await store.queue_broadcast_chunk(broadcast_id, 5):
        chunks += 1
    assert chunks == 5  # 23 users, 5 a chunk
    assert not await store.queue_broadcast_chunk(broadcast_id, 5)
    assert await store.broadcasts_to_queue(PLATFORM) == []
    assert await store.broadcast_statuses(broadcast_id) == {"pending": 22}
    assert (await store.broadcast(broadcast_id)).total == 22  # type: ignore[union-attr]
    rows = await store._fetchall(
        "SELECT user_id FROM outbox WHERE broadcast_id = ? ORDER BY user_id", (broadcast_id,)
    )
    assert [row[0] for row in rows] == [u for u in range(1, 24) if u != 7]

    claimed = await store.claim_outbox(PLATFORM, NOW, 3)
    assert await store.broadcast_in_flight(broadcast_id)
    for item in claimed:
        await store.finish_outbox(item.id, OutboxStatus.SENT, NOW + 1)
    assert not await store.broadcast_in_flight(broadcast_id)
    await send_all(store, [OutboxStatus.SENT, OutboxStatus.BLOCKED, OutboxStatus.FAILED])
    broadcast = await store.broadcast(broadcast_id)
    assert broadcast is not None
    assert await store.broadcast_statuses(broadcast_id) == {
        "sent": broadcast.sent, "blocked": broadcast.blocked, "failed": broadcast.failed,
    }  # fmt: skip
    assert (broadcast.sent, broadcast.blocked, broadcast.failed, broadcast.unknown) == (
        3 + 7, 6, 6, 0,
    )  # fmt: skip
    done = await store.finish_broadcast_if_complete(broadcast_id, NOW + 10)
    assert done is not None
    assert (done.status, done.finished_at) == (BroadcastStatus.DONE, NOW + 10)
    assert await store.finish_broadcast_if_complete(broadcast_id, NOW + 11) is None
    assert await store.unfinished_broadcasts(PLATFORM) == []


async def test_a_broadcast_is_not_done_while_a_row_is_unsent(store) -> None:
    for user_id in (1, 2):
        await person(store, user_id)
    broadcast_id = await new_broadcast(store)
    await store.queue_broadcast_chunk(broadcast_id, 100)
    [item, _] = await store.claim_outbox(PLATFORM, NOW, 5)
    await store.finish_outbox(item.id, OutboxStatus.SENT, NOW)
    assert await store.finish_broadcast_if_complete(broadcast_id, NOW) is None
    assert await store.abandon_unfinished_sends(PLATFORM) == 1
    done = await store.finish_broadcast_if_complete(broadcast_id, NOW)
    assert done is not None
    assert (done.sent, done.unknown) == (1, 1)


async def test_pauses_are_left_out_of_the_sending_time(store) -> None:
    await person(store, 1)
    broadcast_id = await new_broadcast(store)

    async def change(to: BroadcastStatus, at: int, *allowed: BroadcastStatus):
        return await store.change_broadcast_status(
            broadcast_id, PLATFORM, to, allowed_from=allowed, now=at, reason="staff"
        )

    assert await store.broadcast_sending_seconds(broadcast_id, NOW + 30) == 30
    paused = await change(BroadcastStatus.PAUSED, NOW + 10, BroadcastStatus.RUNNING)
    assert paused is not None
    assert paused.pause_reason == "staff"
    assert await change(BroadcastStatus.PAUSED, NOW + 12, BroadcastStatus.RUNNING) is None
    assert [b.id for b in await store.unfinished_broadcasts(PLATFORM)] == [broadcast_id]
    assert await store.broadcast_sending_seconds(broadcast_id, NOW + 40) == 10
    resumed = await change(BroadcastStatus.RUNNING, NOW + 50, BroadcastStatus.PAUSED)
    assert resumed is not None
    assert resumed.status is BroadcastStatus.RUNNING
    assert await store.broadcast_sending_seconds(broadcast_id, NOW + 60) == 20
    await store.queue_broadcast_chunk(broadcast_id, 10)
    await send_all(store, [OutboxStatus.SENT])
    done = await store.finish_broadcast_if_complete(broadcast_id, NOW + 70)
    assert done is not None
    assert await store.broadcast_sending_seconds(broadcast_id, NOW + 999) == 30
    assert await store.broadcast_sending_seconds(broadcast_id + 1, NOW) == 0
    assert [b.id for b in await store.unfinished_broadcasts(PLATFORM)] == []


async def test_a_cancel_confirmed_twice_cancels_once_and_waits_for_its_report(store) -> None:
    admin = await person(store, ADMIN, role=StaffRole.ADMIN)
    await person(store, 1)
    broadcast_id = await new_broadcast(store)
    await store.create_confirmation(
        "c1", PLATFORM, ADMIN, "cancel_broadcast", str(broadcast_id), None, NOW
    )
    cancelled = await broadcasts.control(store, admin, broadcast_id, "cancel", NOW + 5, "c1")
    assert (cancelled.status, cancelled.finished_at) == (BroadcastStatus.CANCELLED, NOW + 5)
    with pytest.raises(Refused):
        await broadcasts.control(store, admin, broadcast_id, "cancel", NOW + 6, "c1")
    assert [b.id for b in await store.unfinished_broadcasts(PLATFORM)] == [broadcast_id]
    await broadcasts.queue_report(store, cancelled, NOW + 7)
    await broadcasts.queue_report(store, cancelled, NOW + 8)  # once per broadcast
    assert await store.unfinished_broadcasts(PLATFORM) == []
    assert (await store.broadcast(broadcast_id)).reported_at is not None  # type: ignore[union-attr]
    reports = await store._fetchall(
        "SELECT user_id, message_id FROM outbox WHERE broadcast_id IS NULL"
    )
    assert [tuple(row) for row in reports] == [(ADMIN, "broadcast-report")]
    actions = [entry.action for entry in await store.latest_audit()]
    assert actions == ["broadcast_cancel"]


async def test_a_spent_token_changes_no_broadcast(store) -> None:
    await person(store, 1)
    broadcast_id = await new_broadcast(store)
    await store.create_confirmation("c1", PLATFORM, ADMIN, "cancel_broadcast", "1", None, NOW)
    assert await store.use_confirmation("c1", NOW)
    changed = await store.change_broadcast_status(
        broadcast_id, PLATFORM, BroadcastStatus.CANCELLED, allowed_from=[BroadcastStatus.RUNNING],
        now=NOW, token="c1",
    )  # fmt: skip
    assert changed is None
    assert (await store.broadcast(broadcast_id)).status is BroadcastStatus.RUNNING  # type: ignore[union-attr]


async def test_a_resumed_run_makes_put_off_rows_due_and_keeps_its_progress_message(
    store,
) -> None:
    for user_id in (1, 2):
        await person(store, user_id)
    broadcast_id = await new_broadcast(store)
    await store.queue_broadcast_chunk(broadcast_id, 10)
    for item in await store.claim_outbox(PLATFORM, NOW, 5):
        await store.finish_outbox(item.id, OutboxStatus.PENDING, NOW, retry_at=NOW + 3600)
    assert await store.claim_outbox(PLATFORM, NOW + 5, 5) == []
    await store.retry_broadcast_now(broadcast_id, NOW + 5)
    assert len(await store.claim_outbox(PLATFORM, NOW + 5, 5)) == 2
    await store.set_broadcast_progress_message(broadcast_id, 4242)
    assert (await store.broadcast(broadcast_id)).progress_message_id == 4242  # type: ignore[union-attr]
    assert await store.metrics_broadcasts_running() == [(PLATFORM, 1)]
    assert await store.metrics_outbox_depth() == [(PLATFORM, "broadcast", 2)]
