"""Two workers on one PostgreSQL, in this process: a person's next update may reach either.

What a worker keeps in memory must not decide what it answers when another worker has
moved on since (issue #12): the conversation state (PTB reads persisted states only when it
starts, so each update's state is read again when the store is shared) and the cached
account (a persona or role chosen on one worker holds on the other at once). The real
three-process version is tests/test_workers_over_http.py; these show each rule alone.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import build_application
from bot.context import HamdeliApplication
from bot.emulator import BotApiEmulator, EmulatedUser
from bot.i18n import translator
from bot.models import NeedCategory, NeedDraft, NeedKind
from tests.conftest import FakeClock, make_settings

pytestmark = pytest.mark.pg

fa = translator("fa")
PERSON = 4242


@pytest.fixture
async def workers(
    tmp_path: Path, pg_dsn: str, clock: FakeClock
) -> AsyncIterator[tuple[BotApiEmulator, list[HamdeliApplication]]]:
    """Two Applications, each with its own store (pool) on one database, as two processes."""
    emulator = BotApiEmulator()
    settings = make_settings(tmp_path, database_url=pg_dsn)
    applications = [build_application(settings, request=emulator, clock=clock) for _ in range(2)]
    for application in applications:
        await application.initialize()
    yield emulator, applications
    for application in applications:
        await application.shutdown()


async def open_need(application: HamdeliApplication) -> str:
    store = application.services.store
    province = (await store.provinces())[0]
    draft = NeedDraft(
        city_id=province.cities[0].id, province_id=province.id, category=NeedCategory.MEDICAL,
        kind=NeedKind.MONEY, target=50_000_000, description_fa="داروی ماهانه",
        external_id="two-workers",
    )  # fmt: skip
    await store.upsert_needs([draft], now=int(time.time()))
    rows = await store._fetchall("SELECT code FROM needs WHERE external_id = 'two-workers'")
    return str(rows[0][0])


async def test_a_flow_begun_on_one_worker_goes_on_on_the_other(workers) -> None:
    """Asked for an amount by the first worker, the donor's typed amount reaches the
    second: it is read as the amount (the confirm button comes), not as a stray message."""
    emulator, (first, second) = workers
    code = await open_need(first)
    on_first, on_second = (
        EmulatedUser(emulator, first, PERSON),
        EmulatedUser(emulator, second, PERSON),
    )
    await on_first.send(f"/start need_{code}")
    asked = await on_first.click(fa("card-help-button", name=fa("category-medical")))
    assert "باقی‌مانده" in asked[-1].text
    answer = await on_second.send("۲ میلیون")
    assert answer[-1].find_button(fa("pledge-confirm-button")) is not None
    done = await on_first.click(fa("pledge-confirm-button"))  # and back on the first
    assert "P-" in done[-1].text


async def test_leaving_a_flow_on_one_worker_is_seen_by_the_other(workers) -> None:
    """/cancel on the second worker ends the flow the first began: the first then reads a
    typed amount as what it is outside any flow (words it does not understand), never as
    the old flow's answer (without the state read again it answered "this need no longer
    takes help", the flow's words for an amount whose need it could not find)."""
    emulator, (first, second) = workers
    code = await open_need(first)
    on_first, on_second = (
        EmulatedUser(emulator, first, PERSON),
        EmulatedUser(emulator, second, PERSON),
    )
    await on_first.send(f"/start need_{code}")
    await on_first.click(fa("card-help-button", name=fa("category-medical")))
    await on_second.send("/cancel")
    answer = await on_first.send("۲ میلیون")
    assert all(m.find_button(fa("pledge-confirm-button")) is None for m in answer)
    assert [m.text.split("\n")[0] for m in answer] == [fa("unknown-text")]


async def test_a_persona_chosen_on_one_worker_holds_on_the_other_at_once(
    workers, clock: FakeClock
) -> None:
    """The second worker cached the account before the person chose to be a donor on the
    first; its next answer already knows (the cache is re-read on a shared store)."""
    emulator, (first, second) = workers
    on_first, on_second = (
        EmulatedUser(emulator, first, PERSON),
        EmulatedUser(emulator, second, PERSON),
    )
    await on_second.send("/start")  # cached on the second, with no persona yet
    await on_first.send("/start")
    await on_first.click(fa("role-donor-button"))
    store = second.services.store
    account = await store.seen_account("telegram", PERSON, PERSON, "fa", int(clock()))
    assert account.persona is not None
    assert account.persona.value == "donor"
