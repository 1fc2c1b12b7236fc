"""The manual paths, as a donor and a staff member meet them through the emulator: receipts
at any time (photo, PDF, tracking number; late ones kept and staff told), staff alerted in
the staff group, an old confirm button after a cancel, staff confirming only what can
still be confirmed (a real tracking number, or none with a written reason, audited), the
next pledge one press away, and goods that are brought and received, never paid.
"""

# ruff: noqa: F401, F811  (tests take the imported `needs` fixture by name)

from __future__ import annotations

import csv
import json
import re
from dataclasses import asdict

from bot.context import HamdeliContext
from bot.delivery import deliver_outbox
from bot.models import PledgeStatus
from tests.conftest import ADMIN_ID
from tests.test_donor_journey import donor, en, fa, help_label, needs, open_help, pledge_on

STAFF_CHAT = -100555


async def staff_member(chat):
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/start")
    return admin


async def open_pledge(admin, reference: str) -> None:
    await admin.send("/pledge")
    await admin.send(reference)
    assert reference in admin.last_reply.text


async def audit_of(chat, reference: str) -> list[dict]:
    rows = [row for row in await chat.store.latest_audit(50) if row.subject_id == reference]
    return [{**asdict(row), "details": json.loads(row.details or "{}")} for row in rows]


async def staff_group_texts(chat) -> list[str]:
    await deliver_outbox(HamdeliContext(chat.application))
    return [m.text for m in chat.emulator.messages_in(STAFF_CHAT)]


# -- staff confirming money -------------------------------------------------------------------


async def test_a_made_up_tracking_number_is_refused_and_a_real_one_confirms(chat, needs):
    sara = await donor(chat)
    reference = await pledge_on(sara, needs["codes"]["t2"], "۱ میلیون")
    admin = await staff_member(chat)
    await open_pledge(admin, reference)
    await admin.click(fa("staff-confirm-button"))
    assert admin.last_reply.text == fa("staff-ask-bank-reference", reference=reference)
    for made_up in ("ok", "123", "paid by Ali", "1" * 21):
        await admin.send(made_up)
        assert admin.last_reply.text.startswith(fa("staff-tracking-invalid"))
        assert fa("staff-no-tracking-button") in str(admin.last_reply.buttons)
    assert (await chat.store.pledge(reference)).status is PledgeStatus.AWAITING_PAYMENT
    # Persian digits with dashes, as a bank app shows it, pasted with the invisible
    # characters copying can carry (zero-width space, word joiner, a direction mark)
    await admin.send("\u200f۱۲۳۴-\u200b۵۶۷۸-۹۰\u2060")
    assert admin.last_reply.text == fa("staff-confirmed", reference=reference)
    assert fa("staff-next-button") in str(admin.last_reply.buttons)
    pledge = await chat.store.pledge(reference)
    assert (pledge.status, pledge.bank_reference) == (PledgeStatus.PAID, "1234567890")
    (confirmed,) = [r for r in await audit_of(chat, reference) if r["action"] == "confirm_payment"]
    assert confirmed["details"] == {"bank_reference": "1234567890"}
    assert await chat.store.ledger_problems() == []  # every toman has a home


async def test_confirming_without_a_tracking_number_needs_a_written_reason(chat, needs):
    sara = await donor(chat)
    reference = await pledge_on(sara, needs["codes"]["t2"], "۱ میلیون")
    admin = await staff_member(chat)
    await open_pledge(admin, reference)
    await admin.click(fa("staff-confirm-button"))
    await admin.click(fa("staff-no-tracking-button"))
    assert admin.last_reply.text == fa("staff-ask-no-tracking-reason", reference=reference)
    await admin.send("ok")
    assert admin.last_reply.text == fa("staff-no-tracking-reason-short")
    assert (await chat.store.pledge(reference)).status is PledgeStatus.AWAITING_PAYMENT
    await admin.send("واریز نقدی در دفتر، رسید ۴۵")
    assert admin.last_reply.text == fa("staff-confirmed", reference=reference)
    pledge = await chat.store.pledge(reference)
    assert (pledge.status, pledge.bank_reference) == (PledgeStatus.PAID, None)
    (row,) = [r for r in await audit_of(chat, reference) if r["action"].startswith("confirm")]
    assert row["action"] == "confirm_without_tracking"
    assert row["details"] == {"reason": "واریز نقدی در دفتر، رسید ۴۵"}
    await admin.send("/audit")
    assert fa("audit-action-confirm_without_tracking") in admin.last_reply.text
    assert await chat.store.ledger_problems() == []  # every toman has a home


