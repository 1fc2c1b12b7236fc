"""Staff add a need step by step, and change any value of an existing one.

Buttons over typing: the place, category, kind and urgency are picked from buttons; only
amounts, goods, descriptions, dates and a national code are typed, and they are read by the
same parsers and rules as everywhere else (bot.domain.need_editing). A typed answer that
cannot be used gets the reason and the same question again.

Adding (/newneed or the console's ➕): place → category → money or goods → description →
deadline → national code → urgency → a preview showing the donor's card itself, with
Publish, Save as draft, a button per value to change it, and Cancel.
Changing (/editneed CODE): the need with a button per value → that value's questions → the
same preview with Save. A draft is published from there. Closing and delivery stay
/close and /delivered (bot.handlers.staff).

Every step checks the staff role at that moment (`with_form`, through `bot.handlers.guards`):
a forged button, or a role taken away midway, gets "staff only" and changes nothing. What
the flow collected is in the store after every step (`context.flow`), so a restart continues
where staff left off.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks
from bot.callbacks import Button
from bot.context import HamdeliContext
from bot.domain import browse, need_editing, staff
from bot.domain.refusal import Refused
from bot.handlers.common import Flow, Route, answer_button, reply, show, text_of
from bot.handlers.guards import guarded, to_console
from bot.models import Need, NeedKind
from bot.text import InputError, normalize_text
from bot.views import staff as staff_views
from bot.views import staff_needs as views
from bot.views.donor import card_place
from bot.views.screen import Screen

END = ConversationHandler.END
FORM = "need_form"  # the key of this flow's values in the store's flow data

PROVINCE, CITY, CATEGORY, KIND = "need_province", "need_city", "need_category", "need_kind"
AMOUNT, ITEM, QUANTITY = "need_amount", "need_item", "need_quantity"
DESCRIPTION, DESCRIPTION_EN = "need_description", "need_description_en"
DEADLINE, NATIONAL_CODE, URGENT = "need_deadline", "need_national_code", "need_urgent"
PREVIEW = "need_preview"

# The first question of each value (a value may take two: province then city, kind then …).
FIRST_STATE = {
    "place": PROVINCE,
    "category": CATEGORY,
    "goal": KIND,
    "description": DESCRIPTION,
    "description_en": DESCRIPTION_EN,
    "deadline": DEADLINE,
    "national_code": NATIONAL_CODE,
    "urgent": URGENT,
}
VALUE_KEYS = {"description": "description_fa"}  # where a value is kept, if not under its name
CHOICES = {CATEGORY: views.category_screen, KIND: views.kind_screen, URGENT: views.urgent_screen}
# Buttons that only mean something inside the flow; pressed outside it they are stale.
STEP_BUTTONS = (
    Button.SN_PROVINCE_PAGE, Button.SN_PROVINCE, Button.SN_CITY_PAGE, Button.SN_CITY,
    Button.SN_CATEGORY, Button.SN_KIND, Button.SN_NONE, Button.SN_URGENT, Button.SN_FIELD,
    Button.SN_PUBLISH, Button.SN_DRAFT, Button.SN_SAVE,
)  # fmt: skip

Form = dict[str, Any]
Step = Callable[[Update, HamdeliContext, Form], Coroutine[Any, Any, str | int]]
# A step as PTB's handlers take it: a coroutine function of the update and the context.
StepHandler = Callable[[Update, HamdeliContext], Coroutine[Any, Any, str | int]]


# -- the form in the store --------------------------------------------------------------------


async def _form(context: HamdeliContext) -> Form | None:
    data = await context.flow.get()
    form = (data or {}).get(FORM)
    return form if isinstance(form, dict) else None


async def _keep(context: HamdeliContext, form: Form) -> None:
    """Written before the next question is asked, so a restart resumes with it."""
    await context.flow.save({FORM: form})


# -- steps and leaving --------------------------------------------------------------------------


async def _to_console(update: Update, context: HamdeliContext, message_id: str) -> int:
    """Back to the staff console with a word on why (cancelled, an old button)."""
    role = await staff.require_staff(context.store, context.me)
    text = context.t(message_id)
    await answer_button(update, text)
    await show(update, staff_views.staff_home(context.t, role).with_prefix(text))
    return END


def with_form(step: Step) -> StepHandler:
    """A step of the flow: for staff only (checked now, by the guard), with the form from
    the store. Refused (not staff any more, no such need): the form is forgotten and the
    flow ends (`guards.guarded`)."""

    @guarded(to_console, staff_only=True, forget_flow=True)
    @functools.wraps(step)
    async def checked(update: Update, context: HamdeliContext) -> str | int:
        form = await _form(context)
        if form is None:  # the form is gone (cancelled elsewhere): an old button
            return await _to_console(update, context, "button-expired")
        return await step(update, context, form)

    return checked


# -- asking -------------------------------------------------------------------------------------


async def _ask(
    update: Update, context: HamdeliContext, form: Form, state: str, prefix: str = "", page: int = 0
) -> str:
    """Show the question of `state` (with a reason above it when re-asking) and wait there."""
    screen = await _question(context, form, state, page)
    await show(update, screen.with_prefix(prefix) if prefix else screen)
    return state


async def _again(
    update: Update, context: HamdeliContext, form: Form, state: str, error: InputError
) -> str:
    return await _ask(update, context, form, state, context.t(error.code, **error.args_))


async def _question(context: HamdeliContext, form: Form, state: str, page: int) -> Screen:
    t = context.t
    geo = await browse.geography(context.store)
    if state == PROVINCE:
        return views.provinces_screen(t, geo.provinces, page)
    if state == CITY:
        return views.cities_screen(t, geo.province_by_id[form["province"]], page)
    if state in CHOICES:
        return CHOICES[state](t)
    if state == QUANTITY:
        return views.quantity_question(t, form["item"])
    if state == PREVIEW:
        return await _preview(context, form)
    return views.typed_question(t, state.removeprefix("need_"), context.today())


async def _next(update: Update, context: HamdeliContext, form: Form, field: str) -> str:
    """After a value: the next question while adding step by step, else the preview."""
    steps = need_editing.ADD_STEPS
    if not form.get("single") and field in steps[:-1]:
        state = FIRST_STATE[steps[steps.index(field) + 1]]
    else:
        form["single"], state = True, PREVIEW  # from now on a changed value comes back here
    await _keep(context, form)
    return await _ask(update, context, form, state)


async def _stored(context: HamdeliContext, form: Form) -> Need | None:
    """The need being changed (None while adding): pledges limit what may change."""
    if form["mode"] != "edit":
        return None
    return await context.store.need_by_code(form["code"])


async def _shown(
    context: HamdeliContext, need: Need, national_code: str | None, stored: Need | None
) -> views.NeedShown:
    geo = await browse.geography(context.store)
    place = await need_editing.donor_place(
        context.store, need, context.settings.k_anonymity, context.t.language, stored
    )
    return views.NeedShown(
        need=need,
        place=card_place(context.t, place),
        city=geo.city_by_id[need.city_id],
        province=geo.province_by_id[need.province_id],
        national_code=national_code,
        today=context.today(),
        saved=stored is not None,
    )


async def _preview(context: HamdeliContext, form: Form) -> Screen:
    draft = need_editing.draft_from_values(form["values"])
    stored = await _stored(context, form)
    need = need_editing.preview_need(draft, form["code"], stored)
    shown = await _shown(context, need, draft.beneficiary_national_code, stored)
    return views.preview_screen(context.t, shown, editing=form["mode"] == "edit")


# -- starting -----------------------------------------------------------------------------------


@guarded(to_console, staff_only=True)
async def start_new(update: Update, context: HamdeliContext) -> str | int:
    """/newneed or ➕: an empty form under the code the need will have; the place first."""
    await answer_button(update)
    code = await need_editing.new_code(context.store)
    form = {"mode": "add", "code": code, "single": False, "values": {}}
    await _keep(context, form)
    return await _ask(update, context, form, PROVINCE)


@guarded(to_console, forget_flow=True)
async def start_edit(update: Update, context: HamdeliContext) -> str | int:
    """A value's button on a need's staff view: its question, then the preview."""
    code, field = context.pressed.args
    need, national_code = await need_editing.need_for_editing(context.store, context.me, code)
    await answer_button(update)
    values = need_editing.values_from(need, national_code)
    form = {"mode": "edit", "code": need.code, "single": True, "values": values}
    await _keep(context, form)
    return await _ask(update, context, form, FIRST_STATE[field])


# -- buttons ------------------------------------------------------------------------------------


@with_form
async def province_page(update: Update, context: HamdeliContext, form: Form) -> str:
    await answer_button(update)
    return await _ask(update, context, form, PROVINCE, page=context.pressed.arg)


@with_form
async def chose_province(update: Update, context: HamdeliContext, form: Form) -> str:
    """Kept aside until a city is chosen, so a half-changed place is never previewed."""
    await answer_button(update)
    province = (await browse.geography(context.store)).province_by_id.get(context.pressed.arg)
    if province is None:
        return await _ask(update, context, form, PROVINCE, context.t("need-form-use-buttons"))
    form["province"] = province.id
    await _keep(context, form)
    return await _ask(update, context, form, CITY)


@with_form
async def city_page(update: Update, context: HamdeliContext, form: Form) -> str:
    await answer_button(update)
    return await _ask(update, context, form, CITY, page=context.pressed.arg)


@with_form
async def chose_city(update: Update, context: HamdeliContext, form: Form) -> str:
    await answer_button(update)
    city = (await browse.geography(context.store)).city_by_id.get(context.pressed.arg)
    if city is None or city.province_id != form.get("province"):
        return await _ask(update, context, form, CITY, context.t("need-form-use-buttons"))
    form["values"].update(province_id=city.province_id, city_id=city.id)
    return await _next(update, context, form, "place")


@with_form
async def chose_category(update: Update, context: HamdeliContext, form: Form) -> str:
    await answer_button(update)
    form["values"]["category"] = context.pressed.arg
    return await _next(update, context, form, "category")


@with_form
async def chose_kind(update: Update, context: HamdeliContext, form: Form) -> str:
    """Money asks for an amount, goods for a name and a quantity; kept aside until then."""
    await answer_button(update)
    kind: NeedKind = context.pressed.arg
    try:
        need_editing.check_kind(await _stored(context, form), kind)
    except InputError as error:
        return await _again(update, context, form, KIND, error)
    form["kind"] = kind.value
    await _keep(context, form)
    return await _ask(update, context, form, AMOUNT if kind is NeedKind.MONEY else ITEM)


@with_form
async def chose_urgent(update: Update, context: HamdeliContext, form: Form) -> str:
    await answer_button(update)
    form["values"]["urgent"] = context.pressed.arg
    return await _next(update, context, form, "urgent")


def _leave_empty(state: str) -> StepHandler:
    """The "skip" / "no deadline" / "no English description" button of an optional value."""
    field = state.removeprefix("need_")

    @with_form
    async def leave_empty(update: Update, context: HamdeliContext, form: Form) -> str:
        await answer_button(update)
        form["values"][VALUE_KEYS.get(field, field)] = None
        return await _next(update, context, form, field)

    return leave_empty


@with_form
async def change_field(update: Update, context: HamdeliContext, form: Form) -> str:
    """A value's button on the preview: ask it again, then back to the preview."""
    await answer_button(update)
    form["single"] = True
    await _keep(context, form)
    return await _ask(update, context, form, FIRST_STATE[context.pressed.arg])


