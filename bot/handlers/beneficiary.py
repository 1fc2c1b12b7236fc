"""Beneficiaries: verify once (own contact + household head's national code), then status.

The verification flow is the one place a beneficiary types: it waits for a contact, then a
national code. The shared phone lives in the store's flow data only until the code is
checked or the flow ends (and the hourly clock sweeps a day-old one); the link keeps no
phone. Status buttons carry no ids: the
household shown is always the caller's own link, so no button can show another family.
"""

from __future__ import annotations

import datetime as dt

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
from bot.context import HamdeliContext, job_queue_of
from bot.domain import accounts, safety, verification
from bot.domain.verification import SharedContact, VerificationRefused
from bot.handlers.common import (
    Flow,
    Route,
    answer_button,
    contact_of,
    message_of,
    prompt_flow,
    reply,
    show,
    text_of,
)
from bot.models import Persona, StaffRole
from bot.text import InputError
from bot.views import accounts as account_views
from bot.views import beneficiary as views
from bot.views import common as common_views
from bot.views.common import input_error
from bot.views.refusals import refusal_text
from bot.views.screen import Screen

CONTACT = "contact"  # waiting for the person's own contact
NATIONAL_CODE = "national_code"  # waiting for the household head's national code
END = ConversationHandler.END


async def open_status(update: Update, context: HamdeliContext) -> str | int:
    """ "Check my status": straight to the status once linked, else verification."""
    if context.button is not None and context.button.kind is Button.ROLE:
        context.account = await accounts.choose_persona(
            context.store, context.me, Persona.BENEFICIARY
        )
    platform, user_id = context.services.platform, context.me.user_id
    if await verification.linked_household(context.store, platform, user_id):
        changed = await _show_status(update, context)  # "Refresh" says when nothing did
        await answer_button(update, None if changed else context.t("status-nothing-new"))
        return END
    await answer_button(update)
    left = await verification.lock_seconds_left(context.store, platform, user_id, context.now())
    if left:
        await reply(update, _locked(context, left))
        return END
    await drop_shared_phone(update, context)  # a verification begun anew starts from nothing
    await reply(update, views.verify_intro(context.t))
    return CONTACT


async def got_contact(update: Update, context: HamdeliContext) -> str:
    contact = contact_of(update)
    try:
        shared = verification.check_contact(
            platform=context.services.platform,
            sender_id=context.me.user_id,
            contact_user_id=contact.user_id,  # None if no owner is named: check_contact decides
            forwarded=message_of(update).forward_origin is not None,
            phone_number=contact.phone_number,
        )
    except VerificationRefused as refused:  # not their own contact: why, and share again
        await reply(update, views.contact_expected(context.t, refusal_text(context.t, refused)))
        return CONTACT
    await context.flow.save(
        {verification.SHARED_PHONE_FIELD: shared.mobile, "weak": shared.weak_ownership}
    )
    await reply(update, views.ask_national_code(context.t))
    return NATIONAL_CODE


async def contact_expected(update: Update, context: HamdeliContext) -> str | int:
    """Text (or anything) where a contact was expected: cancel, or explain the button."""
    if text_of(update).strip() == context.t("verify-cancel-button"):
        await _leave(update, context, context.t("verify-cancelled"))
        return END
    await reply(update, views.contact_expected(context.t, context.t("verify-contact-expected")))
    return CONTACT