async def test_a_cancelled_pledge_is_refused_before_anything_is_asked(chat, needs):
    sara = await donor(chat)
    reference = await pledge_on(sara, needs["codes"]["t2"], "۱ میلیون")
    admin = await staff_member(chat)
    await open_pledge(admin, reference)  # the screen with ✅ is drawn now…
    await sara.click(fa("button-my-pledges"))
    await sara.click(fa("my-pledge-cancel-button", reference=reference))
    await sara.click(fa("pledge-cancel-yes"))
    assert (await chat.store.pledge(reference)).status is PledgeStatus.CANCELLED
    await admin.click(fa("staff-confirm-button"))  # …and pressed after the cancel
    assert admin.last_reply.text == fa("staff-not-confirmable-cancelled", reference=reference)
    assert fa("staff-next-button") in str(admin.last_reply.buttons)
    await admin.send("123456789")  # no question was asked, so this confirms nothing
    assert (await chat.store.pledge(reference)).status is PledgeStatus.CANCELLED


async def test_next_in_queue_opens_the_next_pledge_then_says_the_queue_is_empty(chat, needs):
    sara, omid = await donor(chat), await donor(chat)
    first = await pledge_on(sara, needs["codes"]["t2"], "۱ میلیون")
    second = await pledge_on(omid, needs["codes"]["t1"], "۲ میلیون")
    for person in (sara, omid):
        await person.click(fa("pledge-paid-button"))
    admin = await staff_member(chat)
    await admin.send("/queue")
    await admin.click(first)
    await admin.click(fa("staff-reject-button"))
    await admin.send("واریزی با این مبلغ پیدا نشد")
    assert admin.last_reply.text == fa("staff-rejected", reference=first)
    await admin.click(fa("staff-next-button"))
    assert second in admin.last_reply.text
    await admin.click(fa("staff-confirm-button"))
    await admin.send("987654321")
    await admin.click(fa("staff-next-button"))
    assert admin.last_reply.text == fa("staff-queue-empty")
    assert await chat.store.ledger_problems() == []  # every toman has a home


# -- receipts at any time, and staff told -------------------------------------------------------


async def test_reports_and_receipts_alert_the_staff_group_without_the_donor(start_app, needs):
    chat = await start_app(staff_chat_id=STAFF_CHAT, payment_card="6037991122223333")
    sara = await donor(chat)
    reference = await pledge_on(sara, needs["codes"]["t2"], "۱ میلیون")
    await sara.click(fa("pledge-paid-button"))
    await sara.send("۹۸۷۶۵۴۳۲۱۰")
    texts = await staff_group_texts(chat)
    assert len(texts) == 2
    assert texts[0].startswith("💰")
    assert texts[1].startswith("📎")
    assert all(reference in text for text in texts)
    assert str(sara.id) not in "".join(texts)
    assert (await chat.store.pledge(reference)).donor_tracking == "9876543210"


async def test_a_tracking_number_pasted_with_invisible_characters_attaches_any_time(chat, needs):
    """Outside any flow, a number copied from a bank app with a zero-width space and a
    word joiner in it is read as the number shown, not as words the bot does not know."""
    sara = await donor(chat)
    reference = await pledge_on(sara, needs["codes"]["t2"], "۱ میلیون")
    await sara.send("/menu")
    await sara.send("۹۸۷۶\u200b۵۴۳۲۱۰\u2060")
    assert (await chat.store.pledge(reference)).donor_tracking == "9876543210"
    assert (await chat.store.pledge(reference)).status is PledgeStatus.PAYMENT_REPORTED