def _hint(state: str, message_id: str) -> StepHandler:
    """Anything a question does not expect (text for buttons, a sticker for text, another
    step's old button): say what is expected and ask the same question again, so nothing
    collected so far is lost."""

    @with_form
    async def hint(update: Update, context: HamdeliContext, form: Form) -> str:
        await answer_button(update, context.t(message_id))
        return await _ask(update, context, form, state, context.t(message_id))

    return hint


# -- typed answers ------------------------------------------------------------------------------


@with_form
async def typed_amount(update: Update, context: HamdeliContext, form: Form) -> str:
    try:
        target = need_editing.read_amount(text_of(update))
        need_editing.check_goal(await _stored(context, form), NeedKind.MONEY, target)
    except InputError as error:
        return await _again(update, context, form, AMOUNT, error)
    form["values"].update(kind=NeedKind.MONEY.value, target=target, item_name=None)
    return await _next(update, context, form, "goal")


@with_form
async def typed_item(update: Update, context: HamdeliContext, form: Form) -> str:
    try:
        form["item"] = need_editing.read_item_name(text_of(update))
    except InputError as error:
        return await _again(update, context, form, ITEM, error)
    await _keep(context, form)
    return await _ask(update, context, form, QUANTITY)


@with_form
async def typed_quantity(update: Update, context: HamdeliContext, form: Form) -> str:
    try:
        quantity = need_editing.read_quantity(text_of(update))
        need_editing.check_goal(await _stored(context, form), NeedKind.ITEMS, quantity)
    except InputError as error:
        return await _again(update, context, form, QUANTITY, error)
    values = form["values"]
    if values.get("item_name") != form["item"]:  # a renamed item's English name no longer fits
        values["item_name_en"] = None
    values.update(kind=NeedKind.ITEMS.value, target=quantity, item_name=form["item"])
    return await _next(update, context, form, "goal")


