"""Talk to a person: tickets to the staff chat, replies back, no accounts shown."""

from __future__ import annotations

import copy
import json
import re

import pytest
from telegram import Update

from bot.context import HamdeliContext
from bot.delivery import deliver_outbox
from bot.domain import support
from bot.emulator import EmulatedUserInfo
from bot.i18n import translator
from bot.models import StaffRole
from tests.conftest import ADMIN_ID
from tests.test_unit_of_work import AUDIT_REFUSED, audit_actions, audit_refused, outbox_rows

fa = translator("fa")
STAFF_CHAT = -100555


async def staff_reply(chat, replier_id: int, ticket_message_id: int, text: str) -> None:
    """A reply in the staff group to the bot's ticket message."""
    replier = EmulatedUserInfo(id=replier_id, first_name="Staffer", language_code="fa")
    [ticket] = [
        m for m in chat.emulator.messages_in(STAFF_CHAT) if m.message_id == ticket_message_id
    ]
    data = chat.emulator.make_group_reply_update(replier, STAFF_CHAT, ticket, text)
    await chat.application.process_update(Update.de_json(data, chat.application.bot))


async def test_a_message_to_support_and_the_answer_back(start_app) -> None:
    chat = await start_app(staff_chat_id=STAFF_CHAT)
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/start")  # staff must be known to the bot
    sara = chat.user(name="Sara")
    await sara.send("/start")
    await sara.click(fa("button-help"))
    await sara.click(fa("button-support"))
    assert sara.last_reply.text == fa("support-ask")
    await sara.send("کالابرگ من شارژ نشده")
    ticket = int(re.search(r"\d+", sara.last_reply.text.translate(
        str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))).group(0))  # fmt: skip
    [posted] = chat.emulator.messages_in(STAFF_CHAT)
    assert "کالابرگ من شارژ نشده" in posted.text
    assert str(sara.id) not in posted.text
    assert "Sara" not in posted.text

    await staff_reply(chat, 424242, posted.message_id, "not staff")  # someone else in the group
    assert not sara.last_reply.text.startswith("💬")
    await staff_reply(chat, ADMIN_ID, posted.message_id, "فردا شارژ می‌شود")
    await deliver_outbox(HamdeliContext(chat.application))  # queued with its audit row
    assert sara.last_reply.text == fa("support-reply", ticket=ticket, text="فردا شارژ می‌شود")
    sent = json.dumps([c.params for c in chat.emulator.calls if c.params.get("chat_id") == sara.id],
                      ensure_ascii=False)  # fmt: skip
    assert "Staffer" not in sent
    assert str(ADMIN_ID) not in sent


async def test_a_redelivered_staff_reply_is_answered_and_audited_once(start_app) -> None:
    """The platform delivers a staff member's reply a second time (its answer to the first
    delivery was lost): the person gets the answer once, and the audit log holds one row
    for it, not one per delivery."""
    chat = await start_app(staff_chat_id=STAFF_CHAT)
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/start")
    sara = chat.user(name="Sara")
    await sara.send("/start")
    await sara.click(fa("button-help"))
    await sara.click(fa("button-support"))
    await sara.send("کالابرگ من شارژ نشده")
    [posted] = chat.emulator.messages_in(STAFF_CHAT)
    replier = EmulatedUserInfo(id=ADMIN_ID, first_name="Staffer", language_code="fa")
    reply = chat.emulator.make_group_reply_update(replier, STAFF_CHAT, posted, "فردا")
    for _ in range(2):  # the same update, delivered again
        update = Update.de_json(copy.deepcopy(reply), chat.application.bot)
        await chat.application.process_update(update)
    await deliver_outbox(HamdeliContext(chat.application))
    await deliver_outbox(HamdeliContext(chat.application))
    answers = [m for m in sara.replies if m.text.startswith("💬")]
    assert len(answers) == 1
    audited = [r for r in await chat.store.latest_audit(50) if r.action == "support_reply"]
    assert len(audited) == 1


async def test_without_a_staff_chat_support_says_so(chat) -> None:
    sara = chat.user()
    await sara.send("/support")
    assert sara.last_reply.text == f"{fa('support-unavailable')}\n{fa('office-visit')}"
    assert "☎️" not in sara.last_reply.text  # no OFFICE_PHONE: no phone line
    assert sara.last_reply.buttons == [[fa("button-main-menu")]]


async def test_without_a_staff_chat_support_gives_the_office_phone_when_set(start_app) -> None:
    chat = await start_app(office_phone="021-6655 1234")
    sara, john = chat.user(), chat.user(lang="en")
    await sara.send("/support")
    assert sara.last_reply.text == (
        f"{fa('support-unavailable')}\n{fa('office-call', phone='۰۲۱-۶۶۵۵ ۱۲۳۴')}"
    )
    await john.send("/support")
    assert "021-6655 1234" in john.last_reply.text
    await sara.click(fa("button-main-menu"))
    assert fa("welcome") in sara.last_reply.text


async def test_a_ticket_is_found_by_the_staff_message_that_carries_it(any_store) -> None:
    """The store alone, on both backends."""
    store = any_store
    person = await store.seen_account("bale", 9, 90, "en", 1)
    ticket_id = await store.open_ticket("bale", 9, now=2)
    assert await store.ticket_for_staff_message("bale", 77) is None
    await store.attach_ticket_message(ticket_id, 77)
    assert await store.ticket_for_staff_message("bale", 77) == (ticket_id, person)
    assert await store.ticket_for_staff_message("telegram", 77) is None
    assert await store.open_ticket("bale", 9, now=3) != ticket_id


