"""Talk to a person: a message to the staff chat under a ticket number, and the reply back.

The staff see a ticket number and whether the person is a donor or a beneficiary, never
their account; the person sees "support", never which staff member answered. Replies are
accepted only from staff (role checked at the moment) in the configured STAFF_CHAT_ID.
"""

from __future__ import annotations

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks
from bot.context import HamdeliContext
from bot.domain import staff
from bot.handlers.common import Flow, answer_button, prompt_flow, reply
from bot.i18n import translator
from bot.models import StaffRole
from bot.views import common as common_views
from bot.views.screen import Screen, user_text

SUPPORT_TEXT = "support_text"


async def ask_for_message(update: Update, context: HamdeliContext) -> str | int:
    await answer_button(update)
    if context.settings.staff_chat_id is None:
        await reply(update, _unavailable(context))
        return ConversationHandler.END
    await reply(update, Screen(context.t("support-ask")))
    return SUPPORT_TEXT


async def got_message(update: Update, context: HamdeliContext) -> int:
    """Open a ticket and post it to the staff chat (text escaped, no account shown)."""
    platform, me = context.services.platform, context.me
    ticket = await context.store.open_ticket(platform, me.user_id, context.now())
    staff_t = translator(context.settings.default_language)
    persona = staff_t(f"support-persona-{me.persona.value if me.persona else 'new'}")
    text = staff_t(
        "support-ticket",
        ticket=ticket,
        persona=persona,
        text=user_text(update.effective_message.text or ""),
    )
    try:
        posted = await context.bot.send_message(context.settings.staff_chat_id, text)
    except TelegramError:
        await reply(update, _unavailable(context))
        return ConversationHandler.END
    await context.store.attach_ticket_message(ticket, posted.message_id)
    await reply(update, Screen(context.t("support-sent", ticket=ticket)))
    return ConversationHandler.END


def _unavailable(context: HamdeliContext) -> Screen:
    return common_views.support_unavailable(context.t, context.settings.office_phone)


async def text_expected(update: Update, context: HamdeliContext) -> str:
    await reply(update, Screen(context.t("support-text-expected")))
    return SUPPORT_TEXT


async def relay_staff_reply(update: Update, context: HamdeliContext) -> None:
    """A staff member replied to a ticket in the staff chat: send it to the person."""
    message = update.effective_message
    platform = context.services.platform
    replier = await context.store.account(platform, update.effective_user.id)
    found = await context.store.ticket_for_staff_message(
        platform, message.reply_to_message.message_id
    )
    if replier is None or replier.staff_role is StaffRole.NONE or found is None or not message.text:
        raise ApplicationHandlerStop
    ticket, person = found
    t = translator(person.language)
    await context.bot.send_message(
        person.chat_id, t("support-reply", ticket=ticket, text=user_text(message.text))
    )
    await staff.audit(context.store, replier, "support_reply", "ticket", str(ticket), context.now())
    raise ApplicationHandlerStop


def staff_chat_handler(staff_chat_id: int) -> BaseHandler:  # type: ignore[type-arg]
    """Runs before the private-chat-only account loader, for the staff chat only."""
    return MessageHandler(filters.Chat(staff_chat_id) & filters.REPLY, relay_staff_reply)


def flows() -> list[Flow]:
    return [
        prompt_flow(
            SUPPORT_TEXT, callbacks.SUPPORT, "support", ask_for_message, got_message, text_expected
        )
    ]
