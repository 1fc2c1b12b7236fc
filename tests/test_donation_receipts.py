"""The donor's receipt: the thanks message states the four facts (pledge code, amount, Jalali
date and time, transaction id), and "🧾 Receipt (PDF)" sends a document the donor can keep,
naming the welfare organization, shaped Persian, and nothing about the family.

Driven through the real Application and the emulator; the PDF's bytes are what the emulator
received with sendDocument, read back with pypdf.
"""

# ruff: noqa: F401, F811  (tests take the imported `needs` fixture by name)

from __future__ import annotations

import datetime as dt
import io
import re
import zoneinfo

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from bot import callbacks
from bot.domain import pledges
from bot.domain.donation_receipts import DonationReceipt
from bot.models import NeedCategory, PledgeStatus
from bot.text import format_clock, format_date, to_persian_digits
from bot.views import donation_receipt as views
from tests.test_donor_journey import (
    PRIVATE_CODES,
    PRIVATE_NAMES,
    PRIVATE_PHONES,
    TOMAN,
    donor,
    en,
    fa,
    needs,
    open_help,
    pledge_on,
)
from tests.test_payments import CARD, PAY_NOW, TELEGRAM_TOKEN, assert_ledger, thanks_sent

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")
RECEIPT = "🧾"
PERSIAN_RUN = re.compile(r"[۰-۹٬:]+")


ORGANIZATION = "ادارهٔ بهزیستی استان تهران"


@pytest.fixture
async def chat(start_app):
    """In-chat payment on; the organization's name and phone set (receipts print them)."""
    return await start_app(
        payment_provider_token=TELEGRAM_TOKEN,
        organization_name=ORGANIZATION,
        office_phone="021-6655 1234",
    )


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def visual(piece: str) -> str:
    """`piece` as a PDF text extractor reads it back from a right-to-left line: runs of
    Persian digits come out in the order they are drawn (left to right), i.e. reversed."""
    return PERSIAN_RUN.sub(lambda m: m.group(0)[::-1], piece)


def assert_shows(text: str, piece: str) -> None:
    assert piece in text or visual(piece) in text, (piece, text)


def assert_nothing_about_the_family(text: str) -> None:
    for secret in (
        *PRIVATE_CODES,
        *PRIVATE_NAMES,
        *PRIVATE_PHONES,
        *(p[3:] for p in PRIVATE_PHONES),
    ):
        for form in (secret, to_persian_digits(secret), visual(to_persian_digits(secret))):
            assert form not in text


def when(moment: int, t) -> tuple[str, str]:
    at = dt.datetime.fromtimestamp(moment, TEHRAN)
    return format_date(at.date(), t.language), format_clock(at, t.language)


async def paid_in_chat(chat, person, code: str, typed: str) -> str:
    reference = await pledge_on(person, code, typed)
    await person.click(PAY_NOW)
    assert (await person.pay()).approved
    assert await thanks_sent(chat, person) == 1
    return reference


async def test_paying_in_the_chat_thanks_with_the_four_facts_and_sends_a_receipt_pdf(
    chat, needs
) -> None:
    sara = await donor(chat)
    code = needs["codes"]["t2"]
    reference = await paid_in_chat(chat, sara, code, "۲ میلیون")
    [payment] = await chat.store.payments_of_pledge(reference)
    date, time = when(payment.paid_at, fa)
    thanks = sara.last_reply
    assert thanks.text == fa(
        "donation-receipt-notice", reference=reference, code=code, amount="۲٬۰۰۰٬۰۰۰ تومان",
        date=date, time=time,
        transaction=fa("donation-receipt-notice-charge", charge=payment.charge_id),
    )  # fmt: skip
    assert "۱۴۰" in thanks.text  # a Jalali year
    assert re.fullmatch("[۰-۹]{2}:[۰-۹]{2}", time)
    assert thanks.buttons[0] == [fa("donation-receipt-button")]

    await sara.click(fa("donation-receipt-button"))
    document = sara.last_reply
    assert document.has_document
    assert document.uploaded
    assert document.file_name == f"hamdeli-receipt-{reference}.pdf"
    assert document.text == fa("donation-receipt-caption", reference=reference)
    text = pdf_text(chat.emulator.upload_of(document).content)
    for piece in (
        ORGANIZATION,
        fa("donation-receipt-title"),
        reference,
        code,
        fa("category-medical"),
        "۲٬۰۰۰٬۰۰۰",  # toman, Persian digits and separators
        "۲۰٬۰۰۰٬۰۰۰",  # rials, as tax forms count
        date,
        time,
        payment.charge_id,
        payment.provider_charge_id,
        *("۰۲۱", "۶۶۵۵", "۱۲۳۴"),  # the office phone (OFFICE_PHONE), in Persian digits
    ):
        assert_shows(text, piece)
    assert_nothing_about_the_family(text)
    assert not re.search("[0-9]{3},[0-9]{3}", text)  # every amount in Persian digits
    await assert_ledger(chat.store)