async def got_national_code(update: Update, context: HamdeliContext) -> str | int:
    platform, user_id = context.services.platform, context.me.user_id
    shared = await context.flow.get()
    phone = shared.get(verification.SHARED_PHONE_FIELD)
    if phone is None:  # the phone is gone (checked, forgotten or swept): share it again
        await reply(update, views.verify_intro(context.t))
        return CONTACT
    contact = SharedContact(mobile=str(phone), weak_ownership=bool(shared["weak"]))
    try:
        await verification.verify(
            context.store,
            platform=platform,
            user_id=user_id,
            contact=contact,
            typed_code=text_of(update),
            now=context.now(),
        )
    except InputError as error:
        await reply(update, input_error(context.t, error))
        return NATIONAL_CODE
    except VerificationRefused as refused:
        if refused.message_id == "verify-locked":  # the shared phone goes with the flow
            await verification.drop_shared_phone(context.store, platform, user_id)
            await reply(update, _locked(context, int(refused.args_["seconds"])))
            return END
        # The code was checked: the phone goes, and a new try starts with sharing it again.
        await verification.drop_shared_phone(context.store, platform, user_id)
        await reply(update, views.verify_again(context.t, refusal_text(context.t, refused)))
        return CONTACT
    await verification.drop_shared_phone(context.store, platform, user_id)
    await reply(update, views.linked_screen(context.t))
    await _show_status(update, context)
    return END


async def drop_shared_phone(update: Update, context: HamdeliContext) -> None:
    """The flow ended (cancelled, left for a menu or a command, another flow began): the
    phone shared in it goes with it."""
    await verification.drop_shared_phone(
        context.store, context.services.platform, context.me.user_id
    )


def _locked(context: HamdeliContext, seconds_left: int) -> Screen:
    opens_at = dt.datetime.fromtimestamp(context.now() + seconds_left, context.settings.tz)
    return views.locked_screen(context.t, opens_at)


async def national_code_expected(update: Update, context: HamdeliContext) -> str:
    """A sticker or photo where the national code was expected: ask for it again."""
    await reply(update, views.ask_national_code(context.t))
    return NATIONAL_CODE


async def _leave(update: Update, context: HamdeliContext, text: str) -> None:
    """End verification: drop the shared phone, remove the reply keyboard, show the menu."""
    await drop_shared_phone(update, context)
    await reply(update, views.verification_left(text))
    await reply(update, common_views.main_menu(context.t, context.me))


async def _show_status(update: Update, context: HamdeliContext) -> bool:
    """The household's status; False when the clicked message already showed it as is."""
    code = await verification.linked_household(
        context.store, context.services.platform, context.me.user_id
    )
    household = await context.store.beneficiary(code) if code else None
    if household is None:  # the record was removed by staff: the link is void
        await reply(update, views.verify_intro(context.t))
        return True
    vouchers = await context.store.vouchers_of(household.national_code)
    needs = await context.store.needs_of_household(household.national_code)
    reminders_off = await context.store.reminders_off(context.services.platform, context.me.user_id)
    return await show(
        update,
        views.status_screen(
            context.t,
            household,
            vouchers,
            context.today(),
            context.settings.kalabarg_official_channels,
            needs,
            reminders_off=reminders_off,
            schedule=context.settings.kalabarg_shopping_schedule,
        ),
    )


async def history(update: Update, context: HamdeliContext) -> None:
    code = await verification.linked_household(
        context.store, context.services.platform, context.me.user_id
    )
    if code is None:
        await answer_button(update, context.t("button-expired"))
        await show(update, common_views.main_menu(context.t, context.me))
        return
    await answer_button(update)
    await show(update, views.history_screen(context.t, await context.store.vouchers_of(code)))


async def forget_ask(update: Update, context: HamdeliContext) -> None:
    """One /forget for everyone, asking once: a household's link, else the whole account."""
    await answer_button(update)
    platform, me = context.services.platform, context.me
    if await verification.linked_household(context.store, platform, me.user_id):
        await show(update, views.forget_ask(context.t))
    elif me.staff_role is not StaffRole.NONE:
        await show(update, account_views.forget_staff(context.t))
    else:
        pledges = await context.store.count_pledges_of_donor(platform, me.user_id)
        await show(update, account_views.forget_donor_ask(context.t, pledges))


