"""Handlers every audience shares: /start, /menu, /help, /language, /cancel, roles,
unknown input, stale buttons and the error handler; and dispatch.

Dispatch lives here, and it is PTB's own: handler groups (`Group`, registered by
`register`), at most one handler per group, `ApplicationHandlerStop` to end an update. The
one flows conversation (`flows_handler`) has a group of its own, before the menus' group:
a flow's fallback ends the flow and lets the update go on to the menus (a menu button or a
command leaves any flow and is answered in the same update), and the group between them
writes the state a flow moved to the store (write-through, `write_flow_state`) and stops
an update the flow took. Whether a flow handled this update is said in its context,
which is the update's own while several run at once (bot/processing.py).

Menus are stateless: every button carries what it needs (`menu:donor`), so it works from
any message, in any state, and after a restart. Conversation states (PTB
ConversationHandlers, persisted write-through by `bot.persistence`) are for flows where the
bot waits for typed input — an amount, a national code — which each audience's module adds.
Handlers only translate between chat and domain: they read the update, call one domain
function, and send the screen `bot.views` builds.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, TypeVar

from telegram import (
    CallbackQuery,
    Chat,
    Contact,
    Message,
    PreCheckoutQuery,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    SuccessfulPayment,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, NetworkError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot import callbacks
from bot.callbacks import Button
from bot.context import HamdeliContext
from bot.domain import accounts, typed
from bot.models import Persona, StaffRole
from bot.persistence import StorePersistence
from bot.views import common as views
from bot.views import staff as staff_views
from bot.views.screen import Screen

log = logging.getLogger(__name__)

T = TypeVar("T")

# -- what a handler's filter guarantees --------------------------------------------------------
#
# PTB types every part of an update as Optional: an update is one of many kinds, each with
# its own parts. A handler's filter (or an earlier group) decides which kind reaches it, so
# there its part is there: these read it so, and name the broken promise if it ever is not.


def _promised(part: T | None, what: str, promise: str) -> T:
    """`part`, which `promise` guarantees; if a promise ever breaks, an error that says
    which (not an AttributeError on None three calls later)."""
    if part is None:
        raise LookupError(f"this update has no {what}, though {promise} guarantees one")
    return part


def message_of(update: Update) -> Message:
    """The message a message handler's filter took (MessageHandler, CommandHandler)."""
    return _promised(update.effective_message, "message", "a message handler's filter")


def text_of(update: Update) -> str:
    """The text of the message a message handler took ("" for a photo or a sticker)."""
    return message_of(update).text or ""


def chat_of(update: Update) -> Chat:
    """The chat of an update past group ACCOUNT, which stops every update without one."""
    return _promised(update.effective_chat, "chat", "group ACCOUNT (load_account)")


def query_of(update: Update) -> CallbackQuery:
    """The pressed button's query, for a CallbackQueryHandler."""
    return _promised(update.callback_query, "callback query", "a CallbackQueryHandler")


def contact_of(update: Update) -> Contact:
    """The shared contact, for a handler filtered by filters.CONTACT."""
    return _promised(message_of(update).contact, "contact", "filters.CONTACT")


def pre_checkout_of(update: Update) -> PreCheckoutQuery:
    """The payment sheet's question, for a PreCheckoutQueryHandler."""
    return _promised(update.pre_checkout_query, "pre-checkout query", "PreCheckoutQueryHandler")


def payment_of(update: Update) -> SuccessfulPayment:
    """The arrived payment, for a handler filtered by filters.SUCCESSFUL_PAYMENT."""
    return _promised(
        message_of(update).successful_payment, "successful payment", "filters.SUCCESSFUL_PAYMENT"
    )


# -- sending ---------------------------------------------------------------------------------


