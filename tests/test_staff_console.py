"""Issue #9's staff points: admin-only announcements to everyone, /addstaff ids, /needs,
invite codes that expire and die with their admin, and confirmations of irreversible acts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from pydantic import ValidationError

from bot.context import HamdeliContext
from bot.delivery import deliver_outbox, outbox_of
from bot.domain import need_editing
from bot.domain import pledges as pledges_domain
from bot.i18n import translator
from bot.models import (
    Audience,
    Broadcast,
    BroadcastStatus,
    NeedCategory,
    NeedDraft,
    NeedKind,
    NeedStatus,
    Persona,
    PledgeStatus,
    StaffRole,
)
from bot.text.collation import by_name
from bot.views.broadcasts import progress_screen
from tests.conftest import ADMIN_ID, make_settings
from tests.test_broadcasts import compose, people, received
from tests.test_staff_pledges import pledge_million

fa, en = translator("fa"), translator("en")


def labels_of(message) -> list[str]:
    return [label for row in message.buttons for label in row]


async def staff_member(chat, lang: str = "fa"):
    """Someone who is staff but not an administrator."""
    person = chat.user(lang=lang)
    await person.send("/start")
    await chat.store.set_staff_role_by_id("telegram", person.id, StaffRole.STAFF)
    return person


# -- 1. announcements to everyone take an admin -------------------------------------------------


async def test_staff_are_not_offered_everyone_but_may_announce_to_donors(chat) -> None:
    reza = await staff_member(chat)
    donor = (await people(chat, 1))[0]
    household = (await people(chat, 1, Persona.BENEFICIARY))[0]
    await reza.send("/broadcast")
    await reza.send("نشست خیّران")
    labels = [label for row in reza.last_reply.buttons for label in row]
    assert fa("broadcast-audience-everyone") not in labels
    assert fa("broadcast-audience-donors") in labels
    assert fa("broadcast-audience-province") in labels
    await reza.click(fa("broadcast-audience-donors"))
    await reza.click("✅")
    await deliver_outbox(HamdeliContext(chat.application))
    assert (received(donor, "نشست خیّران"), received(household, "نشست خیّران")) == (1, 0)


async def test_a_forged_everyone_button_from_staff_is_refused_with_the_other_audiences(chat):
    reza = await staff_member(chat)
    await people(chat, 2)
    await reza.send("/broadcast")
    await reza.send("برای همه")
    await reza.click_data("s:ba:everyone")
    assert reza.last_answer == fa("broadcast-audience-admin-only")
    assert reza.last_reply.text.startswith(fa("broadcast-audience-admin-only"))
    labels = [label for row in reza.last_reply.buttons for label in row]
    assert fa("broadcast-audience-donors") in labels  # the way forward: another audience
    assert fa("broadcast-audience-everyone") not in labels
    assert await chat.store._fetchall("SELECT count(*) FROM broadcasts") == [(0,)]


async def test_an_admin_demoted_before_sending_to_everyone_is_refused_at_the_send(start_app):
    """The role is checked when Send is pressed, not when the preview was drawn: an admin
    taken out of ADMIN_IDS (the bot restarted) presses the old Send button."""
    REZA = 900_002
    first = await start_app(admin_ids=[ADMIN_ID, REZA])
    reza = first.user(user_id=REZA)
    await reza.send("/start")
    donors = await people(first, 2)
    await compose(reza, "everyone")
    confirm = reza.last_reply
    second = await start_app(emulator=first.emulator, admin_ids=[ADMIN_ID])
    reza = second.user(user_id=REZA)
    await reza.send("/menu")  # no longer admin; another admin keeps them on as staff
    await second.store.set_staff_role_by_id("telegram", REZA, StaffRole.STAFF)
    await reza.click("✅", message_id=confirm.message_id)
    assert fa("broadcast-audience-admin-only") in (reza.last_answer, reza.last_reply.text)
    assert "/broadcast" in fa("broadcast-audience-admin-only")
    await deliver_outbox(HamdeliContext(second.application))
    assert [received(d) for d in donors] == [0, 0]
    assert await second.store._fetchall("SELECT count(*) FROM broadcasts") == [(0,)]
    await reza.click(fa("broadcast-change-audience-button"), message_id=confirm.message_id)
    await reza.click(fa("broadcast-audience-donors"), message_id=confirm.message_id)
    await reza.click("✅")
    await deliver_outbox(HamdeliContext(second.application))
    assert [received(d) for d in donors] == [1, 1]


async def test_an_admin_still_announces_to_everyone(chat) -> None:
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/start")
    donor = (await people(chat, 1))[0]
    await compose(admin, "everyone")
    await admin.click("✅")
    await deliver_outbox(HamdeliContext(chat.application))
    assert received(donor) == 1


# -- 5. /addstaff ids ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["9223372036854775808", "99999999999999999999999999", "-5", "0", "abc", "12a",
              "+98912", "1.5"],
)  # fmt: skip
@pytest.mark.parametrize("command", ["/addstaff", "/removestaff"])
async def test_an_impossible_user_id_is_refused_clearly_not_a_crash(chat, command, typed) -> None:
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/start")
    await admin.send(f"{command} {typed}")
    assert admin.last_reply.text == fa("staff-user-id-invalid")
    assert "/invite" in admin.last_reply.text  # a way forward
    assert not [e for e in await chat.store.latest_audit() if e.action == "add_staff"]


async def test_a_user_id_in_persian_digits_is_read(chat) -> None:
    admin, reza = chat.user(user_id=ADMIN_ID), chat.user()
    await reza.send("/start")
    persian = str(reza.id).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    await admin.send(f"/addstaff {persian}")
    assert admin.last_reply.text == fa("staff-added", user_id=str(reza.id))
    assert (await chat.store.account("telegram", reza.id)).staff_role is StaffRole.STAFF


async def test_the_largest_possible_id_is_read_and_is_simply_unknown(chat) -> None:
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send(f"/addstaff {2**63 - 1}")
    assert admin.last_reply.text == fa("staff-user-unknown", user_id=str(2**63 - 1))
    await admin.send("/addstaff")
    assert admin.last_reply.text == fa("staff-usage-user-id")


# -- 3 and 4. /delivered and /close ask once; /delivered refuses what cannot be delivered -------


async def need_with_pledges(chat, paid: int = 1, unpaid: int = 0, reported: int = 0):
    """A need with donors' pledges of 1,000,000 toman each in these states; (code, donors)."""
    province = (await chat.store.provinces())[0]
    await chat.store.upsert_needs(
        [NeedDraft(city_id=province.cities[0].id, province_id=province.id,
                   category=NeedCategory.MEDICAL, kind=NeedKind.MONEY, target=50_000_000,
                   description_fa="دارو", external_id="c1")],
        now=0,
    )  # fmt: skip
    code = (await chat.store._fetchall("SELECT code FROM needs"))[0][0]
    donors = {"paid": [], "unpaid": [], "reported": []}
    for state, count in (("paid", paid), ("unpaid", unpaid), ("reported", reported)):
        for _ in range(count):
            donor = chat.user()
            reference = await pledge_million(donor, code)
            if state == "paid":  # each with its own transfer's number
                await pledges_domain.confirm_payment(
                    chat.store, reference=reference, bank_reference=reference, now=0
                )
            elif state == "reported":
                await donor.click(fa("pledge-paid-button"))
            donors[state].append((donor, reference))
    return code, donors


