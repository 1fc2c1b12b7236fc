"""Announcements: staff compose, preview and send once; the outbox delivers each at most once."""

from __future__ import annotations

import asyncio
import itertools
import sqlite3

import pytest

from bot.context import HamdeliContext
from bot.delivery import deliver_outbox, outbox_of, recover_outbox
from bot.i18n import translator
from bot.models import Audience, Beneficiary, Broadcast, BroadcastStatus, OutboxStatus, Persona
from bot.text import national_code_check_digit
from bot.views.broadcasts import progress_screen
from tests.conftest import ADMIN_ID

fa, en = translator("fa"), translator("en")
TEXT = "جشن نیکوکاری جمعه در پارک شهر برگزار می‌شود."


def received(person, text: str = TEXT, t=fa) -> int:
    """How many times this person got the announcement."""
    expected = f"{t('broadcast-header')}\n\n{text}"
    return sum(m.text == expected for m in person.replies)


def reports(person, report: str) -> int:
    """How many final reports like this one the sender got (each ends with its measured rate,
    a line of its own: issue #9)."""
    return sum(m.text.startswith(f"{report}\n⚡") for m in person.replies)


async def people(
    chat, count: int, persona: Persona = Persona.DONOR, lang: str = "fa", platform="telegram"
):
    """People who already use the bot in a role (set through the store: faster than clicks)."""
    made = []
    for _ in range(count):
        person = chat.user(lang=lang)
        account = await chat.store.seen_account(platform, person.id, person.id, lang, 0)
        await chat.store.set_persona(account, persona)
        made.append(person)
    return made


async def compose(admin, audience: str, text: str = TEXT, places: tuple[str, ...] = ()) -> None:
    await admin.send("/broadcast")
    await admin.send(text)
    await admin.click(fa(f"broadcast-audience-{audience}"))
    for label in places:
        await admin.click(label)


async def announce(chat, admin, audience: str = "everyone", **kwargs) -> int:
    """Compose, preview, send, deliver; returns the broadcast's id."""
    await compose(admin, audience, **kwargs)
    await admin.click("✅")
    await deliver_outbox(HamdeliContext(chat.application))
    rows = await chat.store._fetchall("SELECT max(id) FROM broadcasts")
    return rows[0][0]


@pytest.fixture
async def admin(chat):
    person = chat.user(user_id=ADMIN_ID, name="Reza")
    await person.send("/start")
    return person


async def test_an_admin_announces_to_everyone_and_each_person_gets_it_once(chat, admin) -> None:
    donors = await people(chat, 3)
    households = await people(chat, 2, Persona.BENEFICIARY)
    await compose(admin, "everyone")
    preview = admin.replies[-2]
    assert preview.text == f"{fa('broadcast-header')}\n\n{TEXT}"  # exactly what people get
    assert admin.last_reply.text == fa("broadcast-confirm", audience=fa(
        "broadcast-audience-everyone-named", place=""), count=6)  # fmt: skip
    await admin.click(fa("broadcast-send-button", count=6))
    await deliver_outbox(HamdeliContext(chat.application))
    for person in [*donors, *households]:
        assert received(person) == 1
    assert received(admin) == 2  # the preview, and the sender is in the audience too
    broadcast = await chat.store.broadcast(1)
    assert (broadcast.status, broadcast.sent, broadcast.total) == (BroadcastStatus.DONE, 6, 6)
    progress = next(m for m in admin.replies if m.text.startswith("📢") and "۶ از ۶" in m.text)
    assert not progress.buttons  # finished: no pause or cancel any more
    await deliver_outbox(HamdeliContext(chat.application))  # the final report, once
    report = fa("broadcast-report", id=1, status=fa("broadcast-status-done"), total=6, sent=6,
                blocked=0, failed=0, unknown=0, not_sent=0)  # fmt: skip
    assert reports(admin, report) == 1


async def test_people_who_turned_announcements_off_or_blocked_the_bot_are_skipped(
    chat, admin
) -> None:
    sara, reza, mina = await people(chat, 3)
    await announce(chat, admin)
    await sara.click(fa("broadcast-stop-button"))
    assert sara.last_reply.text == fa("announcements-turned-off")
    chat.emulator.block_chat(reza.id)
    await announce(chat, admin, text="دومین اطلاعیه")
    assert received(sara, "دومین اطلاعیه") == 0
    assert received(mina, "دومین اطلاعیه") == 1
    second = await chat.store.broadcast(2)
    assert (second.total, second.sent, second.blocked) == (3, 2, 1)  # mina, the admin; reza
    assert (await chat.store.account("telegram", reza.id)).blocked
    await announce(chat, admin, text="سومین")
    assert (await chat.store.broadcast(3)).total == 2  # reza is not tried again


