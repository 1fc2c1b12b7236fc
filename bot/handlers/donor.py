"""Donors: browse needs by province and city, open a need, pledge, see and manage pledges.

Browsing is stateless: every button names the place, filter and page it shows, so old
messages keep working after restarts. The only conversation is the pledge amount, where
the bot waits for a typed number; the need it is for is written to the store when the flow
starts, so a crash loses nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from telegram import Update
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.callbacks import Button
from bot.codes import ALPHABET, CODE_LENGTH, new_confirm_token, typed_need_code
from bot.context import HamdeliContext, job_queue_of
from bot.domain import browse, pledges, typed
from bot.domain.pledges import PledgeRefused, PledgeRules, StaffAlerts
from bot.domain.refusal import Refused
from bot.handlers.common import (
    Flow,
    Route,
    answer_button,
    message_of,
    receipt_file_id,
    reply,
    show,
    text_of,
    unknown_message,
)
from bot.handlers.guards import Worded, guarded, to_donor_menu
from bot.models import Need, NeedKind, Pledge, PledgeStatus, Province
from bot.text import RIALS_PER_TOMAN, InputError, parse_money, parse_whole_number
from bot.views import credits as credit_views
from bot.views import donor as views
from bot.views.common import input_error

log = logging.getLogger(__name__)

AMOUNT = "amount"  # conversation state: waiting for a typed amount or quantity
RECEIPT = "receipt"  # conversation state: "I've paid" pressed; a receipt photo may follow
DEEP_LINK = re.compile(rf"^/start need_([{ALPHABET}]{{{CODE_LENGTH}}})$", re.IGNORECASE)
MAX_QUANTITY_BUTTONS = 10
RECEIPT_FILES = filters.PHOTO | filters.Document.PDF | filters.Document.IMAGE
# Text that may be a bank tracking number (checked exactly by pledges.read_tracking_number),
# with the invisible characters a copy from a bank app can carry (zero-width and direction
# marks, word joiner, byte-order mark), which that reading drops.
TRACKING_TEXT = re.compile(
    r"^[\s\-_/.0-9\u06f0-\u06f9\u0660-\u0669\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]{6,60}$"
)


# -- browsing ----------------------------------------------------------------------------


async def provinces(update: Update, context: HamdeliContext) -> None:
    await answer_button(update)
    geo = await browse.geography(context.store)
    counts = await context.store.open_counts_by_province()
    await show(update, views.provinces_screen(context.t, geo.provinces, counts))


@guarded(to_donor_menu)
async def cities(update: Update, context: HamdeliContext) -> None:
    province = (await browse.geography(context.store)).province_by_id.get(context.pressed.arg)
    if province is None:
        raise Refused("button-expired")
    await answer_button(update)
    await _show_province(update, context, province)


async def _show_province(
    update: Update, context: HamdeliContext, province: Province, *, announce: bool = False
) -> None:
    """A province's cities as donors may see them (the provinces when nothing is open);
    a typed name says which province it is showing."""
    found = await browse.cities_of(context.store, province, context.settings.k_anonymity)
    name = province.name(context.t.language)
    if not found.named and not found.small_count:
        screen = views.provinces_screen(
            context.t,
            (await browse.geography(context.store)).provinces,
            await context.store.open_counts_by_province(),
        )
        await show(
            update, screen.with_prefix(context.t("typed-place-nothing", province=name))
            if announce else screen,
        )  # fmt: skip
        return
    choice = views.CityChoice(found.named, found.small_count)
    screen = views.cities_screen(context.t, province, choice)
    await show(
        update,
        screen.with_prefix(context.t("typed-place-province", province=name))
        if announce
        else screen,
    )


@guarded(to_donor_menu)
async def city_page(update: Update, context: HamdeliContext) -> None:
    city_id, category, page = context.pressed.args
    found = await browse.look_up_city(context.store, city_id, context.settings.k_anonymity)
    if found is None:
        raise Refused("button-expired")
    if found.named is None:
        await _show_province_level(update, context, found)
        return
    await _show_page(
        update,
        context,
        views.PlaceRef.city(found.named, found.province, context.t),
        [found.named.id],
        category,
        page,
        total=found.count if category == "all" else None,
    )


@guarded(to_donor_menu)
async def other_page(update: Update, context: HamdeliContext) -> None:
    province_id, category, page = context.pressed.args
    province = (await browse.geography(context.store)).province_by_id.get(province_id)
    if province is None:
        raise Refused("button-expired")
    found = await browse.cities_of(context.store, province, context.settings.k_anonymity)
    place = views.PlaceRef.other(province, context.t)
    await _show_page(update, context, place, found.small_ids, category, page)


async def _show_province_level(
    update: Update, context: HamdeliContext, found: browse.CityLookup
) -> None:
    """A button names a city donors may not see (too few open needs, or none left): the
    province's level instead, worded and counted the same for every such city, so no
    forged button can tell a town with a hidden need from an empty one (k-anonymity)."""
    await answer_button(update)
    province, cities = found.province, found.cities
    prefix = context.t("browse-place-stale", province=province.name(context.t.language))
    if cities.small_count:
        place = views.PlaceRef.other(province, context.t)
        await _show_page(update, context, place, cities.small_ids, "all", 0, prefix)
        return
    choice = views.CityChoice(cities.named, 0)
    await show(update, views.cities_screen(context.t, province, choice).with_prefix(prefix))


async def _show_page(
    update, context, place, city_ids, category, page, prefix="", total: int | None = None
) -> None:
    """A page of a place's needs; `total` when the caller already counted (saves a query)."""
    chosen = browse.category_or_none(category)
    if total is None:
        total = await context.store.open_need_count(city_ids, chosen)
    shown, pages = browse.page_within(page, total, views.PAGE_SIZE)
    await answer_button(update, context.t("button-expired") if shown != page else None)
    page = shown
    needs = await context.store.open_needs_page(
        city_ids, chosen, views.PAGE_SIZE, page * views.PAGE_SIZE
    )
    screen = views.needs_page_screen(
        context.t,
        views.Page(
            place=place,
            needs=tuple(needs),
            page=page,
            pages=pages,
            category=category,
        ),
        context.today(),
        prefix,
    )
    await show(update, screen)


