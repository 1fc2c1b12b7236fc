"""Issue #9's staff points: admin-only announcements to everyone, /addstaff ids, /needs,
invite codes that expire and die with their admin, and confirmations of irreversible acts."""

from __future__ import annotations

import pytest

from bot.context import HamdeliContext
from bot.delivery import deliver_outbox
from bot.i18n import translator
from bot.models import Persona, StaffRole
from tests.conftest import ADMIN_ID
from tests.test_broadcasts import compose, people, received

fa, en = translator("fa"), translator("en")


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
    assert not [e for e in await chat.store.latest_audit() if e["action"] == "add_staff"]


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
