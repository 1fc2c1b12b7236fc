"""What staff see while adding or changing a need: one question per screen, the preview
(the donor's card itself, from bot.views.donor, plus what only staff see) and a need's
staff view with a button per value.

Every question carries a cancel button; choices are buttons, so a value is picked from
the reference data rather than typed and misspelled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from telegram import InlineKeyboardButton

from bot.callbacks import ANYWHERE, Button, Place
from bot.domain.browse import Geography
from bot.domain.need_editing import FIELDS
from bot.domain.staff import NeedsFilter, NeedsPage
from bot.i18n import Translator
from bot.models import City, Need, NeedCategory, NeedKind, NeedStatus, Province
from bot.text.collation import by_name
from bot.text.dates import typed_date_example
from bot.views.donor import amount_text, categories_in_order, need_card
from bot.views.screen import Screen, button, keyboard, page_row, user_text

PAGE_SIZE = 12  # places per page: six rows of two fit a phone screen

# The question each typed step asks, and the button that leaves its value empty (if any).
TYPED_QUESTIONS = {
    "amount": ("need-form-ask-amount", None),
    "item": ("need-form-ask-item", None),
    "description": ("need-form-ask-description", None),
    "description_en": ("need-form-ask-description-en", "need-form-no-english"),
    "deadline": ("need-form-ask-deadline", "need-form-no-deadline"),
    "national_code": ("need-form-ask-national-code", "need-form-skip"),
}


def _cancel(t: Translator) -> list[InlineKeyboardButton]:
    return [button(t("need-form-cancel-button"), Button.SN_CANCEL())]


def _paged(
    t: Translator,
    items: list[InlineKeyboardButton],
    page: int,
    nav: Callable[[int], str],
    extra: list[InlineKeyboardButton] | None = None,
) -> list[list[InlineKeyboardButton]]:
    """Two buttons a row, PAGE_SIZE a page, previous / next when there is more."""
    pages = max(1, -(-len(items) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    rows = [shown[i : i + 2] for i in range(0, len(shown), 2)]
    arrows = page_row(t, page, page + 1 < pages, nav)
    return [*rows, arrows, extra or [], _cancel(t)]


def provinces_screen(t: Translator, provinces: Sequence[Province], page: int) -> Screen:
    buttons = [
        button(p.name(t.language), Button.SN_PROVINCE(p.id)) for p in by_name(provinces, t.language)
    ]
    rows = _paged(t, buttons, page, Button.SN_PROVINCE_PAGE)
    return Screen(t("need-form-ask-province"), keyboard(*rows))


def cities_screen(t: Translator, province: Province, page: int) -> Screen:
    buttons = [
        button(c.name(t.language), Button.SN_CITY(c.id))
        for c in by_name(province.cities, t.language)
    ]
    back = [button(t("need-form-back-to-provinces"), Button.SN_PROVINCE_PAGE(0))]
    rows = _paged(t, buttons, page, Button.SN_CITY_PAGE, back)
    return Screen(t("need-form-ask-city", province=province.name(t.language)), keyboard(*rows))


@cache
def category_screen(t: Translator) -> Screen:
    buttons = [
        button(
            t(
                "need-form-category-button",
                icon=t(f"category-icon-{c.value}"),
                name=t(f"category-{c.value}"),
            ),
            Button.SN_CATEGORY(c.value),
        )
        for c in categories_in_order(t, NeedCategory)
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return Screen(t("need-form-ask-category"), keyboard(*rows, _cancel(t)))


@cache
def kind_screen(t: Translator) -> Screen:
    return Screen(
        t("need-form-ask-kind"),
        keyboard(
            [
                button(t("need-form-kind-money"), Button.SN_KIND(NeedKind.MONEY.value)),
                button(t("need-form-kind-items"), Button.SN_KIND(NeedKind.ITEMS.value)),
            ],
            _cancel(t),
        ),
    )


@cache
def urgent_screen(t: Translator) -> Screen:
    return Screen(
        t("need-form-ask-urgent"),
        keyboard(
            [
                button(t("need-form-urgent-yes"), Button.SN_URGENT(True)),
                button(t("need-form-urgent-no"), Button.SN_URGENT(False)),
            ],
            _cancel(t),
        ),
    )


@cache
def typed_question(t: Translator, step: str, today: dt.date) -> Screen:
    """A question answered by typing; optional values also get a "leave it empty" button.
    The deadline's example is a month from today, so it is never already past."""
    message_id, empty = TYPED_QUESTIONS[step]
    rows = [[button(t(empty), Button.SN_NONE())]] if empty else []
    example = today + dt.timedelta(days=30)
    args = {"example": typed_date_example(example, t.language), "iso": example.isoformat()}
    return Screen(t(message_id, **args) if step == "deadline" else t(message_id),
                  keyboard(*rows, _cancel(t)))  # fmt: skip