@guarded(to_donor_menu)
async def categories(update: Update, context: HamdeliContext) -> None:
    """Category chips of a named city, or of a province's unnamed cities together."""
    parsed, k = context.pressed, context.settings.k_anonymity
    if parsed.kind is Button.CITY_FILTER:
        city = await browse.look_up_city(context.store, parsed.arg, k)
        if city is None:
            raise Refused("button-expired")
        if city.named is None:
            await _show_province_level(update, context, city)
            return
        place = views.PlaceRef.city(city.named, city.province, context.t)
        city_ids: Sequence[int] = [city.named.id]
    else:
        province = (await browse.geography(context.store)).province_by_id.get(parsed.arg)
        if province is None:
            raise Refused("button-expired")
        place = views.PlaceRef.other(province, context.t)
        city_ids = (await browse.cities_of(context.store, province, k)).small_ids
    await answer_button(update)
    counts = await context.store.open_counts_by_category(city_ids)
    await show(update, views.categories_screen(context.t, place, counts))


# -- one need: a card button, a typed code, or a shared link ----------------------------


@guarded(to_donor_menu)
async def need_button(update: Update, context: HamdeliContext) -> None:
    need = await context.store.need_by_code(context.pressed.arg)
    if need is None or not need.visible_to_donors:
        raise Refused("need-not-found")
    await answer_button(update)
    await _show_need(update, context, need.code)


@guarded(to_donor_menu)
async def typed_text(update: Update, context: HamdeliContext) -> None:
    """Text outside any flow: a need code (any digits) opens the need, a province or city
    name opens its needs; anything else gets the short answer every audience shares."""
    text = text_of(update)
    if (code := typed_need_code(text)) is not None:
        await _show_need(update, context, code)
        return
    geo = await browse.geography(context.store)
    if (place := typed.find_place(geo, text)) is not None:
        await _typed_place(update, context, place)
        return
    await unknown_message(update, context)


async def _typed_place(update: Update, context: HamdeliContext, place: typed.TypedPlace) -> None:
    """A typed place, answered as browsing would: a city donors may see opens its first
    page; a town below K_ANONYMITY is never named, whether or not it has needs: the
    answer is its province, worded the same as when the province itself is typed."""
    if place.city is not None:
        found = await browse.look_up_city(
            context.store, place.city.id, context.settings.k_anonymity
        )
        if found is not None and found.named is not None:
            city_ref = views.PlaceRef.city(found.named, found.province, context.t)
            await _show_page(update, context, city_ref, [found.named.id], "all", 0,
                             total=found.count)  # fmt: skip
            return
    await _show_province(update, context, place.province, announce=True)


