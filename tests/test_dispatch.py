"""Dispatch through PTB's handler groups (bot/handlers/common.Group), through the real
Application: in every state of every flow a menu button or a command leaves the flow and is
answered in the same update, and words of danger are answered first and alone; and however
many people step through flows at once, each one's state is in the store by the time their
own update is done (the flag that says "a flow handled this" is the update's own)."""

from __future__ import annotations

import asyncio
import json

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler, filters

from bot.context import HamdeliContext
from bot.emulator import EmulatedUser
from bot.handlers.common import FlowHandler, Group, flow
from bot.handlers.support import SUPPORT_TEXT
from bot.i18n import translator
from tests.conftest import Chat, FakeClock

fa = translator("fa")
DANGER = "شوهرم منو کتک میزنه"


def flows_of(chat: Chat) -> FlowHandler:
    (conversation,) = chat.application.handlers[Group.FLOWS]
    assert isinstance(conversation, FlowHandler)
    return conversation


def key_of(person: EmulatedUser) -> str:
    return json.dumps([person.id, person.id])


async def everyone_in_a_state(start_app, clock: FakeClock) -> tuple[Chat, dict[str, EmulatedUser]]:
    """One person per state of every flow (each greeted first, so a welcome with its
    buttons is on screen), then a restart: PTB reads the persisted states when it starts,
    as after a crash, so each person is waiting in their state."""
    first = await start_app()
    people = {state: first.user() for state in flows_of(first).states}
    for state, person in people.items():
        await person.send("/start")
        await first.store.save_conversation_state(
            "telegram", "flows", key_of(person), state, int(clock())
        )
    second = await start_app(emulator=first.emulator)
    return second, {state: second.user(user_id=p.id) for state, p in people.items()}


async def test_a_menu_button_in_any_state_of_any_flow_leaves_it_and_is_answered(
    start_app, clock
) -> None:
    chat, people = await everyone_in_a_state(start_app, clock)
    assert len(people) > 20  # every audience's flows
    for state, person in people.items():
        await person.click(fa("role-donor-button"))  # on the welcome, as an old message
        assert person.last_reply.text == fa("donor-home"), state  # the router answered
        stored = await chat.store.conversation_states("telegram", "flows")
        assert key_of(person) not in stored, state  # the flow is over, in the store too


async def test_a_command_in_any_state_of_any_flow_leaves_it_and_is_answered(
    start_app, clock
) -> None:
    chat, people = await everyone_in_a_state(start_app, clock)
    outside = chat.user()
    await outside.send("/start")
    help_screen = [m.text for m in await outside.send("/help")]  # as outside any flow
    for state, person in people.items():
        replies = await person.send("/help")
        assert [m.text for m in replies] == help_screen, state  # once, by /help alone
        stored = await chat.store.conversation_states("telegram", "flows")
        assert key_of(person) not in stored, state


async def test_words_of_danger_in_any_state_of_any_flow_get_the_lines_first_and_alone(
    start_app, clock
) -> None:
    chat, people = await everyone_in_a_state(start_app, clock)
    before = await chat.store.conversation_states("telegram", "flows")
    for state, person in people.items():
        replies = await person.send(DANGER)
        assert replies[0].text == fa("safety-answer"), state
        if state != SUPPORT_TEXT:  # there the words go on to support, after the lines
            assert len(replies) == 1, state
    after = await chat.store.conversation_states("telegram", "flows")
    for states in (before, after):  # support took the words, and its flow ended
        states.pop(key_of(people[SUPPORT_TEXT]), None)
    assert after == before  # every other state stayed where it was


ASKED = "asked"


async def ask(update: Update, context: HamdeliContext) -> str:
    await update.effective_chat.send_message("how much?")
    return ASKED


async def answer_slowly(update: Update, context: HamdeliContext) -> int:
    """Answers take their time (a store call, a send), longer for some people than others,
    so the people's updates finish in an order of their own."""
    await asyncio.sleep(int(update.effective_message.text) / 1000)
    await update.effective_chat.send_message("thanks")
    return ConversationHandler.END


def slow_flow() -> list[ConversationHandler]:
    return [
        flow(
            entry_points=[CommandHandler("give", ask)],
            states={ASKED: [MessageHandler(filters.TEXT & ~filters.COMMAND, answer_slowly)]},
            fallbacks=[],
            name="slow",
        )
    ]


async def test_many_people_at_once_each_state_is_written_before_their_update_is_done(
    start_app, monkeypatch
) -> None:
    """Forty people step a flow at the same time, while others only look at the help: the
    moment a person's update is done, their new state is already in the store, whichever
    other update wrote what when."""
    chat = await start_app(flows=slow_flow())
    store = chat.store
    written: dict[str, object] = {}
    write = store.save_conversation_state

    async def recording(platform: str, name: str, key: str, state: object, now: int) -> None:
        await write(platform, name, key, state, now)
        written[key] = state

    monkeypatch.setattr(store, "save_conversation_state", recording)
    people = [chat.user() for _ in range(40)]
    onlookers = [chat.user() for _ in range(10)]

    async def step(person: EmulatedUser, command: str, expected: object) -> None:
        await person.send(command)
        # Checked at once, with no await in between: written before the update was done.
        assert written.get(key_of(person), "nothing") == expected, person.id

    await asyncio.gather(*(step(p, "/give", ASKED) for p in people),
                         *(o.send("/help") for o in onlookers))  # fmt: skip
    await asyncio.gather(*(step(p, str(i % 7 * 5), None) for i, p in enumerate(people)),
                         *(o.send("/help") for o in onlookers))  # fmt: skip
    assert all(p.last_reply.text == "thanks" for p in people)
    assert await store.conversation_states("telegram", "slow") == {}