async def test_an_english_donor_gets_the_thanks_and_the_receipt_in_english(chat, needs) -> None:
    john = await donor(chat, lang="en")
    code = needs["codes"]["t2"]
    await open_help(john, code)
    await john.send("2000000")
    await john.click(en("pledge-confirm-button"))
    reference = re.search(r"P-[2-9A-HJ-NP-Z]{6}", john.last_reply.text).group(0)
    await john.click("💳 Pay now")
    assert (await john.pay()).approved
    assert await thanks_sent(chat, john) == 1
    [payment] = await chat.store.payments_of_pledge(reference)
    date, time = when(payment.paid_at, en)
    assert john.last_reply.text == en(
        "donation-receipt-notice", reference=reference, code=code, amount="2,000,000 toman",
        date=date, time=time,
        transaction=en("donation-receipt-notice-charge", charge=payment.charge_id),
    )  # fmt: skip
    await john.click(en("donation-receipt-button"))
    text = pdf_text(chat.emulator.upload_of(john.last_reply).content)
    for piece in (
        ORGANIZATION,  # ORGANIZATION_NAME, as set, in any language
        "Phone: 021-6655 1234",
        en("donation-receipt-title"),
        f"{en('donation-receipt-label-reference')} {reference}",
        f"{code} · {en('category-medical')}",
        "2,000,000 toman (20,000,000 rials)",
        f"{date}, {time}",
        payment.charge_id,
        payment.provider_charge_id,
    ):
        assert piece in text, (piece, text)
    assert_nothing_about_the_family(text)


def test_without_organization_name_the_receipt_names_the_state_welfare_organization() -> None:
    for t in (fa, en):
        by = views.issuer(t, "  ", "")
        assert by == views.Issuer(t("donation-receipt-organization"), "")
        text = pdf_text(views.receipt_pdf(t, _receipt(), by, TEHRAN, 1_764_000_000))
        assert t("donation-receipt-organization") in text
    assert "State Welfare Organization of Iran" in en("donation-receipt-organization")


async def test_a_payment_staff_confirmed_by_hand_has_a_receipt_with_its_bank_tracking_number(
    chat, needs
) -> None:
    sara = await donor(chat)
    code = needs["codes"]["t1"]
    reference = await pledge_on(sara, code, "۱ میلیون")
    now = int(chat.application.services.clock())
    await pledges.confirm_payment(chat.store, reference=reference, bank_reference="778899",
                                  now=now)  # fmt: skip
    assert await thanks_sent(chat, sara) == 1
    date, time = when(now, fa)
    assert sara.last_reply.text == fa(
        "donation-receipt-notice", reference=reference, code=code, amount="۱٬۰۰۰٬۰۰۰ تومان",
        date=date, time=time,
        transaction=fa("donation-receipt-notice-tracking", tracking="۷۷۸۸۹۹"),
    )  # fmt: skip
    await sara.click(fa("donation-receipt-button"))
    text = pdf_text(chat.emulator.upload_of(sara.last_reply).content)
    for piece in (reference, "۱٬۰۰۰٬۰۰۰", fa("donation-receipt-way-staff").split("،")[0],
                  fa("donation-receipt-label-tracking"), "۷۷۸۸۹۹", date, time):  # fmt: skip
        assert_shows(text, piece)
    assert fa("donation-receipt-label-charge") not in text
    assert_nothing_about_the_family(text)


async def test_a_payment_confirmed_without_a_bank_tracking_number_says_the_office_confirmed_it(
    chat, needs
) -> None:
    sara = await donor(chat)
    reference = await pledge_on(sara, needs["codes"]["t1"], "۱ میلیون")
    await pledges.confirm_payment(chat.store, reference=reference, bank_reference=None,
                                  now=int(chat.application.services.clock()))  # fmt: skip
    assert await thanks_sent(chat, sara) == 1
    assert sara.last_reply.text.endswith(fa("donation-receipt-notice-no-tracking"))
    await sara.click(fa("donation-receipt-button"))
    text = pdf_text(chat.emulator.upload_of(sara.last_reply).content)
    assert_shows(text, fa("donation-receipt-no-tracking").split(" (")[0])
    assert_shows(text, reference)


async def test_my_pledges_offers_the_receipt_for_paid_money_pledges_only(chat, needs) -> None:
    sara = await donor(chat)
    paid = await paid_in_chat(chat, sara, needs["codes"]["t2"], "۲ میلیون")
    unpaid = await pledge_on(sara, needs["codes"]["t1"], "۱ میلیون")
    items = await pledge_on(sara, needs["codes"]["t3"], "۱")
    await pledges.confirm_payment(chat.store, reference=items, bank_reference=None,
                                  now=int(chat.application.services.clock()))  # fmt: skip
    await sara.click_data(callbacks.my_pledges())
    labels = [label for row in sara.last_reply.buttons for label in row]
    assert fa("donation-receipt-pledge-button", reference=paid) in labels
    assert not any(RECEIPT in label and unpaid in label for label in labels)
    assert not any(RECEIPT in label and items in label for label in labels)
    await sara.click(fa("donation-receipt-pledge-button", reference=paid))
    document = sara.last_reply
    assert document.file_name == f"hamdeli-receipt-{paid}.pdf"
    assert_shows(pdf_text(chat.emulator.upload_of(document).content), paid)
    await sara.click_data(callbacks.donation_receipt(items))  # a forged press: goods
    assert sara.last_answer == fa("donation-receipt-items")