async def test_each_role_audience_reaches_only_its_people(chat, admin) -> None:
    donor = (await people(chat, 1))[0]
    household = (await people(chat, 1, Persona.BENEFICIARY))[0]
    await announce(chat, admin, "donors", text="برای خیّران")
    await announce(chat, admin, "beneficiaries", text="برای مددجویان")
    await announce(chat, admin, "staff", text="برای کارکنان")
    assert (received(donor, "برای خیّران"), received(household, "برای خیّران")) == (1, 0)
    assert (received(donor, "برای مددجویان"), received(household, "برای مددجویان")) == (0, 1)
    assert received(admin, "برای کارکنان") == 2  # the preview and the announcement
    assert received(donor, "برای کارکنان") == received(household, "برای کارکنان") == 0


async def test_a_city_announcement_reaches_donors_who_chose_it_and_households_living_there(
    chat, admin
) -> None:
    provinces = await chat.store.provinces()
    isfahan = next(p for p in provinces if p.name_en == "Isfahan")
    city = isfahan.cities[0]
    elsewhere = (await people(chat, 1))[0]
    donor = (await people(chat, 1))[0]
    await donor.send("/settings")
    await donor.click(fa("settings-home-city-button"))
    await donor.click(isfahan.name_fa)
    await donor.click(city.name_fa)
    assert donor.last_reply.text.startswith(fa("home-city-saved", city=city.name_fa))
    household = (await people(chat, 1, Persona.BENEFICIARY))[0]
    code = "00123456" + "7"
    code += str(national_code_check_digit(code))
    await chat.store.upsert_beneficiaries(
        [Beneficiary(code, "خانوار", "+989120000000", isfahan.id, city.id, 3, 2)], 0
    )
    await chat.store.link_beneficiary("telegram", household.id, code, False, 0)
    await announce(chat, admin, "city", text="در شهر شما", places=(isfahan.name_fa, city.name_fa))
    await announce(chat, admin, "province", text="در استان شما", places=(isfahan.name_fa,))
    for text in ("در شهر شما", "در استان شما"):
        assert (received(donor, text), received(household, text)) == (1, 1)
        assert (received(elsewhere, text), received(admin, text)) == (0, 1)  # admin: preview


async def test_pressing_send_twice_starts_one_broadcast(chat, admin) -> None:
    sara = (await people(chat, 1))[0]
    await compose(admin, "donors")
    confirm = admin.last_reply
    send = confirm.button_data("✅")
    await admin.click_data(send, message_id=confirm.message_id)
    await admin.click_data(send, message_id=confirm.message_id)  # again, or redelivered
    assert admin.last_answer == fa("broadcast-already-started", id=1)
    await deliver_outbox(HamdeliContext(chat.application))
    assert received(sara) == 1
    assert await chat.store._fetchall("SELECT count(*) FROM broadcasts") == [(1,)]


async def test_a_photo_with_a_caption_goes_out_as_a_photo(chat, admin) -> None:
    sara = (await people(chat, 1))[0]
    await admin.send("/broadcast")
    await admin.send_photo()  # no caption yet: the text is asked for
    assert admin.last_reply.text == fa("broadcast-photo-needs-caption", caption_limit=900)
    await admin.send(TEXT)
    await admin.click(fa("broadcast-audience-donors"))
    assert admin.replies[-2].has_photo
    assert admin.replies[-2].text == f"{fa('broadcast-header')}\n\n{TEXT}"
    await admin.click("✅")
    await deliver_outbox(HamdeliContext(chat.application))
    assert received(sara) == 1
    assert next(m for m in sara.replies if m.text.startswith("📢")).has_photo


async def test_a_too_long_announcement_gets_the_limit_and_is_asked_again(chat, admin) -> None:
    await admin.send("/broadcast")
    await admin.send("ا" * 4000)
    assert admin.last_reply.text == fa("broadcast-too-long", length=4000, limit=3800)
    await admin.send_sticker()
    assert admin.last_reply.text == fa("broadcast-text-needed")
    await admin.send("کوتاه")
    assert admin.last_reply.text == fa("broadcast-ask-audience")


