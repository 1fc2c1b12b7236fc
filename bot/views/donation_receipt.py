"""The donor's receipt as a PDF they can keep (and a tax office can read), and its button.

Why a PDF and not an image: its text stays text (searchable, copyable, sharp when printed),
and it is a few kilobytes. fpdf2 lays it out; with text shaping on it hands every line to
HarfBuzz (uharfbuzz), which joins Persian letters into their contextual forms and orders the
runs right to left, so "رسید" is drawn joined rather than as four isolated letters.

The font is DejaVu Sans, which has the Persian letters and digits. It is the copy matplotlib
(a dependency, for /stats charts) ships inside its package, licence file beside it, so a fresh
machine needs no system font package and the repository carries no font file.

Rendering is synchronous and takes a fraction of a second: callers use `asyncio.to_thread`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from telegram import InlineKeyboardButton

from bot.callbacks import Button
from bot.domain.donation_receipts import DonationReceipt
from bot.i18n import Translator
from bot.text import (
    format_clock,
    format_number,
    format_toman,
    to_persian_digits,
    uses_persian_digits,
)
from bot.views.screen import button

FONT_DIR = Path(str(resources.files("matplotlib").joinpath("mpl-data", "fonts", "ttf")))
FONT, FONT_BOLD = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
PAGE = (148.0, 210.0)  # A5, in millimetres: a receipt, not a letter
MARGIN, LINE, GAP, LABEL_WIDTH = 14.0, 7.0, 1.5, 46.0
GREY, INK = (110, 110, 110), (20, 20, 20)
LEFT_TO_RIGHT = "\u2066{}\u2069"  # a bidi isolate: a phone number inside a Persian sentence


@dataclass(frozen=True)
class Issuer:
    """Who issues the receipt: the organization's name (ORGANIZATION_NAME, or the locale's
    default) and the office phone when one is set."""

    organization: str
    phone: str = ""


def receipt_button(t: Translator, reference: str, *, named: bool = False) -> InlineKeyboardButton:
    """Under the thanks it needs no name; in "My pledges", among several, it names its pledge."""
    label = t("donation-receipt-pledge-button", reference=reference) if named else None
    return button(label or t("donation-receipt-button"), Button.DONATION_RECEIPT(reference))


def file_name(receipt: DonationReceipt) -> str:
    """Latin and fixed, so every phone saves it under the same readable name."""
    return f"hamdeli-receipt-{receipt.reference}.pdf"


def issuer(t: Translator, organization_name: str, office_phone: str) -> Issuer:
    return Issuer(organization_name.strip() or t("donation-receipt-organization"), office_phone)


def _when(t: Translator, moment: int, tz: dt.tzinfo) -> tuple[dt.date, str]:
    at = dt.datetime.fromtimestamp(moment, tz)
    return at.date(), format_clock(at, t.language)


def _digits(t: Translator, text: str) -> str:
    return to_persian_digits(text) if uses_persian_digits(t.language) else text


def paid_notice(t: Translator, args: dict[str, Any], now: int, tz: dt.tzinfo, amount: str) -> str:
    """The thanks after a money pledge is paid, which is also the donor's receipt in the
    chat: the pledge code, the amount, the Jalali date and time, and the transaction id (the
    platform's charge id when paid in the chat, the bank tracking number staff typed when
    confirmed by hand). A row queued before these facts were kept falls back to its send
    time and the office's confirmation."""
    paid_at = args.get("paid_at")
    date, time = _when(t, paid_at if isinstance(paid_at, int) else now, tz)
    if args.get("charge_id"):
        proof = t("donation-receipt-notice-charge", charge=str(args["charge_id"]))
    elif args.get("tracking"):
        proof = t("donation-receipt-notice-tracking", tracking=_digits(t, str(args["tracking"])))
    else:
        proof = t("donation-receipt-notice-no-tracking")
    return t("donation-receipt-notice", reference=str(args["reference"]), code=str(args["code"]),
             amount=amount, date=date, time=time, transaction=proof)  # fmt: skip