async def test_a_receipt_button_for_a_pledge_not_paid_says_so_and_shows_the_way_on(
    chat, needs
) -> None:
    sara = await donor(chat)
    reference = await pledge_on(sara, needs["codes"]["t1"], "۱ میلیون")
    sent = len(chat.emulator.calls_to("sendDocument"))
    await sara.click_data(callbacks.donation_receipt(reference))
    assert sara.last_answer == fa("donation-receipt-not-paid")
    assert sara.last_reply.text.startswith(fa("donation-receipt-not-paid"))
    assert [fa("button-my-pledges")] in sara.last_reply.buttons
    reza = await donor(chat)  # someone else's pledge: nothing about it
    await reza.click_data(callbacks.donation_receipt(reference))
    assert reza.last_answer == fa("pledge-not-found")
    assert len(chat.emulator.calls_to("sendDocument")) == sent
    assert (await chat.store.pledge(reference)).status is PledgeStatus.AWAITING_PAYMENT


async def test_the_receipt_button_works_after_a_restart(start_app, chat, needs) -> None:
    """Nothing is kept in memory: a new process makes the same receipt from the store."""
    sara = await donor(chat)
    reference = await paid_in_chat(chat, sara, needs["codes"]["t2"], "۲ میلیون")
    thanks = sara.last_reply
    await chat.application.shutdown()
    again = await start_app(emulator=chat.emulator, payment_provider_token=TELEGRAM_TOKEN)
    sara_again = again.user(user_id=sara.id)
    await sara_again.click(fa("donation-receipt-button"), message_id=thanks.message_id)
    text = pdf_text(again.emulator.upload_of(sara_again.last_reply).content)
    assert_shows(text, reference)


def test_the_persian_receipt_is_shaped_joined_letters_not_isolated_ones() -> None:
    """HarfBuzz draws each Persian letter in its contextual form (initial, medial, final):
    one letter, several glyphs. The PDF's ToUnicode map tells which glyphs stand for which
    letter; unshaped text (what fpdf2 draws without text shaping) has one glyph per letter,
    so "رسید" would be four isolated letters. A receipt rendered without shaping fails."""
    forms = _glyphs_per_letter(_receipt_pdf("fa"))
    assert {chr(0x06A9), chr(0x0647), chr(0x06CC)} <= {c for c, n in forms.items() if n >= 2}
    unshaped = _glyphs_per_letter(_unshaped_pdf("رسید کمک نقدی بهزیستی"))
    assert max(unshaped.values()) == 1  # the check can tell the difference


def test_every_character_of_the_receipt_is_in_the_font() -> None:
    """No empty boxes: the bundled DejaVu Sans has every letter, digit and sign used."""
    cmap = TTFont(views.FONT).getBestCmap()
    for language, t in (("fa", fa), ("en", en)):
        for receipt in (_receipt(), _receipt(tracking="778899"), _receipt(tracking=None)):
            rows = views.receipt_rows(t, receipt, TEHRAN)
            words = [
                t(f"donation-receipt-{m}") for m in ("organization", "title", "subtitle", "privacy")
            ]
            used = set("".join([*words, *(label + value for label, value in rows)]))
            missing = {c for c in used if ord(c) not in cmap and c.isprintable()}
            assert not missing, (language, missing)


def _receipt(**fields) -> DonationReceipt:
    charge = (
        {} if "tracking" in fields else {"charge_id": "te-charge-1", "provider_charge_id": "p-1"}
    )
    return DonationReceipt("P-8F3K2Q", "H7K2QD", NeedCategory.DOWRY, 25_000_000, 1_764_000_000,
                           **charge, **fields)  # fmt: skip


def _receipt_pdf(language: str) -> bytes:
    t = fa if language == "fa" else en
    return views.receipt_pdf(t, _receipt(), views.issuer(t, "", ""), TEHRAN, 1_764_000_000)


def _unshaped_pdf(text: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("dejavu", "", str(views.FONT))
    pdf.set_font("dejavu", "", 12)
    pdf.cell(0, 10, text)
    return bytes(pdf.output())


def _glyphs_per_letter(data: bytes) -> dict[str, int]:
    """Persian letter -> how many glyphs of one font draw it (from the ToUnicode maps)."""
    reader = PdfReader(io.BytesIO(data))
    most: dict[str, int] = {}
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        cmap = font.get_object()["/ToUnicode"].get_object().get_data().decode()
        glyphs: dict[str, set[str]] = {}
        for glyph, code in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]{4})>", cmap):
            glyphs.setdefault(chr(int(code, 16)), set()).add(glyph)
        for letter, drawn in glyphs.items():
            if "\u0620" <= letter <= "\u06d3":  # Arabic-script letters
                most[letter] = max(most.get(letter, 0), len(drawn))
    return most