async def show(update: Update, screen: Screen) -> bool:
    """Show a screen: edit the clicked message in place, or send a new message.

    Editing keeps the chat short on cheap phones. An edit that fails because the message is
    too old, gone or unchanged falls back to a new message (or to nothing when unchanged).
    Returns False when the clicked message already showed exactly this screen, so a
    "refresh" can say that nothing changed. A reply keyboard (or its removal) cannot go on
    an edited message, which takes only an inline keyboard: such a screen is sent anew.
    """
    markup = screen.markup
    if isinstance(markup, ReplyKeyboardMarkup | ReplyKeyboardRemove):
        await reply(update, screen)
        return True
    query = update.callback_query
    if query is not None and query.message is not None:
        shown = query.message
        if getattr(shown, "text", None) == screen.text and (
            getattr(shown, "reply_markup", None) == markup
        ):
            return False  # already on screen: no edit call at all
        try:
            await query.edit_message_text(screen.text, reply_markup=markup)
            return True
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return False
            log.info("edit failed (%s); sending a new message instead", exc)
    await reply(update, screen)
    return True


async def reply(update: Update, screen: Screen) -> None:
    chat = update.effective_chat
    if chat is not None:
        await chat.send_message(screen.text, reply_markup=screen.markup)


async def answer_button(update: Update, text: str | None = None) -> None:
    """Stop the button's spinner; a stale query (answered too late) is not an error."""
    if update.callback_query is None:
        return
    try:
        await update.callback_query.answer(text)
    except BadRequest as exc:
        log.debug("callback answer failed: %s", exc)


# -- group ACCOUNT: who is this? -------------------------------------------------------------


async def load_account(update: Update, context: HamdeliContext) -> None:
    """Attach the sender's account (cached) to the context before any other handler runs.

    Hamdeli talks to people one to one: anything from a group, a channel or another bot is
    ignored, so nothing personal is ever said where others can read it.
    """
    user, chat = update.effective_user, update.effective_chat
    if user is None or user.is_bot or chat is None or chat.type != ChatType.PRIVATE:
        raise ApplicationHandlerStop
    context.account = await accounts.account_for_update(
        context.store,
        platform=context.services.platform,
        user_id=user.id,
        chat_id=chat.id,
        client_language=user.language_code,
        default_language=context.settings.default_language,
        admin_ids=context.settings.admin_ids,
        now=context.now(),
    )


# -- menus: stateless, so every button works from any message, even after a restart ------


async def start(update: Update, context: HamdeliContext) -> None:
    """/start: greet, say what the bot does, offer the two ways in."""
    await reply(update, views.role_chooser(context.t, context.me))


async def main_menu(update: Update, context: HamdeliContext) -> None:
    """/menu or the menu button: the chosen role's menu, or the role chooser."""
    await answer_button(update)
    await show(update, views.main_menu(context.t, context.me))


async def role_chooser(update: Update, context: HamdeliContext) -> None:
    """The "main menu" button: back to the choice between helping and checking status."""
    await answer_button(update)
    await show(update, views.role_chooser(context.t, context.me))


async def choose_role(update: Update, context: HamdeliContext) -> None:
    """A role button: remember the choice and open that role's menu."""
    await answer_button(update)
    persona: Persona = context.pressed.arg
    context.account = await accounts.choose_persona(context.store, context.me, persona)
    await show(update, views.role_home(context.t, persona))


async def open_staff_console(update: Update, context: HamdeliContext) -> None:
    """The staff button. The role is checked now, not when the button was drawn."""
    role = await accounts.current_staff_role(context.store, context.me)
    if role is StaffRole.NONE:
        await answer_button(update, context.t("staff-only"))
        await show(update, views.main_menu(context.t, context.me))
        return
    await answer_button(update)
    await show(update, staff_views.staff_home(context.t, role))


async def cancel(update: Update, context: HamdeliContext) -> None:
    """/cancel: drop whatever a flow collected, say where the person is now, and show that
    menu: the staff console for staff who chose no other role, else their role's menu."""
    await context.flow.clear()
    persona = context.me.persona
    if persona is None:
        role = await accounts.current_staff_role(context.store, context.me)
        if role is not StaffRole.NONE:
            screen = staff_views.staff_home(context.t, role)
            await reply(update, screen.with_prefix(context.t("cancelled-staff")))
            return
    where = f"cancelled-{persona.value}" if persona else "cancelled-main"
    await reply(update, views.main_menu(context.t, context.me).with_prefix(context.t(where)))


# -- available everywhere, outside the conversation graph -------------------------------------


async def help_command(update: Update, context: HamdeliContext) -> None:
    await answer_button(update)
    await show(update, views.help_screen(context.t, context.me))


