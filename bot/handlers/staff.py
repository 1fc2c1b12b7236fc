"""Staff: find a pledge by its reference, confirm or reject the payment, read the audit log.

Every handler here checks the role at the moment of the action (`staff.require_staff`), not
when the button was drawn: a forged or old button from someone who is not staff (any more)
gets "staff only" and changes nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.callbacks import Button
from bot.context import HamdeliContext
from bot.delivery import outbox_of
from bot.domain import confirmations, credits, monthly, pledges, staff
from bot.domain.refusal import Refused
from bot.handlers.common import (
    Flow,
    Route,
    answer_button,
    chat_of,
    reply,
    send_receipt_file,
    show,
    text_of,
)
from bot.handlers.guards import STAFF_ONLY, guarded, to_console, to_menu, to_next_pledge
from bot.logs import hide_in_logs
from bot.models import Pledge
from bot.text import InputError, normalize_text, parse_national_code
from bot.views import staff as views
from bot.views.charts import raised_vs_target_png
from bot.views.common import input_error, try_again
from bot.views.exports import credits_csv, pledges_csv
from bot.views.refusals import refusal_text

REFERENCE, BANK_REFERENCE, REASON = "reference", "bank_reference", "reason"
NO_TRACKING_REASON = "no_tracking_reason"
END = ConversationHandler.END
AUDIT_ENTRIES = 15


@guarded(to_console, staff_only=True)
async def ask_reference(update: Update, context: HamdeliContext) -> str | int:
    await answer_button(update)
    await reply(update, views.ask_reference_screen(context.t))
    return REFERENCE


@guarded(to_console)
async def got_reference(update: Update, context: HamdeliContext) -> str | int:
    """A typed reference: the pledge, or why not and type again (not staff: the guard)."""
    reference = normalize_text(text_of(update)).upper().replace(" ", "")
    if not reference.startswith("P-"):
        reference = f"P-{reference}"
    try:
        pledge = await staff.find_pledge(context.store, context.me, reference, context.now())
    except Refused as refused:
        if refused.message_id == STAFF_ONLY:
            raise
        await reply(update, try_again(refusal_text(context.t, refused)))
        return REFERENCE
    await _show_pledge(update, context, pledge)
    return END


async def _show_pledge(update: Update, context: HamdeliContext, pledge: Pledge) -> None:
    """The pledge for staff, and the donor's receipt photo when there is one."""
    need = await pledges.need_of(context.store, pledge)
    if pledge.receipt_file_id:
        await send_receipt_file(update, pledge.receipt_file_id, context.t("staff-receipt"))
    await reply(update, views.pledge_screen(context.t, pledge, need, context.settings.tz))


@guarded(to_next_pledge)
async def ask_bank_reference(update: Update, context: HamdeliContext) -> str | int:
    """✅ on a pledge: first check it can still be confirmed, and only then ask. Goods are
    confirmed as received at once (there is no bank number for a sewing machine)."""
    reference = context.pressed.arg
    found = await staff.confirmable(context.store, context.me, reference)
    if found.goods:
        await staff.confirm_payment(context.store, context.me, reference, context.now())
        return await _decided(update, context, context.t("staff-received", reference=reference))
    await answer_button(update)
    await context.flow.save({"pledge": reference})
    await show(update, views.ask_tracking_screen(context.t, reference))
    return BANK_REFERENCE


@guarded(to_next_pledge)
async def ask_no_tracking_reason(update: Update, context: HamdeliContext) -> str | int:
    """ "Confirm without a tracking number": allowed, but only with a written reason."""
    return await _ask_about_pledge(update, context, "staff-ask-no-tracking-reason",
                                   NO_TRACKING_REASON)  # fmt: skip


@guarded(to_next_pledge, staff_only=True)
async def ask_reason(update: Update, context: HamdeliContext) -> str | int:
    return await _ask_about_pledge(update, context, "staff-ask-reason", REASON)


async def _ask_about_pledge(update, context, message_id: str, state: str) -> str | int:
    """Check the button's pledge can still be confirmed or rejected, then ask and wait."""
    reference = context.pressed.arg
    await staff.confirmable(context.store, context.me, reference)
    await answer_button(update)
    await context.flow.save({"pledge": reference})  # the next typed answer is for it
    await show(update, views.reason_question(context.t, message_id, reference))
    return state


async def _flow_pledge(context: HamdeliContext) -> str:
    """Which pledge the typed answer is for (kept in the store: restarts keep it)."""
    return str((await context.flow.get()).get("pledge", ""))


