"""What donors see: the donor menu, provinces, cities, pages of need cards.

Privacy is built in here: a card is made only from a need's public fields (code, category,
description, amounts, deadline) and a place name the caller chose — the city when it is
named, the province when the city is too small to name (k-anonymity). Nothing here can see
a beneficiary's national code, name or phone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from bot.callbacks import Button
from bot.config import Settings
from bot.domain.browse import PlaceName, Same
from bot.domain.donation_receipts import has_receipt
from bot.domain.payments import can_pay_in_chat
from bot.domain.pledges import PledgeRefused
from bot.i18n import Translator
from bot.models import (
    City,
    Need,
    NeedCategory,
    NeedKind,
    NeedStatus,
    Persona,
    Pledge,
    PledgeStatus,
    Province,
)
from bot.platform import utf16_length
from bot.text import (
    days_until,
    format_clock,
    format_number,
    format_percent,
    format_toman,
    localize_number,
    to_ascii_digits,
)
from bot.text.collation import alphabetical, by_name, collation_key
from bot.views import donation_receipt
from bot.views.payments import pay_button
from bot.views.screen import Screen, button, footer, keyboard, page_row, user_text

BAR_SEGMENTS = 10
PAGE_SIZE = 5
RLM, LRM = "\u200f", "\u200e"
PAID, PROMISED, OPEN = "▓", "▒", "░"  # the progress bar's segments; the amounts line names them
ENDED = frozenset({NeedStatus.FUNDED, NeedStatus.DELIVERED, NeedStatus.EXPIRED, NeedStatus.CLOSED})
HELP_NAME_CHARS = 24  # a help button names its need in about this many characters
# A page of cards stays under the platforms' 4,096-character limit with room to spare (the
# limit is counted in UTF-16 units, where an emoji is two); descriptions are cut to fit.
PAGE_TEXT_BUDGET = 3800
DESCRIPTION_STEPS = (1000, 600, 400, 250, 150, 80)


def direction_mark(language: str) -> str:
    """Starts a line that mixes words, digits and glyphs, so every client lays it out
    in the reader's direction (right-to-left for Persian)."""
    return RLM if language == "fa" else LRM


def amount_text(t: Translator, need: Need, value: int) -> str:
    """A money amount in toman, or a count of the need's item."""
    if need.kind is NeedKind.MONEY:
        return t("amount-toman", amount=format_toman(value, t.language))
    return t("amount-items", count=value, item=item_name(t, need))


def item_name(t: Translator, need: Need) -> str:
    """The need's item in the reader's language: English when it has an English name."""
    return in_language(t, need.item_name, need.item_name_en)


def in_language(t: Translator, persian: object, english: object) -> str:
    """A name given in Persian and optionally in English, as this reader should see it."""
    return str((english if t.language == "en" and english else persian) or "")


