"""`hamdeli demo`: a newcomer's first try, with no token and no network."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from telegram.ext import BaseHandler, CommandHandler, ConversationHandler

from bot import demo
from bot.app import build_application
from bot.config import load_settings
from bot.i18n import translator
from bot.models import Persona
from bot.text.money import format_toman
from tests.commands import hamdeli
from tests.conftest import make_settings

fa, en = translator("fa"), translator("en")


def run_demo(lines: list[str], *args: str, cwd) -> subprocess.CompletedProcess[str]:
    return hamdeli("demo", *args, cwd=cwd, stdin="\n".join(lines) + "\n")


@asynccontextmanager
async def running_demo(
    tmp_path,
) -> AsyncIterator[tuple[dict[str, demo.DemoBot], demo.TerminalChat]]:
    """The demo's two bots, started on one store as `hamdeli demo` starts them, and the
    terminal that drives them; lines are handed to `terminal.handle` instead of stdin."""
    settings = demo.demo_settings(make_settings(tmp_path), tmp_path / "demo.db")
    async with demo.running_bots(settings, "fa", tmp_path) as bots:
        yield bots, demo.TerminalChat(bots, "fa")


def _toman(text: str) -> int:
    """ "۱۸٬۰۰۰٬۰۰۰ تومان" -> 18000000."""
    digits = text.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))
    return int(re.sub(r"\D", "", digits))


def test_demo_answers_start_roles_language_help_sticker_and_forged_button(tmp_path) -> None:
    result = run_demo(
        [
            "1",
            "/sticker",
            "/forge menu:bogus",
            "/language",
            "2",
            "/help",
            "/as beneficiary",
            "/as staff",
            "3",
        ],
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert fa("welcome") in out
    assert fa("donor-home") in out
    assert fa("unknown-media") in out
    assert fa("button-expired") in out
    assert en("language-changed") in out
    assert en("help-title") in out
    assert fa("staff-home", role=fa("staff-role-admin")) in out
    assert "Traceback" not in result.stderr


def test_demo_in_english_and_ctrl_d_exits_cleanly(tmp_path) -> None:
    result = run_demo([], "--lang", "en", cwd=tmp_path)
    assert result.returncode == 0
    assert en("welcome") in result.stdout
    assert not list(tmp_path.iterdir())  # the demo leaves nothing in the working directory


def test_demo_beneficiary_verifies_and_sees_the_kalabarg(tmp_path) -> None:
    result = run_demo(["/as beneficiary", "2", "1", "۰۰۴۱۲۳۴۵۶۱"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert fa("verify-linked") in result.stdout
    assert fa("status-voucher", tranche=2, status=fa("voucher-status-charged")) in result.stdout
    assert fa("status-aid-title") in result.stdout  # the demo household's linked need
    assert fa("status-schedule", digit="۱", days="شنبه") in result.stdout
    assert "Traceback" not in result.stderr


def test_demo_beneficiary_in_english_reads_the_shopping_days_in_english(tmp_path) -> None:
    """bot/data/demo_settings.json writes the days in Persian, as an office would."""
    result = run_demo(["/as beneficiary", "2", "1", "0041234561"], "--lang", "en", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert en("status-schedule", digit="1", days="Saturday") in result.stdout
    assert "Traceback" not in result.stderr


def test_demo_staff_broadcasts_to_the_demo_users_and_sees_the_progress_and_report(tmp_path):
    result = run_demo(
        ["/as staff", "/broadcast", "سلام به همهٔ همراهان", "1", "1", "/wait"], cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    people = 124  # the donor, the household, staff, the first newcomer, 120 neighbours
    assert fa("broadcast-send-button", count=people) in result.stdout
    assert "۱۲۴ از ۱۲۴" in result.stdout  # the progress message, finished
    report = fa("broadcast-report", id=1, status=fa("broadcast-status-done"), total=people,
                sent=people, blocked=0, failed=0, unknown=0, not_sent=0)  # fmt: skip
    assert report in result.stdout
    assert "Traceback" not in result.stderr


def test_demo_staff_adds_a_need_that_donors_then_find_by_its_code(tmp_path) -> None:
    steps = ["/as staff", "/newneed", "1", "1", "1", "1", "۵ میلیون تومان",
             "خرید یخچال برای خانواده‌ای پنج نفره", "1406/01/15", "1", "1", "1"]  # fmt: skip
    first = run_demo(steps, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    code = re.search(r"کد ([2-9A-HJ-NP-Z]{6})", first.stdout).group(1)
    assert fa("need-form-published", code=code) in first.stdout
    assert "Traceback" not in first.stderr


def test_demo_staff_confirm_a_donors_pledge_the_donor_hears_and_stats_send_a_chart(tmp_path):
    steps = ["/as donor", "1", "1", "1", "1", "1", "1", "1",  # browse, help, all, confirm
             "/as staff", "/queue", "1", "1", "778899", "/stats", "/wait", "/as donor"]  # fmt: skip
    result = run_demo(steps, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    reference = re.search(r"P-[2-9A-HJ-NP-Z]{6}", result.stdout).group(0)
    assert fa("staff-confirmed", reference=reference) in result.stdout
    after_stats = result.stdout.split(fa("stats-title"), 1)[1]
    chart = Path(re.search(r"\(a picture, saved as (\S+)\)", after_stats).group(1))
    assert chart.name.endswith("stats.png")
    assert chart.read_bytes().startswith(b"\x89PNG")  # the chart, ready to open
    shutil.rmtree(chart.parent.parent)
    back_as_donor = result.stdout.rsplit("you are now donor", 1)[1]
    assert "(while you were away)" in back_as_donor
    thanks = next(line for line in back_as_donor.splitlines() if line.startswith("💚"))
    assert reference in thanks  # the thanks for the confirmed payment
    assert "Traceback" not in result.stderr


def _commands(handlers: list[BaseHandler]) -> set[str]:
    """Every command a handler list answers, looking inside conversations."""
    found: set[str] = set()
    for handler in handlers:
        if isinstance(handler, CommandHandler):
            found |= set(handler.commands)
        elif isinstance(handler, ConversationHandler):
            inner = [*handler.entry_points, *handler.fallbacks]
            inner += [h for state in handler.states.values() for h in state]
            found |= _commands(inner)
    return found


def test_the_demos_own_commands_never_shadow_the_bots(tmp_path) -> None:
    application = build_application(make_settings(tmp_path))
    bots = _commands([h for group in application.handlers.values() for h in group])
    assert {"start", "forget", "help", "cancel"} <= bots
    assert not bots & {command.removeprefix("/") for command in demo.DEMO_COMMANDS}


def test_demo_commands_are_exact_words_so_forget_reaches_the_bot(tmp_path) -> None:
    result = run_demo(["/as beneficiary", "/forget", "/forgetful", "/waiting"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert fa("button-expired") not in result.stdout  # /forget was not taken for /forge
    # the bot answered each: /start twice (at start, on switching), then the three lines
    assert result.stdout.count("[telegram bot]") >= 5
    assert "Traceback" not in result.stderr


def test_demo_data_looks_real_whenever_it_is_tried() -> None:
    today = dt.date(2027, 3, 1)
    needs = demo.demo_file("demo_needs.csv", today)
    deadlines = [dt.date.fromisoformat(d) for d in re.findall(r"\d{4}-\d\d-\d\d", needs)]
    assert deadlines
    assert all(
        today + dt.timedelta(weeks=1) <= d <= today + dt.timedelta(weeks=12) for d in deadlines
    )
    vouchers = demo.demo_file("demo_vouchers.csv", today).splitlines()
    latest_charge = dt.date.fromisoformat(vouchers[-1].split(",")[3])
    assert today - dt.timedelta(days=14) <= latest_charge <= today
    household = demo.demo_file("demo_households.csv", today).splitlines()[1]
    assert "Demo" not in household
    assert "{" not in needs + household
    rows = list(csv.DictReader(io.StringIO(needs)))
    goods = [row for row in rows if row["item"]]
    assert goods
    # the English demo names the goods in English too, as an office's English CSV would
    assert all(row["item_en"] and row["description_en"] for row in goods)


async def test_a_notice_that_arrived_just_before_switching_is_shown_to_its_persona(
    tmp_path, capsys
) -> None:
    async with running_demo(tmp_path) as (bots, terminal):
        await terminal.handle("/as donor")
        await bots["telegram"].application.bot.send_message(
            demo.DONOR_ID, "your payment was confirmed"
        )
        await terminal.handle("/as staff")  # before the watcher looked
    out = capsys.readouterr().out
    assert "your payment was confirmed" in out.split("you are now staff")[0]


def test_demo_support_ticket_reaches_staff_and_the_reply_comes_back(tmp_path) -> None:
    steps = ["/as donor", "/support", "کمکم به کجا رسید؟", "/as staff", "/reply به خانواده رسید",
             "/as donor"]  # fmt: skip
    result = run_demo(steps, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    as_staff = result.stdout.split("you are now staff", 1)[1]
    assert "[telegram bot -> support group]" in as_staff
    assert "کمکم به کجا رسید؟" in as_staff
    back_as_donor = result.stdout.rsplit("you are now donor", 1)[1]
    assert "به خانواده رسید" in back_as_donor
    assert "Traceback" not in result.stderr


def test_demo_configures_payment_shopping_days_and_support(tmp_path) -> None:
    settings = demo.demo_settings(make_settings(tmp_path), tmp_path / "d.db")
    assert settings.payment_card
    assert settings.kalabarg_shopping_schedule["1"] == (0,)  # read as an operator's: Saturday
    assert settings.staff_chat_id == demo.DEMO_SUPPORT_GROUP
    assert settings.bot_token is None


def test_demo_donor_pays_a_pledge_in_the_chat_and_is_thanked(tmp_path) -> None:
    steps = [
        "/as donor",
        "/pay",
        "1",
        "1",
        "1",
        "1",
        "1",
        "1",
        "1",  # browse … confirm
        "1",
        "/pay",
        "/wait",
        "1",
    ]  # fmt: skip  (1: 💳 Pay now, then the payment sheet; then 1: 🧾 Receipt (PDF))
    result = run_demo(steps, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "(no invoice here yet" in out  # /pay before any invoice says what to do
    reference = re.search(r"P-[2-9A-HJ-NP-Z]{6}", out).group(0)
    invoice = out.split("🧾", 1)[1]
    assert reference in invoice.split("\n\n", 1)[0]  # the invoice, printed like a sheet
    assert "(payment sheet on telegram: paid" in out
    thanks = next(line for line in invoice.splitlines() if line.startswith("💚"))
    assert reference in thanks
    after_thanks = invoice.split(thanks, 1)[1]
    assert f"[1] {fa('donation-receipt-button')}" in after_thanks
    receipt = Path(re.search(r"\(a document, saved as (\S+)\)", after_thanks).group(1))
    assert receipt.name.endswith(f"hamdeli-receipt-{reference}.pdf")
    assert receipt.read_bytes().startswith(b"%PDF-")  # the donor's receipt, ready to open
    assert fa("donation-receipt-caption", reference=reference) in after_thanks
    shutil.rmtree(receipt.parent.parent)
    assert "Traceback" not in result.stderr


def test_the_demo_card_is_a_valid_provider_token_on_bale(tmp_path) -> None:
    settings = demo.demo_settings(make_settings(tmp_path), tmp_path / "d.db")
    validated = load_settings(_env_file=None, platform="bale",
                              payment_provider_token=settings.provider_token)  # fmt: skip
    assert validated.provider_token == settings.provider_token


async def test_as_donor_on_bale_is_answered_by_the_bale_bot_through_the_bale_emulator(
    tmp_path, capsys
) -> None:
    async with running_demo(tmp_path) as (bots, terminal):
        await terminal.handle("/as donor on bale")
        await terminal.handle("/start")
        bale_donor = demo.user_id_on("bale", demo.DONOR_ID)
        bale_chat = [m.text for m in bots["bale"].emulator.messages_in(bale_donor)]
        telegram_chat = bots["telegram"].emulator.messages_in(bale_donor)
        account = await bots["bale"].application.services.store.account("bale", bale_donor)
        prompt = terminal.prompt
    assert bale_donor != demo.DONOR_ID  # a person's id differs between platforms
    assert len(bale_chat) == 2
    assert all(fa("welcome") in text for text in bale_chat)
    assert telegram_chat == []  # the Telegram emulator never saw this chat
    assert account is not None
    assert account.persona is Persona.DONOR
    assert prompt == "donor on bale> "
    out = capsys.readouterr().out
    on_bale = out.split(f"you are now donor on bale (user {bale_donor})", 1)[1]
    assert on_bale.count("[bale bot]") == 2
    assert "[telegram bot" not in on_bale
    assert f"[bale bot]\n{fa('welcome')}" in on_bale


async def test_on_keeps_the_persona_and_as_keeps_the_platform(tmp_path, capsys) -> None:
    async with running_demo(tmp_path) as (_, terminal):
        await terminal.handle("/as beneficiary")
        await terminal.handle("/on bale")
        after_on = terminal.prompt, terminal.current.id
        await terminal.handle("/as staff")
        after_as = terminal.prompt, terminal.current.id
        await terminal.handle("/as donor on mars")
        await terminal.handle("/on telegram")
        back = terminal.prompt, terminal.current.id
    assert after_on == ("beneficiary on bale> ", demo.user_id_on("bale", demo.BENEFICIARY_ID))
    assert after_as == ("staff on bale> ", demo.user_id_on("bale", demo.STAFF_ID))
    assert back == ("staff on telegram> ", demo.STAFF_ID)  # "mars" changed nothing
    assert "(/as PERSONA [on PLATFORM]" in capsys.readouterr().out


async def test_staff_on_bale_get_the_staff_menu_from_the_bale_bot(tmp_path, capsys) -> None:
    async with running_demo(tmp_path) as (bots, terminal):
        await terminal.handle("/as staff on bale")
        button = terminal.buttons.index(fa("role-staff-button")) + 1
        await terminal.handle(str(button))
        bale_staff = demo.user_id_on("bale", demo.STAFF_ID)
        menu = bots["bale"].emulator.last_message_in(bale_staff).text
        admins = {p: bot.application.services.settings.admin_ids for p, bot in bots.items()}
        telegram_staff_chat = bots["telegram"].emulator.messages_in(demo.STAFF_ID)
    assert menu is not None
    assert fa("staff-home", role=fa("staff-role-admin")) in menu
    assert admins == {"telegram": [demo.STAFF_ID], "bale": [bale_staff]}
    assert telegram_staff_chat == []
    out = capsys.readouterr().out.split("you are now staff on bale", 1)[1]
    staff_home = re.escape(fa("staff-home", role=fa("staff-role-admin")))
    assert re.search(rf"\[bale bot( \(edited\))?\]\n{staff_home}", out)


def test_a_pledge_on_telegram_leaves_less_to_give_when_browsing_on_bale(tmp_path) -> None:
    browse = ["1", "1", "1", "1", "1"]  # help, find a family, province, city, the first card
    steps = ["/as donor", *browse, "2", "1", "/as donor on bale", *browse]  # 2: 500,000; confirm
    result = run_demo(steps, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    on_telegram, on_bale = result.stdout.split("you are now donor on bale", 1)
    asked = re.search(r"کمک به نیاز ([2-9A-HJ-NP-Z]{6})\nباقی‌مانده: (.+)", on_telegram)
    code, before = asked.group(1), _toman(asked.group(2))
    pledged = _toman(re.search(r"مبلغ تعهد: (.+)", on_telegram).group(1))
    assert re.search(r"کد تعهد: P-[2-9A-HJ-NP-Z]{6}", on_telegram)  # the pledge was made
    assert 0 < pledged < before
    left = fa("amount-toman", amount=format_toman((before - pledged) * 10, "fa"))
    card = re.search(rf"کد {code}\n(?:.*\n)*?.*تعهدشده: (.+) · ░ مانده: (.+)", on_bale)
    assert card is not None, on_bale  # the same need, listed by the Bale bot
    assert (_toman(card.group(1)), card.group(2)) == (pledged, left)
    asked_on_bale = f"[bale bot (edited)]\n🤝 کمک به نیاز {code}\nباقی‌مانده: {left}"
    assert asked_on_bale in on_bale
    assert "Traceback" not in result.stderr


def test_demo_donor_pays_on_bale_with_the_bale_card_and_is_thanked_there(tmp_path) -> None:
    steps = [
        "/as donor on bale",
        "1",
        "1",
        "1",
        "1",
        "1",
        "1",
        "1",  # browse … confirm
        "1",
        "/pay",
        "/wait",
    ]  # fmt: skip  (1: 💳 Pay now, then the payment sheet)
    result = run_demo(steps, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    on_bale = result.stdout.split("you are now donor on bale", 1)[1]
    reference = re.search(r"P-[2-9A-HJ-NP-Z]{6}", on_bale).group(0)
    assert re.search(r"\(payment sheet on bale: paid \d+ IRR with the demo card", on_bale)
    thanks = on_bale.split("(payment sheet on bale", 1)[1]
    assert "[bale bot]\n💚" in thanks
    assert reference in next(line for line in thanks.splitlines() if line.startswith("💚"))
    assert "[telegram bot" not in on_bale
    assert "Traceback" not in result.stderr