@guarded(to_donor_menu)
async def shared_link(update: Update, context: HamdeliContext) -> None:
    match = DEEP_LINK.match(text_of(update).strip())
    if match is None:  # its filter matched DEEP_LINK; else it names no need we can find
        raise Refused("need-not-found")
    await _show_need(update, context, match.group(1).upper())


async def _show_need(update: Update, context: HamdeliContext, code: str) -> None:
    need = await context.store.need_by_code(code)
    if need is None or not need.visible_to_donors:
        raise Refused("need-not-found")
    place = await browse.place_of(
        context.store, need, context.settings.k_anonymity, context.t.language
    )
    link = share_link(context, need.code)
    await show(
        update,
        views.need_screen(context.t, need, place, context.today(), link),
    )


def share_link(context: HamdeliContext, code: str) -> str:
    host = "ble.ir" if context.services.platform == "bale" else "t.me"
    return f"https://{host}/{context.bot.username}?start=need_{code}"


# -- pledging -----------------------------------------------------------------------------


@guarded(to_donor_menu)
async def ask_amount(update: Update, context: HamdeliContext) -> str | int:
    """ "Help" on a need: offer amounts (or quantities) and wait for a typed one."""
    need = await context.store.need_by_code(context.pressed.arg)
    if need is None or need.remaining <= 0 or not need.open:
        raise PledgeRefused("pledge-need-unavailable")
    await answer_button(update)
    await context.flow.save({"need": need.code})
    rules = PledgeRules.from_settings(context.settings)
    await show(update, views.amount_screen(context.t, need, _presets(context, need, rules)))
    return AMOUNT


def _presets(context: HamdeliContext, need: Need, rules: PledgeRules) -> list[int]:
    """Amount buttons: the presets below what remains (and not below the minimum)."""
    if need.kind is NeedKind.ITEMS:
        return list(range(1, min(need.remaining, MAX_QUANTITY_BUTTONS) + 1))
    wanted = [toman * RIALS_PER_TOMAN for toman in context.settings.pledge_presets_toman]
    return [value for value in wanted if rules.min_rials <= value < need.remaining]


@guarded(to_donor_menu)
async def typed_amount(update: Update, context: HamdeliContext) -> str | int:
    flow = await context.flow.get()
    need = await context.store.need_by_code(str(flow.get("need", "")))
    if need is None:
        raise PledgeRefused("pledge-need-unavailable")
    try:
        value = _read_amount(need, text_of(update))
    except InputError as error:
        if flow.get("confirming"):  # not an amount after all: ordinary text, flow over
            await context.flow.clear()
            await typed_text(update, context)
            return ConversationHandler.END
        await reply(update, input_error(context.t, error))
        return AMOUNT
    return await _confirm_or_explain(update, context, need, value)


def _read_amount(need: Need, text: str) -> int:
    if need.kind is NeedKind.MONEY:
        return parse_money(text)
    quantity = parse_whole_number(text)
    if quantity is None:
        raise InputError("pledge-quantity-not-understood", remaining=need.remaining)
    return quantity


@guarded(to_donor_menu)
async def chosen_amount(update: Update, context: HamdeliContext) -> str | int:
    code, value = context.pressed.args
    need = await context.store.need_by_code(code)
    if need is None:
        raise PledgeRefused("pledge-need-unavailable")
    await answer_button(update)
    return await _confirm_or_explain(update, context, need, value)


async def _confirm_or_explain(update, context, need: Need, value: int) -> str | int:
    """Check the amount now (the store re-checks atomically on confirm) and ask to confirm."""
    rules = PledgeRules.from_settings(context.settings)
    try:
        pledges.check_amount(need, value, rules)
    except PledgeRefused as refused:  # below the minimum, above what remains: type again
        await reply(update, views.amount_again(context.t, need, refused))
        return AMOUNT
    token = new_confirm_token()
    until = views.Deadline(context.now() + rules.ttl_for(need.kind), context.settings.tz)
    screen = views.confirm_screen(context.t, need, value, token, until)
    await show(update, screen)
    # Still listening: a new amount typed on the confirm screen replaces this one (a fresh
    # screen and token, and the older confirm button no longer counts).
    await context.flow.save({"need": need.code, "confirming": True, "token": token})
    return AMOUNT