@guarded(to_next_pledge)
async def got_bank_reference(update: Update, context: HamdeliContext) -> str | int:
    """The typed tracking number: 6–20 digits after normalization, and not one that already
    confirmed another pledge; else why, and asked again."""
    reference = await _flow_pledge(context)
    try:
        tracking = staff.read_bank_tracking(text_of(update))
        return await _confirm(update, context, reference, tracking=tracking)
    except staff.TrackingNumberRefused as refused:  # not a number, or another pledge's
        problem = refusal_text(context.t, refused)
        await reply(update, views.ask_tracking_screen(context.t, reference, problem))
        return BANK_REFERENCE


@guarded(to_next_pledge)
async def got_no_tracking_reason(update: Update, context: HamdeliContext) -> str | int:
    reference = await _flow_pledge(context)
    try:
        reason = staff.read_no_tracking_reason(text_of(update))
    except Refused as refused:  # too short to be a reason: why, and type again
        await reply(update, try_again(refusal_text(context.t, refused)))
        return NO_TRACKING_REASON
    return await _confirm(update, context, reference, reason=reason)


async def _confirm(update, context, reference: str, **typed: str) -> int:
    await staff.confirm_payment(context.store, context.me, reference, context.now(), **typed)
    await context.flow.clear()  # after: a number asked for again still knows its pledge
    return await _decided(update, context, context.t("staff-confirmed", reference=reference))


@guarded(to_next_pledge)
async def got_reason(update: Update, context: HamdeliContext) -> int:
    reference = await _flow_pledge(context)
    await context.flow.clear()
    answer = text_of(update).strip()[:200]
    await staff.reject_payment(context.store, context.me, reference, answer, context.now())
    return await _decided(update, context, context.t("staff-rejected", reference=reference))


async def _decided(update: Update, context: HamdeliContext, text: str) -> int:
    """How a confirm or a reject ends: its words, and "next in queue" one press away (a
    refusal of either ends the same way: `guards.to_next_pledge`)."""
    await answer_button(update, text)
    await reply(update, views.after_decision_screen(context.t, text))
    return END


@guarded(to_console)
async def next_in_queue(update: Update, context: HamdeliContext) -> None:
    """➡️ Next in queue: the first pledge still waiting, or "nothing waits"."""
    pledge = await staff.next_to_confirm(context.store, context.me)
    await answer_button(update)
    if pledge is None:
        await show(update, views.queue_screen(context.t, staff.Queue([], 0, 0, 0), {}))
        return
    await _show_pledge(update, context, await staff.find_pledge(
        context.store, context.me, pledge.reference, context.now()))  # fmt: skip


@guarded(to_console)
async def show_audit(update: Update, context: HamdeliContext) -> None:
    await staff.require_staff(context.store, context.me)
    await answer_button(update)
    entries = await context.store.latest_audit(AUDIT_ENTRIES)
    await show(update, views.audit_screen(context.t, entries, context.settings.tz))


@guarded(to_console)
async def add_or_remove_staff(update: Update, context: HamdeliContext) -> None:
    """/addstaff USER_ID and /removestaff USER_ID (admins)."""
    is_staff = text_of(update).startswith("/addstaff")
    await staff.require_admin(context.store, context.me)  # before reading any input
    user_id = staff.parse_user_id(" ".join(context.args or []))
    await staff.set_staff(context.store, context.me, user_id, is_staff, context.now())
    await reply(update, views.staff_changed_screen(context.t, is_staff, user_id))


@guarded(to_console)
async def invite(update: Update, context: HamdeliContext) -> None:
    """/invite (admins): a one-time code that works for STAFF_INVITE_TTL_DAYS."""
    made = await staff.create_invite(
        context.store, context.me, context.now(), context.settings.staff_invite_ttl_days
    )
    until = dt.datetime.fromtimestamp(made.expires_at, context.settings.tz).date()
    await reply(update, views.invite_screen(context.t, made.code, until))


@guarded(to_menu)
async def join(update: Update, context: HamdeliContext) -> None:
    await staff.join(
        context.store, context.me, " ".join(context.args or []), context.now(),
        context.settings.admin_ids,
    )  # fmt: skip
    await reply(update, views.joined_screen(context.t))


@guarded(to_console)
async def show_commands(update: Update, context: HamdeliContext) -> None:
    """The console's list of staff commands (staff only)."""
    await staff.require_staff(context.store, context.me)
    await answer_button(update)
    await show(update, views.staff_commands_screen(context.t))


@guarded(to_console)
async def show_invites(update: Update, context: HamdeliContext) -> None:
    """/invites (admins): the open invite codes, each with a revoke button."""
    await _invites(update, context)


