"""`hamdeli demo`: the real bot in this terminal, on the emulator, with no token or network.

Every message the bot sends is printed with its buttons numbered; type a number to press a
button, or type text. Demo commands (handled here, never sent to the bot; matched as exact
words, and none is a command of the bot's, which a test checks):
  /as donor | /as beneficiary | /as staff | /as new   switch persona (same platform)
  /as PERSONA on bale | /as PERSONA on telegram       switch persona and platform
  /on bale | /on telegram                             same persona, other platform
  /sticker, /photo, /voice                            send that kind of message
  /forge DATA                                         press a button with made-up data
  /wait                                               let the bot finish sending
  /reply TEXT                                         (staff) answer the newest support ticket
  /pay                                                pay this persona's newest invoice
Ctrl-D (or /quit) exits.

Two bots run here, as on a server carrying both platforms: one per platform, each with its
own emulator (its own users, chats and message ids) and its own Application, on one
store, so a pledge made on Telegram shows as a smaller remaining amount on Bale. Every bot
message is headed with its platform (`[bale bot]`) and the prompt names persona and
platform. Personas are per platform, because user ids are: Bale's are Telegram's plus
ID_OFFSET["bale"], and staff is an admin on each platform by its own id. The demo starts
as a newcomer on Telegram. The terminal texts here are for the developer trying the bot; what
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
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final

from telegram import Update

from bot.app import build_application
from bot.config import Settings
from bot.context import HamdeliApplication
from bot.delivery import PROGRESS_EVERY_S
from bot.domain.beneficiary_import import parse_beneficiaries_csv, parse_vouchers_csv
from bot.domain.need_import import parse_needs_csv
from bot.domain.notices import NEED_NEWS, voucher_notices
from bot.emulator import PLATFORMS, BotApiEmulator, EmulatedUser, SentMessage, Upload
from bot.logs import configure_logging
from bot.models import Persona
from bot.storage import Store
from bot.storage.protocols import Storage

DONOR_ID, BENEFICIARY_ID, STAFF_ID = 5_000_001, 5_000_002, 5_000_003  # on Telegram
FIRST_NEW_ID = 5_100_000
# User ids differ between platforms (one person has one id on Telegram, another on Bale):
# each platform's personas are Telegram's ids plus its offset, so no id means two people.
ID_OFFSET: Final = {"telegram": 0, "bale": 2_000_000}
# The staff group where support tickets arrive, one per platform (each has its own chats).
SUPPORT_GROUPS: Final = {"telegram": -100_000_777, "bale": -100_000_778}
DEMO_SUPPORT_GROUP = SUPPORT_GROUPS["telegram"]
START_PLATFORM: Final = "telegram"
PERSONAS: Final = {  # name -> (Telegram user id, first name)
    "donor": (DONOR_ID, "Donya"), "beneficiary": (BENEFICIARY_ID, "Maryam"),
    "staff": (STAFF_ID, "Reza"),
}  # fmt: skip
WATCH_S = 0.5
WAIT_LIMIT_S = 60
DEMO_COMMANDS: Final = (
    "/as", "/on", "/wait", "/sticker", "/photo", "/voice", "/forge", "/reply", "/pay", "/quit"
)  # fmt: skip

BANNER = """\
Hamdeli demo: the real bot on a built-in Bot API emulator (no token, no network).
Two bots, Telegram and Bale, share one database: `/as donor on bale` (or `/on bale`) moves
you to Bale; each message is headed with the platform it came from, e.g. [bale bot].
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


def user_id_on(platform: str, telegram_id: int) -> int:
    """The demo person's id on `platform` (see ID_OFFSET)."""
    return telegram_id + ID_OFFSET[platform]