async def confirm_in_flow(update: Update, context: HamdeliContext) -> str | int:
    """A confirm button while the amount can still change: only the latest one counts."""
    flow = await context.flow.get()
    if flow.get("token") not in (None, context.pressed.args[2]):
        await answer_button(update, context.t("pledge-amount-replaced"))
        return AMOUNT
    await context.flow.clear()
    await confirm(update, context)
    return ConversationHandler.END


async def amount_hint(update: Update, context: HamdeliContext) -> str:
    """Anything but text while we wait for an amount: say what we expect."""
    await reply(update, views.amount_hint_screen(context.t))
    return AMOUNT


@guarded(to_donor_menu)
async def confirm(update: Update, context: HamdeliContext) -> None:
    code, value, token = context.pressed.args
    try:
        pledge = await pledges.pledge_help(
            context.store,
            need_code=code,
            platform=context.services.platform,
            donor_id=context.me.user_id,
            amount=value,
            token=token,
            now=context.now(),
            rules=PledgeRules.from_settings(context.settings),
        )
    except PledgeRefused as refused:  # amounts in this need's units (toman or items)
        need = await context.store.need_by_code(code)
        if need is None:
            raise
        raise Worded(views.refusal_text(context.t, need, refused)) from refused
    await answer_button(update)
    await context.flow.clear()
    need = await pledges.need_of(context.store, pledge)
    await show(update, views.pledge_done_screen(context.t, need, pledge, context.settings))


# -- my pledges -----------------------------------------------------------------------------


async def my_pledges(update: Update, context: HamdeliContext) -> None:
    page = context.button.arg if context.button else 0  # /mypledges: the first page
    await answer_button(update)
    await _show_my_pledges(update, context, page)


async def _show_my_pledges(update, context, page: int, prefix: str = "") -> None:
    store, platform = context.store, context.services.platform
    mine = await pledges.donor_pledges(store, platform, context.me.user_id, page, views.PAGE_SIZE)
    needs = await pledges.needs_of(store, mine.pledges)
    screen = views.my_pledges_screen(
        context.t,
        mine.pledges,
        needs,
        mine.page,
        pages=mine.pages,
        tz=context.settings.tz,
        provider_token=context.settings.provider_token,
    )
    waiting = await store.credits_of_donor(platform, context.me.user_id)
    screen = credit_views.with_credits(context.t, screen, waiting)  # money with no need yet
    await show(update, screen.with_prefix(prefix) if prefix else screen)


@guarded(to_donor_menu)
async def cancel_ask(update: Update, context: HamdeliContext) -> None:
    pledge = await context.store.pledge(context.pressed.arg)
    if pledge is None or (pledge.platform, pledge.donor_id) != (
        context.services.platform,
        context.me.user_id,
    ):
        raise PledgeRefused("pledge-not-found")
    await answer_button(update)
    need = await pledges.need_of(context.store, pledge)
    await show(update, views.cancel_ask_screen(context.t, need, pledge))


@guarded(to_donor_menu)
async def cancel_do(update: Update, context: HamdeliContext) -> None:
    reference = context.pressed.arg
    done = context.t("pledge-cancelled", reference=reference)
    await _act_on_pledge(update, context, pledges.cancel_pledge, done)


@guarded(to_donor_menu)
async def report_paid(update: Update, context: HamdeliContext) -> str | int:
    """ "I've paid" (or, for goods, "I've delivered it"): expiry stops and staff are told.
    After a transfer the bot asks for the bank tracking number or a photo of the receipt:
    a card-to-card transfer has no description, so that is how staff find the money."""
    reference = context.pressed.arg
    pledge = await pledges.report_paid(
        context.store,
        reference=reference,
        platform=context.services.platform,
        donor_id=context.me.user_id,
        receipt_file_id=None,
        now=context.now(),
        alerts=StaffAlerts.from_settings(context.settings),
    )
    need = await context.store.need(pledge.need_id)
    if need is not None and need.kind is NeedKind.ITEMS:
        await answer_button(update, context.t("pledge-delivery-reported"))
        await show(update, views.delivered_reported_screen(context.t))
        return ConversationHandler.END
    await answer_button(update, context.t("pledge-reported"))
    await _await_receipt(context, reference)
    await show(update, views.receipt_screen(context.t, reference))
    return RECEIPT


