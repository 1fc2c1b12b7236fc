"""What #3's and #5's acceptance checks, over a real Telegram-compatible Bot API server:
`hamdeli run` in its own process, long polling the emulator served over HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import time

from bot.demo import demo_file
from bot.i18n import translator
from bot.storage.factory import store_for
from tests.commands import Person, bot_over_http, hamdeli
from tests.databases import database_url

fa = translator("fa")
TOKEN = "123456:acceptance-token-abcdefghijklmnopq"
ADMIN = 900_001


async def wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def settings(tmp_path) -> dict[str, str]:
    """The bot's process uses this run's backend (PostgreSQL on make test-pg)."""
    return {"DATABASE_URL": database_url(tmp_path), "ADMIN_IDS": str(ADMIN)}


async def one_row(tmp_path, sql: str, params: tuple[object, ...] = ()) -> tuple[object, ...]:
    """One row of this test's database, whichever the backend (opening it migrates it)."""
    async with store_for(database_url(tmp_path)) as store:
        rows = await store._fetchall(sql, params)
    return tuple(rows[0])


async def test_over_http_no_staff_action_works_for_someone_who_is_not_staff(tmp_path) -> None:
    async with bot_over_http(tmp_path, TOKEN, **settings(tmp_path)) as bot:
        donor = Person(bot.emulator, 4242)
        await donor.send("/start")
        for command in ("/broadcast", "/stats", "/audit", "/pledge", "/queue", "/invite",
                        "/addstaff 5", "/household 0041234561", "/undo P-AAAAAA"):  # fmt: skip
            assert await donor.send(command) == fa("staff-only"), command
    assert not bot.emulator.calls_to("sendPhoto")


async def test_over_http_an_admin_broadcasts_to_all_and_each_gets_it_exactly_once(tmp_path):
    async with bot_over_http(tmp_path, TOKEN, **settings(tmp_path)) as bot:
        people = [Person(bot.emulator, 5000 + n) for n in range(20)]
        for person in people:
            await person.send("/start")
        admin = Person(bot.emulator, ADMIN, "Reza")
        await admin.send("/start")
        await admin.send("/broadcast")
        await admin.send("دیدار خیّران، پنجشنبه ساعت ۱۰")
        await admin.click(fa("broadcast-audience-everyone"))
        await admin.click(fa("broadcast-send-button", count=21))
        expected = f"{fa('broadcast-header')}\n\nدیدار خیّران، پنجشنبه ساعت ۱۰"

        def got(person: Person) -> int:
            return [m.text for m in bot.emulator.messages_in(person.info.id)].count(expected)

        await wait_for(lambda: all(got(p) == 1 for p in people))
        await asyncio.sleep(1)  # a late duplicate would show up here
        assert [got(p) for p in people] == [1] * 20
        assert got(admin) == 2  # the preview, and the admin is one of "everyone"


async def test_over_http_confirming_a_pledge_tells_its_donor_and_stats_sends_a_chart(tmp_path):
    needs = tmp_path / "needs.csv"
    needs.write_text(demo_file("demo_needs.csv", dt.date.today()), encoding="utf-8")
    await one_row(tmp_path, "SELECT 1")  # the database exists, migrated: import needs it
    imported = hamdeli("import", "needs", str(needs), cwd=tmp_path, **settings(tmp_path))
    assert imported.returncode == 0, imported.stderr
    (code,) = await one_row(tmp_path, "SELECT code FROM needs WHERE external_id = 'demo-1'")
    async with bot_over_http(tmp_path, TOKEN, **settings(tmp_path)) as bot:
        donor, admin = Person(bot.emulator, 4343), Person(bot.emulator, ADMIN, "Reza")
        await donor.send("/start")
        await donor.send(code)
        await donor.click(fa("card-help-button", name=fa("category-dowry")))
        await donor.send("۲ میلیون")
        done = await donor.click(fa("pledge-confirm-button"))
        reference = re.search(r"P-[2-9A-HJ-NP-Z]{6}", done).group(0)
        await admin.send("/start")
        await admin.send("/pledge")
        await admin.send(reference)
        await admin.click(fa("staff-confirm-button"))
        assert await admin.send("778899") == fa("staff-confirmed", reference=reference)
        # The thanks is the donor's receipt: the pledge, the amount, when, and the bank's number.
        facts = (f"{reference} (", "۲٬۰۰۰٬۰۰۰ تومان", fa("donation-receipt-notice-tracking",
                 tracking="۷۷۸۸۹۹"))  # fmt: skip
        await wait_for(lambda: any(
            all(fact in (m.text or "") for fact in facts) for m in bot.emulator.messages_in(4343)
        ))  # fmt: skip
        await admin.send("/stats")
        await wait_for(lambda: bot.emulator.calls_to("sendPhoto"))
    chart = bot.emulator.messages_in(ADMIN)[-1]
    assert chart.has_photo
    assert chart.uploaded  # a PNG the bot drew, not a file id


