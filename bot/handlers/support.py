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

from bot.callbacks import Button
from bot.context import HamdeliContext
from bot.delivery import outbox_of
from bot.domain import support
from bot.handlers.common import Flow, answer_button, message_of, prompt_flow, reply, text_of
from bot.i18n import translator
from bot.views import common as common_views
from bot.views import support as views
from bot.views.screen import Screen, user_text

SUPPORT_TEXT = "support_text"


async def ask_for_message(update: Update, context: HamdeliContext) -> str | int:
    await answer_button(update)
    if context.settings.staff_chat_id is None:
        await reply(update, _unavailable(context))
        return ConversationHandler.END
    await reply(update, views.ask_screen(context.t))
    return SUPPORT_TEXT


async def got_message(update: Update, context: HamdeliContext) -> int:
    """Open a ticket and post it to the staff chat (text escaped, no account shown)."""
    staff_chat_id = context.settings.staff_chat_id
    if staff_chat_id is None:  # STAFF_CHAT_ID unset (and a restart) since it was asked
        await reply(update, _unavailable(context))
        return ConversationHandler.END
    me = context.me
    ticket = await support.open_ticket(context.store, me, context.now())
    staff_t = translator(context.settings.default_language)
    persona = staff_t(f"support-persona-{me.persona.value if me.persona else 'new'}")
    text = staff_t(
        "support-ticket",
        ticket=ticket,
        persona=persona,
        text=user_text(text_of(update)),
    )
    try:
        posted = await context.bot.send_message(staff_chat_id, text)
    except TelegramError:
        await reply(update, _unavailable(context))
        return ConversationHandler.END
    await support.attach_ticket(context.store, ticket, posted.message_id)
    await reply(update, views.sent_screen(context.t, ticket))
    return ConversationHandler.END


def _unavailable(context: HamdeliContext) -> Screen:
    return common_views.support_unavailable(context.t, context.settings.office_phone)


async def text_expected(update: Update, context: HamdeliContext) -> str:
    await reply(update, views.text_expected_screen(context.t))
    return SUPPORT_TEXT


async def relay_staff_reply(update: Update, context: HamdeliContext) -> None:
    """A staff member replied to a ticket in the staff chat: the answer is queued for the
    person with its audit row (the outbox sends it); anything else in the chat is ignored,
    a post on behalf of a channel too (no person whose role to check)."""
    message, sender = message_of(update), update.effective_user
    replied = message.reply_to_message  # filters.REPLY: there is one
    if message.text and sender is not None and replied is not None:
        replier = await context.store.account(context.services.platform, sender.id)
        ticket = await support.answer_ticket(
            context.store, replier, replied.message_id, message.message_id,
            message.text, context.now(),
        )  # fmt: skip
        if ticket is not None:
            outbox_of(context.application).wake()
    raise ApplicationHandlerStop


def staff_chat_handler(staff_chat_id: int) -> BaseHandler:
    """Runs before the private-chat-only account loader, for the staff chat only."""
    return MessageHandler(filters.Chat(staff_chat_id) & filters.REPLY, relay_staff_reply)


def flows() -> list[Flow]:
    return [
        prompt_flow(
            SUPPORT_TEXT, Button.SUPPORT, "support", ask_for_message, got_message, text_expected
        )
    ]