@guarded(to_donor_menu)
async def ask_receipt(update: Update, context: HamdeliContext) -> str | int:
    """ "📎 Send receipt" on a pledge in "My pledges": wait for a photo, PDF or number."""
    reference = context.pressed.arg
    pledge = await context.store.pledge(reference)
    if pledge is None or (pledge.platform, pledge.donor_id) != (
        context.services.platform, context.me.user_id
    ):  # fmt: skip
        raise PledgeRefused("pledge-not-found")
    if pledge.status in (PledgeStatus.EXPIRED, PledgeStatus.CANCELLED):
        raise PledgeRefused("receipt-pledge-ended", reference=reference)
    await answer_button(update)
    await _await_receipt(context, reference)
    await show(update, views.receipt_screen(context.t, reference, reported=False))
    return RECEIPT


async def _await_receipt(context: HamdeliContext, reference: str) -> None:
    await context.flow.save({"receipt": reference})


def _receipt_of(update: Update) -> tuple[str | None, str | None]:
    """(file id, tracking number) of a message that is a receipt: a photo, a PDF, or a
    typed tracking number. Raises InputError for text that is not a tracking number."""
    message = message_of(update)
    if (kept := receipt_file_id(message)) is not None:
        return kept, None
    return None, pledges.read_tracking_number(message.text or "")


@guarded(to_donor_menu)
async def receipt_in_flow(update: Update, context: HamdeliContext) -> str | int:
    """The receipt after "I've paid" or "📎 Send receipt": kept, staff told, back to the
    donor's pledges. Text that is no tracking number is explained, and the wait goes on."""
    try:
        file_id, tracking = _receipt_of(update)
    except InputError as error:
        await reply(update, input_error(context.t, error))
        return RECEIPT
    reference = str((await context.flow.get()).get("receipt"))
    await context.flow.clear()
    await _keep_receipt(update, context, reference, file_id, tracking)
    return ConversationHandler.END


async def _keep_receipt(
    update: Update, context: HamdeliContext, reference: str, file_id, tracking
) -> None:
    """Attach a receipt to one pledge and say so above the donor's pledges."""
    await pledges.receive_receipt(
        context.store, reference=reference, platform=context.services.platform,
        donor_id=context.me.user_id, file_id=file_id, tracking=tracking,
        now=context.now(), alerts=StaffAlerts.from_settings(context.settings),
    )  # fmt: skip
    await answer_button(update)
    saved = context.t("pledge-receipt-saved", reference=reference)
    await _show_my_pledges(update, context, 0, saved)


async def receipt_hint(update: Update, context: HamdeliContext) -> str:
    await reply(update, views.receipt_expected_screen(context.t))
    return RECEIPT


@guarded(to_donor_menu)
async def receipt_any_time(update: Update, context: HamdeliContext) -> None:
    """A receipt photo, PDF or tracking number sent outside any flow: it goes to the
    donor's pending pledge; with several, the donor picks which. With none pending it goes
    to the newest confirmed or rejected one (staff are told it came late). Someone with no
    pledge at all gets what any stray message gets (or, for a need code, the need)."""
    text = message_of(update).text
    code = typed_need_code(text) if text is not None else None
    if code is not None and await context.store.need_by_code(code) is not None:
        await _show_need(update, context, code)  # six digits can be a need's code
        return
    try:
        file_id, tracking = _receipt_of(update)
    except InputError:
        file_id = tracking = None
    candidates = await _receipt_candidates(context) if file_id or tracking else []
    if not candidates:
        if text is not None:
            await typed_text(update, context)
        else:
            await unknown_message(update, context)
        return
    if len(candidates) == 1:
        await _keep_receipt(update, context, candidates[0].reference, file_id, tracking)
        return
    await context.flow.save({"loose_receipt": {"file": file_id, "tracking": tracking}})
    needs = await pledges.needs_of(context.store, candidates)
    await reply(update, views.receipt_choice_screen(context.t, candidates, needs))


async def _receipt_candidates(context: HamdeliContext) -> list[Pledge]:
    """The pledges a loose receipt may be for: money pledges still pending, else the
    newest one staff already decided on."""
    store, platform, donor = context.store, context.services.platform, context.me.user_id
    pending = []
    for pledge in await store.pending_pledges_of_donor(platform, donor):
        need = await store.need(pledge.need_id)
        if need is not None and need.kind is NeedKind.MONEY:
            pending.append(pledge)
    if pending:
        return pending
    decided = (PledgeStatus.PAID, PledgeStatus.REJECTED, PledgeStatus.DELIVERED)
    latest = await store.pledges_of_donor(platform, donor, 1, 0)
    return [p for p in latest if p.status in decided]


