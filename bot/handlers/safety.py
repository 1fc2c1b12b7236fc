"""Safety first: a message that speaks of violence, abuse, threat or danger is answered
before anything else, and alone, with the emergency lines.

The handlers sit in PTB's handler group FIRST (bot/handlers/common.Group: -1), after the
account is loaded (ACCOUNT, -2) and before the flows (FLOWS, 0) and the menus (MENUS, 2).
The answer raises ApplicationHandlerStop, so nothing else answers and no flow sees the
message: a household in the middle of verification, a donor typing an amount, a staff member
composing stay exactly where they were (state and flow data untouched, so there is nothing
to persist). The "continue" button is caught here too, for the same reason: in FLOWS a
flow's fallback would take any button as "leave the flow".

Nothing about the person is kept: no flag, no log line, no message to the staff chat
(support is one button away, and only if they press it; what they then write to support
goes there, after the lines).
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks
from bot.callbacks import Button
from bot.context import HamdeliContext
from bot.domain import safety
from bot.handlers.common import Group, answer_button, reply
from bot.handlers.support import SUPPORT_TEXT
from bot.views import common as common_views
from bot.views import safety as views


class _SpeaksOfDanger(filters.MessageFilter):
    """Text or a caption with words of violence, abuse, threat, danger or self-harm."""

    def filter(self, message: Message) -> bool:
        return safety.calls_for_help(message.text or message.caption or "")


async def answer_first(update: Update, context: HamdeliContext) -> None:
    """The emergency lines, and nothing else for this message.

    Except for someone writing to support: they asked for a person, so the lines come
    first and then their words go where they sent them (swallowing them would leave a
    frightened person writing to support again and again, reaching no one).
    """
    support = context.settings.staff_chat_id is not None
    await reply(update, views.safety_answer(context.t, support=support))
    if _flow_state(update, context) != SUPPORT_TEXT:
        raise ApplicationHandlerStop


async def carry_on(update: Update, context: HamdeliContext) -> None:
    """ "Continue": back to the open question if a flow waits, else to the menu."""
    await answer_button(update)
    if _flow_state(update, context) is not None:
        await reply(update, views.carry_on_screen(context.t))
    else:
        await reply(update, common_views.main_menu(context.t, context.me))
    raise ApplicationHandlerStop


class _ContinueButton(CallbackQueryHandler):
    """The continue button, and nothing else (PTB's `pattern` lets empty data through)."""

    def check_update(self, update: object) -> bool:
        query = update.callback_query if isinstance(update, Update) else None
        parsed = callbacks.parse(query.data) if query and isinstance(query.data, str) else None
        return parsed is not None and parsed.kind is Button.SAFETY_CONTINUE


def _flow_state(update: Update, context: HamdeliContext) -> object:
    """The state in which a conversation in group FLOWS waits for this person's answer,
    if any (read, not changed)."""
    for handler in context.application.handlers.get(Group.FLOWS, []):
        if isinstance(handler, ConversationHandler):
            found = handler.check_update(update)
            if found and found[0] is not None:
                return found[0]
    return None


def handlers() -> list[BaseHandler]:
    """For group FIRST, ahead of the button gatekeeper."""
    speaks_of_danger = (filters.TEXT | filters.CAPTION) & ~filters.COMMAND & _SpeaksOfDanger()
    return [
        MessageHandler(speaks_of_danger, answer_first),
        _ContinueButton(carry_on),
    ]