async def seed_demo(
    application: HamdeliApplication, language: str, others: Sequence[HamdeliApplication] = ()
) -> None:
    """Sample needs in five provinces, read by the same importer staff use (money and items,
    some urgent, and one town small enough to show k-anonymity: Varamin, shown only as
    "other cities of Tehran"), and the household, once in the store every bot shares; then
    on each bot's platform (`application`'s and the `others`' on the same store) the
    personas who already chose their role (staff is an admin via ADMIN_IDS) and the
    neighbours."""
    store, now = application.services.store, int(application.services.clock())
    today = dt.datetime.fromtimestamp(now, application.services.settings.tz).date()
    parsed = parse_needs_csv(demo_file("demo_needs.csv", today), await store.provinces(), today)
    if parsed.problems:
        raise RuntimeError(f"demo data is invalid: {parsed.problems[0]}")
    await store.upsert_needs([draft for _, draft in parsed.drafts], now, news=NEED_NEWS)
    await _seed_household(store, now, today)
    for bot in (application, *others):
        await _seed_people(store, bot.services.platform, language, now)


async def _seed_people(store: Storage, platform: str, language: str, now: int) -> None:
    people = [(DONOR_ID, Persona.DONOR), (BENEFICIARY_ID, Persona.BENEFICIARY)]
    for telegram_id, persona in [*people, *((n, Persona.DONOR) for n in NEIGHBOUR_IDS)]:
        user_id = user_id_on(platform, telegram_id)
        account = await store.seen_account(platform, user_id, user_id, language, now)
        await store.set_persona(account, persona)


async def _seed_household(store: Storage, now: int, today: dt.date) -> None:
    """A household the beneficiary persona can verify: its phone is the one the demo's
    contact button shares, its national code is printed in the banner."""
    provinces = await store.provinces()
    households = parse_beneficiaries_csv(demo_file("demo_households.csv", today), provinces)
    rows = parse_vouchers_csv(demo_file("demo_vouchers.csv", today))
    await store.upsert_beneficiaries([b for _, b in households.beneficiaries], now)
    vouchers = rows.with_households(await store.household_sizes(rows.national_codes()))
    if households.problems or vouchers.problems:
        raise RuntimeError("demo households are invalid")
    await store.upsert_vouchers([v for _, v in vouchers.vouchers], now, tell=voucher_notices)


def demo_file(name: str, today: dt.date) -> str:
    """A demo CSV with its `{today+N}` / `{today-N}` dates filled in, so deadlines stay weeks
    ahead and tranches recent whenever the demo is tried (the files would age otherwise)."""
    text = resources.files("bot").joinpath("data", name).read_text("utf-8")
    return _RELATIVE_DATE.sub(
        lambda m: (today + dt.timedelta(days=int(m.group(1)))).isoformat(), text
    )


