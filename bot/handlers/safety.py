"""Safety first: a message that speaks of violence, abuse, threat or danger is answered
before anything else, and alone, with the emergency lines.

The handlers sit in group -1, after the account is loaded (group -2) and before the flows
and menus (group 0). The answer raises ApplicationHandlerStop, so nothing else answers and
no flow sees the message: a household in the middle of verification, a donor typing an
amount, a staff member composing stay exactly where they were (state and flow data
untouched, so there is nothing to persist). The "continue" button is caught here too, for
the same reason: in group 0 a flow's fallback would take any button as "leave the flow".

Nothing about the person is kept: no flag, no log line, no message to the staff chat
(support is one button away, and only if they press it).
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
from bot.context import HamdeliContext
from bot.domain import safety
from bot.handlers.common import answer_button, reply
from bot.views import common as common_views
from bot.views import safety as views
from bot.views.screen import Screen


class _SpeaksOfDanger(filters.MessageFilter):
    """Text or a caption with words of violence, abuse, threat, danger or self-harm."""

    def filter(self, message: Message) -> bool:
        return safety.calls_for_help(message.text or message.caption or "")


async def answer_first(update: Update, context: HamdeliContext) -> None:
    """The emergency lines, and nothing else for this message."""
    support = context.settings.staff_chat_id is not None
    await reply(update, views.safety_answer(context.t, support=support))
    raise ApplicationHandlerStop


async def carry_on(update: Update, context: HamdeliContext) -> None:
    """ "Continue": back to the open question if a flow waits, else to the menu."""
    await answer_button(update)
    if _waiting_in_a_flow(update, context):
        await reply(update, Screen(context.t("safety-carry-on")))
    else:
        await reply(update, common_views.main_menu(context.t, context.me))
    raise ApplicationHandlerStop


class _ContinueButton(CallbackQueryHandler):  # type: ignore[type-arg]
    """The continue button, and nothing else (PTB's `pattern` lets empty data through)."""

    def check_update(self, update: object) -> bool:
        query = update.callback_query if isinstance(update, Update) else None
        parsed = callbacks.parse(query.data) if query and isinstance(query.data, str) else None
        return parsed is not None and parsed.kind == "safety_continue"


def _waiting_in_a_flow(update: Update, context: HamdeliContext) -> bool:
    """Is a conversation in group 0 waiting for this person's answer? (Read, not changed.)"""
    for handler in context.application.handlers.get(0, []):
        if isinstance(handler, ConversationHandler):
            found = handler.check_update(update)
            if found and found[0] is not None:
                return True
    return False


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """For group -1, ahead of the button gatekeeper."""
    speaks_of_danger = (filters.TEXT | filters.CAPTION) & ~filters.COMMAND & _SpeaksOfDanger()
    return [
        MessageHandler(speaks_of_danger, answer_first),
        _ContinueButton(carry_on),
    ]