async def admin_of(chat):
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/start")
    return admin


def audited(entries, action: str) -> list:
    return [entry for entry in entries if entry.action == action]


async def test_delivered_says_what_will_be_told_to_whom_and_acts_once(chat) -> None:
    code, donors = await need_with_pledges(chat, paid=2, unpaid=1, reported=1)
    admin = await admin_of(chat)
    await admin.send(f"/delivered {code}")
    ask = admin.last_reply
    for line in (fa("staff-deliver-ask", code=code), fa("staff-ending-paid-delivered", count=2),
                 fa("staff-ending-unpaid-cancelled", count=1),
                 fa("staff-ending-reported-kept", count=1, code=code),
                 fa("staff-ending-no-household"), fa("staff-ending-irreversible")):  # fmt: skip
        assert line in ask.text
    assert "۲" in ask.text
    assert "2" not in ask.text.replace(code, "")
    assert (await chat.store.need_by_code(code)).status is NeedStatus.OPEN  # nothing yet
    yes = ask.button_data(fa("staff-deliver-yes-button"))
    await admin.click_data(yes, message_id=ask.message_id)
    assert admin.last_reply.text == "\n".join(
        [fa("staff-delivered", code=code, donors=2),
         fa("staff-delivered-unpaid-cancelled", count=1)]
    )  # fmt: skip
    await admin.click_data(yes, message_id=ask.message_id)  # a double press, or redelivered
    assert admin.last_answer == fa("staff-confirm-used")
    assert len(audited(await chat.store.latest_audit(), "deliver_need")) == 1
    await deliver_outbox(HamdeliContext(chat.application))
    for donor, _ in donors["paid"]:
        assert [m.text[:1] for m in donor.replies].count("🎉") == 1
    unpaid_donor, reference = donors["unpaid"][0]
    assert unpaid_donor.last_reply.text == fa(
        "pledge-need-delivered-unpaid-notice", code=code, reference=reference,
        amount="۱٬۰۰۰٬۰۰۰ تومان")  # fmt: skip
    assert (await chat.store.pledge(reference)).status is PledgeStatus.CANCELLED
    reported = await chat.store.pledge(donors["reported"][0][1])
    assert reported.status is PledgeStatus.PAYMENT_REPORTED  # staff still confirm it