async def _invites(update: Update, context: HamdeliContext, prefix: str = "") -> None:
    invites = await staff.open_invites(
        context.store, context.me, context.now(), context.settings.admin_ids
    )
    await answer_button(update, prefix or None)
    screen = views.invites_screen(context.t, invites, context.settings.tz)
    await show(update, screen.with_prefix(prefix) if prefix else screen)


@guarded(to_console)
async def revoke_invite(update: Update, context: HamdeliContext) -> None:
    """/revokeinvite CODE or an invite's revoke button (admins; audited)."""
    typed = context.button.arg if context.button else " ".join(context.args or [])
    code = await staff.revoke_invite(context.store, context.me, typed, context.now())
    await _invites(update, context, context.t("staff-invite-revoked", code=code))


@guarded(to_console)
async def show_queue(update: Update, context: HamdeliContext) -> None:
    """/queue, or /queue CODE for one need's pledges (the console button: all of them); the
    page buttons carry the page and the need."""
    code = normalize_text(" ".join(context.args or [])).upper() or None
    button = context.button  # a page button; /queue and the console's button are none
    page, need_id = button.args if button and button.kind is Button.STAFF_QUEUE_PAGE else (0, 0)
    queue = await staff.awaiting_confirmation(
        context.store, context.me, need_code=code, need_id=need_id, page=page
    )
    await answer_button(update)
    needs = await pledges.needs_of(context.store, queue.pledges)
    await show(update, views.queue_screen(context.t, queue, needs))


@guarded(to_console)
async def open_pledge(update: Update, context: HamdeliContext) -> None:
    pledge = await staff.find_pledge(context.store, context.me, context.pressed.arg, context.now())
    await answer_button(update)
    await _show_pledge(update, context, pledge)


@guarded(to_console)
async def undo(update: Update, context: HamdeliContext) -> None:
    """/undo P-XXXXXX: an admin takes back a wrong confirmation."""
    reference = normalize_text(" ".join(context.args or [])).upper()
    await staff.undo_confirmation(context.store, context.me, reference, context.now())
    await reply(update, views.undone_screen(context.t, reference))


@guarded(to_console)
async def household(update: Update, context: HamdeliContext) -> None:
    """/household NATIONAL_CODE: the record, for staff (audit-logged)."""
    await staff.require_staff(context.store, context.me)  # before reading any input
    try:
        code = parse_national_code(" ".join(context.args or []))
    except InputError as error:
        await reply(update, input_error(context.t, error))
        return
    found = await staff.look_up_household(context.store, context.me, code, context.now())
    if found is None:
        await reply(update, views.household_not_found_screen(context.t))
        return
    vouchers = len(await context.store.vouchers_of(code))
    hide_in_logs(found.full_name)  # the reply is logged at DEBUG, and no pattern knows a name
    await reply(update, views.household_screen(context.t, found, vouchers))


def code_argument(context: HamdeliContext) -> str:
    """A need's code typed after a command (/delivered CODE, /place CODE): as printed."""
    return normalize_text(" ".join(context.args or [])).upper().lstrip("#")


@guarded(to_console)
async def delivered(update: Update, context: HamdeliContext) -> None:
    """/delivered CODE: says what will be told to whom, and asks once (see confirm)."""
    await staff.require_staff(context.store, context.me)  # before reading any input
    code = code_argument(context)
    if not code:
        raise Refused("staff-delivered-usage")
    ending = await staff.delivery_preview(context.store, context.me, code)
    token = await confirmations.ask(context.store, context.me, "deliver", code, context.now())
    await reply(update, views.ending_screen(context.t, ending, "deliver", token))


@guarded(to_console)
async def close(update: Update, context: HamdeliContext) -> None:
    """/close CODE REASON: says what will be told to whom, and asks once (see confirm); the
    reason goes to the audit log."""
    await staff.require_staff(context.store, context.me)
    code, _, reason = normalize_text(" ".join(context.args or [])).partition(" ")
    if not reason.strip():
        raise Refused("staff-close-usage")
    code, reason = code.upper().lstrip("#"), reason.strip()
    ending = await staff.closing_preview(context.store, context.me, code)
    token = await confirmations.ask(
        context.store, context.me, "close", code, context.now(), reason=reason
    )
    await reply(update, views.ending_screen(context.t, ending, "close", token, reason))


@guarded(to_console)
async def confirm(update: Update, context: HamdeliContext) -> None:
    """The Yes of /delivered, /close or cancelling a run: done once, however often pressed."""
    done = await confirmations.confirm(
        context.store, context.me, context.pressed.arg, context.now()
    )
    screen = views.confirmed_screen(context.t, done)
    await answer_button(update, screen.text)
    await show(update, screen)
    if done.broadcast is not None:  # its progress message shows the run stopped
        outbox = outbox_of(context.application)
        await outbox.show_progress(done.broadcast)
        outbox.wake()