def _typed(state: str, read: Callable[[str, HamdeliContext], object]) -> StepHandler:
    """A value typed in one message: read it (or explain and ask again), keep it, go on."""
    field = state.removeprefix("need_")

    @with_form
    async def typed(update: Update, context: HamdeliContext, form: Form) -> str:
        try:
            form["values"][VALUE_KEYS.get(field, field)] = read(text_of(update), context)
        except InputError as error:
            return await _again(update, context, form, state, error)
        return await _next(update, context, form, field)

    return typed


typed_description = _typed(DESCRIPTION, lambda text, _: need_editing.read_description(text))
typed_description_en = _typed(DESCRIPTION_EN, lambda text, _: need_editing.read_description(text))
typed_national_code = _typed(NATIONAL_CODE, lambda text, _: need_editing.read_national_code(text))
typed_deadline = _typed(
    DEADLINE, lambda text, context: need_editing.read_deadline(text, context.today()).isoformat()
)


# -- writing ------------------------------------------------------------------------------------


async def _done(update: Update, context: HamdeliContext, need: Need, message_id: str) -> int:
    """Say what happened (with the need's code) above the need's staff view."""
    text = context.t(message_id, code=need.code)
    await answer_button(update, text)
    national_code = await context.store.need_beneficiary_code(need.id)
    screen = views.need_staff_screen(context.t, await _shown(context, need, national_code, need))
    await show(update, screen.with_prefix(text))
    return END