async def test_no_changes_nothing_and_spends_the_button(chat) -> None:
    code, _ = await need_with_pledges(chat, paid=1)
    admin = await admin_of(chat)
    await admin.send(f"/delivered {code}")
    ask = admin.last_reply
    await admin.click(fa("staff-confirm-no-button"), message_id=ask.message_id)
    assert admin.last_reply.text == fa("staff-confirm-dismissed")
    assert admin.last_reply.buttons == [[fa("button-back")]]
    await admin.click_data(ask.button_data(fa("staff-deliver-yes-button")))
    assert admin.last_answer == fa("staff-confirm-used")
    assert (await chat.store.need_by_code(code)).status is NeedStatus.OPEN


async def test_a_confirmation_belongs_to_the_staff_member_who_asked_and_gets_old(chat, clock):
    code, _ = await need_with_pledges(chat, paid=1)
    admin = await admin_of(chat)
    await admin.send(f"/delivered {code}")
    yes = admin.last_reply.button_data(fa("staff-deliver-yes-button"))
    other = await staff_member(chat)
    await other.click_data(yes)  # a forged press with someone else's token
    assert other.last_answer == fa("staff-confirm-gone")
    clock.advance(2 * 86_400)
    await admin.click_data(yes)
    assert admin.last_answer == fa("staff-confirm-gone")
    assert (await chat.store.need_by_code(code)).status is NeedStatus.OPEN


async def test_delivered_refuses_a_need_with_no_payment(chat) -> None:
    code, _ = await need_with_pledges(chat, paid=0, unpaid=1, reported=1)
    admin = await admin_of(chat)
    await admin.send(f"/delivered {code.lower()}")
    assert admin.last_reply.text == fa("staff-deliver-unpaid", code=code)
    assert f"/queue {code}" in admin.last_reply.text  # the way forward
    assert (await chat.store.need_by_code(code)).status is NeedStatus.OPEN


async def test_delivered_refuses_a_closed_need(chat) -> None:
    code, _ = await need_with_pledges(chat, paid=1)
    admin = await admin_of(chat)
    await admin.send(f"/close {code} duplicate")
    await admin.click(fa("staff-close-yes-button"))
    await admin.send(f"/delivered {code}")
    assert admin.last_reply.text == fa("staff-deliver-closed", code=code)
    assert (await chat.store.need_by_code(code)).status is NeedStatus.CLOSED


async def test_delivered_twice_in_a_row_is_refused_the_second_time(chat) -> None:
    code, (donors) = await need_with_pledges(chat, paid=1)
    admin = await admin_of(chat)
    await admin.send(f"/delivered {code}")
    first = admin.last_reply
    await admin.send(f"/delivered {code}")  # asked twice before answering either
    second = admin.last_reply
    await admin.click(fa("staff-deliver-yes-button"), message_id=first.message_id)
    await admin.send(f"/delivered {code}")
    assert admin.last_reply.text == fa("staff-deliver-already", code=code)
    await admin.click(fa("staff-deliver-yes-button"), message_id=second.message_id)
    assert admin.last_answer == fa("staff-deliver-already", code=code)
    assert len(audited(await chat.store.latest_audit(), "deliver_need")) == 1
    await deliver_outbox(HamdeliContext(chat.application))
    donor = donors["paid"][0][0]
    assert [m.text[:1] for m in donor.replies].count("🎉") == 1


@pytest.mark.parametrize(
    ("command", "expected"),
    [("/delivered", fa("staff-delivered-usage")),
     ("/delivered nope22", fa("staff-need-not-found", code="NOPE22")),
     ("/close NOPE22 moved", fa("staff-need-not-found", code="NOPE22"))],
)  # fmt: skip
async def test_delivered_or_close_without_a_known_code_says_how(chat, command, expected) -> None:
    admin = await admin_of(chat)
    await admin.send(command)
    assert admin.last_reply.text == expected
    assert "/" in expected  # a command to go on with


