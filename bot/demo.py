"""`hamdeli demo`: the real bot in this terminal, on the emulator, with no token or network.

Every message the bot sends is printed with its buttons numbered; type a number to press a
button, or type text. Demo commands (handled here, never sent to the bot):
  /as donor | /as beneficiary | /as staff | /as new   switch persona
  /sticker, /photo, /voice                            send that kind of message
  /forge DATA                                         press a button with made-up data
  /wait                                               let the bot finish sending
Ctrl-D (or /quit) exits. The terminal texts here are for the developer trying the bot; what
the bot itself says comes from locales/.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import logging
import sys
import tempfile
from importlib import resources
from pathlib import Path

from bot.app import build_application
from bot.config import Settings
from bot.context import HamdeliApplication
from bot.delivery import PROGRESS_EVERY_S, outbox_of
from bot.domain.beneficiary_import import parse_beneficiaries_csv, parse_vouchers_csv
from bot.domain.need_import import parse_needs_csv
from bot.emulator import BotApiEmulator, EmulatedUser, SentMessage
from bot.logs import configure_logging
from bot.models import Persona
from bot.storage import Store

DONOR_ID, BENEFICIARY_ID, STAFF_ID = 5_000_001, 5_000_002, 5_000_003
FIRST_NEW_ID = 5_100_000
WATCH_S = 0.5
WAIT_LIMIT_S = 60

BANNER = """\
Hamdeli demo: the real bot on a built-in Bot API emulator (no token, no network).
Type text, or a button's number. /as donor | beneficiary | staff | new switches persona;
/sticker /photo /voice send media; /forge DATA presses a made-up button; /wait lets the
bot finish sending (announcements); Ctrl-D exits.
The beneficiary persona's household: national code 0041234561 (its phone is the one the
"share my phone number" button sends).
Try as staff: add a need from the staff panel, confirm a donor's pledge by its reference,
/broadcast to everyone (%d demo neighbours too: watch the progress) and /stats for the chart.
"""
NEIGHBOURS = 120  # demo donors who only receive announcements, so progress is visible
NEIGHBOUR_IDS = range(5_200_000, 5_200_000 + NEIGHBOURS)


async def seed_demo(application: HamdeliApplication, language: str) -> None:
    """Demo personas who already chose their role (staff is an admin via ADMIN_IDS), and
    sample needs in five provinces, read by the same importer staff use: money and items,
    some urgent, and one town small enough to show k-anonymity (Varamin, shown only as
    "other cities of Tehran")."""
    store, now = application.services.store, int(application.services.clock())
    text = _demo_file("demo_needs.csv")
    today = dt.datetime.fromtimestamp(now, application.services.settings.tz).date()
    parsed = parse_needs_csv(text, await store.provinces(), today)
    if parsed.problems:
        raise RuntimeError(f"demo data is invalid: {parsed.problems[0]}")
    await store.upsert_needs([draft for _, draft in parsed.drafts], now)
    await _seed_household(store, now)
    people = [(DONOR_ID, Persona.DONOR), (BENEFICIARY_ID, Persona.BENEFICIARY)]
    for user_id, persona in [*people, *((n, Persona.DONOR) for n in NEIGHBOUR_IDS)]:
        account = await store.seen_account(
            application.services.platform, user_id, user_id, language, now
        )
        await store.set_persona(account, persona)


async def _seed_household(store: Store, now: int) -> None:
    """A household the beneficiary persona can verify: its phone is the one the demo's
    contact button shares, its national code is printed in the banner."""
    provinces = await store.provinces()
    households = parse_beneficiaries_csv(_demo_file("demo_households.csv"), provinces)
    rows = parse_vouchers_csv(_demo_file("demo_vouchers.csv"))
    await store.upsert_beneficiaries([b for _, b in households.beneficiaries], now)
    vouchers = rows.with_households(await store.household_sizes(rows.national_codes()))
    if households.problems or vouchers.problems:
        raise RuntimeError("demo households are invalid")
    await store.upsert_vouchers([v for _, v in vouchers.vouchers], now)


def _demo_file(name: str) -> str:
    return resources.files("bot").joinpath("data", name).read_text("utf-8")


class TerminalChat:
    """Prints what the bot says and turns typed lines into updates."""

    def __init__(
        self, emulator: BotApiEmulator, application: HamdeliApplication, language: str
    ) -> None:
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

    def _user(self, user_id: int, name: str) -> EmulatedUser:
        return EmulatedUser(
            self.emulator, self.application, user_id, first_name=name, language_code=self.language
        )

    def _new_user(self) -> EmulatedUser:
        return self._user(next(self._new_ids), "New")

    async def handle(self, line: str) -> None:
        self._busy = True
        try:
            await self._handle(line)
        finally:
            self._mark = self.emulator.change_mark()
            self._busy = False

    def print_news(self) -> None:
        """What the bot sent or edited on its own since the last look (announcements,
        notices, a broadcast's progress), unless a typed line is being handled."""
        if self._busy:
            return
        news = self.emulator.changed_since(self.current.id, self._mark)
        self._mark = self.emulator.change_mark()
        if news:
            self._print(news)

    async def _handle(self, line: str) -> None:
        line = line.strip()
        answers_before = len(self.emulator.callback_answers)
        if not line:
            return
        if line.startswith("/as"):
            await self._switch(line.removeprefix("/as").strip())
            return
        if line == "/wait":
            await self._wait_for_outbox()
            return
        if line in ("/sticker", "/photo", "/voice"):
            messages = await getattr(self.current, f"send_{line[1:]}")()
        elif line.startswith("/forge"):
            messages = await self.current.click_data(line.removeprefix("/forge").strip())
        elif line.isdigit() and 1 <= int(line) <= len(self.buttons):
            messages = await self.current.click(self.buttons[int(line) - 1])
        else:
            messages = await self.current.send(line)
        self._print(messages)
        answer = self.current.last_answer
        if len(self.emulator.callback_answers) > answers_before and answer:
            print(f"  (popup: {answer})\n")

    async def _wait_for_outbox(self) -> None:
        """Until nothing is waiting to be sent (or WAIT_LIMIT_S), then show what came."""
        mark = self.emulator.change_mark()
        store, platform = self.application.services.store, self.application.services.platform
        deadline = asyncio.get_running_loop().time() + WAIT_LIMIT_S
        while asyncio.get_running_loop().time() < deadline:
            if not await store.outbox_backlog(platform):
                break
            await asyncio.sleep(WATCH_S)
        await asyncio.sleep(PROGRESS_EVERY_S)  # the last progress edit
        self._print(self.emulator.changed_since(self.current.id, mark))

    async def _switch(self, name: str) -> None:
        """Become another persona: first what reached them while you were someone else (a
        payment confirmed, an announcement), as their phone would show it, then /start."""
        self._left_at[self.current.id] = self.emulator.change_mark()
        if name == "new":
            self.current = self._new_user()
        elif name in self.personas:
            self.current = self.personas[name]
        else:
            print("  (personas: donor, beneficiary, staff, new)")
            return
        print(f"  -- you are now {name} (user {self.current.id}) --")
        missed = self.emulator.changed_since(self.current.id, self._left_at.get(self.current.id, 0))
        if missed:
            print("  (while you were away)")
            self._print(missed)
        self._print(await self.current.send("/start"))

    def _print(self, messages: list[SentMessage]) -> None:
        for message in messages:
            marker = " (edited)" if message.edited else ""
            shown = message.text if message.text is not None else "(a picture)"
            print(f"\n[bot{marker}]\n{shown}")
            labels = [label for row in message.buttons for label in row]
            if labels:
                self.buttons = labels
                for row in message.buttons:
                    print(
                        "  " + "   ".join(f"[{self.buttons.index(lbl) + 1}] {lbl}" for lbl in row)
                    )
        print()


async def _chat(settings: Settings, language: str) -> None:
    emulator = BotApiEmulator(platform=settings.platform)
    application = build_application(settings, request=emulator)
    await application.initialize()
    outbox = outbox_of(application)
    sending = asyncio.create_task(outbox.run())
    try:
        await seed_demo(application, language)
        terminal = TerminalChat(emulator, application, language)
        watching = asyncio.create_task(_watch(terminal))
        print(BANNER % NEIGHBOURS)
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


def run_demo(settings: Settings, *, language: str = "fa", database: str | None = None) -> int:
    """Entry point of `hamdeli demo`; a fresh temporary database unless one is given."""
    path = (
        Path(database) if database else Path(tempfile.mkdtemp(prefix="hamdeli-demo-")) / "demo.db"
    )
    demo_settings = settings.model_copy(
        update={"database_url": f"sqlite:///{path}", "admin_ids": [STAFF_ID], "bot_token": None}
    )
    configure_logging("WARNING")
    logging.getLogger("bot").setLevel(logging.WARNING)
    try:
        asyncio.run(_chat(demo_settings, language))
    except KeyboardInterrupt:
        print(file=sys.stderr)
    return 0