@pytest.mark.parametrize(
    "act", ["/broadcast", "s:bnew", "s:baud", "s:ba:everyone", "s:bp:city:1", "s:bY:abcdefgh12",
            "s:bk:pause:1", "s:bk:cancel:1", "s:bk:resume:1"],
)  # fmt: skip
async def test_people_who_are_not_staff_cannot_announce_or_steer_a_run(chat, admin, act) -> None:
    await compose(admin, "everyone")  # a real draft and run exist, and one is paused
    await admin.click("✅")
    await chat.store.change_broadcast_status(
        1, "telegram", BroadcastStatus.PAUSED, allowed_from=(BroadcastStatus.RUNNING,), now=0
    )
    donor = (await people(chat, 1))[0]
    await donor.send("/start")
    before = await chat.store._fetchall("SELECT id, status FROM broadcasts")
    if act.startswith("/"):
        await donor.send(act)
    else:
        await donor.click_data(act)
    assert fa("staff-only") in (donor.last_reply.text, donor.last_answer)
    await donor.send("متن")  # an announcement typed anyway
    assert await chat.store._fetchall("SELECT id, status FROM broadcasts") == before


async def test_pause_holds_the_rest_and_resume_finishes_it(chat, admin) -> None:
    crowd = await people(chat, 4)
    await compose(admin, "donors")
    await admin.click("✅")
    progress = admin.last_reply
    await admin.click(fa("broadcast-pause-button"), message_id=progress.message_id)
    assert admin.last_answer == fa("broadcast-paused", id=1)
    await deliver_outbox(HamdeliContext(chat.application))
    assert sum(received(p) for p in crowd) == 0
    await admin.click(fa("broadcast-resume-button"), message_id=progress.message_id)
    await deliver_outbox(HamdeliContext(chat.application))
    assert [received(p) for p in crowd] == [1, 1, 1, 1]
    actions = [entry.action for entry in await chat.store.latest_audit()]
    assert {"broadcast", "broadcast_pause", "broadcast_resume"} <= set(actions)


async def test_a_cancelled_broadcast_sends_nobody_else_and_reports(chat, admin) -> None:
    crowd = await people(chat, 3)
    await compose(admin, "donors")
    await admin.click("✅")
    await outbox_of(chat.application)._queue_broadcast_rows()
    await admin.click(fa("broadcast-cancel-button"))
    await admin.click(fa("broadcast-cancel-yes-button"))  # cancelling asks once (issue #9)
    await deliver_outbox(HamdeliContext(chat.application))
    assert sum(received(p) for p in crowd) == 0
    broadcast = await chat.store.broadcast(1)
    assert broadcast.status is BroadcastStatus.CANCELLED
    assert await chat.store.broadcast_statuses(1) == {"pending": 3}
    assert await chat.store.outbox_backlog("telegram") == 0  # a cancelled run waits for nobody
    await admin.click_data("s:bk:resume:1")
    assert admin.last_answer == fa("broadcast-not-changeable", id=1)
    await deliver_outbox(HamdeliContext(chat.application))
    report = fa("broadcast-report", id=1, status=fa("broadcast-status-cancelled"), total=3,
                sent=0, blocked=0, failed=0, unknown=0, not_sent=3)  # fmt: skip
    assert reports(admin, report) == 1


@pytest.mark.parametrize(
    ("kind", "times", "retry_after"),
    [("429", 2, 1), ("429", 2, None), ("5xx", 3, None), ("timeout", 2, None),
     ("network", 2, None)],
)  # fmt: skip
async def test_platform_troubles_are_waited_out_and_nobody_gets_it_twice(
    chat, admin, kind, times, retry_after
) -> None:
    crowd = await people(chat, 5)
    await compose(admin, "donors")
    await admin.click("✅")
    chat.emulator.fail_next("sendMessage", kind=kind, times=times, retry_after=retry_after)
    outbox = outbox_of(chat.application)
    outbox.backoff_base_s = 0.05
    await deliver_outbox(HamdeliContext(chat.application))
    assert [received(p) for p in crowd] == [1] * 5
    broadcast = await chat.store.broadcast(1)
    assert (broadcast.status, broadcast.sent, broadcast.failed) == (BroadcastStatus.DONE, 5, 0)
    assert await chat.store.broadcast_statuses(1) == {"sent": 5}