async def test_close_says_what_will_be_told_to_whom_and_acts_once(chat) -> None:
    code, _donors = await need_with_pledges(chat, paid=1, unpaid=2)
    admin = await admin_of(chat)
    await admin.send(f"/close {code} the family moved")
    ask = admin.last_reply
    assert fa("staff-close-ask", code=code, reason="the family moved") in ask.text
    assert fa("staff-ending-paid-kept", count=1) in ask.text
    assert fa("staff-ending-unpaid-cancelled", count=2) in ask.text
    assert (await chat.store.need_by_code(code)).status is NeedStatus.OPEN
    yes = ask.button_data(fa("staff-close-yes-button"))
    await admin.click_data(yes, message_id=ask.message_id)
    assert admin.last_reply.text == fa("staff-closed", code=code, donors=2, paid=1)
    await admin.click_data(yes, message_id=ask.message_id)
    assert admin.last_answer == fa("staff-confirm-used")
    [entry] = audited(await chat.store.latest_audit(), "close_need")
    assert "the family moved" in str(entry.details)


async def test_cancelling_a_broadcast_asks_once_and_a_double_press_cancels_once(chat) -> None:
    admin = await admin_of(chat)
    crowd = await people(chat, 3)
    await compose(admin, "donors")
    await admin.click("✅")
    progress = admin.last_reply
    await admin.click(fa("broadcast-cancel-button"), message_id=progress.message_id)
    ask = admin.last_reply
    assert ask.text == fa("broadcast-cancel-ask", id=1, sent=0, remaining=3)
    assert (await chat.store.broadcast(1)).status is BroadcastStatus.RUNNING  # not yet
    yes = ask.button_data(fa("broadcast-cancel-yes-button"))
    await admin.click_data(yes, message_id=ask.message_id)
    answered = next(m for m in admin.replies if m.message_id == ask.message_id)
    assert answered.text == fa("broadcast-cancelled", id=1)
    await admin.click_data(yes, message_id=ask.message_id)
    assert admin.last_answer == fa("staff-confirm-used")
    assert (await chat.store.broadcast(1)).status is BroadcastStatus.CANCELLED
    assert len(audited(await chat.store.latest_audit(), "broadcast_cancel")) == 1
    await deliver_outbox(HamdeliContext(chat.application))
    assert sum(received(p) for p in crowd) == 0
    shown = next(m for m in admin.replies if m.message_id == progress.message_id)
    assert fa("broadcast-status-cancelled") in shown.text
    assert not shown.buttons


async def test_no_keeps_the_broadcast_running(chat) -> None:
    admin = await admin_of(chat)
    crowd = await people(chat, 2)
    await compose(admin, "donors")
    await admin.click("✅")
    await admin.click(fa("broadcast-cancel-button"))
    await admin.click(fa("staff-confirm-no-button"))
    assert admin.last_reply.text == fa("staff-confirm-dismissed")
    await deliver_outbox(HamdeliContext(chat.application))
    assert [received(p) for p in crowd] == [1, 1]


# -- 7. broadcast progress: no speed while paused, an honest ETA, the measured rate -------------


def a_run(status: BroadcastStatus, *, total: int, done: int, **extra) -> Broadcast:
    values = dict(id=7, platform="telegram", creator_id=1, chat_id=1, progress_message_id=5,
                  text="x", photo_file_id=None, audience=Audience.DONORS, place_id=None,
                  pause_reason=None, total=total, sent=done, blocked=0, failed=0, unknown=0,
                  created_at=0, finished_at=None, status=status)  # fmt: skip
    return Broadcast(**{**values, **extra})


@pytest.mark.parametrize(
    ("remaining", "rate", "eta"),
    [(1500, 25.0, "about 1 minute left"), (30, 25.0, "about 2 seconds left"),
     (300, 2.5, "about 2 minutes left"), (1501, 25.0, "about 2 minutes left"),
     (100_000, 10.0, "about 2 hours and 47 minutes left"), (7200, 1.0, "about 2 hours left")],
)  # fmt: skip
def test_the_eta_is_the_remaining_count_at_the_shown_rate(remaining, rate, eta) -> None:
    run = a_run(BroadcastStatus.RUNNING, total=remaining + 10, done=10)
    text = progress_screen(en, run, rate).text
    assert text.endswith(f"per second · {eta}")
    assert f"Remaining: {remaining:,}" in text


