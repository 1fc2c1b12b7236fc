"""Staff close the loop for donors: find a pledge by reference, confirm or reject it."""

from __future__ import annotations

import re

import pytest

from bot.context import HamdeliContext
from bot.delivery import deliver_outbox
from bot.domain import pledges as pledges_domain
from bot.i18n import translator
from bot.models import (
    Beneficiary,
    NeedCategory,
    NeedDraft,
    NeedKind,
    PledgeStatus,
    StaffRole,
)
from bot.text import national_code_check_digit
from bot.text.collation import by_name
from bot.views.charts import raised_vs_target_png
from tests.conftest import ADMIN_ID

fa = translator("fa")


@pytest.fixture
async def pledged(chat):
    """A donor's awaiting pledge of 1,000,000 toman; returns (donor, reference)."""
    province = (await chat.store.provinces())[0]
    await chat.store.upsert_needs(
        [NeedDraft(city_id=province.cities[0].id, province_id=province.id,
                   category=NeedCategory.MEDICAL, kind=NeedKind.MONEY, target=50_000_000,
                   description_fa="دارو", external_id="s1")],
        now=0,
    )  # fmt: skip
    code = (await chat.store._fetchall("SELECT code FROM needs"))[0][0]
    donor = chat.user()
    return donor, await pledge_million(donor, code)


async def pledge_million(donor, code: str) -> str:
    """The donor pledges 1,000,000 toman to the need; returns the pledge reference."""
    await donor.send("/start")
    await donor.send(code)
    await donor.click(fa("card-help-button", name=fa("category-medical")))
    await donor.send("۱ میلیون")
    await donor.click(fa("pledge-confirm-button"))
    return re.search(r"P-[2-9A-HJ-NP-Z]{6}", donor.last_reply.text).group(0)


async def test_confirming_a_payment_by_reference_tells_the_donor(chat, pledged) -> None:
    donor, reference = pledged
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/start")
    await admin.click(fa("role-staff-button"))
    await admin.click(fa("staff-find-pledge-button"))
    await admin.send(reference.lower().replace("p-", ""))  # typed loosely
    assert reference in admin.last_reply.text
    await admin.click(fa("staff-confirm-button"))
    await admin.send("123456789")
    assert admin.last_reply.text == fa("staff-confirmed", reference=reference)
    assert (await chat.store.pledge(reference)).status is PledgeStatus.PAID
    await deliver_outbox(HamdeliContext(chat.application))
    assert donor.last_reply.text.startswith("💚")
    actions = [entry.action for entry in await chat.store.latest_audit()]
    assert actions[:2] == ["confirm_payment", "view_pledge"]


async def confirm_with(chat, reference: str, tracking: str):
    """Staff find the pledge, press ✅ and type a bank tracking number; the staff member."""
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/pledge")
    await admin.send(reference)
    await admin.click(fa("staff-confirm-button"))
    await admin.send(tracking)
    return admin


async def test_one_bank_transfer_confirms_one_pledge_not_two(chat, pledged) -> None:
    """A donor reports two pledges paid with one transfer's number (or staff paste the
    same number twice): the second is refused, naming the pledge the number already
    confirmed, and nothing is written; the number is asked for again, with "confirm
    without a tracking number" still one press away for a transfer that paid both."""
    _, first = pledged
    code = (await chat.store.pledge(first)).need_id
    need_code = (await chat.store.need(code)).code
    second = await pledge_million(chat.user(), need_code)
    await confirm_with(chat, first, "۱۲۳۴-۵۶۷۸-۹۰۱۲")  # any digits, any separators
    admin = await confirm_with(chat, second, "123456789012")
    used = fa("staff-tracking-used", pledge=first)
    assert admin.last_reply.text.startswith(used)
    assert fa("staff-ask-bank-reference", reference=second) in admin.last_reply.text
    assert admin.last_reply.find_button(fa("staff-no-tracking-button")) is not None
    assert (await chat.store.pledge(second)).status is PledgeStatus.AWAITING_PAYMENT
    assert [e.action for e in await chat.store.latest_audit()].count("confirm_payment") == 1
    await admin.send("۹۸۷۶۵۴۳۲۱۰")  # the right number, still for the second pledge
    assert admin.last_reply.text == fa("staff-confirmed", reference=second)
    assert (await chat.store.pledge(second)).bank_reference == "9876543210"
    need = await chat.store.need(code)
    assert need.paid == 2 * (await chat.store.pledge(first)).amount