class DemoEmulator(BotApiEmulator):
    """The emulator, keeping every picture and document the bot uploads in a folder, so the
    /stats chart and the CSV export can be opened while trying the demo. Both platforms'
    emulators write to the same folder, so each file's name starts with its platform."""

    def __init__(self, files_dir: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.files_dir = files_dir
        self.saved: dict[tuple[int, int], Path] = {}  # (chat, message) -> the file written

    def _keep_upload(self, where: tuple[int, int], upload: Upload) -> None:
        """Kept (as every emulator does) and also written to the folder."""
        super()._keep_upload(where, upload)
        name = f"{self.platform}-{len(self.saved) + 1:03d}-{Path(upload.name).name}"
        path = self.files_dir / name
        path.write_bytes(upload.content)
        self.saved[where] = path


@dataclass(frozen=True)
class DemoBot:
    """One platform's bot: its own emulator (its own users, chats and message ids, as two
    real platforms have) and its own Application, on the store every DemoBot shares."""

    platform: str
    emulator: DemoEmulator
    application: HamdeliApplication


class TerminalChat:
    """Prints what the bot says and turns typed lines into updates.

    A line whose first word is one of DEMO_COMMANDS (exactly: `/forget` is the bot's, not
    `/forge`) is the demo's; everything else goes to the current platform's bot, as the
    current persona there. Staff also see the support group, where tickets arrive, and
    answer the newest with `/reply TEXT`.

    Text is printed as the emulator keeps it: what the platform's client shows. On Bale
    that is after Bale's own Markdown rendering (the backslashes bot/platform.py puts before
    `*`, `_`… are gone, as in the Bale app), so nothing is unescaped here. Unescaping the
    raw text in the demo instead would show what the bot meant rather than what Bale
    shows: a forgotten escape (a name's `_` turning into italics and vanishing) would look
    fine here and be wrong on every phone."""

    def __init__(
        self, bots: Mapping[str, DemoBot], language: str, platform: str = START_PLATFORM
    ) -> None:
        self.bots = dict(bots)
        self.language = language
        self._new_ids = {p: itertools.count(user_id_on(p, FIRST_NEW_ID)) for p in self.bots}
        self.personas = {
            p: {
                name: self._user(p, user_id_on(p, telegram_id), first_name)
                for name, (telegram_id, first_name) in PERSONAS.items()
            }
            for p in self.bots
        }
        self.platform = platform
        self.persona = "new"
        self.current = self._new_user(platform)
        self.buttons: list[str] = []
        self._mark = self.emulator.change_mark()
        self._busy = False
        self._left_at: dict[tuple[str, int], int] = {}  # (platform, user) -> mark when left
        self.commands: dict[str, Callable[[str], Awaitable[object]]] = {
            "/as": self._switch,
            "/on": self._switch_platform,
            "/wait": self._wait_for_outbox,
            "/sticker": lambda _: self.current.send_sticker(),
            "/photo": lambda _: self.current.send_photo(),
            "/voice": lambda _: self.current.send_voice(),
            "/forge": lambda data: self.current.click_data(data),
            "/reply": self._reply_in_support_group,
            "/pay": self._pay_last_invoice,
        }
        assert set(self.commands) | {"/quit"} == set(DEMO_COMMANDS)

    @property
    def emulator(self) -> DemoEmulator:
        """The current platform's emulator."""
        return self.bots[self.platform].emulator

    @property
    def application(self) -> HamdeliApplication:
        """The current platform's bot."""
        return self.bots[self.platform].application

    @property
    def prompt(self) -> str:
        """Who and where you are, on every line you type."""
        return f"{self.persona} on {self.platform}> "

    def _user(self, platform: str, user_id: int, name: str) -> EmulatedUser:
        bot = self.bots[platform]
        return EmulatedUser(
            bot.emulator, bot.application, user_id, first_name=name, language_code=self.language
        )

    def _new_user(self, platform: str) -> EmulatedUser:
        return self._user(platform, next(self._new_ids[platform]), "New")

    @property
    def _chats(self) -> list[int]:
        """What the current persona's phone shows: their chat, and staff's support group."""
        staff = self.current is self.personas[self.platform]["staff"]
        group = SUPPORT_GROUPS[self.platform]
        return [self.current.id, group] if staff else [self.current.id]

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
        """Until no bot has anything waiting to be sent (or WAIT_LIMIT_S); what came is
        shown next (the other platform's, when you switch to whom it reached)."""
        await self._outbox_sent()
        await asyncio.sleep(PROGRESS_EVERY_S)  # the last progress edit

    async def _outbox_sent(self) -> None:
        """Until no bot has anything waiting to be sent (or WAIT_LIMIT_S)."""
        store = self.application.services.store
        deadline = asyncio.get_running_loop().time() + WAIT_LIMIT_S
        while asyncio.get_running_loop().time() < deadline:
            backlogs = [await store.outbox_backlog(platform) for platform in self.bots]
            if not any(backlogs):
                break
            await asyncio.sleep(WATCH_S)

    async def _reply_in_support_group(self, text: str) -> None:
        """Staff answer the newest ticket in the support group, as they would by replying."""
        group, staff = SUPPORT_GROUPS[self.platform], self.personas[self.platform]["staff"]
        tickets = self.emulator.messages_in(group)
        if self.current is not staff or not tickets or not text:
            print("  (as staff: /reply TEXT answers the newest support ticket)")
            return
        update = self.emulator.make_group_reply_update(staff.info, group, tickets[-1], text)
        await self.application.process_update(Update.de_json(update, self.application.bot))
        await self._outbox_sent()  # the answer is queued with its audit row; the outbox sends it
        print("  (replied in the support group; the person gets it as a message from support)")

    async def _pay_last_invoice(self, _: str) -> None:
        """What the payment sheet does when the donor pays the newest invoice: the bot's
        pre-checkout answer, then (if yes) the money moves and successful_payment arrives;
        the thanks come from the outbox a moment later. The emulator does this as the
        current platform does (on Bale the pre-checkout also opens a transaction that the
        bot can inquire about)."""
        try:
            checkout = await self.current.pay()
        except AssertionError:
            print('  (no invoice here yet: press "💳 Pay now" on a pledge first)')
            return
        if not checkout.approved:
            print(f"  (payment sheet: the bot refused: {checkout.error_message})")
            return
        invoice = checkout.invoice.invoice or {}
        print(f"  (payment sheet on {self.platform}: paid {invoice.get('total_amount')} "
              f"{invoice.get('currency')} with the demo card; the thanks follow)")  # fmt: skip

    async def _switch(self, args: str) -> None:
        """`/as PERSONA` here, or `/as PERSONA on PLATFORM`."""
        words = args.split()
        platform = self.platform
        if len(words) == 3 and words[1] == "on":
            platform = words[2]
        if len(words) not in (1, 3) or not self._known(words[0], platform):
            print(f"  (/as PERSONA [on PLATFORM]; personas: {', '.join([*PERSONAS, 'new'])}; "
                  f"platforms: {', '.join(self.bots)})")  # fmt: skip
            return
        await self._become(words[0], platform)

    async def _switch_platform(self, platform: str) -> None:
        """`/on PLATFORM`: the same persona on the other platform (a new newcomer if new)."""
        if platform not in self.bots:
            print(f"  (/on PLATFORM; platforms: {', '.join(self.bots)})")
            return
        await self._become(self.persona, platform)

    def _known(self, name: str, platform: str) -> bool:
        return platform in self.bots and (name == "new" or name in PERSONAS)

    async def _become(self, name: str, platform: str) -> None:
        """Become another persona, maybe on another platform: first what reached them while
        you were someone else (a payment confirmed, an announcement), as their phone would
        show it, then /start."""
        self._show_news()  # what reached the persona being left is shown as theirs
        self._left_at[(self.platform, self.current.id)] = self.emulator.change_mark()
        self.platform, self.persona = platform, name
        self.current = self._new_user(platform) if name == "new" else self.personas[platform][name]
        self.buttons = []  # the keyboard on screen was the other chat's
        print(f"  -- you are now {name} on {platform} (user {self.current.id}) --")
        since = self._left_at.get((platform, self.current.id), 0)
        if any(self.emulator.changed_since(chat, since) for chat in self._chats):
            print("  (while you were away)")
            for chat_id in self._chats:
                self._print(self.emulator.changed_since(chat_id, since), chat_id)
        self._mark = self.emulator.change_mark()
        await self.current.send("/start")  # its answer is printed as news

    def _print(self, messages: list[SentMessage], chat_id: int) -> None:
        where = " -> support group" if chat_id == SUPPORT_GROUPS[self.platform] else ""
        for message in messages:
            marker = " (edited)" if message.edited else ""
            print(f"\n[{self.platform} bot{where}{marker}]")
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


def demo_bots(settings: Settings, store: Store, files_dir: Path) -> dict[str, DemoBot]:
    """A bot per platform on `store`, each with its emulator and its own demo settings; the
    caller opens and closes the store, which neither bot owns."""
    bots: dict[str, DemoBot] = {}
    for platform in PLATFORMS:
        emulator = DemoEmulator(files_dir, platform=platform)
        own = demo_settings(settings, store.path, platform)
        application = build_application(own, request=emulator, store=store, owns_store=False)
        bots[platform] = DemoBot(platform, emulator, application)
    return bots


async def start_bots(bots: Mapping[str, DemoBot]) -> None:
    """As `run_polling` starts a bot, without the polling (the demo hands updates in):
    initialize, post_init (commands, clocks, the outbox), start (the job queue)."""
    for bot in bots.values():
        await bot.application.initialize()
        if bot.application.post_init is not None:
            await bot.application.post_init(bot.application)
        await bot.application.start()


async def stop_bots(bots: Mapping[str, DemoBot]) -> None:
    """Both stop at once; post_stop lets each outbox finish the sends in flight and record
    them before the bot shuts down."""

    async def stop(application: HamdeliApplication) -> None:
        if application.running:
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
        await application.shutdown()

    await asyncio.gather(*(stop(bot.application) for bot in bots.values()))


@asynccontextmanager
async def running_bots(
    settings: Settings, language: str, files_dir: Path
) -> AsyncIterator[dict[str, DemoBot]]:
    """Both bots seeded and started on one store for as long as the block runs; then both
    stopped (their sends in flight finished and recorded) and the store closed."""
    store = Store(settings.database_path)
    bots = demo_bots(settings, store, files_dir)
    await store.open()
    try:
        first, *others = (bot.application for bot in bots.values())
        await seed_demo(first, language, others)
        await start_bots(bots)
        yield bots
    finally:
        try:
            await stop_bots(bots)
        finally:
            await store.close()


async def _chat(settings: Settings, language: str, files_dir: Path) -> None:
    async with running_bots(settings, language, files_dir) as bots:
        terminal = TerminalChat(bots, language)
        watching = asyncio.create_task(_watch(terminal))
        print(BANNER % (files_dir, NEIGHBOURS))
        try:
            await terminal.handle("/start")
            while True:
                try:
                    line = await asyncio.to_thread(input, terminal.prompt)
                except EOFError:
                    print()
                    break
                if line.strip() == "/quit":
                    break
                await terminal.handle(line)
        finally:
            watching.cancel()


async def _watch(terminal: TerminalChat) -> None:
    """Show what arrives between typed lines, as a phone would."""
    while True:
        await asyncio.sleep(WATCH_S)
        terminal.print_news()


def demo_settings(settings: Settings, database: Path, platform: str = START_PLATFORM) -> Settings:
    """The operator's settings for `platform`'s bot plus what makes every feature visible: a
    payment card, an in-chat payment provider token of the platform's kind (Bale's is a
    Luhn-valid card), a shopping-day schedule, a drop-off address
    (bot/data/demo_settings.json), the platform's support group and staff as its admin (by
    the platform's own user id), on a database of the demo's own and with no token."""
    configured = json.loads(resources.files("bot").joinpath("data", "demo_settings.json")
                            .read_text("utf-8"))  # fmt: skip
    # each platform takes its own kind of token: a BotFather test token, or Bale's card
    configured["payment_provider_token"] = configured["payment_provider_token"][platform]
    # model_copy does not validate: the demo's values pass the operator's checks first, and
    # arrive read as an operator's would be (the shopping days as day numbers)
    checked = Settings.model_validate({**configured, "platform": platform})
    return settings.model_copy(
        update={
            **{name: getattr(checked, name) for name in configured},
            "platform": platform,
            "database_url": f"sqlite:///{database}",
            "admin_ids": [user_id_on(platform, STAFF_ID)],
            "staff_chat_id": SUPPORT_GROUPS[platform],
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