async def language_picker(update: Update, context: HamdeliContext) -> None:
    await answer_button(update)
    await show(update, views.language_picker(context.t))


async def set_language(update: Update, context: HamdeliContext) -> None:
    """A language button: switch, confirm in the new language, show the menu."""
    language: str = context.pressed.arg
    context.account = await accounts.choose_language(context.store, context.me, language)
    await answer_button(update, context.t("language-changed"))
    await show(
        update, views.main_menu(context.t, context.me).with_prefix(context.t("language-changed"))
    )


async def expired_button(update: Update, context: HamdeliContext) -> None:
    """A button no handler takes here (old, or forged): say so, show the menu."""
    await answer_button(update, context.t("button-expired"))
    screen = views.main_menu(context.t, context.me).with_prefix(context.t("button-expired"))
    await reply(update, screen)


async def check_button(update: Update, context: HamdeliContext) -> None:
    """Gatekeeper: parse the button once; data it does not recognise reaches no handler."""
    data = query_of(update).data
    context.button = callbacks.parse(data) if isinstance(data, str) else None
    if context.button is None:
        await expired_button(update, context)
        raise ApplicationHandlerStop


# A handler: a coroutine function, the type PTB's handler classes take.
Route = Callable[[Update, HamdeliContext], Coroutine[Any, Any, object]]


def button_router(routes: dict[Button, Route]) -> Route:
    """One handler for every button: a table from button kind to handler.

    A single lookup instead of PTB trying a pattern per button kind keeps every click
    cheap however many screens the bot grows (the gatekeeper already parsed the data).
    """

    async def route_button(update: Update, context: HamdeliContext) -> None:
        handler = routes.get(context.button.kind) if context.button else None
        if handler is None:
            await expired_button(update, context)
            return
        await handler(update, context)

    # For /metrics (`bot.metrics.time_handlers`): a click is timed under the route it took.
    route_button.routes = routes  # type: ignore[attr-defined]  # read by metrics.timed_router
    route_button.fallback = expired_button  # type: ignore[attr-defined]  # read by metrics.timed_router
    return route_button


COMMON_ROUTES: dict[Button, Route] = {
    Button.MENU_HOME: role_chooser,
    Button.MENU: main_menu,
    Button.MENU_STAFF: open_staff_console,
    Button.HELP: help_command,
    Button.LANGUAGE_PICKER: language_picker,
    Button.ROLE: choose_role,
    Button.LANGUAGE: set_language,
}


async def unknown_message(update: Update, context: HamdeliContext) -> None:
    """Anything no handler took. Text gets a short, specific answer and the menu button
    (a greeting is greeted back); stickers, photos and voice get a hint and the menu."""
    message = update.effective_message
    text = message.text if message is not None else None
    if text is None:
        hint = context.t("unknown-media")
        await reply(update, views.main_menu(context.t, context.me).with_prefix(hint))
    elif typed.is_greeting(text):
        await reply(update, views.short_answer(context.t, context.t("greeting-reply")))
    else:
        await reply(update, views.short_answer(context.t, context.t("unknown-text")))


