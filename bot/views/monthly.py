"""What monthly kindness looks like: setting it up, the standing gift, each month's news.

The pickers show places as browsing does (k-anonymity): a province with its open needs, and
only the cities donors may see by name; "the whole province" covers the small towns. Every
button names whose gift it shapes (a `NewGift` or a `StandingGift`), so old messages keep working or
are answered as stale, never misread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import Button, GiftOwner, NewGift, Place, StandingGift
from bot.config import Settings
from bot.domain.browse import PlaceName
from bot.domain.monthly import MonthNews, Scope
from bot.i18n import Translator
from bot.models import City, MonthlyGift, MonthlyStatus, NeedCategory, Persona, Province
from bot.storage.records import MonthlyStatistics
from bot.text import format_number, format_toman
from bot.text.collation import alphabetical, by_name
from bot.views import donor as donor_views
from bot.views.screen import Screen, button, keyboard

DAYS_PER_ROW = 7


def toman(t: Translator, rials: int) -> str:
    return t("amount-toman", amount=format_toman(rials, t.language))


def _pairs(buttons: list[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def _back(data: str, t: Translator) -> list[InlineKeyboardButton]:
    return [button(t("button-back"), data)]


def _to_donor_menu(t: Translator) -> list[InlineKeyboardButton]:
    return _back(Button.ROLE(Persona.DONOR), t)


def place_text(t: Translator, scope: Scope) -> str:
    """ "Tabriz (East Azerbaijan)" / "all of Tehran province"."""
    if scope.city is not None:
        return t("monthly-scope-city", city=scope.city.name(t.language),
                 province=scope.province.name(t.language))  # fmt: skip
    return t("monthly-scope-province", province=scope.province.name(t.language))


def scope_text(t: Translator, scope: Scope) -> str:
    """The place and the kind of need: "all of Tehran province, medical needs"."""
    place = place_text(t, scope)
    if scope.category is None:
        return t("monthly-scope-any", place=place)
    return t("monthly-scope-category", place=place, category=t(f"category-{scope.category.value}"))


# -- setting it up -------------------------------------------------------------------------


def intro_screen(t: Translator) -> Screen:
    """No gift yet: what monthly kindness is, and the way in."""
    return Screen(
        t("monthly-intro"),
        keyboard([button(t("monthly-setup-button"), Button.MK_NEW())], _to_donor_menu(t)),
    )


def amount_screen(
    t: Translator, presets: Sequence[int], minimum: int, maximum: int,
    gift: MonthlyGift | None = None,
) -> Screen:  # fmt: skip
    """How much each month: preset buttons, or any typed amount (the flow waits for it)."""
    bounds = {"minimum": toman(t, minimum), "maximum": toman(t, maximum)}
    if gift is None:
        text = t("monthly-ask-amount", **bounds)
        data = [Button.MK_AMOUNT(value) for value in presets]
        back = _to_donor_menu(t)
    else:
        text = t("monthly-ask-new-amount", amount=toman(t, gift.amount), **bounds)
        data = [Button.MK_NEW_AMOUNT(gift.id, gift.version, value) for value in presets]
        back = _back(Button.MK_HOME(), t)
    buttons = [button(toman(t, value), d) for value, d in zip(presets, data, strict=True)]
    return Screen(text, keyboard(*_pairs(buttons), back))


def provinces_screen(
    t: Translator, who: GiftOwner, provinces: Sequence[Province], counts: dict[int, int]
) -> Screen:
    """Provinces with open needs first (with how many), then the rest: a monthly gift may
    wait for needs to come."""
    ordered = by_name(provinces, t.language)
    ordered = [p for p in ordered if counts.get(p.id)] + [
        p for p in ordered if not counts.get(p.id)
    ]
    buttons = [
        button(
            t("browse-place-count", place=p.name(t.language), count=counts[p.id])
            if counts.get(p.id)
            else p.name(t.language),
            Button.MK_PROVINCE(who, p.id),
        )
        for p in ordered
    ]
    back = Button.MK_HOME() if isinstance(who, StandingGift) else Button.MK_NEW()
    return Screen(t("monthly-ask-province"), keyboard(*_pairs(buttons), _back(back, t)))


def cities_screen(
    t: Translator, who: GiftOwner, province: Province, named: Sequence[tuple[City, int]], total: int
) -> Screen:
    """The whole province, or one of its cities donors may see by name."""
    name = province.name(t.language)
    whole = Button.MK_CHOSEN_PLACE(who, Place.province(province.id))
    rows = [[button(t("monthly-whole-province", province=name, count=total), whole)]]
    cities = [
        button(
            t("browse-place-count", place=city.name(t.language), count=count),
            Button.MK_CHOSEN_PLACE(who, Place.city(city.id)),
        )
        for city, count in alphabetical(named, t.language, lambda pair: pair[0].name(t.language))
    ]
    rows += _pairs(cities)
    rows.append(_back(Button.MK_PROVINCES(who), t))
    return Screen(t("monthly-ask-city", province=name), keyboard(*rows))


def categories_screen(t: Translator, who: GiftOwner, place: Place, scope: Scope) -> Screen:
    """Any kind of need, or one category (the place's own words above)."""
    chips = [button(t("monthly-any-category"), Button.MK_CATEGORY(who, place, "all"))]
    chips += [
        button(
            f"{t(f'category-icon-{c.value}')} {t(f'category-{c.value}')}",
            Button.MK_CATEGORY(who, place, c.value),
        )
        for c in donor_views.categories_in_order(t, NeedCategory)
    ]
    back = Button.MK_PROVINCE(who, scope.province.id)
    return Screen(
        t("monthly-ask-category", place=place_text(t, scope)),
        keyboard(*_pairs(chips), _back(back, t)),
    )


def day_screen(t: Translator, amount: int, place: Place, category: str) -> Screen:
    """Days 1-28 of the Jalali month, a week to a row."""
    days = [
        button(format_number(day, t.language), Button.MK_DAY(amount, place, category, day))
        for day in range(1, 29)
    ]
    rows = [days[i : i + DAYS_PER_ROW] for i in range(0, len(days), DAYS_PER_ROW)]
    back = Button.MK_CHOSEN_PLACE(NewGift(amount), place)
    return Screen(t("monthly-ask-day"), keyboard(*rows, _back(back, t)))


def confirm_new_screen(
    t: Translator, amount: int, scope: Scope, place: Place, day: int, first: dt.date, token: str
) -> Screen:
    category = scope.category.value if scope.category else "all"
    text = t("monthly-confirm", amount=toman(t, amount), scope=scope_text(t, scope), day=day,
             first=first)  # fmt: skip
    return Screen(
        text,
        keyboard(
            [
                button(
                    t("monthly-start-button"),
                    Button.MK_START(amount, place, category, day, token),
                )
            ],
            [button(t("monthly-cancel-button"), Button.ROLE(Persona.DONOR))],
        ),
    )


# -- the standing gift ---------------------------------------------------------------------


def manage_screen(
    t: Translator, gift: MonthlyGift, scope: Scope, next_date: dt.date, prefix: str = ""
) -> Screen:
    """The gift as it stands, and one button for each change."""
    lines = [
        t("monthly-summary", amount=toman(t, gift.amount), scope=scope_text(t, scope),
          day=gift.day, status=t(f"monthly-status-{gift.status.value}")),
    ]  # fmt: skip
    rows: list[list[InlineKeyboardButton]] = []
    if gift.status is MonthlyStatus.ACTIVE:
        lines.append(t("monthly-next", date=next_date))
        rows.append([
            button(t("monthly-skip-button", date=next_date),
                   Button.MK_ASK("skip", gift.id, gift.version)),
            button(t("monthly-pause-button"), Button.MK_ASK("pause", gift.id, gift.version)),
        ])  # fmt: skip
    else:
        rows.append(
            [button(t("monthly-resume-button"), Button.MK_ASK("resume", gift.id, gift.version))]
        )
    rows.append([
        button(t("monthly-amount-button"), Button.MK_ASK("amount", gift.id, gift.version)),
        button(t("monthly-place-button"), Button.MK_ASK("place", gift.id, gift.version)),
    ])  # fmt: skip
    rows.append([button(t("monthly-stop-button"), Button.MK_ASK("stop", gift.id, gift.version))])
    rows.append(_to_donor_menu(t))
    screen = Screen("\n".join(lines), keyboard(*rows))
    return screen.with_prefix(prefix) if prefix else screen


def ask_screen(t: Translator, action: str, gift: MonthlyGift, text: str) -> Screen:
    """One change, asked once: yes (for this very version of the gift) or back."""
    return Screen(
        text,
        keyboard(
            [button(t(f"monthly-yes-{action}"), Button.MK_DO(action, gift.id, gift.version))],
            _back(Button.MK_HOME(), t),
        ),
    )


def confirm_amount_screen(t: Translator, gift: MonthlyGift, amount: int) -> Screen:
    return Screen(
        t("monthly-confirm-amount", old=toman(t, gift.amount), amount=toman(t, amount)),
        keyboard(
            [button(t("monthly-yes-change"), Button.MK_SET_AMOUNT(gift.id, gift.version, amount))],
            _back(Button.MK_HOME(), t),
        ),
    )


def confirm_place_screen(
    t: Translator, gift: MonthlyGift, scope: Scope, old: Scope, place: Place
) -> Screen:
    category = scope.category.value if scope.category else "all"
    return Screen(
        t("monthly-confirm-place", scope=scope_text(t, scope), old=scope_text(t, old)),
        keyboard(
            [
                button(
                    t("monthly-yes-change"),
                    Button.MK_SET_PLACE(gift.id, gift.version, place, category),
                )
            ],
            _back(Button.MK_HOME(), t),
        ),
    )


# -- each month's news (rendered by the outbox at send time) -------------------------------


def news_screen(
    t: Translator, message_id: str, args: dict[str, Any], news: MonthNews,
    settings: Settings, today: dt.date,
) -> Screen:  # fmt: skip
    """The month's pledge with everything a hand pledge shows (the card, how to pay, 💳 Pay
    now), or the word that nothing needed money; both with the way to the gift. A chosen
    city that has since dropped below K open needs is not named with its need: the
    province is, as on the need's card (k-anonymity)."""
    manage = [button(t("monthly-button"), Button.MK_HOME())]
    scope = scope_text(t, news.scope) if news.scope else ""
    if message_id == "monthly-nothing-notice" or news.pledge is None or news.need is None:
        next_due = dt.datetime.fromtimestamp(int(args["next_due_at"]), settings.tz).date()
        return Screen(
            t("monthly-nothing-notice", date=today, scope=scope, next=next_due),
            keyboard([button(t("button-browse"), Button.PROVINCES())], manage),
        )
    pledge, need = news.pledge, news.need
    place = news.place or PlaceName("", is_province=True)
    if place.is_province and news.scope and news.scope.city:  # now too few needs to name it
        scope = scope_text(t, replace(news.scope, city=None))
    head = t("monthly-pledged-notice", date=today, amount=toman(t, pledge.amount), scope=scope)
    card = donor_views.need_card(t, need, donor_views.card_place(t, place), today)
    parts = [head, card]
    if pledge.amount < int(args.get("monthly_amount", pledge.amount)):
        parts.append(t("monthly-pledged-partial", amount=toman(t, pledge.amount)))
    done = donor_views.pledge_done_screen(t, need, pledge, settings)
    markup = done.markup
    rows = (
        [list(row) for row in markup.inline_keyboard]
        if isinstance(markup, InlineKeyboardMarkup)
        else []
    )
    return Screen("\n\n".join([*parts, done.text]), keyboard(*rows[:-1], manage, *rows[-1:]))


def stats_line(t: Translator, numbers: MonthlyStatistics) -> str:
    """/stats: gifts active and paused, and what this Jalali month's gifts raised."""
    return t("stats-monthly", active=numbers.active, paused=numbers.paused,
             raised=toman(t, numbers.raised), paid=numbers.paid_gifts)  # fmt: skip


def refused_screen(t: Translator, text: str) -> Screen:
    """A monthly step refused (an amount outside the limits on an old or forged button): why,
    and the monthly gift one press away."""
    return Screen(text, keyboard([button(t("monthly-button"), Button.MK_HOME())]))


def amount_hint_screen(t: Translator) -> Screen:
    """Anything but text while the monthly amount is awaited."""
    return Screen(t("monthly-amount-hint"))
