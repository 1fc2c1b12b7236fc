"""Write-through conversation state: a step a person took is in the store before the next
update, and a restarted bot continues every conversation where it was."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler, filters

from bot.context import HamdeliContext
from bot.handlers.common import flow

ASKING_AMOUNT = "asking_amount"


async def ask_amount(update: Update, context: HamdeliContext) -> str:
    await update.effective_chat.send_message("how much?")
    return ASKING_AMOUNT


async def got_amount(update: Update, context: HamdeliContext) -> int:
    await update.effective_chat.send_message(f"got {update.effective_message.text}")
    return ConversationHandler.END


def amount_flow() -> list[ConversationHandler]:
    """A two-step flow standing in for the donor and beneficiary flows of later issues."""
    return [
        flow(
            entry_points=[CommandHandler("give", ask_amount)],
            states={ASKING_AMOUNT: [MessageHandler(filters.TEXT & ~filters.COMMAND, got_amount)]},
            fallbacks=[],
            name="amount",
        )
    ]


async def test_each_step_is_in_the_store_before_the_next_update(start_app) -> None:
    chat = await start_app(flows=amount_flow())
    sara = chat.user()
    await sara.send("/give")
    key = f"[{sara.id}, {sara.id}]"
    assert await chat.store.conversation_states("telegram", "amount") == {key: ASKING_AMOUNT}
    await sara.send("500")
    assert sara.last_reply.text == "got 500"
    assert await chat.store.conversation_states("telegram", "amount") == {}


async def test_a_restarted_bot_continues_the_conversation_where_it_was(start_app) -> None:
    first = await start_app(flows=amount_flow())
    sara = first.user()
    await sara.send("/give")
    await first.application.shutdown()  # the process stops right after the step

    second = await start_app(emulator=first.emulator, flows=amount_flow())
    sara_again = second.user(user_id=sara.id)
    await sara_again.send("700")
    assert sara_again.last_reply.text == "got 700"


async def test_conversations_are_kept_apart_per_platform(start_app) -> None:
    telegram = await start_app(flows=amount_flow())
    await telegram.user(user_id=42).send("/give")
    await telegram.application.shutdown()

    bale = await start_app("bale", flows=amount_flow())
    same_id_on_bale = bale.user(user_id=42)
    await same_id_on_bale.send("700")
    assert same_id_on_bale.last_reply.text != "got 700"


async def test_an_unchanged_state_is_not_written_again(start_app, monkeypatch) -> None:
    chat = await start_app(flows=amount_flow())
    sara = chat.user()
    await sara.send("/give")
    writes = []
    original = chat.store.save_conversation_state

    async def counting(*args, **kwargs):
        writes.append(args)
        await original(*args, **kwargs)

    monkeypatch.setattr(chat.store, "save_conversation_state", counting)
    await sara.send("/give")  # re-entering keeps the same state
    await sara.send("/start")
    assert writes == []