def test_a_slow_rate_shows_its_decimal_in_persian_digits() -> None:
    text = progress_screen(fa, a_run(BroadcastStatus.RUNNING, total=310, done=10), 2.5).text
    assert text.endswith(fa("broadcast-speed-eta", rate="۲٫۵",
                            eta=fa("broadcast-minutes", count=2)))  # fmt: skip


@pytest.mark.parametrize("t", [fa, en])
@pytest.mark.parametrize("status", [BroadcastStatus.PAUSED, BroadcastStatus.DONE,
                                    BroadcastStatus.CANCELLED])  # fmt: skip
def test_no_speed_is_shown_unless_the_run_is_sending(t, status) -> None:
    text = progress_screen(t, a_run(status, total=100, done=40), 25.0).text
    assert "⚡" not in text
    assert t("broadcast-speed", rate="25") not in text


async def test_the_progress_message_of_a_paused_run_shows_no_speed(chat, clock) -> None:
    admin = await admin_of(chat)
    await people(chat, 3)
    await compose(admin, "donors")
    await admin.click("✅")
    progress = admin.last_reply
    outbox = outbox_of(chat.application)
    await outbox.show_progress(await chat.store.broadcast(1))  # the first look: no rate yet
    await admin.click(fa("broadcast-pause-button"), message_id=progress.message_id)
    await outbox.show_progress(await chat.store.broadcast(1))  # a rate, but nothing is sent
    shown = next(m for m in admin.replies if m.message_id == progress.message_id)
    assert fa("broadcast-status-paused-why", reason=fa("broadcast-pause-staff")) in shown.text
    assert "⚡" not in shown.text


async def test_the_final_report_states_the_rate_measured_over_the_run_without_pauses(
    chat, clock
) -> None:
    admin = await admin_of(chat)
    crowd = await people(chat, 3)
    await compose(admin, "donors")
    await admin.click("✅")  # the run starts now
    progress = admin.last_reply
    clock.advance(4)
    await admin.click(fa("broadcast-pause-button"), message_id=progress.message_id)
    clock.advance(100)  # paused: not sending time
    await admin.click(fa("broadcast-resume-button"), message_id=progress.message_id)
    clock.advance(2)
    await deliver_outbox(HamdeliContext(chat.application))
    await deliver_outbox(HamdeliContext(chat.application))
    assert [received(p) for p in crowd] == [1, 1, 1]
    report = next(m.text for m in admin.replies if m.text.startswith(
        fa("broadcast-report", id=1, status=fa("broadcast-status-done"), total=3, sent=3,
           blocked=0, failed=0, unknown=0, not_sent=0)))  # fmt: skip
    # 3 recipients over 6 seconds of sending (4 before the pause, 2 after): 0.5 a second.
    rate = fa("broadcast-report-rate", rate="۰٫۵", duration=fa("broadcast-seconds", count=6))
    assert report.endswith(f"\n{rate}")


# -- 6. invite codes expire, can be revoked, and die with their admin ------------------------------


def invite_code(text: str) -> str:
    return re.search(r"S-[2-9A-HJ-NP-Z]{8}", text).group(0)


async def test_an_invite_says_until_when_and_expires_after_the_setting(start_app, clock) -> None:
    chat = await start_app(staff_invite_ttl_days=2)
    admin, reza, sara = await admin_of(chat), chat.user(), chat.user()
    await admin.send("/invite")
    code = invite_code(admin.last_reply.text)
    until = dt.datetime.fromtimestamp(clock() + 2 * 86_400, chat.application.services.settings.tz)
    assert admin.last_reply.text == fa("staff-invite-created", code=code, date=until.date())
    await admin.send("/invite")
    second = invite_code(admin.last_reply.text)
    clock.advance(2 * 86_400 - 60)
    await reza.send(f"/join {code}")  # a minute before the end: still good
    assert reza.last_reply.text == fa("staff-joined")
    clock.advance(61)
    await sara.send(f"/join {second}")
    assert sara.last_reply.text == fa("staff-invite-invalid")
    assert (await chat.store.account("telegram", sara.id)).staff_role is StaffRole.NONE


async def test_the_default_invite_lasts_seven_days(chat, clock) -> None:
    admin, reza = await admin_of(chat), chat.user()
    await admin.send("/invite")
    code = invite_code(admin.last_reply.text)
    clock.advance(7 * 86_400 + 1)
    await reza.send(f"/join {code}")
    assert reza.last_reply.text == fa("staff-invite-invalid")