async def test_network_errors_that_never_end_mark_the_message_failed(chat, admin) -> None:
    sara = (await people(chat, 1))[0]
    await compose(admin, "donors")
    await admin.click("✅")
    chat.emulator.fail_next("sendMessage", kind="5xx", times=50)
    outbox_of(chat.application).backoff_base_s = 0.01
    # On PostgreSQL the bot's own outbox loop may hold the row (SKIP LOCKED) while this
    # drain runs, and the drain then passes it by: drain until the row has its outcome.
    deadline = asyncio.get_running_loop().time() + 10
    while await chat.store.broadcast_statuses(1) != {"failed": 1}:
        assert asyncio.get_running_loop().time() < deadline, await chat.store.broadcast_statuses(1)
        await deliver_outbox(HamdeliContext(chat.application))
        await asyncio.sleep(0.01)
    assert received(sara) == 0
    assert (await chat.store.broadcast(1)).status is BroadcastStatus.DONE


async def test_an_answer_lost_after_the_send_is_not_repeated(chat, admin) -> None:
    sara, reza = await people(chat, 2)
    await compose(admin, "donors")
    await admin.click("✅")
    chat.emulator.fail_next("sendMessage", kind="lost-answer")
    await deliver_outbox(HamdeliContext(chat.application))
    assert [received(sara), received(reza)] == [1, 1]  # the lost answer's message arrived
    assert await chat.store.broadcast_statuses(1) == {"unknown": 1, "sent": 1}


async def test_a_revoked_token_pauses_the_run_and_alerts_the_sender(start_app) -> None:
    chat = await start_app(broadcast_max_consecutive_forbidden=3)
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/start")
    crowd = await people(chat, 6)
    await compose(admin, "donors")
    await admin.click("✅")
    chat.emulator.fail_next(
        "sendMessage", kind="403", times=3, description="Forbidden: token revoked"
    )
    await deliver_outbox(HamdeliContext(chat.application))
    broadcast = await chat.store.broadcast(1)
    assert (broadcast.status, broadcast.pause_reason) == (BroadcastStatus.PAUSED, "forbidden")
    assert not any([(await chat.store.account("telegram", p.id)).blocked for p in crowd])
    assert any(fa("broadcast-paused-forbidden", id=1, refusals=3) == m.text for m in admin.replies)
    await admin.click(fa("broadcast-resume-button"))  # the token was fixed: retried at once
    await deliver_outbox(HamdeliContext(chat.application))
    assert [received(p) for p in crowd] == [1] * 6
    assert (await chat.store.broadcast(1)).status is BroadcastStatus.DONE


async def test_a_restart_resumes_the_broadcast_and_never_repeats_an_interrupted_send(
    start_app, chat, admin
) -> None:
    crowd = await people(chat, 5)
    await compose(admin, "donors")
    await admin.click("✅")
    outbox = outbox_of(chat.application)
    await outbox._queue_broadcast_rows()
    claimed = await chat.store.claim_outbox("telegram", 10**10, 2)  # then the process dies
    second = await start_app(emulator=chat.emulator)
    await recover_outbox(second.application)
    await deliver_outbox(HamdeliContext(second.application))
    got = [received(p) for p in crowd]
    assert sorted(got) == [0, 0, 1, 1, 1]  # the two interrupted: at most once
    assert {p.id for p, n in zip(crowd, got, strict=True) if n == 0} == {
        item.user_id for item in claimed
    }
    assert await second.store.broadcast_statuses(1) == {"sent": 3, "unknown": 2}


async def test_on_bale_an_announcement_goes_out_and_its_progress_is_edited(start_app) -> None:
    chat = await start_app("bale")
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/start")
    crowd = await people(chat, 3, platform="bale")
    await compose(admin, "donors")
    await admin.click("✅")
    await deliver_outbox(HamdeliContext(chat.application))
    assert [received(p) for p in crowd] == [1, 1, 1]
    assert any("۳ از ۳" in m.text for m in admin.replies)  # the edited progress message