async def on_error(update: object, context: HamdeliContext) -> None:
    """Log what failed (update id and error, never its content) and tell the person."""
    update_id = update.update_id if isinstance(update, Update) else None
    if _platform_trouble(context.error):
        # The platform failed, not our code: one line each, as the service logs the
        # platform's state once (an outage would otherwise log a traceback per update).
        log.warning("update %s: the Bot API failed (%s)", update_id, _error_text(context.error))
    else:
        log.error("update %s failed", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(context.error, Forbidden):
        return  # they blocked the bot: nobody to tell
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(context.t("error-generic"))
        await update.effective_chat.send_message(context.t("error-generic"))
    except Exception:  # the network may be what failed; the log above is what we can do
        log.warning("could not tell update %s about the error", update_id)


def _platform_trouble(error: object) -> bool:
    """A network failure or a 5xx (PTB's NetworkError, TimedOut); BadRequest is a
    NetworkError to PTB too, but a bad request is our bug and keeps its traceback."""
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


def _error_text(error: object) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


class FlowHandler(ConversationHandler):
    """A persistent conversation that marks, in this update's context, that it handled the
    update (`flow_handled`): the group after the flows then writes the state it may have
    changed to the store at once (write-through, `write_flow_state`).

    `leave_hooks` maps a state to its flow's `on_leave`, run once the person is no longer in
    any state of that flow, however they left (ended, cancelled, a menu, another flow).

    A flow left alone longer than `idle_seconds` is over: what the person sends next is not
    read as the answer the flow once waited for (a need code typed weeks after the amount
    question is a need code), but handled as if no flow were running, without a word about
    the old flow. Activity is the last update the flow handled in this process, or after a
    restart the time its state was last written (`StorePersistence.last_written`).
    """

    def __init__(self, *args: Any, idle_seconds: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.leave_hooks: dict[object, Route] = {}
        self.idle_seconds = idle_seconds
        self._active_at: dict[object, float] = {}

    async def handle_update(self, update: Any, application: Any, check_result: Any,
                            context: Any) -> object:  # fmt: skip
        state_before, key, handler = check_result[0], check_result[1], check_result[2]
        now = application.services.clock()
        if self._idle(application, state_before, key, handler, now):
            check_result = (state_before, key, _EXPIRED_FLOW, True)
        result: object = None
        try:
            result = await super().handle_update(update, application, check_result, context)
        except ApplicationHandlerStop:
            # PTB has set the state the callback's stop carried; stopping is the group after
            # the flows' job, once that state is written (`write_flow_state`).
            pass
        finally:
            context.flow_handled = True  # this update's context: one per update
            self._active_at[key] = now
        # PTB keeps the states in _conversations; there is no public read of one key.
        if key not in self._conversations:
            self._active_at.pop(key, None)
        hook = self.leave_hooks.get(state_before)
        # PTB keeps the states in _conversations; there is no public read of one key.
        if hook is not None and self.leave_hooks.get(self._conversations.get(key)) is not hook:
            await hook(update, context)
        return result

    async def reload_state(self, update: object, persistence: StorePersistence) -> None:
        """Take this update's conversation state from the store before it is handled: with
        several workers the person's previous update may have been handled by another one,
        which moved the state there (PTB reads persisted states only when it starts).
        Written without PTB's change tracking, so nothing is written back for it."""
        if not isinstance(update, Update) or update.effective_user is None:
            return
        if update.effective_chat is None:
            return
        key = self._get_key(update)
        state, written_at = await persistence.reload_conversation(self.stored_name, key)
        # PTB keeps the states in _conversations (a TrackingDict once started).
        states = getattr(self._conversations, "data", self._conversations)
        if state is None:
            states.pop(key, None)
            self._active_at.pop(key, None)
            return
        states[key] = state
        if written_at is not None:  # another worker's activity counts as activity
            self._active_at[key] = max(self._active_at.get(key, written_at), written_at)

    @property
    def stored_name(self) -> str:
        """The name its states are stored under: a persistent conversation has one (PTB
        refuses to build one without), and `flow` builds every FlowHandler persistent."""
        if self.name is None:
            raise ValueError("a FlowHandler is persistent, so it needs a name")
        return self.name

    def _idle(self, application: Any, state: object, key: Any, handler: Any, now: float) -> bool:
        """Whether a state's own handler would answer a flow that has been idle too long
        (entry points and fallbacks leave the flow anyway)."""
        if state is None or self.idle_seconds is None:
            return False
        if handler in self.entry_points or handler in self.fallbacks:
            return False
        last = self._active_at.get(key)
        if last is None and isinstance(application.persistence, StorePersistence):
            last = application.persistence.last_written(self.stored_name, key)
        return last is not None and now - last > self.idle_seconds


def flow(**kwargs: Any) -> FlowHandler:
    """A persistent ConversationHandler for a flow that waits for typed input.

    Every audience builds its flows with this (never a bare ConversationHandler): it is
    what makes their states survive a crash. Their handlers block (PTB's default, never
    `block=False`): a non-blocking step would leave PTB a pending state when the group
    after the flows writes, and the old state would be written instead of the new.

    PTB warns that with per_message=False a CallbackQueryHandler is tracked per chat, not
    per message. That is what flows want (a button continues the person's conversation,
    whatever message it sits on), and per_message=True would forbid their text handlers,
    so that one warning is silenced here, for flows only.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="If 'per_message=False'",
                                category=PTBUserWarning)  # fmt: skip
        return FlowHandler(persistent=True, **kwargs)


@dataclass(frozen=True)
class Flow:
    """One audience's part of the single flows conversation: how it starts, its states."""

    entry_points: list[BaseHandler]
    states: dict[str, list[BaseHandler]]
    # Runs when the person leaves this flow's states in any way: to drop what must not
    # outlive the flow (a shared phone).
    on_leave: Route | None = None


def prompt_flow(
    state: str, button: Button, command: str, ask: Route, on_text: Route, on_other: Route
) -> Flow:
    """A one-question flow: a button or a command asks, typed text answers, and anything
    else (a sticker, a photo) gets `on_other`'s hint while the question stays open."""
    return Flow(
        entry_points=[
            CallbackQueryHandler(ask, pattern=button.pattern()),
            CommandHandler(command, ask),
        ],
        states={
            state: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, on_text),
                MessageHandler(~filters.COMMAND, on_other),
            ]
        },
    )


