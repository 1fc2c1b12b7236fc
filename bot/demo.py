"""`hamdeli demo`: the real bot in this terminal, on the emulator, with no token or network.

Every message the bot sends is printed with its buttons numbered; type a number to press a
button, or type text. Demo commands (handled here, never sent to the bot; matched as exact
words, and none is a command of the bot's, which a test checks):
  /as donor | /as beneficiary | /as staff | /as new   switch persona
  /sticker, /photo, /voice                            send that kind of message
  /forge DATA                                         press a button with made-up data
  /wait                                               let the bot finish sending
  /reply TEXT                                         (staff) answer the newest support ticket
  /pay                                                pay this persona's newest invoice
Ctrl-D (or /quit) exits. The terminal texts here are for the developer trying the bot; what
the bot itself says comes from locales/.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import logging
import re
import sys
import tempfile
from collections.abc import Awaitable, Callable
from importlib import resources
from pathlib import Path
from typing import Any, Final

from telegram import Update

from bot.app import build_application
from bot.config import Settings
from bot.context import HamdeliApplication
from bot.delivery import PROGRESS_EVERY_S, outbox_of
from bot.domain.beneficiary_import import parse_beneficiaries_csv, parse_vouchers_csv
from bot.domain.need_import import parse_needs_csv
from bot.emulator import BotApiEmulator, EmulatedUser, SentMessage, Upload
from bot.logs import configure_logging
from bot.models import Persona
from bot.storage import Store

DONOR_ID, BENEFICIARY_ID, STAFF_ID = 5_000_001, 5_000_002, 5_000_003
FIRST_NEW_ID = 5_100_000
WATCH_S = 0.5
WAIT_LIMIT_S = 60
DEMO_SUPPORT_GROUP = -100_000_777  # the staff group where support tickets arrive
DEMO_COMMANDS: Final = (
    "/as", "/wait", "/sticker", "/photo", "/voice", "/forge", "/reply", "/pay", "/quit"
)  # fmt: skip

BANNER = """\
Hamdeli demo: the real bot on a built-in Bot API emulator (no token, no network).
Type text, or a button's number. /as donor | beneficiary | staff | new switches persona;
/sticker /photo /voice send media; /forge DATA presses a made-up button; /wait lets the
bot finish sending (announcements); /reply TEXT answers a support ticket as staff; /pay
pays your newest invoice (press "💳 Pay now" on a pledge first); Ctrl-D exits. Pictures
and documents the bot sends are saved in %s.
The beneficiary persona's household: national code 0041234561 (its phone is the one the
"share my phone number" button sends).
Try as staff: add a need from the staff panel, confirm a donor's pledge by its reference,
/broadcast to everyone (%d demo neighbours too: watch the progress) and /stats for the chart.
Tickets from "contact support" reach staff in the support group.
"""
_RELATIVE_DATE = re.compile(r"\{today([+-]\d+)\}")
NEIGHBOURS = 120  # demo donors who only receive announcements, so progress is visible
NEIGHBOUR_IDS = range(5_200_000, 5_200_000 + NEIGHBOURS)


async def seed_demo(application: HamdeliApplication, language: str) -> None:
    """Demo personas who already chose their role (staff is an admin via ADMIN_IDS), and
    sample needs in five provinces, read by the same importer staff use: money and items,
    some urgent, and one town small enough to show k-anonymity (Varamin, shown only as
    "other cities of Tehran")."""
    store, now = application.services.store, int(application.services.clock())
    today = dt.datetime.fromtimestamp(now, application.services.settings.tz).date()
    parsed = parse_needs_csv(demo_file("demo_needs.csv", today), await store.provinces(), today)
    if parsed.problems:
        raise RuntimeError(f"demo data is invalid: {parsed.problems[0]}")
    await store.upsert_needs([draft for _, draft in parsed.drafts], now)
    await _seed_household(store, now, today)
    people = [(DONOR_ID, Persona.DONOR), (BENEFICIARY_ID, Persona.BENEFICIARY)]
    for user_id, persona in [*people, *((n, Persona.DONOR) for n in NEIGHBOUR_IDS)]:
        account = await store.seen_account(
            application.services.platform, user_id, user_id, language, now
        )
        await store.set_persona(account, persona)


async def _seed_household(store: Store, now: int, today: dt.date) -> None:
    """A household the beneficiary persona can verify: its phone is the one the demo's
    contact button shares, its national code is printed in the banner."""
    provinces = await store.provinces()
    households = parse_beneficiaries_csv(demo_file("demo_households.csv", today), provinces)
    rows = parse_vouchers_csv(demo_file("demo_vouchers.csv", today))
    await store.upsert_beneficiaries([b for _, b in households.beneficiaries], now)
    vouchers = rows.with_households(await store.household_sizes(rows.national_codes()))
    if households.problems or vouchers.problems:
        raise RuntimeError("demo households are invalid")
    await store.upsert_vouchers([v for _, v in vouchers.vouchers], now)


def demo_file(name: str, today: dt.date) -> str:
    """A demo CSV with its `{today+N}` / `{today-N}` dates filled in, so deadlines stay weeks
    ahead and tranches recent whenever the demo is tried (the files would age otherwise)."""
    text = resources.files("bot").joinpath("data", name).read_text("utf-8")
    return _RELATIVE_DATE.sub(
        lambda m: (today + dt.timedelta(days=int(m.group(1)))).isoformat(), text
    )


class DemoEmulator(BotApiEmulator):
    """The emulator, keeping every picture and document the bot uploads in a folder, so the
    /stats chart and the CSV export can be opened while trying the demo."""

    def __init__(self, files_dir: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.files_dir = files_dir
        self.saved: dict[tuple[int, int], Path] = {}  # (chat, message) -> the file written

    def _keep_upload(self, where: tuple[int, int], upload: Upload) -> None:
        """Kept (as every emulator does) and also written to the folder."""
        super()._keep_upload(where, upload)
        path = self.files_dir / f"{len(self.saved) + 1:03d}-{Path(upload.name).name}"
        path.write_bytes(upload.content)
        self.saved[where] = path


class TerminalChat:
    """Prints what the bot says and turns typed lines into updates.

    A line whose first word is one of DEMO_COMMANDS (exactly: `/forget` is the bot's, not
    `/forge`) is the demo's; everything else goes to the bot. Staff also see the support
    group, where tickets arrive, and answer the newest with `/reply TEXT`."""

    def __init__(self, emulator: DemoEmulator, application: HamdeliApplication, language: str):
        self.emulator = emulator
        self.application = application
        self.language = language
        self._new_ids = itertools.count(FIRST_NEW_ID)
        self.personas = {
            "donor": self._user(DONOR_ID, "Donya"),
            "beneficiary": self._user(BENEFICIARY_ID, "Maryam"),
            "staff": self._user(STAFF_ID, "Reza"),
        }
        self.current = self._new_user()
        self.buttons: list[str] = []
        self._mark = emulator.change_mark()
        self._busy = False
        self._left_at: dict[int, int] = {}  # persona -> change mark when last left
        self.commands: dict[str, Callable[[str], Awaitable[object]]] = {
            "/as": self._switch,
            "/wait": self._wait_for_outbox,
            "/sticker": lambda _: self.current.send_sticker(),
            "/photo": lambda _: self.current.send_photo(),
            "/voice": lambda _: self.current.send_voice(),
            "/forge": lambda data: self.current.click_data(data),
            "/reply": self._reply_in_support_group,
            "/pay": self._pay_last_invoice,
        }
        assert set(self.commands) | {"/quit"} == set(DEMO_COMMANDS)

    def _user(self, user_id: int, name: str) -> EmulatedUser:
        return EmulatedUser(
            self.emulator, self.application, user_id, first_name=name, language_code=self.language
        )

    def _new_user(self) -> EmulatedUser:
        return self._user(next(self._new_ids), "New")

    @property
    def _chats(self) -> list[int]:
        """What the current persona's phone shows: their chat, and staff's support group."""
        staff = self.current.id == STAFF_ID
        return [self.current.id, DEMO_SUPPORT_GROUP] if staff else [self.current.id]

    async def handle(self, line: str) -> None:
        """One typed line; then everything that reached this persona since the last look:
        the answers, and notices the outbox sent meanwhile (none is skipped)."""
        answers_before = len(self.emulator.callback_answers)
        self._busy = True
        try:
            await self._handle(line.strip())
        finally:
            self._busy = False
            self._show_news()
        answer = self.current.last_answer
        if len(self.emulator.callback_answers) > answers_before and answer:
            print(f"  (popup: {answer})\n")

    def print_news(self) -> None:
        """For the watcher: news, unless a typed line is being handled (it prints at its end)."""
        if not self._busy:
            self._show_news()

    def _show_news(self) -> None:
        """What the bot sent or edited since the last look, in every chat this persona sees."""
        mark, self._mark = self._mark, self.emulator.change_mark()
        for chat_id in self._chats:
            self._print(self.emulator.changed_since(chat_id, mark), chat_id)

    async def _handle(self, line: str) -> None:
        word, _, rest = line.partition(" ")
        command = self.commands.get(word)
        if not line:
            return
        if command is not None:
            await command(rest.strip())
        elif line.isdigit() and 1 <= int(line) <= len(self.buttons):
            await self.current.click(self.buttons[int(line) - 1])
        else:
            await self.current.send(line)

    async def _wait_for_outbox(self, _: str) -> None:
        """Until nothing is waiting to be sent (or WAIT_LIMIT_S); what came is shown next."""
        store, platform = self.application.services.store, self.application.services.platform
        deadline = asyncio.get_running_loop().time() + WAIT_LIMIT_S
        while asyncio.get_running_loop().time() < deadline:
            if not await store.outbox_backlog(platform):
                break
            await asyncio.sleep(WATCH_S)
        await asyncio.sleep(PROGRESS_EVERY_S)  # the last progress edit

    async def _reply_in_support_group(self, text: str) -> None:
        """Staff answer the newest ticket in the support group, as they would by replying."""
        tickets = self.emulator.messages_in(DEMO_SUPPORT_GROUP)
        if self.current.id != STAFF_ID or not tickets or not text:
            print("  (as staff: /reply TEXT answers the newest support ticket)")
            return
        staff = self.personas["staff"].info
        update = self.emulator.make_group_reply_update(staff, DEMO_SUPPORT_GROUP, tickets[-1], text)
        await self.application.process_update(Update.de_json(update, self.application.bot))
        print("  (replied in the support group; the person gets it as a message from support)")

    async def _pay_last_invoice(self, _: str) -> None:
        """What the payment sheet does when the donor pays the newest invoice: the bot's
        pre-checkout answer, then (if yes) the money moves and successful_payment arrives;
        the thanks come from the outbox a moment later."""
        try:
            checkout = await self.current.pay()
        except AssertionError:
            print('  (no invoice here yet: press "💳 Pay now" on a pledge first)')
            return
        if not checkout.approved:
            print(f"  (payment sheet: the bot refused: {checkout.error_message})")
            return
        invoice = checkout.invoice.invoice or {}
        print(f"  (payment sheet: paid {invoice.get('total_amount')} {invoice.get('currency')} "
              "with the demo card; the thanks follow)")  # fmt: skip

    async def _switch(self, name: str) -> None:
        """Become another persona: first what reached them while you were someone else (a
        payment confirmed, an announcement), as their phone would show it, then /start."""
        self._show_news()  # what reached the persona being left is shown as theirs
        self._left_at[self.current.id] = self.emulator.change_mark()
        if name == "new":
            self.current = self._new_user()
        elif name in self.personas:
            self.current = self.personas[name]
        else:
            print("  (personas: donor, beneficiary, staff, new)")
            return
        print(f"  -- you are now {name} (user {self.current.id}) --")
        since = self._left_at.get(self.current.id, 0)
        if any(self.emulator.changed_since(chat, since) for chat in self._chats):
            print("  (while you were away)")
            for chat_id in self._chats:
                self._print(self.emulator.changed_since(chat_id, since), chat_id)
        self._mark = self.emulator.change_mark()
        await self.current.send("/start")  # its answer is printed as news

    def _print(self, messages: list[SentMessage], chat_id: int) -> None:
        where = " -> support group" if chat_id == DEMO_SUPPORT_GROUP else ""
        for message in messages:
            marker = " (edited)" if message.edited else ""
            print(f"\n[bot{where}{marker}]")
            saved = self.emulator.saved.get((message.chat_id, message.message_id))
            if message.has_photo or message.has_document:
                kind = "a picture" if message.has_photo else "a document"
                print(f"({kind}, saved as {saved})" if saved else f"({kind})")
            if message.text is not None:
                print(message.text)
            labels = [label for row in message.buttons for label in row]
            if labels and chat_id == self.current.id:
                self.buttons = labels
                for row in message.buttons:
                    print(
                        "  " + "   ".join(f"[{self.buttons.index(lbl) + 1}] {lbl}" for lbl in row)
                    )
        if messages:
            print()


async def _chat(settings: Settings, language: str, files_dir: Path) -> None:
    emulator = DemoEmulator(files_dir, platform=settings.platform)
    application = build_application(settings, request=emulator)
    await application.initialize()
    outbox = outbox_of(application)
    sending = asyncio.create_task(outbox.run())
    try:
        await seed_demo(application, language)
        terminal = TerminalChat(emulator, application, language)
        watching = asyncio.create_task(_watch(terminal))
        print(BANNER % (files_dir, NEIGHBOURS))
        await terminal.handle("/start")
        while True:
            try:
                line = await asyncio.to_thread(input, "you> ")
            except EOFError:
                print()
                break
            if line.strip() == "/quit":
                break
            await terminal.handle(line)
        watching.cancel()
    finally:
        await outbox.stop()
        await sending
        await application.shutdown()


async def _watch(terminal: TerminalChat) -> None:
    """Show what arrives between typed lines, as a phone would."""
    while True:
        await asyncio.sleep(WATCH_S)
        terminal.print_news()


def demo_settings(settings: Settings, database: Path) -> Settings:
    """The operator's settings plus what makes every feature visible: a payment card, an
    in-chat payment provider token of the platform's kind (Bale's is a Luhn-valid card), a
    shopping-day schedule, a drop-off address (bot/data/demo_settings.json), a support group
    and an admin, on a database of the demo's own and with no token."""
    configured = json.loads(resources.files("bot").joinpath("data", "demo_settings.json")
                            .read_text("utf-8"))  # fmt: skip
    # each platform takes its own kind of token: a BotFather test token, or Bale's card
    configured["payment_provider_token"] = configured["payment_provider_token"][settings.platform]
    return settings.model_copy(
        update={
            **configured,
            "database_url": f"sqlite:///{database}",
            "admin_ids": [STAFF_ID],
            "staff_chat_id": DEMO_SUPPORT_GROUP,
            "bot_token": None,
        }
    )


def run_demo(settings: Settings, *, language: str = "fa", database: str | None = None) -> int:
    """Entry point of `hamdeli demo`; a fresh temporary database unless one is given."""
    folder = Path(tempfile.mkdtemp(prefix="hamdeli-demo-"))
    files_dir = folder / "files"
    files_dir.mkdir()
    path = Path(database) if database else folder / "demo.db"
    configure_logging("WARNING")
    logging.getLogger("bot").setLevel(logging.WARNING)
    try:
        asyncio.run(_chat(demo_settings(settings, path), language, files_dir))
    except KeyboardInterrupt:
        print(file=sys.stderr)
    return 0