async def test_the_progress_message_is_edited_at_most_every_three_seconds(start_app) -> None:
    chat = await start_app(broadcast_rate=25)
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/start")
    # 200 at 25/s: 8 s, two edits at 3 and 6 s then the final one (150 took 6 s, a race
    # between the second edit and the end that a loaded machine lost)
    await people(chat, 200)
    await compose(admin, "donors")
    await admin.click("✅")
    progress = admin.last_reply.message_id
    chat.emulator.clear_calls()
    await deliver_outbox(HamdeliContext(chat.application))
    edits = [c.time for c in chat.emulator.calls_to("editMessageText")
             if c.params["message_id"] == progress]  # fmt: skip
    assert len(edits) >= 3
    gaps = [later - earlier for earlier, later in itertools.pairwise(edits[:-1])]
    assert min(gaps) >= 2.9  # the last edit is the final state, shown at once


async def test_settings_turn_announcements_off_and_on_again(chat, admin) -> None:
    sara = chat.user()
    await sara.send("/start")
    await sara.send("/settings")
    assert fa("settings-on") in sara.last_reply.text
    await sara.click(fa("settings-announcements-off-button"))
    assert sara.last_reply.text.startswith(fa("announcements-turned-off"))
    await announce(chat, admin, text="خاموش")
    assert received(sara, "خاموش") == 0
    await sara.click(fa("settings-announcements-on-button"))
    assert fa("settings-on") in sara.last_reply.text
    await announce(chat, admin, text="روشن")
    assert received(sara, "روشن") == 1


async def test_a_run_paused_after_its_last_send_still_ends_with_a_report(start_app) -> None:
    chat = await start_app(broadcast_max_consecutive_forbidden=2)
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/start")
    crowd = await people(chat, 2)
    for person in crowd:
        chat.emulator.block_chat(person.id)
    await compose(admin, "donors")
    await admin.click("✅")
    await deliver_outbox(HamdeliContext(chat.application))  # two blocked in a row: paused
    await deliver_outbox(HamdeliContext(chat.application))  # the report
    broadcast = await chat.store.broadcast(1)
    assert (broadcast.status, broadcast.blocked) == (BroadcastStatus.DONE, 2)
    report = fa("broadcast-report", id=1, status=fa("broadcast-status-done"), total=2, sent=0,
                blocked=2, failed=0, unknown=0, not_sent=0)  # fmt: skip
    assert reports(admin, report) == 1


async def test_a_cancel_report_counts_the_sends_that_were_already_on_their_way(chat, admin):
    await people(chat, 3)
    await compose(admin, "donors")
    await admin.click("✅")
    on_their_way = await chat.store.claim_outbox("telegram", 10**10, 2)
    await admin.click(fa("broadcast-cancel-button"))
    await admin.click(fa("broadcast-cancel-yes-button"))  # cancelling asks once (issue #9)
    await deliver_outbox(HamdeliContext(chat.application))
    assert (await chat.store.broadcast(1)).reported_at is None  # two sends still out
    for item in on_their_way:  # those two sends end well
        await chat.store.finish_outbox(item.id, OutboxStatus.SENT, 0)
    await deliver_outbox(HamdeliContext(chat.application))  # reported: queued…
    await deliver_outbox(HamdeliContext(chat.application))  # …and sent
    report = fa("broadcast-report", id=1, status=fa("broadcast-status-cancelled"), total=3,
                sent=2, blocked=0, failed=0, unknown=0, not_sent=1)  # fmt: skip
    assert reports(admin, report) == 1


@pytest.mark.sqlite_only
async def test_an_outcome_sqlite_could_not_take_is_recorded_later(chat, admin, monkeypatch):
    crowd = await people(chat, 2)
    await compose(admin, "donors")
    await admin.click("✅")
    original, failures = chat.store.finish_outbox, [1]

    async def locked_once(*args, **kwargs):
        if failures:
            failures.pop()
            raise sqlite3.OperationalError("database is locked")
        return await original(*args, **kwargs)

    monkeypatch.setattr(chat.store, "finish_outbox", locked_once)
    await deliver_outbox(HamdeliContext(chat.application))
    assert [received(p) for p in crowd] == [1, 1]
    assert await chat.store.broadcast_statuses(1) == {"sent": 2}
    await deliver_outbox(HamdeliContext(chat.application))
    assert (await chat.store.broadcast(1)).status is BroadcastStatus.DONE


async def test_pausing_twice_says_it_is_already_paused(chat, admin) -> None:
    await people(chat, 2)
    await compose(admin, "donors")
    await admin.click("✅")
    progress = admin.last_reply
    pause = progress.button_data(fa("broadcast-pause-button"))
    await admin.click_data(pause, message_id=progress.message_id)
    await admin.click_data(pause, message_id=progress.message_id)
    assert admin.last_answer == fa("broadcast-already-paused", id=1)