def receipt_rows(t: Translator, receipt: DonationReceipt, tz: dt.tzinfo) -> list[tuple[str, str]]:
    """(label, value) lines of the receipt, in the reader's language and digits. Transaction
    ids stay as the platform and bank wrote them: they are matched, not read aloud."""
    date, time = _when(t, receipt.paid_at, tz)
    rows = [
        (t("donation-receipt-label-reference"), receipt.reference),
        (t("donation-receipt-label-need"), t("donation-receipt-need", code=receipt.need_code,
                                             category=t(f"category-{receipt.category.value}"))),
        (t("donation-receipt-label-amount"), t(
            "donation-receipt-amount",
            toman=format_toman(receipt.amount, t.language),
            rials=format_number(receipt.amount, t.language),
        )),
        (t("donation-receipt-label-paid-at"), t("donation-receipt-when", date=date, time=time)),
    ]  # fmt: skip
    if receipt.paid_in_chat:
        rows.append((t("donation-receipt-label-way"), t("donation-receipt-way-chat")))
        rows.append((t("donation-receipt-label-charge"), str(receipt.charge_id)))
        if receipt.provider_charge_id:
            rows.append((t("donation-receipt-label-provider-charge"), receipt.provider_charge_id))
        return rows
    rows.append((t("donation-receipt-label-way"), t("donation-receipt-way-staff")))
    tracking = receipt.tracking and t(
        "donation-receipt-tracking", tracking=_digits(t, receipt.tracking)
    )
    rows.append(
        (t("donation-receipt-label-tracking"), tracking or t("donation-receipt-no-tracking"))
    )
    return rows


def receipt_pdf(
    t: Translator, receipt: DonationReceipt, by: Issuer, tz: dt.tzinfo, issued_at: int
) -> bytes:
    """The receipt as PDF bytes: the organization, what was given, when, and the proof."""
    pdf = _document(t, by, issued_at, tz)
    rtl = uses_persian_digits(t.language)  # Persian reads right to left
    _centred(pdf, by.organization, 15, bold=True)
    if by.phone:
        phone = _digits(t, by.phone)
        phone = LEFT_TO_RIGHT.format(phone) if rtl else phone  # "021-6655 1234" keeps its order
        _centred(pdf, t("donation-receipt-phone", phone=phone), 10)
    _centred(pdf, t("donation-receipt-subtitle"), 9, colour=GREY)
    pdf.ln(3)
    pdf.line(MARGIN, pdf.get_y(), PAGE[0] - MARGIN, pdf.get_y())
    pdf.ln(4)
    _centred(pdf, t("donation-receipt-title"), 14, bold=True)
    pdf.ln(3)
    for label, value in receipt_rows(t, receipt, tz):
        _row(pdf, label, value, rtl)
    pdf.ln(6)
    _paragraph(pdf, t("donation-receipt-privacy"), rtl)
    date, time = _when(t, issued_at, tz)
    _paragraph(pdf, t("donation-receipt-issued", date=date, time=time), rtl)
    return bytes(pdf.output())


def _document(t: Translator, by: Issuer, issued_at: int, tz: dt.tzinfo) -> FPDF:
    pdf = FPDF(format=PAGE)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, MARGIN)
    pdf.add_font("dejavu", "", str(FONT))
    pdf.add_font("dejavu", "B", str(FONT_BOLD))
    pdf.set_text_shaping(True)
    pdf.set_title(t("donation-receipt-title"))
    pdf.set_author(by.organization)
    pdf.set_creation_date(dt.datetime.fromtimestamp(issued_at, tz))
    pdf.add_page()
    pdf.set_text_color(*INK)
    return pdf


def _centred(
    pdf: FPDF, text: str, size: float, *, bold: bool = False, colour: tuple[int, ...] = INK
) -> None:
    pdf.set_font("dejavu", "B" if bold else "", size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, size * 0.55, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)


def _row(pdf: FPDF, label: str, value: str, rtl: bool) -> None:
    """Label and value side by side: the label on the reading side (right in Persian)."""
    width = PAGE[0] - 2 * MARGIN
    label_x = MARGIN + width - LABEL_WIDTH if rtl else MARGIN
    value_x = MARGIN if rtl else MARGIN + LABEL_WIDTH
    align = "R" if rtl else "L"
    top = pdf.get_y()
    pdf.set_font("dejavu", "B", 10)
    pdf.set_xy(label_x, top)
    pdf.cell(LABEL_WIDTH, LINE, label, align=align)
    pdf.set_font("dejavu", "", 11)
    if pdf.get_string_width(value) > width - LABEL_WIDTH:  # a long transaction id: one line
        pdf.set_font_size(8.5)
    pdf.set_xy(value_x, top)
    pdf.multi_cell(width - LABEL_WIDTH, LINE, value, align=align, new_x=XPos.LMARGIN)
    pdf.set_y(max(pdf.get_y(), top + LINE) + GAP)


def _paragraph(pdf: FPDF, text: str, rtl: bool) -> None:
    pdf.set_font("dejavu", "", 9)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(0, 5, text, align="R" if rtl else "L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