async def test_rejecting_tells_the_donor_why_and_returns_the_share(chat, pledged) -> None:
    donor, reference = pledged
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/pledge")
    await admin.send(reference)
    await admin.click(fa("staff-reject-button"))
    await admin.send("واریزی پیدا نشد")
    assert (await chat.store.pledge(reference)).status is PledgeStatus.REJECTED
    need = await chat.store.need((await chat.store.pledge(reference)).need_id)
    assert need.reserved == 0
    await deliver_outbox(HamdeliContext(chat.application))
    assert "واریزی پیدا نشد" in donor.last_reply.text
    await admin.send("/audit")
    assert fa("audit-action-reject_payment") in admin.last_reply.text


async def reject(chat, reference: str, reason: str) -> None:
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/pledge")
    await admin.send(reference)
    await admin.click(fa("staff-reject-button"))
    await admin.send(reason)
    await deliver_outbox(HamdeliContext(chat.application))


async def test_a_rejected_donor_can_report_again_or_write_to_support(chat, pledged, clock) -> None:
    donor, reference = pledged
    await reject(chat, reference, "واریزی پیدا نشد")
    notice = donor.last_reply
    assert notice.buttons == [[fa("pledge-report-again-button")], [fa("button-support")]]
    await donor.click(fa("pledge-report-again-button"))
    pledge = await chat.store.pledge(reference)
    assert pledge.status is PledgeStatus.PAYMENT_REPORTED  # back in the staff queue
    assert (await chat.store.need(pledge.need_id)).reserved == pledge.amount
    assert donor.last_answer == fa("pledge-reported")
    await donor.send_photo()  # the receipt reaches staff with it
    assert (await chat.store.pledge(reference)).receipt_file_id
    clock.advance(3600)
    await reject(chat, reference, "باز هم پیدا نشد")  # a second rejection is told too
    assert "باز هم پیدا نشد" in donor.last_reply.text
    await donor.click(fa("button-support"))
    assert donor.last_reply.text.startswith(fa("support-unavailable"))  # no staff chat here


async def test_reporting_again_a_pledge_whose_share_was_taken_points_to_support(
    chat, pledged
) -> None:
    donor, reference = pledged
    await reject(chat, reference, "واریزی پیدا نشد")
    need = await chat.store.need((await chat.store.pledge(reference)).need_id)
    other = chat.user()
    await other.send("/start")
    await other.send(need.code)
    await other.click(fa("card-help-button", name=fa("category-medical")))
    await other.click(other.last_reply.buttons[0][0])  # all that remains
    await other.click(fa("pledge-confirm-button"))
    await donor.click(fa("pledge-report-again-button"))
    assert donor.last_reply.text.startswith(fa("pledge-report-again-no-room", reference=reference))
    assert (await chat.store.pledge(reference)).status is PledgeStatus.REJECTED
    assert (await chat.store.need(need.id)).reserved == need.target  # never over-pledged


@pytest.mark.parametrize(
    "act",
    [
        "/pledge",
        "/audit",
        "/invite",
        "/addstaff 1",
        "/removestaff 1",
        "s:find",
        "s:audit",
        "menu:staff",
        "s:pay:{ref}",
        "s:rej:{ref}",
        "/queue",
        "/stats",
        "/undo {ref}",
        "/delivered H7K2QD",
        "/close H7K2QD reason",
        "/household 0041234561",
        "/broadcast",
        "/newneed",
        "/editneed H7K2QD",
        "s:queue",
        "s:stats",
        "s:export",
        "s:bnew",
        "s:n:new",
        "s:q:1:0",
        "s:open:{ref}",
        "s:n:pv:1",
        "s:n:cat:medical",
        "s:n:k:money",
        "s:n:u:1",
        "s:n:f:goal",
        "s:n:P:H7K2QD",
        "s:bk:cancel:1",
    ],
)
async def test_every_staff_action_refuses_others_and_changes_nothing(chat, pledged, act) -> None:
    donor, reference = pledged
    before = await chat.store._fetchall("SELECT status FROM pledges")
    audit_before = await chat.store.latest_audit()
    if act.startswith("/"):
        await donor.send(act.format(ref=reference))
    else:
        await donor.click_data(act.format(ref=reference))
    texts = [donor.last_reply.text, donor.last_answer]
    assert fa("staff-only") in texts
    await donor.send("bank ref 987654321")  # a bank reference typed anyway
    assert await chat.store._fetchall("SELECT status FROM pledges") == before
    assert await chat.store.latest_audit() == audit_before


