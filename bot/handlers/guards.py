"""One way to say no: a domain refusal becomes its words and a way forward.

The domain says no by raising `bot.domain.refusal.Refused` (or one of its kinds: a pledge,
a verification, a monthly gift, a credit): a locale message id and its arguments. A handler
that calls such a rule is wrapped in `guarded`, and never catches the refusal itself to
answer it. The guard then, the same way everywhere:

- puts the refusal in words (`bot.views.refusals.refusal_text`);
- says them on the pressed button (its toast), and in the chat with a way forward: a screen
  with at least one button to go on from, so a refusal is never a dead end;
- ends any flow the handler was in (`ConversationHandler.END`), forgetting what it
  collected when asked to (`forget_flow`).

Where a person goes on from depends on where they were: `to_menu` (their own menu, the
default), `to_console` (staff: the console), `to_next_pledge` (staff deciding on a pledge),
`to_donor_menu` (a donor's button: their menu, in place of the pressed message). An area
with a place of its own to go on from (a monthly gift as it stands, a credit's choice)
passes its own `Forward`; it builds a screen, the guard does the rest.

`staff_only=True` checks the staff role before the handler runs (a flow's first step: the
flow does not even start for anyone else). The domain still checks the role again in every
action it takes: the guard is the first check, never the only one.

A refusal that only means "not this answer, try again" inside a flow (a tracking number
with too few digits, an amount under the minimum) is not answered here: the step catches it
and asks the same question again, and the flow goes on.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import HamdeliContext
from bot.domain import staff
from bot.domain.refusal import Refused
from bot.handlers.common import answer_button, reply, show
from bot.models import StaffRole
from bot.views import refusals as views
from bot.views import staff as staff_views
from bot.views.donor import donor_home
from bot.views.screen import Screen

END = ConversationHandler.END
STAFF_ONLY = "staff-only"  # the refusal of anyone who is not (or no longer) staff

T = TypeVar("T")
# A coroutine function: PTB's handler classes take one (they may run it as a task, which
# takes a coroutine, not any awaitable), so a guarded handler is registered as it is.
Handler = Callable[[Update, HamdeliContext], Coroutine[Any, Any, T]]


@dataclass(frozen=True)
class WayForward:
    """The screen under a refusal, and whether it replaces the pressed message (browsing
    stays one message) or comes as a new one (after a command or typed text)."""

    screen: Screen
    in_place: bool = False


Forward = Callable[[HamdeliContext, Refused, str], Awaitable[WayForward]]


class Worded(Refused):
    """A refusal its handler already put in words, for what only the handler can word
    (a pledge's amounts are toman or items depending on the need it read)."""

    def __init__(self, text: str) -> None:
        super().__init__("worded")
        self.text = text


# -- where a refused person goes on from --------------------------------------------------------


async def to_menu(context: HamdeliContext, refused: Refused, text: str) -> WayForward:
    """Their own menu, one press away: for anyone, whatever their role."""
    return WayForward(views.to_menu(context.t, text))


def _not_staff(context: HamdeliContext, refused: Refused) -> bool:
    """Whether the console would be no way forward: the refusal says they are not staff,
    or they never were (a newcomer's /join with a wrong code)."""
    return refused.message_id == STAFF_ONLY or context.me.staff_role is StaffRole.NONE


async def to_console(context: HamdeliContext, refused: Refused, text: str) -> WayForward:
    """Staff go back to the console; someone who is not staff (any more) to their menu."""
    if _not_staff(context, refused):
        return await to_menu(context, refused, text)
    return WayForward(views.to_console(context.t, text))


async def to_next_pledge(context: HamdeliContext, refused: Refused, text: str) -> WayForward:
    """A pledge that cannot be confirmed or rejected (any more): the next one in the queue
    is one press away, as after a decision."""
    if _not_staff(context, refused):
        return await to_menu(context, refused, text)
    return WayForward(staff_views.after_decision_screen(context.t, text))


async def to_donor_menu(context: HamdeliContext, refused: Refused, text: str) -> WayForward:
    """A donor's stale or impossible button: the donor's menu in its place, nothing changed."""
    return WayForward(donor_home(context.t).with_prefix(text), in_place=True)


# -- the guard ----------------------------------------------------------------------------------


def guarded(
    forward: Forward = to_menu, *, staff_only: bool = False, forget_flow: bool = False
) -> Callable[[Handler[T]], Handler[T | int]]:
    """Wrap a handler so that a domain refusal is answered (see the module) and ends any
    flow; `staff_only` checks the role first; `forget_flow` drops what the flow collected."""

    def decorate(handler: Handler[T]) -> Handler[T | int]:
        @functools.wraps(handler)
        async def guard(update: Update, context: HamdeliContext) -> T | int:
            try:
                if staff_only:
                    await staff.require_staff(context.store, context.me)
                return await handler(update, context)
            except Refused as refused:
                if forget_flow:
                    await context.flow.clear()
                return await _say_no(update, context, refused, forward)

        return guard

    return decorate


async def _say_no(
    update: Update, context: HamdeliContext, refused: Refused, forward: Forward
) -> int:
    """The refusal's words on the button (its toast) and in the chat, with the way
    forward; the flow ends."""
    text = refused.text if isinstance(refused, Worded) else views.refusal_text(context.t, refused)
    way = await forward(context, refused, text)
    await answer_button(update, text)
    if way.in_place:
        await show(update, way.screen)
    else:
        await reply(update, way.screen)
    return END
