"""The acceptance path of the donor journey, as deployed: `hamdeli import needs`, then
`hamdeli run` over real HTTP with polling, two donors, Persian digits, no personal data."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

from bot.domain.need_import import COLUMNS
from bot.i18n import translator
from bot.text import national_code_check_digit
from tests.commands import Person, bot_over_http, clean_env, migrated

fa = translator("fa")
TOKEN = "123456:donor-over-http-token-abcdefghijkl"
PRIVATE = "001234567" + str(national_code_check_digit("001234567"))
CSV = (
    ",".join(COLUMNS)
    + f"""
h1,تهران,تهران,dowry,جهیزیه برای زوج جوان,Dowry,3000000,,,,yes,{PRIVATE}
h2,تهران,تهران,medical,داروی ماهانه,Medicine,4000000,,,,no,
h3,تهران,تهران,housing,ودیعهٔ مسکن,Rent deposit,9000000,,,,no,
"""
)


async def test_import_then_two_donors_over_http(tmp_path) -> None:
    csv_file = tmp_path / "needs.csv"
    csv_file.write_text(CSV, encoding="utf-8")
    database = f"sqlite:///{migrated(tmp_path / 'h.db')}"
    importer = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "import", "needs", str(csv_file), cwd=tmp_path,
        env=clean_env(DATABASE_URL=database), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    _, errors = await importer.communicate()
    assert importer.returncode == 0, errors.decode()

    async with bot_over_http(tmp_path, TOKEN, DATABASE_URL=database) as bot:
        first, second = Person(bot.emulator, 501), Person(bot.emulator, 502)
        await first.send("/start")
        await first.click(fa("role-donor-button"))
        await first.click(fa("button-browse"))
        await first.click("تهران (۳)")
        page = await first.click("تهران (۳)")
        assert "\u200f░░░░░░░░░░ ۰٪" in page
        code = page.split("کد ")[1].split("\n")[0]  # the urgent dowry need comes first
        await first.click(fa("card-help-button", name=fa("category-dowry")))
        confirm = await first.send("۳ میلیون")
        assert "۳٬۰۰۰٬۰۰۰ تومان" in confirm
        await second.send(f"/start need_{code}")
        await second.click(fa("card-help-button", name=fa("category-dowry")))
        await second.send("۲ میلیون")
        done = await first.click(fa("pledge-confirm-button"))
        assert "P-" in done
        refused = await second.click(fa("pledge-confirm-button"))
        assert fa("pledge-need-unavailable") in refused
        mine = await first.click(fa("button-my-pledges"))
        assert code in mine
        assert fa("pledge-status-awaiting_payment") in mine
    everything = json.dumps([call.params for call in bot.emulator.calls], ensure_ascii=False)
    assert PRIVATE not in everything