async def test_an_admin_adds_and_removes_staff_and_staff_can_then_act(chat) -> None:
    admin, reza = chat.user(user_id=ADMIN_ID), chat.user()
    await reza.send("/start")
    await admin.send(f"/addstaff {reza.id}")
    assert admin.last_reply.text == fa("staff-added", user_id=str(reza.id))
    await reza.send("/pledge")
    assert reza.last_reply.text == fa("staff-ask-reference")
    await admin.send(f"/removestaff {reza.id}")
    await reza.send("/menu")
    await reza.send("/pledge")
    assert reza.last_reply.text == fa("staff-only")
    actions = [entry.action for entry in await chat.store.latest_audit()]
    assert "add_staff" in actions
    assert "remove_staff" in actions


async def test_an_invite_code_works_once(chat) -> None:
    admin, reza, sara = chat.user(user_id=ADMIN_ID), chat.user(), chat.user()
    await admin.send("/invite")
    code = re.search(r"S-[2-9A-HJ-NP-Z]{8}", admin.last_reply.text).group(0)
    await reza.send(f"/join {code.lower()}")
    assert reza.last_reply.text == fa("staff-joined")
    await sara.send(f"/join {code}")
    assert sara.last_reply.text == fa("staff-invite-invalid")
    await reza.send("/audit")
    assert fa("staff-audit-title") in reza.last_reply.text


@pytest.mark.parametrize("command", ["/addstaff 5", "/removestaff 5", "/invite"])
async def test_only_admins_manage_staff(chat, command) -> None:
    staff_member = chat.user()
    await staff_member.send("/start")
    await chat.store.set_staff_role_by_id("telegram", staff_member.id, StaffRole.STAFF)
    await staff_member.send(command)
    assert staff_member.last_reply.text == fa("admin-only")


async def test_the_queue_lists_reported_payments_first_and_opens_them(chat, pledged) -> None:
    donor, reference = pledged
    await donor.click(fa("pledge-paid-button"))  # reported
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/queue")
    assert admin.last_reply.buttons[0][0].startswith(reference)
    await admin.click(reference)
    assert fa("staff-confirm-button") in admin.last_reply.buttons[0]


async def test_an_admin_can_undo_a_wrong_confirmation_and_the_donor_is_told(chat, pledged):
    donor, reference = pledged
    await pledges_domain.confirm_payment(chat.store, reference=reference, bank_reference="1",
                                         now=0)  # fmt: skip
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send(f"/undo {reference.lower()}")
    assert admin.last_reply.text == fa("staff-undone", reference=reference)
    pledge = await chat.store.pledge(reference)
    assert pledge.status is PledgeStatus.PAYMENT_REPORTED
    need = await chat.store.need(pledge.need_id)
    assert (need.paid, need.reserved) == (0, pledge.amount)
    await deliver_outbox(HamdeliContext(chat.application))
    assert donor.last_reply.text.startswith(
        fa(
            "pledge-unconfirmed-notice",
            reference=reference,
            amount="۱٬۰۰۰٬۰۰۰ تومان",
            code=need.code,
        )[:30]
    )
    assert "undo_confirmation" in [e.action for e in await chat.store.latest_audit()]


async def test_a_household_lookup_shows_the_record_and_is_audited(chat) -> None:
    code = "004123456" + str(national_code_check_digit("004123456"))
    province = (await chat.store.provinces())[0]
    await chat.store.upsert_beneficiaries(
        [Beneficiary(code, "Test Head", "+989121234567", province.id, province.cities[0].id, 3, 2)],
        now=0,
    )
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send(f"/household {code}")
    assert "Test Head" in admin.last_reply.text
    assert "۰۹۱۲۱۲۳۴۵۶۷" in admin.last_reply.text  # the phone as dialled, in Persian digits
    assert code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in admin.last_reply.text
    [entry] = [e for e in await chat.store.latest_audit() if e.action == "view_beneficiary"]
    assert entry.subject_id == code
    stranger = chat.user()
    await stranger.send(f"/household {code}")
    assert stranger.last_reply.text == fa("staff-only")