def progress_bar(done: int, target: int) -> tuple[str, int]:
    """`▰▰▰▱▱▱▱▱▱▱` and the whole percent, never over 100 (a broadcast's progress)."""
    percent = min(100, done * 100 // target) if target > 0 else 0
    filled = min(BAR_SEGMENTS, round(percent * BAR_SEGMENTS / 100))
    return "▰" * filled + "▱" * (BAR_SEGMENTS - filled), percent


def need_bar(paid: int, promised: int, target: int) -> tuple[str, int]:
    """`▓▓▒▒▒░░░░░` (paid, promised, still open) and the whole percent covered.

    Paid and promised are told apart because a promise can still lapse. Any amount above
    zero shows at least one segment, and the bar is full only when the need is covered.
    """
    covered = paid + promised
    percent = min(100, covered * 100 // target) if target > 0 else 0
    paid_cells = _segments(paid, target)
    covered_cells = _segments(covered, target)
    if promised > 0 and covered_cells == paid_cells:
        covered_cells = min(BAR_SEGMENTS, covered_cells + 1)
        paid_cells = min(paid_cells, covered_cells - 1)
    promised_cells = covered_cells - paid_cells
    bar = PAID * paid_cells + PROMISED * promised_cells + OPEN * (BAR_SEGMENTS - covered_cells)
    return bar, percent


def _segments(value: int, target: int) -> int:
    if value <= 0 or target <= 0:
        return 0
    if value >= target:
        return BAR_SEGMENTS
    return min(BAR_SEGMENTS - 1, max(1, round(value * BAR_SEGMENTS / target)))


def card_place(t: Translator, place: PlaceName) -> str:
    """A card's place: the city, or "Tehran province" when the city may not be named."""
    if place.is_province:
        return t("card-place-province", province=place.name)
    return place.name


def help_name(t: Translator, need: Need) -> str:
    """What a help button calls its need: the item, or the category, kept short."""
    name = item_name(t, need) if need.kind is NeedKind.ITEMS else ""
    name = " ".join(name.split()) or t(f"category-{NeedCategory(need.category).value}")
    if len(name) > HELP_NAME_CHARS:
        name = name[: HELP_NAME_CHARS - 1].rstrip() + "…"
    return name


@cache
def donor_home(t: Translator) -> Screen:
    return Screen(
        t("donor-home"),
        keyboard(
            [button(t("button-browse"), Button.PROVINCES())],
            [button(t("button-my-pledges"), Button.MY_PLEDGES())],
            [button(t("monthly-button"), Button.MK_HOME())],
            [button(t("button-privacy"), Button.PRIVACY())],
            footer(t),
            [button(t("button-main-menu"), Button.MENU_HOME())],
        ),
    )


@lru_cache(maxsize=4096)
def need_card(
    t: Translator,
    need: Need,
    place: str,
    today: dt.date,
    number: int = 0,
    description_limit: int = 1000,
) -> str:
    """One need as donors read it: what, how far along, until when, and where (roughly).

    `place` is already chosen for k-anonymity (a city, or "… province"); `number` is the
    card's place on a page (0: a card on its own). The description was written by staff:
    it is cut to `description_limit` characters (the page offers "more"). Cards are cached
    by their inputs: a Need is an immutable snapshot, so any change in it (a pledge, an
    edit) makes a new key, and formatting five cards is most of a page's cost.
    """
    mark = direction_mark(t.language)
    category = NeedCategory(need.category).value
    title = t(
        "need-card-title",
        icon=t(f"category-icon-{category}"),
        category=t(f"category-{category}"),
        code=need.code,
    )
    if number:
        title = t("card-numbered", number=number, title=title)
    description = user_text(need.description(t.language), description_limit)
    lines = [t("need-urgent") + " " + title if need.urgent else title, description]
    bar, percent = need_bar(need.paid, need.reserved, need.target)
    lines.append(mark + t("need-progress", bar=bar, percent=format_percent(percent, t.language)))
    lines.append(mark + _amounts_line(t, need))
    if need.remaining <= 0:
        lines.append(t("card-fully-pledged"))
    elif need.status in ENDED:
        lines.append(t("card-not-open"))
    elif need.deadline is not None:
        lines.append(mark + _deadline_line(t, need.deadline, today))
    lines.append(t("need-place", place=place))
    return "\n".join(lines)


def can_help(need: Need) -> bool:
    """Whether a card offers "help": only while the need is open and something remains."""
    return need.open and need.remaining > 0


def _amounts_line(t: Translator, need: Need) -> str:
    """The bar's legend in words: paid, promised and still needed, with amounts."""
    return t(
        "card-amounts",
        paid_mark=PAID,
        paid=amount_text(t, need, need.paid),
        promised_mark=PROMISED,
        promised=amount_text(t, need, need.reserved),
        open_mark=OPEN,
        remaining=amount_text(t, need, max(0, need.remaining)),
    )


def _deadline_line(t: Translator, deadline: dt.date, today: dt.date) -> str:
    days = days_until(deadline, today)
    if days <= 0:
        return t("need-deadline-today", date=deadline)
    return t("need-deadline", date=deadline, days=days)


def provinces_screen(
    t: Translator, provinces: Sequence[Province], counts: dict[int, int]
) -> Screen:
    """Provinces that have open needs, with how many, two to a row.

    Cached by value like pages: the counts change only when needs do, and every browse
    starts here. Provinces are reference data, so they are keyed by identity (hashing
    every province with its cities would cost more than the screen).
    """
    return _provinces_screen(t, Same(provinces), tuple(counts.items()))


@lru_cache(maxsize=256)
def _provinces_screen(
    t: Translator, same: Same[Sequence[Province]], counts_items: tuple[tuple[int, int], ...]
) -> Screen:
    provinces: Sequence[Province] = same.value
    counts = dict(counts_items)
    back = [button(t("button-back"), Button.ROLE(Persona.DONOR))]
    if not counts:
        return Screen(t("browse-nothing-open"), keyboard(back))
    buttons = [
        button(
            t("browse-place-count", place=p.name(t.language), count=counts[p.id]),
            Button.CITIES(p.id),
        )
        for p in by_name(provinces, t.language)
        if counts.get(p.id)
    ]
    return Screen(t("browse-provinces"), keyboard(*_pairs(buttons), back))


@dataclass(frozen=True)
class CityChoice:
    """The cities of a province as donors may see them: named ones and the rest, merged."""

    named: Sequence[tuple[City, int]]
    other_count: int


def cities_screen(t: Translator, province: Province, choice: CityChoice) -> Screen:
    """A province's cities that may be named, with counts; cached by value like pages."""
    return _cities_screen(t, Same(province), tuple(choice.named), choice.other_count)


@lru_cache(maxsize=1024)
def _cities_screen(
    t: Translator, same: Same[Province], named: tuple[tuple[City, int], ...], other_count: int
) -> Screen:
    province: Province = same.value
    name = province.name(t.language)
    buttons = [
        button(
            t("browse-place-count", place=city.name(t.language), count=count),
            Button.CITY_PAGE(city.id),
        )
        for city, count in alphabetical(named, t.language, lambda pair: pair[0].name(t.language))
    ]
    rows = _pairs(buttons)
    if other_count:
        rows.append(
            [
                button(
                    t("browse-other-cities", province=name, count=other_count),
                    Button.OTHER_PAGE(province.id),
                )
            ]
        )
    rows.append([button(t("button-back"), Button.PROVINCES())])
    return Screen(t("browse-cities", province=name), keyboard(*rows))


@dataclass(frozen=True)
class PlaceRef:
    """A place donors browse: a named city, or the unnamed small cities of a province.

    Plain values only, so pages built for it can be cached by value.
    """

    name: str
    province_id: int
    city_id: int | None = None  # None: the province's unnamed cities

    card_place: str = ""  # how the cards on its pages name their place

    @classmethod
    def city(cls, city: City, province: Province, t: Translator) -> PlaceRef:
        name = city.name(t.language)
        return cls(name=name, province_id=province.id, city_id=city.id, card_place=name)

    @classmethod
    def other(cls, province: Province, t: Translator) -> PlaceRef:
        """The small cities of a province together: cards name only the province."""
        province_name = province.name(t.language)
        return cls(
            name=t("other-cities-of", province=province_name),
            province_id=province.id,
            card_place=card_place(t, PlaceName(province_name, is_province=True)),
        )

    def nav(self, category: str, page: int) -> str:
        """Callback data for a page of this place."""
        if self.city_id is None:
            return Button.OTHER_PAGE(self.province_id, category, page)
        return Button.CITY_PAGE(self.city_id, category, page)

    @property
    def filter_data(self) -> str:
        if self.city_id is None:
            return Button.OTHER_FILTER(self.province_id)
        return Button.CITY_FILTER(self.city_id)


@dataclass(frozen=True)
class Page:
    """One page of needs in a place."""

    place: PlaceRef
    needs: tuple[Need, ...]
    page: int
    pages: int
    category: str


@lru_cache(maxsize=1024)
def needs_page_screen(t: Translator, page: Page, today: dt.date, prefix: str = "") -> Screen:
    """A page of numbered cards, each with its help button (and "more" when cut short).

    The page is built to fit one message: when five long descriptions would pass the
    platforms' limit, descriptions are cut shorter step by step and the cut cards get a
    "more" button to the full card. Cached by value (needs are immutable snapshots):
    popular pages are built, and their keyboards serialised, once until something on
    them changes.
    """
    header = direction_mark(t.language) + t(
        "browse-page-header", place=page.place.name, page=page.page + 1, pages=page.pages
    )
    top = [line for line in (prefix, header) if line]
    for limit in DESCRIPTION_STEPS:
        cards = [
            need_card(t, need, page.place.card_place, today, i, limit)
            for i, need in enumerate(page.needs, start=1)
        ]
        text = "\n\n".join(top + cards)
        if utf16_length(text) <= PAGE_TEXT_BUDGET:
            break
    cut = {n.code for n in page.needs if len(n.description(t.language)) > limit}
    rows = _card_rows(t, page.needs, cut)
    rows.append(
        page_row(t, page.page, page.page + 1 < page.pages,
                 lambda n: page.place.nav(page.category, n))
    )  # fmt: skip
    rows.append(
        [
            button(t("button-filter"), page.place.filter_data),
            button(t("button-change-city"), Button.CITIES(page.place.province_id)),
        ]
    )
    rows.append([button(t("button-back"), Button.ROLE(Persona.DONOR))])
    return Screen(text, keyboard(*rows))


def _card_rows(t: Translator, needs: Sequence[Need], cut: set[str]) -> list[list]:
    """One row per card: "🤝 <its name>" while help is possible, "more" when it was cut.

    Two cards with the same name on a page get their card number in the button too.
    """
    names = [help_name(t, need) for need in needs]
    rows = []
    for number, (need, name) in enumerate(zip(needs, names, strict=True), start=1):
        row = []
        if can_help(need):
            label = (
                t("card-help-button-numbered", number=number, name=name)
                if names.count(name) > 1
                else t("card-help-button", name=name)
            )
            row.append(button(label, Button.HELP_NEED(need.code)))
        if need.code in cut:
            row.append(button(t("card-more-button", number=number), Button.NEED(need.code)))
        rows.append(row)
    return rows


def categories_screen(t: Translator, place: PlaceRef, counts: dict[NeedCategory, int]) -> Screen:
    """Category chips with counts, "all", and back to the place."""
    chips = [button(t("category-all", count=sum(counts.values())), place.nav("all", 0))]
    chips += [
        button(
            t(
                "category-chip",
                icon=t(f"category-icon-{c.value}"),
                name=t(f"category-{c.value}"),
                count=n,
            ),
            place.nav(c.value, 0),
        )
        for c, n in ((c, counts[c]) for c in categories_in_order(t, counts))
    ]
    back = [button(t("button-back"), place.nav("all", 0))]  # to the place's first page
    return Screen(t("browse-categories", place=place.name), keyboard(*_pairs(chips), back))


def categories_in_order(t: Translator, categories: Iterable[NeedCategory]) -> list[NeedCategory]:
    """Categories by their shown name, alphabetically, with "other" always last."""
    return sorted(
        categories,
        key=lambda c: (
            c is NeedCategory.OTHER,
            collation_key(t(f"category-{c.value}"), t.language),
        ),
    )


def need_screen(t: Translator, need: Need, place: PlaceName, today: dt.date, link: str) -> Screen:
    """A single need (from a typed code, a shared link or a card's "more")."""
    card = need_card(t, need, card_place(t, place), today)
    text = card + "\n\n" + t("need-share", link=link)
    help_row = (
        [button(t("card-help-button", name=help_name(t, need)), Button.HELP_NEED(need.code))]
        if can_help(need)
        else []
    )
    return Screen(
        text,
        keyboard(help_row, [button(t("button-back"), Button.ROLE(Persona.DONOR))]),
    )


def _pairs(buttons: list) -> list[list]:
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


# -- pledging --------------------------------------------------------------------------------


def amount_screen(t: Translator, need: Need, presets: list[int]) -> Screen:
    """How much: the whole remaining amount, presets below it, or type any amount."""
    remaining = amount_text(t, need, need.remaining)
    if need.kind is NeedKind.ITEMS:
        text = t(
            "pledge-ask-quantity",
            code=need.code,
            item=item_name(t, need),
            remaining=need.remaining,
        )
        buttons = [
            button(format_number(n, t.language), Button.AMOUNT(need.code, n)) for n in presets
        ]
        rows = [buttons[i : i + 5] for i in range(0, len(buttons), 5)]
    else:
        text = t("pledge-ask-amount", code=need.code, remaining=remaining)
        rows = [
            [
                button(
                    t("pledge-whole-remaining", amount=remaining),
                    Button.AMOUNT(need.code, need.remaining),
                )
            ]
        ]
        rows += _pairs(
            [button(amount_text(t, need, v), Button.AMOUNT(need.code, v)) for v in presets]
        )
    rows.append([button(t("button-back"), Button.NEED(need.code))])
    return Screen(text, keyboard(*rows))


def refusal_text(t: Translator, need: Need, refused: PledgeRefused) -> str:
    """A pledge refusal in words, with amounts formatted for this need."""
    args = {
        name: amount_text(t, need, value) if isinstance(value, int) else value
        for name, value in refused.args_.items()
    }
    return t(refused.message_id, **args)


def amount_again(t: Translator, need: Need, refused: PledgeRefused) -> Screen:
    """A typed or chosen amount the rules refuse (below the minimum, above what remains):
    why, in this need's units, while the amount is still awaited."""
    return Screen(refusal_text(t, need, refused))


def amount_hint_screen(t: Translator) -> Screen:
    """Anything but text while an amount is awaited."""
    return Screen(t("pledge-not-understood"))


def receipt_expected_screen(t: Translator) -> Screen:
    """Anything but a photo, a PDF or a tracking number while a receipt is awaited."""
    return Screen(t("pledge-receipt-expected"))


def deadline_args(t: Translator, moment: int, tz: dt.tzinfo) -> dict[str, object]:
    """An exact deadline: the Jalali date and the clock time, in the reader's digits."""
    when = dt.datetime.fromtimestamp(moment, tz)
    return {"date": when.date(), "time": format_clock(when, t.language)}


def confirm_screen(t: Translator, need: Need, value: int, token: str, until: Deadline) -> Screen:
    """Confirm a pledge: money is paid by a date and time, goods are brought by one."""
    message = "pledge-confirm-items" if need.kind is NeedKind.ITEMS else "pledge-confirm"
    text = t(message, code=need.code, amount=amount_text(t, need, value),
             **deadline_args(t, until.at, until.tz))  # fmt: skip
    return Screen(
        text,
        keyboard(
            [button(t("pledge-confirm-button"), Button.CONFIRM(need.code, value, token))],
            [button(t("pledge-cancel-button"), Button.NEED(need.code))],
        ),
    )


@dataclass(frozen=True)
class Deadline:
    """A moment (unix seconds) and the zone it is shown in."""

    at: int
    tz: dt.tzinfo


def copyable(number: str, language: str) -> str:
    """A card or Sheba number people copy into a bank app: one run of digits (the
    reader's digits; bank apps read both) on its own line, kept left-to-right inside
    Persian text (an isolate)."""
    plain = "".join(to_ascii_digits(number).split()).replace("-", "")
    return f"\u2066{localize_number(plain, language)}\u2069"


def payment_ways(t: Translator, settings: Settings, reference: str) -> list[str]:
    """Each configured way to pay, with what the donor needs for it. A card-to-card
    transfer has no description field, so the reference is asked only for Sheba."""
    holder = settings.payment_card_holder
    ways = []
    if settings.payment_card:
        lines = [t("pledge-pay-card", card=copyable(settings.payment_card, t.language))]
        if holder:
            lines.append(t("pledge-pay-holder", holder=holder))
        if settings.payment_bank:
            lines.append(t("pledge-pay-bank", bank=settings.payment_bank))
        lines.append(t("pledge-pay-card-after"))
        ways.append("\n".join(lines))
    if settings.payment_sheba:
        lines = [t("pledge-pay-sheba", sheba=copyable(settings.payment_sheba, t.language))]
        if holder:
            lines.append(t("pledge-pay-holder", holder=holder))
        lines.append(t("pledge-pay-sheba-description", reference=reference))
        ways.append("\n".join(lines))
    if settings.payment_portal_url:
        ways.append(t("pledge-pay-portal", url=settings.payment_portal_url, reference=reference))
    return ways


def no_way_to_pay(t: Translator, settings: Settings) -> str:
    """Nothing is configured: say plainly whom to ask (never "staff will tell you")."""
    phone = getattr(settings, "office_phone", "")
    text = t("pledge-no-way-to-pay")
    return text + "\n" + t("pledge-office-phone", phone=phone) if phone else text


def pledge_done_screen(t: Translator, need: Need, pledge: Pledge, settings: Settings) -> Screen:
    """The reference, the exact deadline and how to pay (or where to bring the goods).

    "💳 Pay now" comes first when the platform can take the payment (a payment in the chat
    reports itself, so "I've paid" is left out when that is the only way); with no way at
    all, the support button and the office phone say whom to ask, and "I've paid" stays
    for the transfer support arranges."""
    amount = amount_text(t, need, pledge.amount)
    until = deadline_args(t, pledge.expires_at or pledge.created_at, settings.tz)
    pay_now = can_pay_in_chat(settings.provider_token, need)
    if need.kind is NeedKind.MONEY:
        manual = payment_ways(t, settings, pledge.reference)
        ways = ([t("pledge-pay-in-chat")] if pay_now else []) + manual
        how = "\n\n".join(ways) if ways else no_way_to_pay(t, settings)
        pay = t("pledge-pay-money", reference=pledge.reference, instructions=how, **until)
        reportable = manual or not pay_now  # support may give a way; paying in chat reports itself
        done = (
            [button(t("pledge-paid-button"), Button.PAID(pledge.reference))] if reportable else []
        )
    else:
        ways = [t("pledge-dropoff", address=settings.item_dropoff_address)] if (
            settings.item_dropoff_address
        ) else []  # fmt: skip
        how = ways[0] if ways else no_way_to_pay(t, settings)
        pay = t("pledge-pay-items", reference=pledge.reference, instructions=how, **until)
        done = [button(t("pledge-delivered-button"), Button.PAID(pledge.reference))]
    text = t("pledge-done", reference=pledge.reference, amount=amount) + "\n\n" + pay
    return Screen(
        text,
        keyboard(
            [pay_button(t, pledge.reference)] if pay_now else [],
            done,
            [] if ways else [button(t("button-support"), Button.SUPPORT())],
            [button(t("button-my-pledges"), Button.MY_PLEDGES())],
            [button(t("button-back"), Button.ROLE(Persona.DONOR))],
        ),
    )


def my_pledges_screen(
    t: Translator,
    pledges: list[Pledge],
    needs: dict[int, Need],
    page: int,
    *,
    pages: int,
    tz: dt.tzinfo,
    provider_token: str = "",
) -> Screen:
    back = [button(t("button-back"), Button.ROLE(Persona.DONOR))]
    if not pledges and page == 0:
        return Screen(
            t("my-pledges-empty"), keyboard([button(t("button-browse"), Button.PROVINCES())], back)
        )
    mark = direction_mark(t.language)
    lines = [t("my-pledges-header", page=page + 1, pages=pages)]
    rows = []
    for pledge in pledges:
        need = needs[pledge.need_id]
        created = dt.datetime.fromtimestamp(pledge.created_at, tz).date()
        lines.append(
            mark
            + t(
                "my-pledge-line",
                reference=pledge.reference,
                code=need.code,
                amount=amount_text(t, need, pledge.amount),
                status=pledge_status(t, need, pledge.status),
                date=created,
            )
        )
        rows += _pledge_buttons(t, need, pledge, can_pay_in_chat(provider_token, need))
    nav = page_row(t, page, page + 1 < pages, Button.MY_PLEDGES)
    return Screen("\n".join(lines), keyboard(*rows, nav, back))


def pledge_status(t: Translator, need: Need, status: PledgeStatus) -> str:
    """A pledge's status in words; goods are awaited, brought and received, never paid."""
    if need.kind is NeedKind.ITEMS and t.has(f"pledge-status-items-{status.value}"):
        return t(f"pledge-status-items-{status.value}")
    return t(f"pledge-status-{status.value}")


def _pledge_buttons(t: Translator, need: Need, pledge: Pledge, pay_now: bool) -> list[list]:
    """What a donor can still do with one pledge: pay in the chat, report it done, send a
    receipt, cancel."""
    reference, rows = pledge.reference, []
    items = need.kind is NeedKind.ITEMS
    if pledge.status is PledgeStatus.AWAITING_PAYMENT:
        if pay_now:
            rows.append([pay_button(t, reference)])
        done = "my-pledge-delivered-button" if items else "my-pledge-paid-button"
        rows.append(
            [
                button(t(done, reference=reference), Button.PAID(reference)),
                button(t("my-pledge-cancel-button", reference=reference),
                       Button.CANCEL_ASK(reference)),
            ]
        )  # fmt: skip
    if (
        pledge.status in (PledgeStatus.AWAITING_PAYMENT, PledgeStatus.PAYMENT_REPORTED)
        and not items
    ):
        rows.append(
            [button(t("my-pledge-receipt-button", reference=reference), Button.RECEIPT(reference))]
        )
    if has_receipt(pledge.status, need.kind):  # paid money: the donor's PDF receipt
        rows.append([donation_receipt.receipt_button(t, reference, named=True)])
    return rows


def receipt_screen(t: Translator, reference: str, *, reported: bool = True) -> Screen:
    """After "I've paid" (or "📎 Send receipt"): the bank tracking number or a photo or
    PDF of the receipt, which is how staff find a card-to-card transfer."""
    ask = t("pledge-receipt-ask", reference=reference)
    return Screen(
        t("pledge-reported") + "\n\n" + ask if reported else ask,
        keyboard([button(t("pledge-receipt-skip"), Button.MY_PLEDGES())]),
    )


def delivered_reported_screen(t: Translator) -> Screen:
    """After "I've delivered it": staff will confirm they received the goods."""
    return Screen(
        t("pledge-delivery-reported"),
        keyboard([button(t("button-my-pledges"), Button.MY_PLEDGES())]),
    )


def receipt_choice_screen(t: Translator, pledges: list[Pledge], needs: dict[int, Need]) -> Screen:
    """A receipt arrived outside any flow and the donor has several pending pledges."""
    rows = [
        [
            button(
                t("receipt-choice-button", reference=p.reference,
                  amount=amount_text(t, needs[p.need_id], p.amount)),
                Button.RECEIPT_FOR(p.reference),
            )
        ]
        for p in pledges
    ]  # fmt: skip
    rows.append([button(t("button-my-pledges"), Button.MY_PLEDGES())])
    return Screen(t("receipt-which-pledge"), keyboard(*rows))


def cancel_ask_screen(t: Translator, need: Need, pledge: Pledge) -> Screen:
    text = t(
        "pledge-cancel-ask", reference=pledge.reference, amount=amount_text(t, need, pledge.amount)
    )
    return Screen(
        text,
        keyboard(
            [button(t("pledge-cancel-yes"), Button.CANCEL_DO(pledge.reference))],
            [button(t("button-back"), Button.MY_PLEDGES())],
        ),
    )


@cache
def privacy_screen(t: Translator) -> Screen:
    """What is kept about whom, and the way to erase one's own account (/forget)."""
    return Screen(
        t("privacy"),
        keyboard(
            [button(t("forget-erase-button"), Button.FORGET_ASK())],
            [button(t("button-back"), Button.ROLE(Persona.DONOR))],
        ),
    )


def notice_text(
    t: Translator, message_id: str, args: dict[str, Any], now: int, tz: dt.tzinfo
) -> str:
    """A queued message to a donor, rendered in their language at send time. A pledge of
    goods gets its own wording where there is one (brought and received, never paid)."""
    value = int(args.get("amount", 0))
    if args.get("kind") == NeedKind.ITEMS.value:
        amount = t(
            "amount-items", count=value, item=in_language(t, args.get("item"), args.get("item_en"))
        )
        if t.has(f"{message_id}-items"):
            message_id = f"{message_id}-items"
    else:
        amount = t("amount-toman", amount=format_toman(value, t.language))
    expires_at = args.get("expires_at")
    hours = max(0, (int(expires_at) - now) // 3600) if isinstance(expires_at, int) else 0
    until = deadline_args(t, expires_at if isinstance(expires_at, int) else now, tz)
    return t(message_id, reference=str(args["reference"]), code=str(args["code"]),
             amount=amount, hours=hours, reason=str(args.get("reason", "")),
             tracking=str(args.get("tracking") or ""),
             status=t(f"pledge-status-{args['status']}") if args.get("status") else "",
             **until)  # fmt: skip