def quantity_question(t: Translator, item: str) -> Screen:
    text = t("need-form-ask-quantity", item=user_text(item, limit=200))
    return Screen(text, keyboard(_cancel(t)))


@dataclass(frozen=True)
class NeedShown:
    """A need as staff see it: the donor's card and what only staff see."""

    need: Need
    place: str  # what the donor's card names (k-anonymity)
    city: City
    province: Province
    national_code: str | None
    today: dt.date
    saved: bool = True  # False while adding: there is no status yet


def _staff_text(t: Translator, shown: NeedShown) -> str:
    """The donor's card, then the private block."""
    need = shown.need
    lines = [
        t("need-staff-private-title"),
        t("need-staff-status", status=t(f"need-status-{need.status.value}"))
        if shown.saved
        else t("need-staff-not-saved"),
        t(
            "need-staff-place",
            city=shown.city.name(t.language),
            province=shown.province.name(t.language),
        ),
        t("need-staff-national-code", code=shown.national_code)
        if shown.national_code
        else t("need-staff-no-national-code"),
    ]
    if need.description_en:
        lines.append(t("need-staff-english", text=user_text(need.description_en)))
    card = need_card(t, need, shown.place, shown.today)
    return card + "\n\n" + "\n".join(lines)


def _field_rows(t: Translator, data: Callable[[str], str]) -> list[list[InlineKeyboardButton]]:
    buttons = [button(t(f"need-field-{field}"), data(field)) for field in FIELDS]
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def preview_screen(t: Translator, shown: NeedShown, *, editing: bool) -> Screen:
    """Before anything is written: publish, keep as a draft, or save an edit; or change a value."""
    code = shown.need.code
    if editing:
        title = t("need-form-edit-preview-title", code=code)
        actions = [button(t("need-form-save-button"), Button.SN_SAVE(code))]
    else:
        title = t("need-form-preview-title")
        actions = [
            button(t("need-form-publish-button"), Button.SN_PUBLISH(code)),
            button(t("need-form-draft-button"), Button.SN_DRAFT(code)),
        ]
    rows = [actions, *_field_rows(t, Button.SN_FIELD), _cancel(t)]
    return Screen(title + "\n\n" + _staff_text(t, shown), keyboard(*rows))


def need_staff_screen(t: Translator, shown: NeedShown) -> Screen:
    """/editneed CODE: the need, a button per value, publishing for a draft."""
    code = shown.need.code
    rows = _field_rows(t, lambda field: Button.SN_EDIT(code, field))
    if shown.need.status is NeedStatus.DRAFT:
        rows.insert(0, [button(t("need-staff-publish-button"), Button.SN_PUBLISH_DRAFT(code))])
    rows.append([button(t("button-back"), Button.MENU_STAFF())])
    text = "\n\n".join(
        [t("need-staff-view-title", code=code), _staff_text(t, shown),
         t("need-staff-commands", code=code)]
    )  # fmt: skip
    return Screen(text, keyboard(*rows))


# -- /needs: the office's needs, filtered, a page at a time -------------------------------------

NEED_STATUSES = tuple(NeedStatus)  # the status picker's order: a need's life, draft to end


def needs_place(wanted: NeedsFilter) -> Place:
    """Where a filter looks, as its buttons carry it."""
    if wanted.city_id:
        return Place.city(wanted.city_id)
    return Place.province(wanted.province_id) if wanted.province_id else ANYWHERE


def _status_token(wanted: NeedsFilter) -> str:
    return wanted.status.value if wanted.status else "all"


