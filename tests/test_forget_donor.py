"""/forget for a donor, through the emulator: asked once, the account erased, the pledges
the welfare office must account for kept under a pseudonymous donor number."""

from __future__ import annotations

import json
from dataclasses import asdict

from bot.context import HamdeliContext
from bot.delivery import deliver_outbox
from bot.domain import pledges as pledges_domain
from bot.handlers import donor as donor_handlers
from bot.i18n import translator
from tests.conftest import ADMIN_ID
from tests.test_donor_journey import needs, pledge_on  # noqa: F401  (the `needs` fixture)

fa, en = translator("fa"), translator("en")


async def rows(chat, sql: str, *params) -> list[tuple]:
    return [tuple(row) for row in await chat.store._fetchall(sql, params)]


async def a_donor_with_two_pledges(chat, needs):  # noqa: F811
    """A donor with a home city, one pledge paid and one still awaiting payment."""
    donor = chat.user()
    paid = await pledge_on(donor, needs["codes"]["t1"], "1000000")
    waiting = await pledge_on(donor, needs["codes"]["t2"], "2000000")
    await pledges_domain.confirm_payment(chat.store, reference=paid, bank_reference="8899",
                                         now=int(chat.application.services.clock()))  # fmt: skip
    await chat.store.set_home_city("telegram", donor.id, needs["capital"].id)
    return donor, paid, waiting


async def test_a_donor_erases_their_account_and_their_pledges_stay_detached(chat, needs):  # noqa: F811
    donor, paid, waiting = await a_donor_with_two_pledges(chat, needs)
    before = await chat.store.statistics("telegram", 0)
    await donor.send("/forget")
    assert donor.last_reply.text == fa("forget-donor-ask", count=2)
    assert await rows(chat, "SELECT 1 FROM users WHERE user_id = ?", donor.id)  # asked, not done
    await donor.click(fa("forget-donor-yes"))
    assert donor.last_reply.text == fa("forget-donor-done", count=2, number=1)
    assert fa("forget-start-again") in donor.last_reply.buttons[0]

    # the account is gone: language, settings, flow state
    for table, column in (("users", "user_id"), ("flow_data", "user_id"),
                          ("support_tickets", "user_id"), ("outbox", "user_id")):  # fmt: skip
        assert await rows(chat, f"SELECT 1 FROM {table} WHERE {column} = ?", donor.id) == []
    assert await rows(chat, "SELECT 1 FROM conversation_states WHERE key LIKE ?",
                      f"%{donor.id}%") == []  # fmt: skip
    # the pledges stay, whole, under donor number 1, a pseudonym no one writes to
    kept = await rows(chat, "SELECT reference, donor_id, status, bank_reference FROM pledges "
                      "ORDER BY id")  # fmt: skip
    assert kept == [(paid, -1, "paid", "8899"), (waiting, -1, "awaiting_payment", None)]
    assert await rows(chat, "SELECT persona, blocked, home_city_id FROM users "
                      "WHERE user_id = -1") == [("donor", 1, None)]  # fmt: skip
    # audited, under the pseudonym only
    entry = (await chat.store.latest_audit())[0]
    assert (entry.action, entry.subject_id, entry.actor_id) == ("forget_donor", "D-1",
                                                                         None)  # fmt: skip
    assert str(donor.id) not in json.dumps(asdict(entry))
    # they still count: /stats and the export see the same pledges and money
    after = await chat.store.statistics("telegram", 0)
    assert after.pledges == before.pledges
    assert after.money_by_province == before.money_by_province
    assert sum(after.personas.values()) == sum(before.personas.values()) - 1  # no pseudonym
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/start")
    await admin.click(fa("role-staff-button"))
    await admin.click(fa("staff-export-button"))
    assert admin.last_reply.text == fa("staff-export-caption", count=2)


async def test_an_erased_donor_is_never_written_to_and_comes_back_as_someone_new(chat, needs):  # noqa: F811
    donor, _, waiting = await a_donor_with_two_pledges(chat, needs)
    await donor.send("/forget")
    await donor.click(fa("forget-donor-yes"))
    seen = len(donor.replies)
    queued = await rows(chat, "SELECT id, status FROM outbox WHERE user_id = -1")
    assert all(status == "blocked" for _, status in queued)  # what was still to be sent
    chat.application.services.clock.advance(3 * 24 * 3600)  # the unpaid pledge expires
    context = HamdeliContext(chat.application)
    await donor_handlers.pledge_clock(context)
    await deliver_outbox(context)
    assert (await chat.store.pledge(waiting)).status.value == "expired"
    assert len(donor.replies) == seen  # no notice reaches the pseudonym or the person
    assert await rows(chat, "SELECT id, status FROM outbox WHERE user_id = -1") == queued
    await donor.click(fa("forget-start-again"))
    assert await chat.store.count_pledges_of_donor("telegram", donor.id) == 0
    assert await rows(chat, "SELECT persona, home_city_id FROM users WHERE user_id = ?",
                      donor.id) == [(None, None)]  # fmt: skip


async def test_asking_and_going_back_erases_nothing(chat, needs) -> None:  # noqa: F811
    donor, _, _ = await a_donor_with_two_pledges(chat, needs)
    await donor.send("/forget")
    await donor.click(fa("button-back"))
    assert await rows(chat, "SELECT donor_id FROM pledges") == [(donor.id,), (donor.id,)]
    assert await rows(chat, "SELECT home_city_id FROM users WHERE user_id = ?", donor.id) == [
        (needs["capital"].id,)
    ]


async def test_staff_cannot_erase_themselves(chat) -> None:
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/start")
    await admin.send("/forget")
    assert admin.last_reply.text == fa("forget-staff")
    await admin.click_data("b:forget!")  # a forged confirmation changes nothing either
    assert admin.last_reply.text == fa("forget-staff")
    assert await rows(chat, "SELECT staff_role FROM users WHERE user_id = ?", ADMIN_ID) == [
        ("admin",)
    ]


async def test_the_privacy_note_offers_the_erasure(chat, needs) -> None:  # noqa: F811
    """Donors find /forget where they read what is kept about them."""
    donor, _, _ = await a_donor_with_two_pledges(chat, needs)
    await donor.send("/privacy")
    assert "/forget" in donor.last_reply.text
    await donor.click(fa("forget-erase-button"))
    assert donor.last_reply.text == fa("forget-donor-ask", count=2)