async def test_staff_mark_a_need_delivered_and_paying_donors_are_told(chat, pledged) -> None:
    donor, reference = pledged
    await pledges_domain.confirm_payment(chat.store, reference=reference, bank_reference="1",
                                         now=0)  # fmt: skip
    code = (await chat.store.need((await chat.store.pledge(reference)).need_id)).code
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send(f"/delivered {code}")
    await admin.click(fa("staff-deliver-yes-button"))  # asks once first (issue #9)
    assert admin.last_reply.text == fa("staff-delivered", code=code, donors=1)
    await deliver_outbox(HamdeliContext(chat.application))
    assert donor.last_reply.text.startswith("🎉")


async def test_closing_a_need_hides_it_and_tells_unpaid_donors_not_to_pay(chat, pledged):
    donor, reference = pledged
    need = await chat.store.need((await chat.store.pledge(reference)).need_id)
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send(f"/close {need.code}")
    assert admin.last_reply.text == fa("staff-close-usage")
    await admin.send(f"/close {need.code} the family moved")
    await admin.click(fa("staff-close-yes-button"))  # asks once first (issue #9)
    assert admin.last_reply.text == fa("staff-closed", code=need.code, donors=1, paid=0)
    await deliver_outbox(HamdeliContext(chat.application))
    assert donor.last_reply.text == fa("pledge-need-closed-notice", code=need.code,
                                       reference=reference, amount="۱٬۰۰۰٬۰۰۰ تومان")  # fmt: skip
    assert (await chat.store.pledge(reference)).status is PledgeStatus.CANCELLED
    assert (await chat.store.need(need.id)).reserved == 0  # its share went back
    await donor.send(need.code)
    assert donor.last_reply.text.startswith(fa("need-not-found"))


async def test_stats_show_users_needs_pledges_and_money(chat, pledged) -> None:
    donor, reference = pledged
    await pledges_domain.confirm_payment(chat.store, reference=reference, bank_reference="1",
                                         now=0)  # fmt: skip
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/stats")
    text = next(m.text for m in reversed(admin.replies) if m.text)  # the chart follows it
    assert text.startswith(fa("stats-title"))
    assert fa("stats-count-line", label=fa("pledge-status-paid"), count=1) in text
    assert fa("stats-money", raised="۱٬۰۰۰٬۰۰۰ تومان", target="۵٬۰۰۰٬۰۰۰ تومان") in text
    await donor.send("/stats")
    assert donor.last_reply.text == fa("staff-only")


async def test_stats_name_the_provinces_that_raised_most_then_alphabetically_then_the_rest(
    chat,
) -> None:
    """Staff read first the province that raised most; provinces level with each other come
    in Persian alphabetical order (the store returns them in no order); past ten, one line
    counts the rest, so the provinces shown add up to the total above them."""
    provinces = by_name(await chat.store.provinces(), "fa")[:12]
    await chat.store.upsert_needs(
        [NeedDraft(city_id=province.cities[0].id, province_id=province.id,
                   category=NeedCategory.MEDICAL, kind=NeedKind.MONEY, target=50_000_000,
                   description_fa="دارو", external_id=f"p{i}")
         for i, province in enumerate(provinces)],
        now=0,
    )  # fmt: skip
    [(code,)] = await chat.store._fetchall("SELECT code FROM needs WHERE external_id = 'p11'")
    reference = await pledge_million(chat.user(), code)  # the alphabetically last province
    await pledges_domain.confirm_payment(chat.store, reference=reference, bank_reference="1",
                                         now=0)  # fmt: skip
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/stats")
    text = next(m.text for m in reversed(admin.replies) if m.text)

    def line(province, raised: str) -> str:
        return fa("stats-province-line", province=province.name("fa"), raised=raised,
                  target="۵٬۰۰۰٬۰۰۰ تومان")  # fmt: skip

    expected = [
        line(provinces[11], "۱٬۰۰۰٬۰۰۰ تومان"),
        *(line(province, "۰ تومان") for province in provinces[:9]),
        fa("stats-province-others", count=2, raised="۰ تومان", target="۱۰٬۰۰۰٬۰۰۰ تومان"),
    ]
    assert "\n".join(expected) in text
    assert fa("stats-money", raised="۱٬۰۰۰٬۰۰۰ تومان", target="۶۰٬۰۰۰٬۰۰۰ تومان") in text


def test_the_stats_chart_is_a_valid_png_with_persian_labels() -> None:
    png = raised_vs_target_png([("تهران", 10_000_000, 50_000_000), ("اصفهان", 0, 20_000_000)],
                               "پرداخت‌شده در برابر هدف", ("پرداخت‌شده", "هدف"), "fa")  # fmt: skip
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 1000


