"""Monthly kindness in the chat: set up a standing gift, change it, and the clock that gives.

Every step is a button that carries what it needs (the amount, the place, the gift's id and
version), so nothing is lost in a restart and an older button is recognised as stale: it
is answered in words and the gift is shown as it stands, never acted on. The one typed
answer, an amount, is the `MONTHLY_AMOUNT` flow. Each change asks once, then says it is done.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.callbacks import Button, GiftOwner, NewGift, Place, StandingGift
from bot.codes import new_confirm_token
from bot.context import HamdeliContext, job_queue_of
from bot.domain import browse, monthly
from bot.domain.monthly import MonthlyRefused, Scope
from bot.domain.pledges import PledgeRules
from bot.domain.refusal import Refused
from bot.handlers.common import Flow, Route, answer_button, reply, show, text_of
from bot.handlers.guards import WayForward, guarded
from bot.models import MonthlyGift, MonthlyStatus
from bot.text import RIALS_PER_TOMAN, InputError, parse_money
from bot.views import donor as donor_views
from bot.views import monthly as views
from bot.views.common import input_error, try_again
from bot.views.refusals import refusal_text
from bot.views.screen import Screen

MONTHLY_AMOUNT = "monthly_amount"  # conversation state: waiting for a typed monthly amount
MONTHLY_CLOCK_SECONDS = 60


def _rules(context: HamdeliContext) -> PledgeRules:
    return PledgeRules.from_settings(context.settings)


def _who(context: HamdeliContext) -> tuple[str, int]:
    return context.services.platform, context.me.user_id


async def to_gift(context: HamdeliContext, refused: Refused, text: str) -> WayForward:
    """Where a refused monthly step goes on from: a stale button shows the gift as it
    stands, in its place; any other refusal the way back to the monthly gift."""
    if refused.message_id != "monthly-stale":
        return WayForward(views.refused_screen(context.t, text))
    return WayForward((await _home_screen(context)).with_prefix(text), in_place=True)


# -- the gift as it stands -------------------------------------------------------------------


async def _home_screen(context: HamdeliContext, prefix: str = "") -> Screen:
    gift = await monthly.gift_of(context.store, *_who(context))
    if gift is None:
        screen = views.intro_screen(context.t)
        return screen.with_prefix(prefix) if prefix else screen
    return await _manage(context, gift, prefix)


async def _manage(context: HamdeliContext, gift: MonthlyGift, prefix: str = "") -> Screen:
    scope = await monthly.scope_of(context.store, gift)
    next_date = monthly.due_date(gift.next_due_at, context.settings.tz)
    return views.manage_screen(context.t, gift, scope, next_date, prefix)


async def home(update: Update, context: HamdeliContext) -> None:
    await answer_button(update)
    await show(update, await _home_screen(context))


# -- the amount: preset buttons, or typed in any digits ------------------------------------


@guarded(to_gift)
async def ask_amount(update: Update, context: HamdeliContext) -> str | int:
    """Start (mk:new) or change (mk:q:amount:…) the amount; a typed answer is awaited."""
    gift = None
    if context.button is not None and context.button.kind is Button.MK_ASK:
        gift = await _own(context, context.button.args[1], context.button.args[2])
    await answer_button(update)
    flow = {"monthly": "new"} if gift is None else {"monthly": "edit", "gift": gift.id,
                                                   "version": gift.version}  # fmt: skip
    await context.flow.save(flow)
    await show(update, _amount_screen(context, gift))
    return MONTHLY_AMOUNT


def _amount_screen(context: HamdeliContext, gift: MonthlyGift | None) -> Screen:
    rules = _rules(context)
    presets = [toman * RIALS_PER_TOMAN for toman in context.settings.pledge_presets_toman]
    maximum = monthly.MAX_TOMAN * RIALS_PER_TOMAN
    shown = [value for value in presets if rules.min_rials <= value <= maximum]
    return views.amount_screen(context.t, shown, rules.min_rials, maximum, gift)


@guarded(to_gift)
async def typed_amount(update: Update, context: HamdeliContext) -> str | int:
    flow = await context.flow.get()
    try:
        amount = parse_money(text_of(update))
        monthly.check_amount(amount, _rules(context))
    except InputError as error:
        await reply(update, input_error(context.t, error))
        return MONTHLY_AMOUNT
    except MonthlyRefused as refused:  # outside the limits: why, and type again
        await reply(update, try_again(refusal_text(context.t, refused)))
        return MONTHLY_AMOUNT
    await context.flow.clear()
    if flow.get("monthly") == "edit":
        gift = await _own(context, flow.get("gift"), flow.get("version"))
        await reply(update, views.confirm_amount_screen(context.t, gift, amount))
        return ConversationHandler.END
    await reply(update, await _provinces(context, NewGift(amount)))
    return ConversationHandler.END


async def amount_hint(update: Update, context: HamdeliContext) -> str:
    await reply(update, views.amount_hint_screen(context.t))
    return MONTHLY_AMOUNT


@guarded(to_gift)
async def chosen_amount(update: Update, context: HamdeliContext) -> None:
    """A preset amount for a new gift: on to the place."""
    await _step(update, context, _provinces_for, NewGift(context.pressed.arg))


async def _provinces_for(context: HamdeliContext, who: GiftOwner) -> Screen:
    await _check_who(context, who)
    return await _provinces(context, who)


async def _provinces(context: HamdeliContext, who: GiftOwner) -> Screen:
    geo = await browse.geography(context.store)
    counts = await context.store.open_counts_by_province()
    return views.provinces_screen(context.t, who, geo.provinces, counts)


# -- the place: a province, then the whole of it or a city donors may see -----------------


@guarded(to_gift)
async def provinces(update: Update, context: HamdeliContext) -> None:
    await _step(update, context, _provinces_for, context.pressed.arg)


@guarded(to_gift)
async def province(update: Update, context: HamdeliContext) -> None:
    who, province_id = context.pressed.args

    async def screen(context: HamdeliContext, who: GiftOwner) -> Screen:
        await _check_who(context, who)
        found = (await browse.geography(context.store)).province_by_id.get(province_id)
        if found is None:
            raise MonthlyRefused("monthly-stale")
        cities = await browse.cities_of(context.store, found, context.settings.k_anonymity)
        total = sum(count for _, count in cities.named) + cities.small_count
        return views.cities_screen(context.t, who, found, cities.named, total)

    await _step(update, context, screen, who)


@guarded(to_gift)
async def place(update: Update, context: HamdeliContext) -> None:
    who, place = context.pressed.args

    async def screen(context: HamdeliContext, who: GiftOwner) -> Screen:
        await _check_who(context, who)
        scope = await _scope(context, place, "all")
        return views.categories_screen(context.t, who, place, scope)

    await _step(update, context, screen, who)


@guarded(to_gift)
async def category(update: Update, context: HamdeliContext) -> None:
    """The kind of need: a new gift goes on to the day; a standing one asks to confirm."""
    who, place, kind = context.pressed.args

    async def screen(context: HamdeliContext, _: GiftOwner) -> Screen:
        gift = await _check_who(context, who)
        scope = await _scope(context, place, kind)
        if gift is None:  # a NewGift, its amount checked
            return views.day_screen(context.t, who.amount, place, kind)
        old = await monthly.scope_of(context.store, gift)
        return views.confirm_place_screen(context.t, gift, scope, old, place)

    await _step(update, context, screen, who)


@guarded(to_gift)
async def day(update: Update, context: HamdeliContext) -> None:
    """The day: the whole gift, to confirm before it starts."""
    amount, place, kind, day = context.pressed.args

    async def screen(context: HamdeliContext, _: GiftOwner) -> Screen:
        monthly.check_amount(amount, _rules(context))
        monthly.check_day(day)
        scope = await _scope(context, place, kind)
        due = monthly.first_month(day, context.now(), context.settings.tz)[1]
        first = monthly.due_date(due, context.settings.tz)
        return views.confirm_new_screen(context.t, amount, scope, place, day, first,
                                        new_confirm_token())  # fmt: skip

    await _step(update, context, screen, NewGift(amount))


@guarded(to_gift)
async def start(update: Update, context: HamdeliContext) -> None:
    amount, place, kind, day, token = context.pressed.args
    scope = await _scope(context, place, kind)
    gift, created = await monthly.start(
        context.store, platform=context.services.platform, donor_id=context.me.user_id,
        amount=amount, scope=scope, day=day, token=token, now=context.now(),
        rules=_rules(context), tz=context.settings.tz,
    )  # fmt: skip
    done = context.t("monthly-started" if created else "monthly-already")
    await answer_button(update, done)
    await show(update, await _manage(context, gift, done))


async def _step(update: Update, context: HamdeliContext, build, who: GiftOwner) -> None:
    """One picker step: its screen (a stale button is refused: the step's guard)."""
    screen = await build(context, who)
    await answer_button(update)
    await show(update, screen)


async def _check_who(context: HamdeliContext, who: GiftOwner) -> MonthlyGift | None:
    """The gift a picker shapes: None for a new one (its amount checked), or the donor's
    standing gift exactly as the button knew it."""
    if isinstance(who, NewGift):
        monthly.check_amount(who.amount, _rules(context))
        return None
    return await _own(context, who.gift_id, who.version)


async def _scope(context: HamdeliContext, place: Place, kind: str) -> Scope:
    k = context.settings.k_anonymity
    if place.city_id is None:
        return await monthly.resolve_scope(context.store, place.id, None, kind, k)
    city = (await browse.geography(context.store)).city_by_id.get(place.city_id)
    if city is None:
        raise MonthlyRefused("monthly-stale")
    return await monthly.resolve_scope(context.store, city.province_id, city.id, kind, k)


async def _own(context: HamdeliContext, gift_id: object, version: object) -> MonthlyGift:
    try:
        wanted = int(str(gift_id)), int(str(version))
    except ValueError:
        raise MonthlyRefused("monthly-stale") from None
    return await monthly.own_gift(context.store, *_who(context), *wanted)


# -- changing it: each change one button, asked once, then done -----------------------------


@guarded(to_gift)
async def ask(update: Update, context: HamdeliContext) -> str | int | None:
    action, gift_id, version = context.pressed.args
    if action == "amount":
        return await ask_amount(update, context)
    gift = await _own(context, gift_id, version)
    if action == "place":
        await answer_button(update)
        await show(update, await _provinces(context, StandingGift(gift.id, gift.version)))
        return None
    text = _ask_text(context, action, gift)
    if text is None:
        raise MonthlyRefused("monthly-stale")
    await answer_button(update)
    await show(update, views.ask_screen(context.t, action, gift, text))
    return None


def _ask_text(context: HamdeliContext, action: str, gift: MonthlyGift) -> str | None:
    """The question for a change, or None when the gift's state does not allow it (a
    pause button under a paused gift)."""
    t, tz = context.t, context.settings.tz
    active = gift.status is MonthlyStatus.ACTIVE
    if action == "skip" and active:
        after = monthly.due_at(monthly.following(gift.next_period), gift.day, tz)
        return t("monthly-ask-skip", date=monthly.due_date(gift.next_due_at, tz),
                 next=monthly.due_date(after, tz))  # fmt: skip
    if action == "pause" and active:
        return t("monthly-ask-pause")
    if action == "resume" and not active:
        _, due = monthly.first_month(gift.day, context.now(), tz, gift.next_period)
        return t("monthly-ask-resume", date=monthly.due_date(due, tz))
    if action == "stop":
        return t("monthly-ask-stop")
    return None


@guarded(to_gift)
async def do(update: Update, context: HamdeliContext) -> None:
    action, gift_id, version = context.pressed.args
    store, now, tz = context.store, context.now(), context.settings.tz
    gift = await _own(context, gift_id, version)
    if action == "skip":
        skipped = monthly.due_date(gift.next_due_at, tz)
        changed = await monthly.skip(store, gift, now, tz)
        done = context.t("monthly-done-skip", date=skipped)
    elif action == "pause":
        changed, done = await monthly.pause(store, gift, now), context.t("monthly-done-pause")
    elif action == "resume":
        changed = await monthly.resume(store, gift, now, tz)
        done = context.t("monthly-done-resume")
    else:
        await monthly.stop(store, gift, now)
        done = context.t("monthly-done-stop")
        await answer_button(update, done)
        await show(update, donor_views.donor_home(context.t).with_prefix(done))
        return
    await answer_button(update, done)
    await show(update, await _manage(context, changed, done))


@guarded(to_gift)
async def new_amount(update: Update, context: HamdeliContext) -> None:
    """A preset amount for a standing gift: asked once."""
    gift_id, version, amount = context.pressed.args

    async def screen(context: HamdeliContext, _: GiftOwner) -> Screen:
        gift = await _own(context, gift_id, version)
        monthly.check_amount(amount, _rules(context))
        return views.confirm_amount_screen(context.t, gift, amount)

    await _step(update, context, screen, StandingGift(gift_id, version))


@guarded(to_gift)
async def set_amount(update: Update, context: HamdeliContext) -> None:
    gift_id, version, amount = context.pressed.args
    gift = await _own(context, gift_id, version)
    changed = await monthly.change_amount(context.store, gift, amount, context.now(),
                                          _rules(context))  # fmt: skip
    done = context.t("monthly-done-amount", amount=views.toman(context.t, changed.amount))
    await answer_button(update, done)
    await show(update, await _manage(context, changed, done))


@guarded(to_gift)
async def set_place(update: Update, context: HamdeliContext) -> None:
    gift_id, version, place, kind = context.pressed.args
    gift = await _own(context, gift_id, version)
    scope = await _scope(context, place, kind)
    changed = await monthly.change_scope(context.store, gift, scope, context.now())
    done = context.t("monthly-done-place", scope=views.scope_text(context.t, scope))
    await answer_button(update, done)
    await show(update, await _manage(context, changed, done))


# -- the clock: each month on its day --------------------------------------------------------


async def monthly_clock(context: HamdeliContext) -> None:
    """Every minute (and at start): give every gift whose day has come. Each month is
    claimed in its pledge's transaction, so a restart on the day neither skips nor repeats
    it; the news goes to the donor through the outbox."""
    await monthly.run_due(
        context.store,
        platform=context.services.platform,
        now=context.now(),
        rules=_rules(context),
        tz=context.settings.tz,
    )


def schedule_monthly_clock(application: Application) -> None:
    job_queue_of(application).run_repeating(monthly_clock, interval=MONTHLY_CLOCK_SECONDS, first=2)


def flows() -> list[Flow]:
    """Typing a monthly amount (a new gift, or a new amount for the standing one)."""
    return [
        Flow(
            entry_points=[
                CallbackQueryHandler(ask_amount, pattern=Button.MK_NEW.pattern()),
                CallbackQueryHandler(ask_amount, pattern=Button.MK_ASK.pattern("amount")),
            ],
            states={
                MONTHLY_AMOUNT: [
                    MessageHandler(filters.TEXT & ~filters.COMMAND, typed_amount),
                    MessageHandler(~filters.COMMAND, amount_hint),
                ]
            },
        )
    ]


def routes() -> dict[Button, Route]:
    return {
        Button.MK_HOME: home,
        Button.MK_AMOUNT: chosen_amount,
        Button.MK_PROVINCES: provinces,
        Button.MK_PROVINCE: province,
        Button.MK_CHOSEN_PLACE: place,
        Button.MK_CATEGORY: category,
        Button.MK_DAY: day,
        Button.MK_START: start,
        Button.MK_ASK: ask,
        Button.MK_DO: do,
        Button.MK_NEW_AMOUNT: new_amount,
        Button.MK_SET_AMOUNT: set_amount,
        Button.MK_SET_PLACE: set_place,
    }