@guarded(to_console)
async def dismiss(update: Update, context: HamdeliContext) -> None:
    """The No: nothing changes, and the Yes above is spent."""
    await confirmations.dismiss(context.store, context.me, context.pressed.arg, context.now())
    await answer_button(update)
    await show(update, views.dismissed_screen(context.t))


@guarded(to_console)
async def export(update: Update, context: HamdeliContext) -> None:
    """The console's export button: the last 30 days of pledges as a CSV document."""
    rows = await staff.recent_pledges_for_export(context.store, context.me, context.now())
    await answer_button(update)
    document = pledges_csv(rows, context.settings.tz, with_pii=False)
    await chat_of(update).send_document(
        document, filename="pledges.csv", caption=context.t("staff-export-caption", count=len(rows))
    )
    credit_rows = await credits.credits_for_export(context.store, context.me, context.now())
    if credit_rows:  # money paid with no need yet, and the office's share
        unallocated = sum(row.unallocated for row in credit_rows)
        office = sum(row.office for row in credit_rows)
        await chat_of(update).send_document(
            credits_csv(credit_rows, context.settings.tz), filename="credits.csv",
            caption=context.t("stats-credit", unallocated=views._toman(context.t, unallocated),
                              office=views._toman(context.t, office)),
        )  # fmt: skip


@guarded(to_console)
async def stats(update: Update, context: HamdeliContext) -> None:
    numbers = await staff.statistics(context.store, context.me, context.now())
    gifts = await monthly.statistics(
        context.store, context.services.platform, context.now(), context.settings.tz
    )
    await answer_button(update)
    await show(update, views.stats_screen(context.t, numbers, gifts))
    rows = views.province_money(context.t, numbers)[: views.STATS_PROVINCES]  # as named above
    if rows:
        png = await asyncio.to_thread(
            raised_vs_target_png,
            rows,
            context.t("stats-chart-title"),
            (context.t("stats-chart-paid"), context.t("stats-chart-target")),
            context.t.language,
        )
        await chat_of(update).send_photo(png, filename="stats.png")


def flows() -> list[Flow]:
    """Find a pledge by reference; type the bank tracking number or a rejection reason."""
    text = filters.TEXT & ~filters.COMMAND
    return [
        Flow(
            entry_points=[
                CallbackQueryHandler(ask_reference, pattern=Button.STAFF_FIND.pattern()),
                CommandHandler("pledge", ask_reference),
                CallbackQueryHandler(ask_bank_reference, pattern=Button.STAFF_PAY.pattern()),
                CallbackQueryHandler(ask_reason, pattern=Button.STAFF_REJECT.pattern()),
                CallbackQueryHandler(
                    ask_no_tracking_reason, pattern=Button.STAFF_PAY_UNREFERENCED.pattern()
                ),
            ],
            states={
                REFERENCE: [MessageHandler(text, got_reference)],
                BANK_REFERENCE: [MessageHandler(text, got_bank_reference)],
                NO_TRACKING_REASON: [MessageHandler(text, got_no_tracking_reason)],
                REASON: [MessageHandler(text, got_reason)],
            },
        )
    ]


def handlers() -> list[BaseHandler]:
    return [
        CommandHandler("audit", show_audit),
        CommandHandler(["addstaff", "removestaff"], add_or_remove_staff),
        CommandHandler("invite", invite),
        CommandHandler("join", join),
        CommandHandler("invites", show_invites),
        CommandHandler("revokeinvite", revoke_invite),
        CommandHandler("queue", show_queue),
        CommandHandler("undo", undo),
        CommandHandler("household", household),
        CommandHandler("delivered", delivered),
        CommandHandler("close", close),
        CommandHandler("stats", stats),
    ]


def routes() -> dict[Button, Route]:
    return {
        Button.STAFF_AUDIT: show_audit,
        Button.STAFF_QUEUE: show_queue,
        Button.STAFF_QUEUE_PAGE: show_queue,
        Button.STAFF_STATS: stats,
        Button.STAFF_EXPORT: export,
        Button.STAFF_OPEN: open_pledge,
        Button.STAFF_NEXT: next_in_queue,
        Button.STAFF_INVITES: show_invites,
        Button.STAFF_COMMANDS: show_commands,
        Button.STAFF_REVOKE_INVITE: revoke_invite,
        Button.STAFF_CONFIRM: confirm,
        Button.STAFF_DISMISS: dismiss,
    }