async def test_a_pdf_receipt_counts_and_staff_see_it_as_a_document(chat, needs):
    sara = await donor(chat)
    reference = await pledge_on(sara, needs["codes"]["t2"], "۱ میلیون")
    await sara.send("/menu")
    await sara.send_document("receipt.pdf")
    assert sara.last_reply.text.startswith(fa("pledge-receipt-saved", reference=reference))
    assert (await chat.store.pledge(reference)).status is PledgeStatus.PAYMENT_REPORTED
    admin = await staff_member(chat)
    await open_pledge(admin, reference)
    documents = [m for m in admin.replies if m.has_document]
    assert documents
    assert documents[-1].text == fa("staff-receipt")


async def test_with_two_pending_pledges_the_bot_asks_which_one(chat, needs):
    sara = await donor(chat)
    first = await pledge_on(sara, needs["codes"]["t2"], "۱ میلیون")
    second = await pledge_on(sara, needs["codes"]["t1"], "۲ میلیون")
    await sara.send("/menu")
    await sara.send_photo()
    labels = str(sara.last_reply.buttons)
    assert first in labels
    assert second in labels
    assert (await chat.store.pledge(first)).receipt_file_id is None
    await sara.click(next(label for row in sara.last_reply.buttons for label in row
                          if second in label))  # fmt: skip
    assert (await chat.store.pledge(second)).receipt_file_id
    assert (await chat.store.pledge(first)).receipt_file_id is None


async def test_a_receipt_after_staff_confirmed_is_kept_and_staff_are_told(start_app, needs):
    chat = await start_app(staff_chat_id=STAFF_CHAT)
    sara = await donor(chat)
    reference = await pledge_on(sara, needs["codes"]["t2"], "۱ میلیون")
    admin = await staff_member(chat)
    await open_pledge(admin, reference)
    await admin.click(fa("staff-confirm-button"))
    await admin.send("112233445566")
    await sara.send("/menu")
    await sara.send_photo()  # the donor's receipt comes after the confirmation
    assert sara.last_reply.text.startswith(fa("pledge-receipt-saved", reference=reference))
    pledge = await chat.store.pledge(reference)
    assert pledge.status is PledgeStatus.PAID
    assert pledge.receipt_file_id
    late = [t for t in await staff_group_texts(chat) if reference in t]
    assert late == [fa("staff-receipt-late-alert", reference=reference, code=needs["codes"]["t2"],
                       amount="۱٬۰۰۰٬۰۰۰ تومان", status=fa("pledge-status-paid"))]  # fmt: skip
    assert await chat.store.ledger_problems() == []  # every toman has a home


# -- an old confirm button ----------------------------------------------------------------------


async def test_an_old_confirm_button_after_a_cancel_says_so_and_registers_nothing(chat, needs):
    sara = await donor(chat)
    await open_help(sara, needs["codes"]["t2"])
    await sara.send("۱ میلیون")
    confirm_screen = sara.last_reply.message_id
    (old_button,) = [b["callback_data"] for row in sara.last_reply.button_rows for b in row
                     if b["text"] == fa("pledge-confirm-button")]  # fmt: skip
    await sara.click(fa("pledge-confirm-button"))
    reference = re.search(r"P-[2-9A-HJ-NP-Z]{6}", sara.last_reply.text).group(0)
    await sara.click(fa("button-my-pledges"))
    await sara.click(fa("my-pledge-cancel-button", reference=reference))
    await sara.click(fa("pledge-cancel-yes"))
    await sara.click_data(old_button, message_id=confirm_screen)  # e.g. a forwarded copy
    assert sara.last_reply.text.startswith(fa("pledge-old-confirm-cancelled", reference=reference))
    assert fa("pledge-done", reference=reference, amount="۱٬۰۰۰٬۰۰۰ تومان") not in (
        sara.last_reply.text
    )
    assert (await chat.store.pledge(reference)).status is PledgeStatus.CANCELLED


# -- goods are brought and received -------------------------------------------------------------