async def test_an_admin_lists_open_invites_and_revokes_one_audited(chat) -> None:
    admin, reza, sara = await admin_of(chat), chat.user(), chat.user()
    codes = []
    for _ in range(3):
        await admin.send("/invite")
        codes.append(invite_code(admin.last_reply.text))
    await sara.send(f"/join {codes[2]}")  # used: no longer open
    await admin.send("/menu")
    await admin.click(fa("role-staff-button"))
    await admin.click(fa("staff-invites-button"))
    listing = admin.last_reply
    assert listing.text.startswith(fa("staff-invites-title"))
    assert codes[0] in listing.text and codes[1] in listing.text  # noqa: PT018
    assert codes[2] not in listing.text
    assert "۹۰۰۰۰۱" in listing.text  # who made it, in Persian digits
    await admin.click(fa("staff-invite-revoke-button", code=codes[0]))
    assert admin.last_reply.text.startswith(fa("staff-invite-revoked", code=codes[0]))
    assert codes[0] not in admin.last_reply.text.split("\n\n", 1)[1]
    await admin.send(f"/revokeinvite {codes[1].lower()}")
    assert admin.last_reply.text.startswith(fa("staff-invite-revoked", code=codes[1]))
    assert fa("staff-invites-empty") in admin.last_reply.text
    await admin.send(f"/revokeinvite {codes[1]}")  # again
    assert admin.last_reply.text == fa("staff-invite-not-open", code=codes[1])
    for code in codes[:2]:
        await reza.send(f"/join {code}")
        assert reza.last_reply.text == fa("staff-invite-invalid")
    revoked = audited(await chat.store.latest_audit(), "revoke_invite")
    assert sorted(e.subject_id for e in revoked) == sorted(codes[:2])


@pytest.mark.parametrize("command", ["/invites", "/revokeinvite S-ABCDEFGH", "s:iv:S-ABCDEFGH",
                                     "s:invites"])  # fmt: skip
async def test_only_admins_see_or_revoke_invites(chat, command) -> None:
    admin = await admin_of(chat)
    await admin.send("/invite")
    code = invite_code(admin.last_reply.text)
    reza = await staff_member(chat)
    command = command.replace("S-ABCDEFGH", code)
    if command.startswith("/"):
        await reza.send(command)
    else:
        await reza.click_data(command)
    assert fa("admin-only") in (reza.last_reply.text, reza.last_answer)
    await reza.send("/start")
    assert fa("staff-invites-button") not in labels_of(reza.last_reply)
    newcomer = chat.user()
    await newcomer.send(f"/join {code}")  # still open
    assert newcomer.last_reply.text == fa("staff-joined")


async def test_invites_die_with_the_admin_who_made_them(start_app) -> None:
    REZA = 900_002
    first = await start_app(admin_ids=[ADMIN_ID, REZA])
    reza, admin = first.user(user_id=REZA), first.user(user_id=ADMIN_ID)
    await reza.send("/invite")
    orphan = invite_code(reza.last_reply.text)
    await admin.send("/invite")
    kept = invite_code(admin.last_reply.text)
    # REZA leaves ADMIN_IDS; the bot restarts. Nobody has heard from REZA since.
    second = await start_app(emulator=first.emulator, admin_ids=[ADMIN_ID])
    sara, mina = second.user(), second.user()
    await sara.send(f"/join {orphan}")
    assert sara.last_reply.text == fa("staff-invite-invalid")
    await mina.send(f"/join {kept}")
    assert mina.last_reply.text == fa("staff-joined")
    [voided] = audited(await second.store.latest_audit(), "void_invite")
    assert (voided.subject_id, voided.actor_id) == (orphan, REZA)


async def test_an_admin_removed_while_people_wait_voids_their_invites_at_once(start_app) -> None:
    REZA = 900_002
    first = await start_app(admin_ids=[ADMIN_ID, REZA])
    reza = first.user(user_id=REZA)
    await reza.send("/invite")
    orphan = invite_code(reza.last_reply.text)
    second = await start_app(emulator=first.emulator, admin_ids=[ADMIN_ID])
    await second.user(user_id=REZA).send("/menu")  # the role goes, and the invites with it
    assert audited(await second.store.latest_audit(), "void_invite")
    admin = second.user(user_id=ADMIN_ID)
    await admin.send("/invites")
    assert orphan not in admin.last_reply.text
    assert admin.last_reply.text.startswith(fa("staff-invites-empty"))


