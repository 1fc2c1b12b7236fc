"""The acceptance path of beneficiaries, as deployed: imports, then `hamdeli run` over HTTP."""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import sys

from bot.i18n import translator
from bot.text import national_code_check_digit
from tests.commands import Person, bot_over_http, clean_env, migrated

fa = translator("fa")
TOKEN = "123456:beneficiary-over-http-token-abcdefg"
CODE = "004123456" + str(national_code_check_digit("004123456"))
PERSIAN_CODE = CODE.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
HOUSEHOLDS = (
    "national_code,full_name,mobile,province,city,household_size,decile\n"
    f"{CODE},Test Household,09121234567,تهران,تهران,4,2\n"
)
TRANCHE = (
    "national_code,tranche,amount_per_person_toman,charged_on,expires_on,status\n"
    f"{CODE},2,{{amount}},1404/09/01,1410/01/01,charged\n"
)


async def hamdeli_import(kind: str, path, database: str, cwd) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "import", kind, str(path), cwd=cwd,
        env=clean_env(DATABASE_URL=database), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    _, errors = await process.communicate()
    assert process.returncode == 0, errors.decode()


async def test_verify_see_the_tranche_lockout_and_news_over_http(tmp_path) -> None:
    database = f"sqlite:///{migrated(tmp_path / 'h.db')}"
    (tmp_path / "households.csv").write_text(HOUSEHOLDS, encoding="utf-8")
    (tmp_path / "vouchers.csv").write_text(TRANCHE.format(amount=500000), encoding="utf-8")
    await hamdeli_import("beneficiaries", tmp_path / "households.csv", database, tmp_path)
    await hamdeli_import("vouchers", tmp_path / "vouchers.csv", database, tmp_path)

    async with bot_over_http(tmp_path, TOKEN, DATABASE_URL=database) as bot:
        maryam = Person(bot.emulator, 601, "Maryam")
        await maryam.send("/start")
        await maryam.click(fa("role-beneficiary-button"))
        await maryam.share_contact("+989121234567", user_id=601)
        status = await maryam.send(PERSIAN_CODE, until="آذر ۱۴۰۴")  # the charge date, Jalali
        assert "۲٬۰۰۰٬۰۰۰ تومان" in status

        stranger = Person(bot.emulator, 602, "Reza")
        await stranger.send("/start")
        await stranger.click(fa("role-beneficiary-button"))
        refused = await stranger.share_contact("+989121234567", user_id=601)
        assert refused == fa("verify-contact-not-yours")
        for _ in range(5):  # a checked code drops the phone: each try shares it anew
            await stranger.share_contact("+989351112233", user_id=602)
            await stranger.send(CODE)
        locked = fa("verify-locked", date=dt.date(2025, 1, 1), time="")[:30]  # before the date
        assert any(m.text.startswith(locked) for m in bot.emulator.messages_in(602))

        mark = bot.emulator.change_mark()
        (tmp_path / "vouchers.csv").write_text(TRANCHE.format(amount=600000), encoding="utf-8")
        await hamdeli_import("vouchers", tmp_path / "vouchers.csv", database, tmp_path)
        news = await maryam.wait_for_message(mark)
        assert news.startswith("🛒")
        assert "۶۰۰٬۰۰۰" in news
        await hamdeli_import("vouchers", tmp_path / "vouchers.csv", database, tmp_path)
        await asyncio.sleep(3)  # the outbox runs every 2 s: nothing more may come
        assert [m.text for m in bot.emulator.messages_in(601)].count(news) == 1