async def test_a_goods_pledge_end_to_end_never_says_pay(start_app, needs):
    chat = await start_app(staff_chat_id=STAFF_CHAT, item_dropoff_address="Office, Azadi St. 12")
    sara = await donor(chat)
    reference = await pledge_on(sara, needs["codes"]["t3"], "۱")
    await sara.click(fa("pledge-delivered-button"))
    admin = await staff_member(chat)
    await open_pledge(admin, reference)
    assert fa("staff-received-button") in str(admin.last_reply.buttons)
    assert fa("staff-confirm-button") not in str(admin.last_reply.buttons)
    await admin.click(fa("staff-received-button"))  # nothing to type for a sewing machine
    assert admin.last_reply.text == fa("staff-received", reference=reference)
    assert (await chat.store.pledge(reference)).status is PledgeStatus.PAID
    assert next(r["action"] for r in await audit_of(chat, reference)) == "confirm_received"
    await deliver_outbox(HamdeliContext(chat.application))
    await sara.send("/mypledges")
    seen = [m.text for m in sara.replies] + [str(m.buttons) for m in sara.replies]
    seen += await staff_group_texts(chat)
    said = "\n".join(seen)
    for word in ("پرداخت", "واریز", "💳"):
        assert word not in said, word
    assert await chat.store.ledger_problems() == []  # every toman has a home


async def test_the_export_says_which_rows_are_toman_and_which_are_items(chat, needs):
    sara = await donor(chat)
    money = await pledge_on(sara, needs["codes"]["t2"], "۱ میلیون")
    goods = await pledge_on(sara, needs["codes"]["t3"], "۲")
    admin = await staff_member(chat)
    await admin.click(fa("role-staff-button"))
    await admin.click(fa("staff-export-button"))
    exported = chat.emulator.upload_of(admin.last_reply).content.decode("utf-8-sig")
    rows = {row[0]: row for row in csv.reader(exported.splitlines())}
    assert rows["reference"][2:] == ["amount", "status", "created", "paid", "bank_reference",
                                     "unit", "item"]  # fmt: skip
    assert (rows[money][2], rows[money][7:]) == ("1000000", ["toman", ""])
    assert (rows[goods][2], rows[goods][7:]) == ("2", ["items", "چرخ خیاطی"])


async def test_goods_are_named_in_the_readers_language(chat, needs):
    """A need imported with item_en shows "sewing machine" to an English donor, in the card,
    the quantity question and the pledge; a Persian donor keeps the Persian name."""
    await chat.store._write(
        "UPDATE needs SET item_name_en = 'sewing machine' WHERE code = ?", (needs["codes"]["t3"],)
    )
    english, persian = await donor(chat, lang="en"), await donor(chat)
    reference = await pledge_on_en(english, needs["codes"]["t3"])
    said = "\n".join(m.text for m in english.replies)
    assert "sewing machine" in said
    assert "چرخ خیاطی" not in said
    assert reference in said
    await persian.send(needs["codes"]["t3"])
    assert "چرخ خیاطی" in persian.last_reply.text


async def pledge_on_en(person, code: str) -> str:
    await person.send(code)
    await person.click(help_label(person.last_reply, code))
    await person.send("1")
    await person.click(en("pledge-confirm-button"))
    return re.search(r"P-[2-9A-HJ-NP-Z]{6}", person.last_reply.text).group(0)


async def test_goods_wait_item_pledge_ttl_days_not_the_money_hours(start_app, needs, clock):
    """A sewing machine takes longer to bring than a transfer: ITEM_PLEDGE_TTL_DAYS (3 here)
    sets its deadline, shown as a date; the money pledge keeps its 48 hours."""
    from tests.test_donor_journey import run_clocks

    chat = await start_app(item_pledge_ttl_days=3)
    sara = await donor(chat)
    goods = await pledge_on(sara, needs["codes"]["t3"], "۱")
    money = await pledge_on(sara, needs["codes"]["t2"], "۱ میلیون")
    goods_pledge, money_pledge = await chat.store.pledge(goods), await chat.store.pledge(money)
    assert goods_pledge.expires_at - goods_pledge.created_at == 3 * 24 * 3600
    assert money_pledge.expires_at - money_pledge.created_at == 48 * 3600
    clock.advance(49 * 3600)
    await run_clocks(HamdeliContext(chat.application))
    assert (await chat.store.pledge(money)).status is PledgeStatus.EXPIRED
    assert (await chat.store.pledge(goods)).status is PledgeStatus.AWAITING_PAYMENT
    clock.advance(2 * 24 * 3600)
    await run_clocks(HamdeliContext(chat.application))
    assert (await chat.store.pledge(goods)).status is PledgeStatus.EXPIRED