@pytest.mark.parametrize(("value", "ok"), [("7", True), ("30", True), ("0", False), ("x", False)])
def test_the_invite_lifetime_setting_is_checked(tmp_path, monkeypatch, value, ok) -> None:
    monkeypatch.setenv("STAFF_INVITE_TTL_DAYS", value)
    if ok:
        assert make_settings(tmp_path).staff_invite_ttl_days == int(value)
    else:
        with pytest.raises(ValidationError):
            make_settings(tmp_path)


# -- 2. /needs: the office's needs and drafts, by whose, status and place -----------------------


def a_need(province, city, ext: str, target: int = 10_000_000) -> NeedDraft:
    return NeedDraft(city_id=city.id, province_id=province.id, category=NeedCategory.MEDICAL,
                     kind=NeedKind.MONEY, target=target, description_fa="دارو",
                     external_id=ext)  # fmt: skip


async def office_needs(chat, admin_account):
    """Imported needs in two provinces (open, closed, delivered) and two the admin added
    (one draft, one published). Returns {name: code}."""
    provinces = await chat.store.provinces()
    tehran = next(p for p in provinces if p.name_en == "Tehran")
    isfahan = next(p for p in provinces if p.name_en == "Isfahan")
    drafts = [a_need(tehran, tehran.cities[0], "t1"), a_need(tehran, tehran.cities[1], "t2"),
              a_need(isfahan, isfahan.cities[0], "i1"),
              a_need(isfahan, isfahan.cities[0], "i2")]  # fmt: skip
    await chat.store.upsert_needs(drafts, now=0)
    codes = {ext: code for code, ext in await chat.store._fetchall(
        "SELECT code, external_id FROM needs")}  # fmt: skip
    await chat.store.set_need_status(
        (await chat.store.need_by_code(codes["i2"])).id, NeedStatus.CLOSED, 1
    )
    today = dt.date.fromtimestamp(chat.application.services.clock())
    for name, publish in (("mine-draft", False), ("mine-open", True)):
        code = await need_editing.new_code(chat.store)
        made = await need_editing.create_need(
            chat.store, admin_account, a_need(isfahan, isfahan.cities[1], None), code,
            publish=publish, today=today, now=int(chat.application.services.clock()),
        )  # fmt: skip
        codes[name] = made.code
    return codes, tehran, isfahan


def need_buttons(message) -> list[str]:
    """The list's need buttons (each starts with a need code)."""
    return [row[0] for row in message.buttons if re.match(r"^[2-9A-HJ-NP-Z]{6} ·", row[0])]


async def test_needs_lists_the_office_drafts_first_and_opens_the_edit_screen(chat) -> None:
    admin = await admin_of(chat)
    account = await chat.store.account("telegram", ADMIN_ID)
    codes, _, isfahan = await office_needs(chat, account)
    await admin.click(fa("role-staff-button"))
    await admin.click(fa("staff-needs-button"))
    listing = admin.last_reply
    assert listing.text.startswith("🗂 " + fa("staff-needs-whose-all"))
    assert "۶ نیاز" in listing.text
    assert "6" not in listing.text  # Persian digits
    shown = need_buttons(listing)
    assert len(shown) == 6
    assert shown[0].startswith(codes["mine-draft"])  # drafts first
    assert fa("need-status-draft") in shown[0]
    assert isfahan.cities[1].name_fa in shown[0]
    assert "۱٬۰۰۰٬۰۰۰ تومان" in shown[0]  # 10,000,000 rials
    await admin.click(shown[0])
    assert admin.last_reply.text.startswith(fa("need-staff-view-title", code=codes["mine-draft"]))
    assert fa("need-staff-publish-button") in labels_of(admin.last_reply)  # the edit screen
    await admin.send("/needs")
    assert admin.last_reply.text == listing.text