async def test_stats_also_send_the_chart_as_a_photo(chat, pledged) -> None:
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/stats")
    assert admin.last_reply.has_photo
    assert chat.emulator.calls_to("sendPhoto")[-1].status == 200


async def test_staff_see_the_receipt_photo_the_donor_sent(chat, pledged) -> None:
    donor, reference = pledged
    await donor.click(fa("pledge-paid-button"))
    await donor.send_photo()
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/queue")
    await admin.click(reference)
    photos = [m for m in admin.replies if m.has_photo]
    assert photos
    assert photos[-1].text == fa("staff-receipt")
    assert fa("staff-confirm-button") in admin.last_reply.buttons[0]


async def test_the_export_button_sends_a_csv_document_and_is_audited(chat, pledged) -> None:
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/start")
    await admin.click(fa("role-staff-button"))
    await admin.click(fa("staff-export-button"))
    assert admin.last_reply.has_document
    assert admin.last_reply.text == fa("staff-export-caption", count=1)
    assert "export_pledges" in [e.action for e in await chat.store.latest_audit()]


async def test_staff_list_one_needs_pledges_by_its_code(chat, pledged) -> None:
    _, reference = pledged
    code = (await chat.store._fetchall("SELECT code FROM needs"))[0][0]
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/start")
    await admin.send(f"/queue {code.lower()}")
    assert any(reference in label for row in admin.last_reply.buttons for label in row)
    await admin.send("/queue H7K2QD")  # no such need: staff are pointed to /needs (issue #9)
    assert admin.last_reply.text == fa("staff-need-not-found", code="H7K2QD")


async def test_closing_a_need_tells_donors_who_already_paid_that_it_is_safe(chat, pledged):
    donor, reference = pledged
    await pledges_domain.confirm_payment(chat.store, reference=reference, bank_reference="1",
                                         now=0)  # fmt: skip
    need = await chat.store.need((await chat.store.pledge(reference)).need_id)
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send(f"/close {need.code} duplicate case")
    await admin.click(fa("staff-close-yes-button"))
    assert admin.last_reply.text == fa("staff-closed", code=need.code, donors=0, paid=1)
    await deliver_outbox(HamdeliContext(chat.application))
    # Issue #10 (no toman without a home): the paid money becomes the donor's credit, and the
    # donor is asked where it goes (tests/test_credits.py), instead of "staff settle it".
    closed = fa("credit-need-closed-notice", code=need.code, reference=reference,
                amount="۱٬۰۰۰٬۰۰۰ تومان")  # fmt: skip
    assert donor.last_reply.text.startswith(closed)
    assert (await chat.store.pledge(reference)).status is PledgeStatus.CANCELLED
    [credit] = await chat.store.credits_of_donor("telegram", donor.id)
    assert credit.unallocated == 1_000_000 * 10
    assert await chat.store.ledger_problems() == []
    await admin.send(f"/close {need.code} again")
    assert admin.last_reply.text == fa("staff-need-already-closed", code=need.code)


async def test_a_long_queue_is_paged_and_says_how_many_wait(chat) -> None:
    province = (await chat.store.provinces())[0]
    await chat.store.upsert_needs(
        [NeedDraft(city_id=province.cities[0].id, province_id=province.id,
                   category=NeedCategory.MEDICAL, kind=NeedKind.MONEY, target=10**12,
                   description_fa="دارو", external_id="big")],
        now=0,
    )  # fmt: skip
    (code,) = (await chat.store._fetchall("SELECT code FROM needs"))[0]
    for _ in range(12):
        await pledge_million(chat.user(), code)
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/queue")
    assert admin.last_reply.text == fa("staff-queue-title", total=12, page=1, pages=2)
    await admin.click(fa("button-next"))
    assert admin.last_reply.text == fa("staff-queue-title", total=12, page=2, pages=2)
    assert sum(label.startswith("P-") for row in admin.last_reply.buttons for label in row) == 2


async def test_staff_who_are_not_admins_cannot_undo_a_confirmation(chat, pledged) -> None:
    _, reference = pledged
    await pledges_domain.confirm_payment(chat.store, reference=reference, bank_reference="1",
                                         now=0)  # fmt: skip
    admin, reza = chat.user(user_id=ADMIN_ID), chat.user()
    await reza.send("/start")
    await admin.send(f"/addstaff {reza.id}")
    await reza.send(f"/undo {reference}")
    assert reza.last_reply.text == fa("admin-only")
    assert (await chat.store.pledge(reference)).status is PledgeStatus.PAID
