"""A whole scenario at DEBUG, as deployed: the log carries no personal marker in any form."""

from __future__ import annotations

from bot.i18n import translator
from bot.logs import REDACTED
from tests.commands import Person, bot_over_http, migrated
from tests.test_beneficiary_over_http import hamdeli_import

fa = translator("fa")
TOKEN = "123456:logging-scenario-token-abcdefghij"
ADMIN = 900_777
CODE, SHORT_CODE, DASHED_CODE = "0012345679", "12345679", "001-234567-9"
MOBILE, OTHER_MOBILE = "9121234567", "9351112233"
NAME = "Maryam Ahmadi"
HOUSEHOLDS = (
    "national_code,full_name,mobile,province,city,household_size,decile\n"
    f"{CODE},{NAME},0{MOBILE},تهران,تهران,4,2\n"
)
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def every_form(marker: str) -> list[str]:
    """The marker in Latin, Persian and Arabic-Indic digits, with and without its dashes."""
    forms = {marker, marker.replace("-", "")}
    return sorted({form.translate(table) for form in forms for table in ({}, PERSIAN, ARABIC)})


async def test_a_debug_log_of_verification_and_household_lookup_has_no_personal_data(tmp_path):
    database = f"sqlite:///{migrated(tmp_path / 'h.db')}"
    (tmp_path / "households.csv").write_text(HOUSEHOLDS, encoding="utf-8")
    await hamdeli_import("beneficiaries", tmp_path / "households.csv", database, tmp_path)
    async with bot_over_http(
        tmp_path, TOKEN, DATABASE_URL=database, LOG_LEVEL="DEBUG", ADMIN_IDS=str(ADMIN)
    ) as bot:
        maryam = Person(bot.emulator, 601, "Maryam")
        await maryam.send("/start")
        await maryam.click(fa("role-beneficiary-button"))
        typed = await maryam.send(("0" + MOBILE).translate(PERSIAN))  # typed, not shared
        assert typed == fa("verify-contact-expected")
        await maryam.share_contact("+98" + MOBILE, user_id=601)
        status = await maryam.send(SHORT_CODE.translate(PERSIAN), until=fa("status-title"))
        assert "***" in status  # the padded short code linked her

        stranger = Person(bot.emulator, 602, "Reza")
        await stranger.send("/start")
        await stranger.click(fa("role-beneficiary-button"))
        await stranger.send(("0" + OTHER_MOBILE).translate(ARABIC))
        for typed_code in (DASHED_CODE.translate(PERSIAN), DASHED_CODE):
            await stranger.share_contact("+98" + OTHER_MOBILE, user_id=602)
            refused = await stranger.send(typed_code)
            assert refused.startswith(fa("verify-failed", left=4).split(".")[0])

        staff = Person(bot.emulator, ADMIN, "Staff")
        for command in (f"/household {SHORT_CODE}", f"/household {CODE.translate(ARABIC)}"):
            record = await staff.send(command)
            assert NAME in record  # staff do see the record
    log = bot.log[0]
    assert " DEBUG " in log
    assert "getUpdates" in log
    assert REDACTED in log
    markers = [CODE, SHORT_CODE, DASHED_CODE, MOBILE, OTHER_MOBILE]
    for form in [form for marker in markers for form in every_form(marker)]:
        assert form not in log, form
    for word in (NAME, *NAME.split()):
        assert word not in log, word
    assert TOKEN not in log