async def test_needs_filter_by_status_place_and_whose(chat) -> None:
    admin = await admin_of(chat)
    account = await chat.store.account("telegram", ADMIN_ID)
    codes, tehran, isfahan = await office_needs(chat, account)
    await admin.send("/needs")
    await admin.click(fa("staff-needs-status-button"))
    assert admin.last_reply.text == fa("staff-needs-ask-status")
    await admin.click(fa("need-status-closed"))
    assert [b[:6] for b in need_buttons(admin.last_reply)] == [codes["i2"]]
    assert fa("need-status-closed") in admin.last_reply.text
    await admin.click(fa("staff-needs-status-button"))
    await admin.click(fa("staff-needs-any-status"))
    await admin.click(fa("staff-needs-place-button"))
    provinces = [b for row in admin.last_reply.buttons for b in row][1:-1]
    assert provinces == [p.name_fa for p in by_name(await chat.store.provinces(), "fa")]
    await admin.click(tehran.name_fa)
    await admin.click(fa("staff-needs-whole-province", province=tehran.name_fa))
    assert sorted(b[:6] for b in need_buttons(admin.last_reply)) == sorted(
        [codes["t1"], codes["t2"]]
    )
    assert fa("staff-needs-province", province=tehran.name_fa) in admin.last_reply.text
    await admin.click(fa("staff-needs-place-button"))
    await admin.click(isfahan.name_fa)
    await admin.click(isfahan.cities[1].name_fa)
    in_city = sorted(b[:6] for b in need_buttons(admin.last_reply))
    assert in_city == sorted([codes["mine-draft"], codes["mine-open"]])
    await admin.click(fa("staff-needs-place-button"))
    await admin.click(fa("staff-needs-anywhere"))
    await admin.click(fa("staff-needs-show-mine-button"))
    assert admin.last_reply.text.startswith("🗂 " + fa("staff-needs-whose-mine"))
    mine = sorted(b[:6] for b in need_buttons(admin.last_reply))
    assert mine == sorted([codes["mine-draft"], codes["mine-open"]])
    await admin.click(fa("staff-needs-status-button"))
    await admin.click(fa("need-status-draft"))
    assert [b[:6] for b in need_buttons(admin.last_reply)] == [codes["mine-draft"]]
    await admin.click(fa("staff-needs-show-all-button"))
    assert [b[:6] for b in need_buttons(admin.last_reply)] == [codes["mine-draft"]]  # the draft
    await admin.click(fa("staff-needs-status-button"))
    await admin.click(fa("need-status-funded"))
    assert fa("staff-needs-none") in admin.last_reply.text


async def test_needs_are_paged_and_a_forged_page_shows_the_last_real_one(chat) -> None:
    admin = await admin_of(chat)
    province = (await chat.store.provinces())[0]
    await chat.store.upsert_needs(
        [a_need(province, province.cities[0], f"p{i}") for i in range(11)], now=0
    )
    await admin.send("/needs")
    assert len(need_buttons(admin.last_reply)) == 8
    assert "صفحهٔ ۱ از ۲" in admin.last_reply.text
    first_page = set(need_buttons(admin.last_reply))
    await admin.click(fa("button-next"))
    assert len(need_buttons(admin.last_reply)) == 3
    assert not first_page & set(need_buttons(admin.last_reply))
    assert "صفحهٔ ۲ از ۲" in admin.last_reply.text
    await admin.click_data("s:nl:a:all:0:9999")
    assert "صفحهٔ ۲ از ۲" in admin.last_reply.text


async def test_needs_in_english_reads_english(chat) -> None:
    admin = chat.user(user_id=ADMIN_ID, lang="en")
    await admin.send("/start")
    province = (await chat.store.provinces())[0]
    await chat.store.upsert_needs([a_need(province, province.cities[0], "e1")], now=0)
    await admin.send("/needs")
    assert admin.last_reply.text.startswith("🗂 " + en("staff-needs-whose-all"))
    assert "1 need " in admin.last_reply.text
    assert province.cities[0].name_en in need_buttons(admin.last_reply)[0]


@pytest.mark.parametrize("act", ["/needs", "s:nl:a:all:0:0", "s:ns:a:all:0", "s:np:a:all:0",
                                 "s:n:v:H7K2QD", "s:cmds"])  # fmt: skip
async def test_needs_are_for_staff_only(chat, act) -> None:
    donor = chat.user()
    await donor.send("/start")
    if act.startswith("/"):
        await donor.send(act)
    else:
        await donor.click_data(act)
    assert fa("staff-only") in (donor.last_reply.text, donor.last_answer)


async def test_the_console_lists_the_staff_commands_with_needs(chat) -> None:
    reza = await staff_member(chat)
    await reza.send("/start")
    await reza.click(fa("role-staff-button"))
    labels = labels_of(reza.last_reply)
    assert fa("staff-needs-button") in labels
    assert fa("staff-invites-button") not in labels  # admins only
    await reza.click(fa("staff-commands-button"))
    assert reza.last_reply.text == fa("staff-commands")
    assert "/needs" in reza.last_reply.text
    await reza.click(fa("button-back"))
    await reza.click(fa("staff-needs-button"))
    assert reza.last_reply.text.startswith("🗂")