async def _create(update: Update, context: HamdeliContext, form: Form, publish: bool) -> str | int:
    if form["mode"] != "add" or context.pressed.arg != form["code"]:  # another preview's
        return await _hint(PREVIEW, "button-expired")(update, context)
    try:
        need = await need_editing.create_need(
            context.store,
            context.me,
            need_editing.draft_from_values(form["values"]),
            form["code"],
            publish=publish,
            today=context.today(),
            now=context.now(),
        )
    except InputError as error:  # the values got old (a deadline passed): fix, then again
        await answer_button(update)
        return await _again(update, context, form, PREVIEW, error)
    await context.flow.clear()
    return await _done(
        update, context, need, "need-form-published" if publish else "need-form-drafted"
    )


@with_form
async def publish(update: Update, context: HamdeliContext, form: Form) -> str | int:
    return await _create(update, context, form, publish=True)


@with_form
async def save_draft(update: Update, context: HamdeliContext, form: Form) -> str | int:
    return await _create(update, context, form, publish=False)


@with_form
async def save_changes(update: Update, context: HamdeliContext, form: Form) -> str | int:
    if form["mode"] != "edit" or context.pressed.arg != form["code"]:
        return await _hint(PREVIEW, "button-expired")(update, context)
    try:
        need = await need_editing.update_need(
            context.store,
            context.me,
            form["code"],
            need_editing.draft_from_values(form["values"]),
            today=context.today(),
            now=context.now(),
        )
    except InputError as error:
        await answer_button(update)
        return await _again(update, context, form, PREVIEW, error)
    await context.flow.clear()
    return await _done(update, context, need, "need-form-saved")


