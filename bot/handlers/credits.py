"""A donor's credit in the chat: the choice notice (rendered live by the outbox), its buttons
(move to a similar need, give to the office, choose again), the clock where the office
decides unanswered credits, and the staff's /office and /place CODE.

Every button re-reads the credit: an old notice pressed after the need filled up, after
the office decided, or twice, gets a clear answer and the choice as it is now.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, BaseHandler, CommandHandler

from bot.callbacks import Button
from bot.context import HamdeliContext, job_queue_of
from bot.domain import confirmations, credits
from bot.domain.credits import CreditRefused
from bot.domain.refusal import Refused
from bot.handlers.common import Route, answer_button, reply, show
from bot.handlers.guards import WayForward, guarded, to_console
from bot.handlers.staff import code_argument
from bot.models import Credit
from bot.views import credits as views
from bot.views.screen import Screen

CREDIT_CLOCK_SECONDS = 300  # days-long deadlines: every five minutes is on time enough


async def _choice(context: HamdeliContext, credit: Credit, header: str) -> Screen:
    """The choice for a credit as it is now, under `header`."""
    choice = await credits.choice(context.store, credit, context.settings, context.t.language)
    return views.choice_screen(context.t, choice, header, context.settings.tz, context.now())


async def _show_choice(
    update: Update, context: HamdeliContext, credit: Credit, header: str
) -> None:
    await show(update, await _choice(context, credit, header))


async def to_credit_choice(context: HamdeliContext, refused: Refused, text: str) -> WayForward:
    """Where an old credit button goes on from: if the credit still waits, its choice as
    it is now, under the refusal; else the donor's pledges and menu."""
    credit = await context.store.credit(context.pressed.arg)
    mine = credit is not None and (credit.platform, credit.donor_id) == (
        context.services.platform, context.me.user_id,
    )  # fmt: skip
    if mine and credit is not None and credit.unallocated:
        return WayForward(await _choice(context, credit, text), in_place=True)
    return WayForward(views.refused_screen(context.t, text), in_place=True)


@guarded(to_credit_choice)
async def show_credit(update: Update, context: HamdeliContext) -> None:
    """Choose again: the donor's credit with the similar needs as they are now."""
    credit = await credits.own_credit(
        context.store, context.pressed.arg, context.services.platform, context.me.user_id
    )
    await answer_button(update)
    title = context.t("credit-choice-title", amount=views.toman(context.t, credit.amount))
    await _show_choice(update, context, credit, title)


@guarded(to_credit_choice)
async def move(update: Update, context: HamdeliContext) -> None:
    """Move the credit to the need on the button: as much as it has room for."""
    credit_id, code = context.pressed.args
    done = await credits.move_to_need(
        context.store, credit_id=credit_id, code=code, platform=context.services.platform,
        donor_id=context.me.user_id, now=context.now(),
    )  # fmt: skip
    await answer_button(update, context.t("credit-moved-toast"))
    if done.credit.unallocated:
        await _show_choice(update, context, done.credit, views.moved_header(context.t, done))
    else:
        await show(update, views.done_screen(context.t, done))


@guarded(to_credit_choice)
async def to_office(update: Update, context: HamdeliContext) -> None:
    """Let the welfare office use the credit where it is most needed."""
    done = await credits.give_to_office(
        context.store, credit_id=context.pressed.arg,
        platform=context.services.platform, donor_id=context.me.user_id, now=context.now(),
    )  # fmt: skip
    await answer_button(update, context.t("credit-moved-toast"))
    await show(update, views.done_screen(context.t, done))


# -- the clock: the office decides what donors left undecided --------------------------------


async def credit_clock(context: HamdeliContext) -> None:
    """Every few minutes (and at start): credits past REDIRECT_DECISION_DAYS are decided;
    the donors' messages are queued with each decision (bot.delivery sends them)."""
    settings = context.settings
    await credits.credit_clock_tick(
        context.store, context.now(), context.services.platform,
        days=settings.redirect_decision_days, k=settings.k_anonymity,
    )  # fmt: skip


def schedule_credit_clock(application: Application) -> None:
    job_queue_of(application).run_repeating(credit_clock, interval=CREDIT_CLOCK_SECONDS, first=2)


# -- staff -----------------------------------------------------------------------------------


@guarded(to_console)
async def office(update: Update, context: HamdeliContext) -> None:
    """/office: unallocated credit and the office's share, and how to place it."""
    unallocated, share = await credits.office_overview(context.store, context.me)
    await reply(update, views.office_screen(context.t, unallocated, share))


@guarded(to_console)
async def place(update: Update, context: HamdeliContext) -> None:
    """/place CODE: how much of the office's share the need would take; asks once."""
    await credits.office_overview(context.store, context.me)  # staff only, before any input
    code = code_argument(context)
    if not code:
        raise CreditRefused("credit-place-usage")
    placement = await credits.office_preview(context.store, context.me, code)
    token = await confirmations.ask(
        context.store, context.me, "place_office", placement.need.code, context.now()
    )
    await reply(update, views.place_ask_screen(context.t, placement, token))


def handlers() -> list[BaseHandler]:
    return [CommandHandler("office", office), CommandHandler("place", place)]


def routes() -> dict[Button, Route]:
    return {Button.CREDIT_SHOW: show_credit, Button.CREDIT_MOVE: move,
            Button.CREDIT_OFFICE: to_office}  # fmt: skip