def flows_handler(parts: Sequence[Flow], idle_minutes: int | None = None) -> FlowHandler:
    """Every flow of every audience in one persistent conversation.

    A person is in at most one flow at a time, and one ConversationHandler is checked once
    per update, where one per flow would each be checked on every update. A menu button or
    a command leaves any flow (`leave_flow`: the fallbacks) and goes on to the menus'
    group; anything else a state does not expect goes on to the menus' group too, and the
    flow stays where it was.
    """
    states: dict[str, list[BaseHandler]] = {}
    for part in parts:
        if overlap := states.keys() & part.states.keys():
            raise ValueError(f"flow states defined twice: {sorted(overlap)}")
        states.update(part.states)
    handler = flow(
        entry_points=[handler for part in parts for handler in part.entry_points],
        states=states,
        fallbacks=[
            CallbackQueryHandler(leave_flow),
            MessageHandler(filters.COMMAND, leave_flow),
        ],
        name="flows",
        allow_reentry=True,
        idle_seconds=idle_minutes * 60 if idle_minutes else None,
    )
    handler.leave_hooks = {
        state: part.on_leave for part in parts if part.on_leave for state in part.states
    }
    return handler


async def leave_flow(update: Update, context: HamdeliContext) -> int:
    """A flow's fallback: end it, and pass the button or command on to do what it does
    anywhere.

    A person waiting in a flow (say, asked for an amount) who presses an old menu button or
    sends /menu means to leave: the flow forgets what it collected, and the update goes on
    (`flow_passed_on`) past the group after the flows to the menus' group, whose first
    handler that takes it answers, exactly as if no flow had been running.
    """
    await context.flow.clear()
    context.flow_passed_on = True
    return ConversationHandler.END


# What a state's handler is replaced with once its flow has been idle too long.
_EXPIRED_FLOW = TypeHandler(Update, leave_flow)


async def write_flow_state(update: Update, context: HamdeliContext) -> None:
    """The group right after the flows: write the state a flow just moved, then stop an
    update the flow took, so that the menus and the catch-all do not answer it too.

    PTB writes conversation states only every `update_interval` seconds; a crash in between
    would lose the steps people took. So after every update a flow handled (this update's
    context says so: several updates run at once, each with its own context) PTB's
    `update_persistence` writes now every state the flows changed since its last write:
    this update's, and any other's that a flow finished meanwhile. It writes under one lock,
    so an update whose state another update's write took along returns only once that write
    is done. Updates no flow handled (most clicks) write nothing. This is not the last
    group because an update the flow took must stop here (`ApplicationHandlerStop` skips
    every later group, a last one too), and only after its state is written.
    """
    if not context.flow_handled:
        return
    if context.application.persistence is not None:
        await context.application.update_persistence()
    if not context.flow_passed_on:
        raise ApplicationHandlerStop