def needs_list_screen(t: Translator, listed: NeedsPage, geo: Geography) -> Screen:
    """/needs: what is shown (whose, which status, where, how many), a button per need
    opening its staff view, then the filters, ◀️ ▶️ and back."""
    wanted, status, place = (
        listed.filter,
        _status_token(listed.filter),
        needs_place(listed.filter),
    )
    title = t(
        "staff-needs-title",
        whose=t("staff-needs-whose-mine" if wanted.mine else "staff-needs-whose-all"),
        status=_status_name(t, wanted.status),
        place=_place_name(t, wanted, geo),
        total=listed.total,
        page=wanted.page + 1,
        pages=listed.pages,
    )
    rows = [
        [button(t("staff-needs-line", code=need.code, status=t(f"need-status-{need.status.value}"),
                  city=geo.city_by_id[need.city_id].name(t.language),
                  goal=amount_text(t, need, need.target)),
                Button.SN_VIEW(need.code))]
        for need in listed.needs
    ]  # fmt: skip
    mine = wanted.mine
    arrows = page_row(t, wanted.page, wanted.page + 1 < listed.pages,
                      lambda n: Button.STAFF_NEEDS(mine, status, place, n))  # fmt: skip
    toggle = t("staff-needs-show-all-button" if mine else "staff-needs-show-mine-button")
    rows += [
        arrows,
        [button(toggle, Button.STAFF_NEEDS(not mine, status, place))],
        [button(t("staff-needs-status-button"), Button.STAFF_NEEDS_STATUS(mine, status, place)),
         button(t("staff-needs-place-button"), Button.STAFF_NEEDS_PLACE(mine, status))],
        [button(t("button-back"), Button.MENU_STAFF())],
    ]  # fmt: skip
    text = title if listed.total else f"{title}\n{t('staff-needs-none')}"
    return Screen(text, keyboard(*rows))


def needs_status_screen(t: Translator, mine: bool, status: str, place: Place) -> Screen:
    """Any status, or one: each button lists the needs again from the first page."""
    choices = [("all", t("staff-needs-any-status")),
               *((s.value, t(f"need-status-{s.value}")) for s in NEED_STATUSES)]  # fmt: skip
    buttons = [
        button(("✓ " if value == status else "") + label, Button.STAFF_NEEDS(mine, value, place))
        for value, label in choices
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([button(t("button-back"), Button.STAFF_NEEDS(mine, status, place))])
    return Screen(t("staff-needs-ask-status"), keyboard(*rows))


def needs_place_screen(
    t: Translator, mine: bool, status: str, provinces: Sequence[Province], province: Province | None
) -> Screen:
    """Anywhere or a province (Persian alphabetical order); a province's cities, or all of
    it. Each choice lists the needs again from the first page."""
    if province is None:
        names = [button(p.name(t.language), Button.STAFF_NEEDS_PLACE(mine, status, p.id))
                 for p in by_name(provinces, t.language)]  # fmt: skip
        first = button(t("staff-needs-anywhere"), Button.STAFF_NEEDS(mine, status, ANYWHERE))
        rows = [[first], *(names[i : i + 2] for i in range(0, len(names), 2))]
        back = Button.STAFF_NEEDS(mine, status)
        question = t("staff-needs-ask-province")
    else:
        names = [button(c.name(t.language), Button.STAFF_NEEDS(mine, status, Place.city(c.id)))
                 for c in by_name(province.cities, t.language)]  # fmt: skip
        whole = t("staff-needs-whole-province", province=province.name(t.language))
        first = button(whole, Button.STAFF_NEEDS(mine, status, Place.province(province.id)))
        rows = [[first], *(names[i : i + 3] for i in range(0, len(names), 3))]
        back = Button.STAFF_NEEDS_PLACE(mine, status)
        question = t("staff-needs-ask-city", province=province.name(t.language))
    rows.append([button(t("button-back"), back)])
    return Screen(question, keyboard(*rows))


def _status_name(t: Translator, status: NeedStatus | None) -> str:
    return t(f"need-status-{status.value}") if status else t("staff-needs-any-status")


def _place_name(t: Translator, wanted: NeedsFilter, geo: Geography) -> str:
    if wanted.city_id and wanted.city_id in geo.city_by_id:
        return geo.city_by_id[wanted.city_id].name(t.language)
    if wanted.province_id and wanted.province_id in geo.province_by_id:
        province = geo.province_by_id[wanted.province_id].name(t.language)
        return t("staff-needs-province", province=province)
    return t("staff-needs-anywhere")