async def test_a_staff_answer_is_queued_with_its_audit_row_once(any_store) -> None:
    """On both backends: the answer waits in the outbox with its audit row; a redelivered
    update queues it once and audits it once; someone without a staff role queues
    nothing."""
    store = any_store
    person = await store.seen_account("bale", 9, 90, "en", 1)
    staffer = await store.set_staff_role(
        await store.seen_account("bale", 5, 50, "fa", 1), StaffRole.STAFF
    )
    ticket = await support.open_ticket(store, person, now=2)
    await support.attach_ticket(store, ticket, 77)
    stranger = await store.seen_account("bale", 6, 60, "fa", 1)
    assert await support.answer_ticket(store, stranger, 77, 100, "no", now=3) is None
    assert await support.answer_ticket(store, staffer, 78, 101, "no", now=3) is None
    for _ in range(2):  # the same update twice
        assert await support.answer_ticket(store, staffer, 77, 102, "tomorrow", now=4) == ticket
    rows = await store._fetchall("SELECT user_id, message_id, args FROM outbox")
    assert [(r[0], r[1], json.loads(r[2])) for r in rows] == [
        (9, "support-reply", {"ticket": ticket, "text": "tomorrow"})
    ]
    audited = [row for row in await store.latest_audit(10) if row.action == "support_reply"]
    assert len(audited) == 1  # one reply: one answer sent, one audit row


async def test_a_refused_audit_row_leaves_no_answer_queued(any_store) -> None:
    """On both backends: the audit insert fails (a trigger), so the answer is not queued
    either; with the trigger gone the same answer is queued with one audit row."""
    store = any_store
    person = await store.seen_account("bale", 9, 90, "en", 1)
    staffer = await store.set_staff_role(
        await store.seen_account("bale", 5, 50, "fa", 1), StaffRole.STAFF
    )
    ticket = await support.open_ticket(store, person, now=2)
    await support.attach_ticket(store, ticket, 77)
    async with audit_refused(store):
        with pytest.raises(AUDIT_REFUSED, match="audit refused"):
            await support.answer_ticket(store, staffer, 77, 100, "tomorrow", now=3)
    assert await outbox_rows(store) == 0
    assert await audit_actions(store) == []
    assert await support.answer_ticket(store, staffer, 77, 100, "tomorrow", now=3) == ticket
    assert await outbox_rows(store) == 1
    assert await audit_actions(store) == ["support_reply"]


async def test_a_reply_posted_on_behalf_of_a_channel_in_the_staff_chat_is_ignored(
    start_app,
) -> None:
    """A reply to a ticket with no person behind it (posted as the group's channel) has no
    role to check: nobody is answered, nothing is audited, and the group hears nothing."""
    chat = await start_app(staff_chat_id=STAFF_CHAT)
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/start")
    sara = chat.user(name="Sara")
    await sara.send("/support")
    await sara.send("کالابرگ من شارژ نشده")
    [posted] = chat.emulator.messages_in(STAFF_CHAT)
    replier = EmulatedUserInfo(id=ADMIN_ID, first_name="Staffer", language_code="fa")
    data = chat.emulator.make_group_reply_update(replier, STAFF_CHAT, posted, "فردا")
    del data["message"]["from"]
    data["message"]["sender_chat"] = {"id": STAFF_CHAT, "type": "supergroup", "title": "Staff"}
    replies_before = len(sara.replies)
    await chat.application.process_update(Update.de_json(data, chat.application.bot))
    await deliver_outbox(HamdeliContext(chat.application))
    assert len(sara.replies) == replies_before
    assert chat.emulator.messages_in(STAFF_CHAT) == [posted]
    assert not [r for r in await chat.store.latest_audit(50) if r.action == "support_reply"]


async def test_a_message_typed_after_the_staff_chat_was_unset_gets_the_office_phone(
    start_app,
) -> None:
    """Asked for her message, Sara types it after a restart without STAFF_CHAT_ID: there is
    nowhere to post it, so she is told support is unavailable and given the office phone,
    with the menu to go on, and no ticket is opened that nobody could answer; the flow is
    over, so her next words are read as words."""
    chat = await start_app(staff_chat_id=STAFF_CHAT)
    sara = chat.user(name="Sara")
    await sara.send("/support")
    assert sara.last_reply.text == fa("support-ask")
    await chat.application.shutdown()
    again = await start_app(emulator=chat.emulator, office_phone="021-6655 1234")
    sara = again.user(user_id=sara.id, name="Sara")
    await sara.send("کالابرگ من شارژ نشده")
    assert sara.last_reply.text == (
        f"{fa('support-unavailable')}\n{fa('office-call', phone='۰۲۱-۶۶۵۵ ۱۲۳۴')}"
    )
    assert sara.last_reply.buttons == [[fa("button-main-menu")]]
    assert chat.emulator.messages_in(STAFF_CHAT) == []
    [(tickets,)] = await again.store._fetchall("SELECT count(*) FROM support_tickets")
    assert tickets == 0
    await sara.send("کالابرگ من شارژ نشده")
    assert sara.last_reply.text.startswith(fa("unknown-text"))