# -- outside the flow ---------------------------------------------------------------------------


@guarded(to_console)
async def edit_need(update: Update, context: HamdeliContext) -> None:
    """/editneed CODE: the need as donors see it, what only staff see, a button per value."""
    await staff.require_staff(context.store, context.me)  # before reading any input
    code = normalize_text(" ".join(context.args or [])).upper().lstrip("#")
    if not code:
        raise Refused("need-edit-usage")
    await _staff_view(update, context, code)


@guarded(to_console)
async def open_need(update: Update, context: HamdeliContext) -> None:
    """A need's button in /needs: its staff view, as /editneed shows it (a new message, so
    the list stays to pick the next one)."""
    await _staff_view(update, context, context.pressed.arg)
    await answer_button(update)


async def _staff_view(update: Update, context: HamdeliContext, code: str) -> None:
    need, national_code = await need_editing.view_need(
        context.store, context.me, code, context.now()
    )
    shown = await _shown(context, need, national_code, need)
    await reply(update, views.need_staff_screen(context.t, shown))


@guarded(to_console)
async def list_needs(update: Update, context: HamdeliContext) -> None:
    """/needs, the console's 🗂 and the list's own buttons: a page of the office's needs."""
    listed = await staff.list_needs(context.store, context.me, _needs_filter(context))
    await answer_button(update)
    geo = await browse.geography(context.store)
    await show(update, views.needs_list_screen(context.t, listed, geo))


def _needs_filter(context: HamdeliContext) -> staff.NeedsFilter:
    """The filter a /needs button carries (see Button.STAFF_NEEDS); /needs: everything."""
    if context.button is None or context.button.kind is not Button.STAFF_NEEDS:
        return staff.NeedsFilter()
    mine, status, place, page = context.button.args
    return staff.NeedsFilter(
        mine=mine,
        status=None if status == "all" else status,
        province_id=place.province_id,
        city_id=place.city_id,
        page=page,
    )


@guarded(to_console)
async def pick_needs_status(update: Update, context: HamdeliContext) -> None:
    await staff.require_staff(context.store, context.me)
    mine, status, place = context.pressed.args
    await answer_button(update)
    await show(update, views.needs_status_screen(context.t, mine, status, place))


@guarded(to_console)
async def pick_needs_place(update: Update, context: HamdeliContext) -> None:
    """Provinces, or one province's cities (an unknown province: the provinces)."""
    await staff.require_staff(context.store, context.me)
    mine, status, province_id = context.pressed.args
    geo = await browse.geography(context.store)
    await answer_button(update)
    screen = views.needs_place_screen(
        context.t, mine, status, geo.provinces, geo.province_by_id.get(province_id)
    )
    await show(update, screen)


@guarded(to_console)
async def publish_draft(update: Update, context: HamdeliContext) -> None:
    """The staff view's "publish this draft" button."""
    need = await need_editing.publish_need(
        context.store, context.me, context.pressed.arg, context.now()
    )
    await _done(update, context, need, "need-form-draft-published")