async def test_a_resent_confirm_after_a_crash_still_shows_the_progress(chat, admin) -> None:
    await people(chat, 2)
    await compose(admin, "donors")
    send = admin.last_reply.button_data("✅")
    await admin.click_data(send)
    await chat.store._write("UPDATE broadcasts SET progress_message_id = NULL")  # lost
    await admin.click_data(send)  # the platform redelivers the press
    assert admin.last_answer == fa("broadcast-already-started", id=1)
    assert (await chat.store.broadcast(1)).progress_message_id == admin.last_reply.message_id


def test_progress_shows_why_a_run_is_paused_and_an_eta_only_while_it_runs() -> None:
    base = dict(id=7, platform="telegram", creator_id=1, chat_id=1, progress_message_id=5,
                text="x", photo_file_id=None, audience=Audience.EVERYONE, place_id=None,
                pause_reason=None, total=3000, sent=1500, blocked=0, failed=0, unknown=0,
                created_at=0, finished_at=None)  # fmt: skip
    running = progress_screen(en, Broadcast(status=BroadcastStatus.RUNNING, **base), 25.0)
    assert "25 per second · about 1 minute left" in running.text  # wording of issue #9
    paused = Broadcast(status=BroadcastStatus.PAUSED, **{**base, "pause_reason": "forbidden"})
    text = progress_screen(en, paused, 0.0).text
    assert en("broadcast-status-paused-why", reason=en("broadcast-pause-forbidden")) in text
    assert "left" not in text


@pytest.mark.sqlite_only
async def test_a_claim_that_fails_halfway_on_sqlite_strands_no_message(
    chat, admin, monkeypatch
) -> None:
    crowd = await people(chat, 2)
    await compose(admin, "donors")
    await admin.click("✅")
    original, failures = chat.store._fetchall, [1]

    async def fails_reading_recipients(sql, params=()):
        if sql.startswith("SELECT user_id, chat_id, language") and failures:
            failures.pop()
            raise sqlite3.OperationalError("disk I/O error")
        return await original(sql, params)

    monkeypatch.setattr(chat.store, "_fetchall", fails_reading_recipients)
    with pytest.raises(sqlite3.OperationalError):
        await chat.store.claim_outbox("telegram", 10**10, 10)
    assert await chat.store.broadcast_statuses(1) == {"pending": 2}
    await deliver_outbox(HamdeliContext(chat.application))
    assert [received(p) for p in crowd] == [1, 1]


async def test_the_audience_can_be_changed_from_the_preview_without_retyping(chat, admin):
    donor = (await people(chat, 1))[0]
    household = (await people(chat, 1, Persona.BENEFICIARY))[0]
    await compose(admin, "donors")
    await admin.click(fa("broadcast-change-audience-button"))
    assert admin.last_reply.text == fa("broadcast-ask-audience")
    await admin.click(fa("broadcast-audience-beneficiaries"))
    await admin.click("✅")
    await deliver_outbox(HamdeliContext(chat.application))
    assert (received(donor), received(household)) == (0, 1)


async def test_staff_on_the_other_platform_cannot_steer_this_platforms_run(start_app) -> None:
    telegram, bale = await start_app("telegram"), await start_app("bale")
    admin_here, admin_there = telegram.user(user_id=ADMIN_ID), bale.user(user_id=ADMIN_ID)
    await admin_here.send("/start")
    await admin_there.send("/start")
    await people(telegram, 1)
    await compose(admin_here, "donors")
    await admin_here.click("✅")
    await admin_there.click_data("s:bk:cancel:1")  # a forged button on the other bot
    assert admin_there.last_answer == fa("broadcast-unknown")
    assert (await telegram.store.broadcast(1)).status is BroadcastStatus.RUNNING


async def test_stopping_the_bot_does_not_wait_out_a_long_flood_pause(chat, admin) -> None:
    await people(chat, 2)
    await compose(admin, "donors")
    await admin.click("✅")
    outbox = outbox_of(chat.application)
    outbox.pacer.pause(600)  # the platform said: retry after ten minutes
    running = asyncio.create_task(outbox.run())
    await asyncio.sleep(0.1)
    await outbox.stop()
    await asyncio.wait_for(running, timeout=2)
    assert await chat.store.broadcast_statuses(1) == {"pending": 2}  # kept for the restart
