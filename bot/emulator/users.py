"""Scripted users: a person chatting with the bot, so tests read like conversations.

`EmulatedUser` is what most tests hold: it types text and commands, sends stickers, photos,
documents and voice notes, shares a contact (their own, someone else's, or forwarded),
presses buttons by their label as a person reads them (inline or reply keyboard, newest
first), forges callback data as a hostile client could, and pays an invoice the whole way
(pre-checkout, then the bank, then the successful payment, which may be lost). Each action
hands the update to the real `Application.process_update` and returns what the bot sent or
edited in this chat meanwhile.

Updates are built by the emulator (`bot.emulator.updates`, `bot.emulator.payments`), so the
scripted user and a bot polling over HTTP see the same JSON.
"""

from __future__ import annotations

import copy
from typing import Any, Final

import telegram
from telegram.ext import Application

from bot.emulator.api import BotApiEmulator
from bot.emulator.records import Checkout, EmulatedUserInfo, JSONDict, SentMessage

_OWN_ID: Final = object()  # sentinel: "the user's own id" for share_contact
_FORWARDER: Final = {"id": 555000555, "is_bot": False, "first_name": "Other"}


class EmulatedUser:
    """A person chatting with the bot, so tests read like conversations.

    Updates go straight to `Application.process_update` (the Application must be
    initialized); each action returns snapshots of the messages the bot sent or edited in
    this chat while handling it. Handlers registered with ``block=False`` run as background
    tasks and may finish after the action returns.
    """

    def __init__(
        self,
        emu: BotApiEmulator,
        application: Application[Any, Any, Any, Any, Any, Any],
        user_id: int,
        first_name: str = "Sara",
        language_code: str | None = "fa",
        *,
        username: str | None = None,
        last_name: str | None = None,
    ) -> None:
        request = application.bot.request
        # The bot may wrap the emulator (bot.platform.PlatformRequest keeps it as `.inner`).
        if request is not emu and getattr(request, "inner", None) is not emu:
            raise ValueError("the Application must be built with .request(emu)")
        self.emu = emu
        self.application = application
        self.info = EmulatedUserInfo(user_id, first_name, language_code, username, last_name)
        emu.register_user(self.info)

    @property
    def id(self) -> int:
        """The user id, which is also the private chat id."""
        return self.info.id

    # ---- actions

    async def send(self, text: str) -> list[SentMessage]:
        """Type `text` (a leading "/" makes it a command, as in the Telegram client)."""
        return await self._deliver(self.emu.make_message_update(self.info, text))

    async def send_sticker(self) -> list[SentMessage]:
        """Send a sticker, which a text-only flow must survive."""
        return await self._deliver(self.emu.make_message_update(self.info, sticker=True))

    async def send_photo(self, caption: str | None = None) -> list[SentMessage]:
        """Send a photo, with a caption or without."""
        return await self._deliver(
            self.emu.make_message_update(self.info, photo=True, caption=caption)
        )

    async def send_document(self, file_name: str = "receipt.pdf") -> list[SentMessage]:
        """Send a file as a document (a PDF receipt, or a photo sent "as a file")."""
        return await self._deliver(self.emu.make_message_update(self.info, document=file_name))

    async def send_voice(self) -> list[SentMessage]:
        """Send a voice note."""
        return await self._deliver(self.emu.make_message_update(self.info, voice=True))

    async def share_contact(
        self,
        phone: str = "+989121234567",
        *,
        user_id: Any = _OWN_ID,
        forwarded: bool = False,
    ) -> list[SentMessage]:
        """Share a contact: by default one's own; `user_id` another id or None, or forwarded."""
        owner = self.id if user_id is _OWN_ID else user_id
        contact: JSONDict = {
            "phone_number": phone,
            "first_name": self.info.first_name if owner == self.id else "Friend",
        }
        if owner is not None:
            contact["user_id"] = owner
        forward_from = _FORWARDER if forwarded else None
        update = self.emu.make_message_update(self.info, contact=contact, forward_from=forward_from)
        return await self._deliver(update)

    async def click(self, label: str, *, message_id: int | None = None) -> list[SentMessage]:
        """Press a button by exact label (or the only label containing it).

        Looks in the latest inline keyboard and the chat's current reply keyboard, newest
        first (or only in `message_id`'s keyboard). An inline button sends its callback query;
        a reply button sends its label as text, or the user's own contact if it requests one.
        """
        for keyboard in self._keyboards(message_id):
            button = keyboard.find_button(label)
            if button is None:
                continue
            if keyboard.has_inline_keyboard:
                return await self._press_inline(keyboard, button)
            if button.get("request_contact"):
                return await self.share_contact()
            return await self.send(button["text"])
        shown = [keyboard.buttons for keyboard in self._keyboards(message_id)]
        raise AssertionError(f"no button {label!r} on screen; keyboards: {shown}")

    async def check_out(
        self, invoice: SentMessage | None = None, *, total_amount: int | None = None
    ) -> Checkout:
        """Press Pay on an invoice (default: the newest one here): the bot answers the
        pre-checkout query, yes or no (with the reason the payment sheet would show)."""
        invoice = invoice or self.last_invoice
        update = self.emu.make_pre_checkout_update(self.info, invoice, total_amount)
        await self._deliver(update)
        query_id = update["pre_checkout_query"]["id"]
        answer = self.emu.pre_checkout_answers.get(query_id)
        if answer is None:
            raise AssertionError("the bot did not answer the pre-checkout query")
        return Checkout(
            invoice, bool(answer["ok"]), answer.get("error_message"), transaction_id=query_id
        )

    async def complete_payment(self, checkout: Checkout, *, lose_update: bool = False) -> JSONDict:
        """The bank takes the money after an approved pre-checkout; the platform tells the
        bot with successful_payment (unless `lose_update`: it never arrives). Returns the
        update, so a test can deliver it again (`redeliver`)."""
        if not checkout.approved:
            raise AssertionError(f"pre-checkout was refused: {checkout.error_message}")
        update = self.emu.make_successful_payment_update(
            self.info, checkout.invoice, checkout.transaction_id
        )
        if not lose_update:
            await self._deliver(update)
        return update

    async def pay(
        self,
        invoice: SentMessage | None = None,
        *,
        bank_declines: bool = False,
        lose_update: bool = False,
    ) -> Checkout:
        """Pay an invoice the whole way: pre-checkout, then (if the bot said yes and the bank
        does not decline the card) the successful payment."""
        checkout = await self.check_out(invoice)
        if checkout.approved and bank_declines:
            self.emu.decline_payment(checkout.transaction_id)
        elif checkout.approved:
            checkout.update = await self.complete_payment(checkout, lose_update=lose_update)
        return checkout

    async def redeliver(self, update: JSONDict) -> list[SentMessage]:
        """The platform sends the same update again (a retry after a lost answer)."""
        return await self._deliver(copy.deepcopy(update))

    @property
    def last_invoice(self) -> SentMessage:
        for message in reversed(self.replies):
            if message.invoice is not None:
                return message
        raise AssertionError(f"no invoice in chat {self.id}")

    async def click_data(self, data: str, *, message_id: int | None = None) -> list[SentMessage]:
        """Send arbitrary (possibly forged) callback data, as a hostile client could."""
        message = self._message(message_id) if message_id else self._latest_message()
        return await self._deliver(self.emu.make_callback_update(self.info, message, data))

    # ---- what the user sees

    @property
    def replies(self) -> list[SentMessage]:
        """Every message the bot sent here and did not delete, in chat order."""
        return [m for m in self.emu.messages_in(self.id) if not m.deleted]

    @property
    def last_reply(self) -> SentMessage:
        """The message the bot most recently sent or edited here."""
        changed = self.emu.changed_since(self.id, 0)
        if not changed:
            raise AssertionError(f"the bot has not sent anything to user {self.id}")
        return changed[-1]

    @property
    def last_answer(self) -> str | None:
        """Text of the latest answerCallbackQuery for this user's clicks (None: no text)."""
        for answer in reversed(self.emu.callback_answers):
            if self.emu.callback_owner(answer.get("callback_query_id", "")) == self.id:
                text = answer.get("text")
                return None if text is None else str(text)
        return None

    # ---- internals

    async def _deliver(self, update_json: JSONDict) -> list[SentMessage]:
        mark = self.emu.change_mark()
        update = telegram.Update.de_json(update_json, self.application.bot)
        await self.application.process_update(update)
        return self.emu.changed_since(self.id, mark)

    async def _press_inline(self, message: SentMessage, button: JSONDict) -> list[SentMessage]:
        if "callback_data" not in button:
            raise AssertionError(f"button {button['text']!r} is not a callback button: {button}")
        update = self.emu.make_callback_update(self.info, message, str(button["callback_data"]))
        return await self._deliver(update)

    def _message(self, message_id: int) -> SentMessage:
        for message in self.replies:
            if message.message_id == message_id:
                return message
        raise AssertionError(f"no bot message {message_id} in chat {self.id}")

    def _latest_message(self) -> SentMessage:
        if not self.replies:
            raise AssertionError(f"the bot has not sent anything to user {self.id}")
        return self.replies[-1]

    def _keyboards(self, message_id: int | None) -> list[SentMessage]:
        """Messages whose keyboards are on screen, newest first."""
        if message_id is not None:
            return [self._message(message_id)]
        found: list[SentMessage] = []
        inline_seen = reply_seen = False
        for message in reversed(self.replies):
            if message.has_inline_keyboard and not inline_seen:
                found.append(message)
                inline_seen = True
            elif (message.has_reply_keyboard or message.removes_keyboard) and not reply_seen:
                reply_seen = True  # the newest reply markup decides; removal hides older ones
                if message.has_reply_keyboard:
                    found.append(message)
        return found