async def forget_do(update: Update, context: HamdeliContext) -> None:
    platform, me = context.services.platform, context.me
    if await verification.linked_household(context.store, platform, me.user_id):
        await verification.forget(context.store, platform, me.user_id, context.now())
        await answer_button(update, context.t("forget-done"))
        await show(
            update, common_views.main_menu(context.t, me).with_prefix(context.t("forget-done"))
        )
        return
    if me.staff_role is not StaffRole.NONE:  # checked again at the moment of acting
        await answer_button(update)
        await show(update, account_views.forget_staff(context.t))
        return
    forgotten = await accounts.forget_donor(
        context.store, platform, me.user_id, context.settings.default_language, context.now()
    )
    await answer_button(update)
    await show(
        update,
        account_views.forget_donor_done(context.t, forgotten.donor_number, forgotten.pledges_kept),
    )


# -- is this SMS real? ---------------------------------------------------------------------

PASTED_SMS = "pasted_sms"


async def ask_for_sms(update: Update, context: HamdeliContext) -> str:
    await answer_button(update)
    await reply(update, views.sms_ask(context.t))
    return PASTED_SMS


async def check_sms(update: Update, context: HamdeliContext) -> int:
    signs = safety.phishing_signs(text_of(update))
    await reply(update, views.sms_verdict(context.t, signs))
    return END


async def sms_text_expected(update: Update, context: HamdeliContext) -> str:
    await reply(update, views.sms_text_expected(context.t))
    return PASTED_SMS


def flows() -> list[Flow]:
    """Verification (entered from "Check my status", /status or a status button) and the
    SMS check."""
    return [
        Flow(
            entry_points=[
                CallbackQueryHandler(open_status, pattern=Button.ROLE.pattern(Persona.BENEFICIARY)),
                CallbackQueryHandler(open_status, pattern=Button.STATUS.pattern()),
                CommandHandler("status", open_status),
            ],
            states={
                CONTACT: [
                    MessageHandler(filters.CONTACT, got_contact),
                    MessageHandler(~filters.COMMAND, contact_expected),
                ],
                NATIONAL_CODE: [
                    MessageHandler(filters.TEXT & ~filters.COMMAND, got_national_code),
                    MessageHandler(filters.CONTACT, got_contact),
                    MessageHandler(~filters.COMMAND, national_code_expected),
                ],
            },
            on_leave=drop_shared_phone,
        ),
        prompt_flow(PASTED_SMS, Button.CHECK_SMS, "sms", ask_for_sms, check_sms, sms_text_expected),
    ]


def handlers() -> list[BaseHandler]:
    return [CommandHandler("forget", forget_ask)]


VOUCHER_CLOCK_SECONDS = 3600


async def voucher_clock(context: HamdeliContext) -> None:
    """Hourly (and at start): queue expiry reminders that came due (the outbox sends them),
    and drop shared phones a day old that a walked-away verification left behind."""
    await verification.queue_voucher_reminders(
        context.store, context.services.platform, context.today(),
        context.settings.voucher_reminder_days, context.now(),
    )  # fmt: skip
    await verification.sweep_shared_phones(context.store, context.services.platform, context.now())


def schedule_voucher_clock(application: Application) -> None:
    job_queue_of(application).run_repeating(voucher_clock, interval=VOUCHER_CLOCK_SECONDS, first=1)


async def toggle_reminders(update: Update, context: HamdeliContext) -> None:
    """Expiry reminders on or off; news of changed tranches always comes."""
    off = await verification.toggle_reminders(
        context.store, context.services.platform, context.me.user_id
    )
    if off is None:  # reminders are about a household's kalabarg: first the person links
        await answer_button(update, context.t("reminders-verify-first"))
        await show(update, views.verify_first(context.t))
        return
    await answer_button(update, context.t("reminders-now-off" if off else "reminders-now-on"))
    await _show_status(update, context)


def routes() -> dict[Button, Route]:
    return {
        Button.HISTORY: history,
        Button.FORGET_ASK: forget_ask,
        Button.FORGET_DO: forget_do,
        Button.REMINDERS: toggle_reminders,
    }