@guarded(to_console)
async def cancel(update: Update, context: HamdeliContext) -> None:
    """The flow's cancel button (the flow itself already ended on the press)."""
    await staff.require_staff(context.store, context.me)
    await context.flow.clear()
    await _to_console(update, context, "need-form-cancelled")


@guarded(to_console)
async def stale_step(update: Update, context: HamdeliContext) -> None:
    """A step's button from a flow that is over: staff get the console, others a refusal."""
    await _to_console(update, context, "button-expired")


# -- wiring -------------------------------------------------------------------------------------


def flows() -> list[Flow]:
    """Adding a need and changing one value of a need: one flow, a state per question."""
    text, other = filters.TEXT & ~filters.COMMAND, ~filters.COMMAND

    def buttons(state: str, *pairs: tuple[Button, Route]) -> list[BaseHandler]:
        choices: list[BaseHandler] = [
            CallbackQueryHandler(h, pattern=kind.pattern()) for kind, h in pairs
        ]
        return [*choices, MessageHandler(other, _hint(state, "need-form-use-buttons"))]

    def typed(state: str, handler: Route, optional: bool = False) -> list[BaseHandler]:
        empty: list[BaseHandler] = [
            CallbackQueryHandler(_leave_empty(state), pattern=Button.SN_NONE.pattern())
        ]
        hint: BaseHandler = MessageHandler(other, _hint(state, "need-form-type-text"))
        return [MessageHandler(text, handler), *(empty if optional else []), hint]

    provinces = (Button.SN_PROVINCE_PAGE, province_page)  # also the city list's "other provinces"
    states = {
        PROVINCE: buttons(PROVINCE, (Button.SN_PROVINCE, chose_province), provinces),
        CITY: buttons(
            CITY, (Button.SN_CITY, chose_city), (Button.SN_CITY_PAGE, city_page), provinces
        ),
        CATEGORY: buttons(CATEGORY, (Button.SN_CATEGORY, chose_category)),
        KIND: buttons(KIND, (Button.SN_KIND, chose_kind)),
        AMOUNT: typed(AMOUNT, typed_amount),
        ITEM: typed(ITEM, typed_item),
        QUANTITY: typed(QUANTITY, typed_quantity),
        DESCRIPTION: typed(DESCRIPTION, typed_description),
        DESCRIPTION_EN: typed(DESCRIPTION_EN, typed_description_en, optional=True),
        DEADLINE: typed(DEADLINE, typed_deadline, optional=True),
        NATIONAL_CODE: typed(NATIONAL_CODE, typed_national_code, optional=True),
        URGENT: buttons(URGENT, (Button.SN_URGENT, chose_urgent)),
        PREVIEW: buttons(
            PREVIEW,
            (Button.SN_PUBLISH, publish),
            (Button.SN_DRAFT, save_draft),
            (Button.SN_SAVE, save_changes),
            (Button.SN_FIELD, change_field),
        ),
    }
    old_step = callbacks.any_of(STEP_BUTTONS)
    for state, expected in states.items():  # another step's old button keeps the flow
        expected.append(CallbackQueryHandler(_hint(state, "button-expired"), pattern=old_step))
    return [
        Flow(
            entry_points=[
                CommandHandler("newneed", start_new),
                CallbackQueryHandler(start_new, pattern=Button.SN_NEW.pattern()),
                CallbackQueryHandler(start_edit, pattern=Button.SN_EDIT.pattern()),
            ],
            states=states,
        )
    ]


def handlers() -> list[BaseHandler]:
    return [CommandHandler("editneed", edit_need), CommandHandler("needs", list_needs)]


def routes() -> dict[Button, Route]:
    return {
        Button.SN_PUBLISH_DRAFT: publish_draft,
        Button.SN_VIEW: open_need,
        Button.STAFF_NEEDS: list_needs,
        Button.STAFF_NEEDS_STATUS: pick_needs_status,
        Button.STAFF_NEEDS_PLACE: pick_needs_place,
        Button.SN_CANCEL: cancel,
        **dict.fromkeys(STEP_BUTTONS, stale_step),
    }