@guarded(to_donor_menu)
async def receipt_for(update: Update, context: HamdeliContext) -> None:
    """The donor picked the pledge a loose receipt is for."""
    loose = (await context.flow.get()).get("loose_receipt")
    if not isinstance(loose, dict) or not (loose.get("file") or loose.get("tracking")):
        raise Refused("button-expired")
    await context.flow.clear()
    await _keep_receipt(
        update, context, context.pressed.arg, loose.get("file"), loose.get("tracking")
    )


async def _act_on_pledge(update, context, action, done: str, **extra: object) -> None:
    """Run a donor's action on their own pledge; say how it went above their pledges."""
    await action(
        context.store,
        reference=context.pressed.arg,
        platform=context.services.platform,
        donor_id=context.me.user_id,
        now=context.now(),
        **extra,
    )
    await answer_button(update, done)
    await _show_my_pledges(update, context, 0, done)


async def privacy(update: Update, context: HamdeliContext) -> None:
    await answer_button(update)
    await show(update, views.privacy_screen(context.t))


# -- the pledge clock: expiries and reminders -------------------------------------------------

PLEDGE_CLOCK_SECONDS = 60


async def pledge_clock(context: HamdeliContext) -> None:
    """Every minute (and at start): expire what is due and remind at half time. The
    messages to donors are queued in the outbox with each change (bot.delivery sends them)."""
    await pledges.pledge_clock_tick(context.store, context.now(), context.services.platform)


def schedule_pledge_clock(application: Application) -> None:
    job_queue_of(application).run_repeating(pledge_clock, interval=PLEDGE_CLOCK_SECONDS, first=1)


def flows() -> list[Flow]:
    """Typing an amount (or quantity) for a pledge; a receipt photo after "I've paid"."""
    return [
        Flow(
            entry_points=[CallbackQueryHandler(ask_amount, pattern=Button.HELP_NEED.pattern())],
            states={
                AMOUNT: [
                    MessageHandler(filters.TEXT & ~filters.COMMAND, typed_amount),
                    CallbackQueryHandler(chosen_amount, pattern=Button.AMOUNT.pattern()),
                    CallbackQueryHandler(confirm_in_flow, pattern=Button.CONFIRM.pattern()),
                    MessageHandler(~filters.COMMAND, amount_hint),
                ]
            },
        ),
        Flow(
            entry_points=[
                CallbackQueryHandler(report_paid, pattern=Button.PAID.pattern()),
                CallbackQueryHandler(ask_receipt, pattern=Button.RECEIPT.pattern()),
            ],
            states={
                RECEIPT: [
                    MessageHandler(
                        RECEIPT_FILES | (filters.TEXT & ~filters.COMMAND), receipt_in_flow
                    ),
                    MessageHandler(~filters.COMMAND, receipt_hint),
                ]
            },
        ),
    ]


def handlers() -> list[BaseHandler]:
    """The donor's other handlers: shared links, commands and typed codes."""
    return [
        MessageHandler(filters.Regex(DEEP_LINK), shared_link),
        CommandHandler("privacy", privacy),
        CommandHandler("mypledges", my_pledges),
        MessageHandler(RECEIPT_FILES | filters.Regex(TRACKING_TEXT), receipt_any_time),
        MessageHandler(filters.TEXT & ~filters.COMMAND, typed_text),
    ]


def routes() -> dict[Button, Route]:
    """The donor's buttons, by kind (see bot.callbacks)."""
    return {
        Button.PRIVACY: privacy,
        Button.PROVINCES: provinces,
        Button.CITIES: cities,
        Button.CITY_PAGE: city_page,
        Button.OTHER_PAGE: other_page,
        Button.CITY_FILTER: categories,
        Button.OTHER_FILTER: categories,
        Button.NEED: need_button,
        Button.AMOUNT: chosen_amount,
        Button.CONFIRM: confirm,
        Button.MY_PLEDGES: my_pledges,
        Button.CANCEL_ASK: cancel_ask,
        Button.CANCEL_DO: cancel_do,
        Button.RECEIPT_FOR: receipt_for,
    }