NEEDS_CSV = """\
external_id,province,city,category,description_fa,description_en,amount_toman,item,quantity,deadline,urgent,beneficiary_national_code
a1,تهران,تهران,medical,داروی ماهانهٔ پدر خانواده,Medicine,1000000,,,2031/01/01,yes,0041234561
a2,تهران,تهران,housing,کمک به ودیعهٔ مسکن,Rent,5000000,,,2031/01/01,no,
a3,تهران,تهران,education,شهریهٔ دو دانش‌آموز,Fees,3000000,,,2031/01/01,no,
"""


async def test_over_http_a_donor_browses_to_a_city_pledges_in_persian_digits_and_no_one_overpledges(
    tmp_path,
) -> None:
    (tmp_path / "needs.csv").write_text(NEEDS_CSV, encoding="utf-8")
    await one_row(tmp_path, "SELECT 1")  # the database exists, migrated: import needs it
    imported = hamdeli("import", "needs", "needs.csv", cwd=tmp_path, **settings(tmp_path))
    assert imported.returncode == 0, imported.stderr
    (code,) = await one_row(tmp_path, "SELECT code FROM needs WHERE external_id = 'a1'")
    async with bot_over_http(tmp_path, TOKEN, **settings(tmp_path)) as bot:
        sara, reza = Person(bot.emulator, 6001, "Sara"), Person(bot.emulator, 6002, "Reza")
        await sara.send("/start")
        await sara.click(fa("role-donor-button"))
        await sara.click(fa("button-browse"))
        await sara.click(fa("browse-place-count", place="تهران", count=3))
        page = await sara.click(fa("browse-place-count", place="تهران", count=3))
        assert f"کد {code}" in page
        await sara.click(fa("card-help-button", name=fa("category-medical")))
        await sara.send("۶۰۰٬۰۰۰")
        done = await sara.click(fa("pledge-confirm-button"))
        reference = re.search(r"P-[2-9A-HJ-NP-Z]{6}", done).group(0)
        mine = await sara.send("/mypledges")
        shown = [
            label for m in bot.emulator.messages_in(6001)[-1:] for r in m.buttons for label in r
        ]
        assert reference in mine or any(reference in label for label in shown)
        await reza.send("/start")
        await reza.send(code)
        await reza.click(fa("card-help-button", name=fa("category-medical")))
        refused = await reza.send("۵۰۰ هزار")
        assert fa("pledge-above-remaining", remaining="۴۰۰٬۰۰۰ تومان") in refused
        everything = [m.text or "" for chat in (6001, 6002) for m in bot.emulator.messages_in(chat)]
    for digits in ("0041234561", "۰۰۴۱۲۳۴۵۶۱"):
        assert not any(digits in text for text in everything)  # the linked household stays hidden
    reserved, target = await one_row(
        tmp_path, "SELECT reserved + paid, target FROM needs WHERE code = ?", (code,)
    )
    assert (reserved, target) == (6_000_000, 10_000_000)  # rials: 600,000 of 1,000,000 toman
