"""`hamdeli demo`: a newcomer's first try, with no token and no network."""

from __future__ import annotations

import re
import subprocess

from bot.i18n import translator
from tests.commands import hamdeli

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
    assert en("help") in out
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
    assert "(a picture)" in after_stats  # the chart
    back_as_donor = result.stdout.rsplit("you are now donor", 1)[1]
    assert "(while you were away)" in back_as_donor
    thanks = next(line for line in back_as_donor.splitlines() if line.startswith("💚"))
    assert reference in thanks  # the thanks for the confirmed payment
    assert "Traceback" not in result.stderr