def reload_flow_states(flows: Sequence[FlowHandler]) -> Route:
    """With several workers on one store: each flow's state for this update, read again
    from the store before any handler looks at it (`FlowHandler.reload_state`)."""

    async def reload_states(update: Update, context: HamdeliContext) -> None:
        persistence = context.application.persistence
        if isinstance(persistence, StorePersistence):
            for handler in flows:
                await handler.reload_state(update, persistence)

    return reload_states


class Group(IntEnum):
    """PTB's handler groups, in the order an update passes through them. In each group at
    most one handler (the first that takes the update) runs; `ApplicationHandlerStop`
    skips every later group. This table is Hamdeli's whole dispatch."""

    # Several workers on one store only: each flow's state read again from the store,
    # before anything (safety, the flows) looks at it.
    RELOAD = -4
    # Updates that are not one person's private chat, which `ACCOUNT` would drop: a staff
    # reply in the staff chat (bot/handlers/support.py), a pre-checkout query
    # (bot/handlers/payments.py). Each stops here.
    NOT_PRIVATE = -3
    # The sender's account (cached); anything not from a private chat stops here.
    ACCOUNT = -2
    # Before any flow: the safety answer (bot/handlers/safety.py, first and alone), the
    # button gatekeeper (parses a button once, stops an unknown one), an arrived payment.
    FIRST = -1
    # The one flows conversation (`flows_handler`): typed answers, a flow's own buttons.
    FLOWS = 0
    # The state a flow moved is written; an update a flow took stops here.
    FLOW_STATE = 1
    # Everything else: the button router, the audiences' handlers, the shared commands,
    # and last the catch-all for what nothing took.
    MENUS = 2


def register(
    application: Application,
    flows: Sequence[BaseHandler] = (),
    routes: dict[Button, Route] | None = None,
    handlers: Sequence[BaseHandler] = (),
) -> None:
    """Add every handler in its group (see `Group`), in its one visible order.

    A menu button or a command in a flow: the flow's fallback (`leave_flow`) ends the flow,
    `FLOW_STATE` writes that, and the update goes on to `MENUS`, where the router answers
    it, in the same update. In `MENUS` one router takes every button (`routes` add the
    audiences' buttons to the shared ones; early, so a click is not tried against every
    command), then the audiences' other `handlers`, the shared commands, the catch-all.
    """
    conversations = [handler for handler in flows if isinstance(handler, FlowHandler)]
    persistence = application.persistence
    shared = isinstance(persistence, StorePersistence) and persistence.store.shared_by_processes
    if shared and conversations:
        application.add_handler(TypeHandler(Update, reload_flow_states(conversations)),
                                group=Group.RELOAD)  # fmt: skip
    application.add_handler(TypeHandler(Update, load_account), group=Group.ACCOUNT)
    application.add_handler(CallbackQueryHandler(check_button), group=Group.FIRST)
    application.add_handlers(list(flows), group=Group.FLOWS)
    application.add_handler(TypeHandler(Update, write_flow_state), group=Group.FLOW_STATE)
    application.add_handlers(
        [
            CallbackQueryHandler(button_router({**COMMON_ROUTES, **(routes or {})})),
            *handlers,
            CommandHandler("start", start),
            CommandHandler("menu", main_menu),
            CommandHandler("cancel", cancel),
            CommandHandler("help", help_command),
            CommandHandler("language", language_picker),
            MessageHandler(filters.ALL, unknown_message),
        ],
        group=Group.MENUS,
    )
    application.add_error_handler(on_error)


# A receipt's file is kept as the platform's file id; a PDF or image sent as a document is
# marked, because a document's id cannot be sent back as a photo (and staff must see it).
DOCUMENT_FILE = "document:"


def receipt_file_id(message: Message) -> str | None:
    """What to keep of a receipt message: its photo's file id or its marked document's."""
    if message.photo:
        return message.photo[-1].file_id
    if message.document is not None:
        return DOCUMENT_FILE + message.document.file_id
    return None


async def send_receipt_file(update: Update, kept: str, caption: str) -> None:
    """Show staff a kept receipt the way it was sent: a photo, or a document."""
    if kept.startswith(DOCUMENT_FILE):
        await chat_of(update).send_document(kept[len(DOCUMENT_FILE) :], caption=caption)
    else:
        await chat_of(update).send_photo(kept, caption=caption)
