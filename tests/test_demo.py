"""`hamdeli demo`: a newcomer's first try, with no token and no network."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

from telegram.ext import BaseHandler, CommandHandler, ConversationHandler

from bot import demo
from bot.app import build_application
from bot.config import load_settings
from bot.i18n import translator
from tests.commands import hamdeli
from tests.conftest import make_settings

fa, en = translator("fa"), translator("en")


def run_demo(lines: list[str], *args: str, cwd) -> subprocess.CompletedProcess[str]:
    return hamdeli("demo", *args, cwd=cwd, stdin="\n".join(lines) + "\n")


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
    assert result.stdout.count("[bot]") >= 5
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


async def test_a_notice_that_arrived_just_before_switching_is_shown_to_its_persona(
    tmp_path, capsys
) -> None:
    emulator = demo.DemoEmulator(tmp_path, platform="telegram")
    settings = demo.demo_settings(make_settings(tmp_path), tmp_path / "demo.db")
    application = build_application(settings, request=emulator)
    await application.initialize()
    try:
        await demo.seed_demo(application, "fa")
        terminal = demo.TerminalChat(emulator, application, "fa")
        await terminal.handle("/as donor")
        await application.bot.send_message(demo.DONOR_ID, "your payment was confirmed")
        await terminal.handle("/as staff")  # before the watcher looked
    finally:
        await application.shutdown()
    out = capsys.readouterr().out
    assert "your payment was confirmed" in out.split("you are now staff")[0]


def test_demo_support_ticket_reaches_staff_and_the_reply_comes_back(tmp_path) -> None:
    steps = ["/as donor", "/support", "کمکم به کجا رسید؟", "/as staff", "/reply به خانواده رسید",
             "/as donor"]  # fmt: skip
    result = run_demo(steps, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    as_staff = result.stdout.split("you are now staff", 1)[1]
    assert "[bot -> support group]" in as_staff
    assert "کمکم به کجا رسید؟" in as_staff
    back_as_donor = result.stdout.rsplit("you are now donor", 1)[1]
    assert "به خانواده رسید" in back_as_donor
    assert "Traceback" not in result.stderr


def test_demo_configures_payment_shopping_days_and_support(tmp_path) -> None:
    settings = demo.demo_settings(make_settings(tmp_path), tmp_path / "d.db")
    assert settings.payment_card
    assert settings.kalabarg_shopping_schedule
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
    assert "(payment sheet: paid" in out
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
