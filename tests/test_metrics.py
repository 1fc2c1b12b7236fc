"""`/metrics` content: driven through the real Application and the emulator like a chat, then
read back with prometheus-client's own parser.

The registry is process-global (one per process, as Prometheus scrapes it), so every test
measures a delta: the scrape before, the scrape after.
"""

# ruff: noqa: F401, F811  (tests take the imported fixtures by name)

from __future__ import annotations

import re

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot import metrics
from bot.context import HamdeliContext
from bot.delivery import deliver_outbox, recover_outbox
from bot.domain import pledges
from bot.storage import Store
from tests.test_beneficiary_journey import CODE, OTHER_CODE, PHONE, beneficiary, household
from tests.test_donor_journey import donor, fa, needs
from tests.test_outbox import need_code, pledge_by
from tests.test_payments import TELEGRAM_TOKEN, pledge_and_invoice

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scraped(store=None) -> Samples:
    """Every sample of one scrape, by (sample name, labels)."""
    text = (await metrics.scrape(store)).decode()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sum of `name`'s samples whose labels include `labels` (0 when there are none)."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= ls)


@pytest.fixture
async def paying_chat(start_app):
    """The bot with in-chat payment on (Telegram, IRR), as in tests/test_payments.py."""
    return await start_app(payment_provider_token=TELEGRAM_TOKEN)


def delta(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


async def test_updates_are_counted_by_type_and_each_handler_is_timed(chat) -> None:
    before = await scraped()
    people = [chat.user() for _ in range(3)]
    for person in people:
        await person.send("/start")
    for person in people[:2]:
        await person.click(fa("role-donor-button"))
    after = await scraped()
    updates = "hamdeli_updates_total"
    assert delta(before, after, updates, platform="telegram", type="message") == 3
    assert delta(before, after, updates, platform="telegram", type="callback_query") == 2
    assert delta(before, after, updates, platform="bale") == 0
    # The account loader (group -2) runs once for every update: its histogram counts 5.
    loader = {"platform": "telegram", "handler": "bot.handlers.common.load_account"}
    assert delta(before, after, "hamdeli_handler_seconds_count", **loader) == 5
    assert delta(before, after, "hamdeli_handler_seconds_bucket", le="+Inf", **loader) == 5
    assert delta(before, after, "hamdeli_handler_seconds_sum", **loader) > 0
    start = {"platform": "telegram", "handler": "bot.handlers.common.start"}
    assert delta(before, after, "hamdeli_handler_seconds_count", **start) == 3
    # A click is timed under the route the one button router took, not the router's name.
    role = {"platform": "telegram", "handler": "bot.handlers.common.choose_role"}
    assert delta(before, after, "hamdeli_handler_seconds_count", **role) == 2
    assert not any("route_button" in dict(labels).get("handler", "") for _, labels in after)


async def test_api_calls_are_counted_by_method_and_outcome_and_429s_apart(chat) -> None:
    chat.application.bot.rate_limiter.backoff_base_s = 0.01
    chat.emulator.fail_next("sendMessage", kind="429", retry_after=None, times=2)
    before = await scraped()
    sara = chat.user()
    await sara.send("/start")
    after = await scraped()
    assert fa("welcome") in sara.last_reply.text
    send = {"platform": "telegram", "method": "sendMessage"}
    assert delta(before, after, "hamdeli_api_rate_limited_total", **send) == 2
    assert delta(before, after, "hamdeli_api_calls_total", outcome="http_429", **send) == 2
    assert delta(before, after, "hamdeli_api_calls_total", outcome="ok", **send) == 1

    chat.emulator.fail_next("sendMessage", kind="5xx")
    before = await scraped()
    await sara.send("/start")
    after = await scraped()
    assert delta(before, after, "hamdeli_api_calls_total", outcome="http_5xx", **send) == 1
    assert value(after, "hamdeli_api_healthy", platform="telegram") == 1  # the apology went

    for kind in ("timeout", "network"):
        chat.emulator.fail_next("sendMessage", kind=kind, times=2)  # the reply, the apology
        before = await scraped()
        await sara.send("/start")
        after = await scraped()
        assert delta(before, after, "hamdeli_api_calls_total", outcome=kind, **send) == 2
        assert value(after, "hamdeli_api_healthy", platform="telegram") == 0
    await sara.send("/start")
    assert value(await scraped(), "hamdeli_api_healthy", platform="telegram") == 1


async def test_a_blocked_persons_notice_counts_as_blocked(chat, need_code) -> None:
    sara = chat.user()
    reference = await pledge_by(chat, sara, need_code, "۱ میلیون")
    chat.emulator.block_chat(sara.id)
    await pledges.confirm_payment(chat.store, reference=reference, bank_reference="1", now=0)
    before = await scraped()
    await deliver_outbox(HamdeliContext(chat.application))
    after = await scraped()
    sends = "hamdeli_outbox_sends_total"
    notice = {"platform": "telegram", "kind": "notice"}
    assert delta(before, after, sends, outcome="blocked", **notice) == 1
    assert delta(before, after, sends, outcome="sent", **notice) == 0
    assert delta(before, after, "hamdeli_api_calls_total", outcome="http_4xx") == 1


async def test_a_payment_counts_once_in_toman_even_when_redelivered(paying_chat, needs):
    chat = paying_chat
    sara = await donor(chat)
    await pledge_and_invoice(chat, sara, needs["codes"]["t2"], "1000000")
    before = await scraped()
    checkout = await sara.pay()
    await sara.redeliver(checkout.update)
    await sara.redeliver(checkout.update)
    after = await scraped()
    assert delta(before, after, "hamdeli_payments_total", platform="telegram") == 1
    assert delta(before, after, "hamdeli_paid_toman_total", platform="telegram") == 1_000_000
    updates = {"name": "hamdeli_updates_total", "platform": "telegram"}
    assert delta(before, after, type="pre_checkout_query", **updates) == 1
    assert delta(before, after, type="message", **updates) == 3  # the payment, twice again


async def test_store_gauges_match_the_store(chat, need_code) -> None:
    sara, reza = chat.user(), chat.user()
    first = await pledge_by(chat, sara, need_code, "۱ میلیون")
    await pledge_by(chat, reza, need_code, "۵۰۰ هزار")
    await pledges.confirm_payment(chat.store, reference=first, bank_reference="1", now=0)
    samples = await scraped(chat.store)
    by_status = await chat.store._fetchall("SELECT status, count(*) FROM pledges GROUP BY 1")
    assert dict(by_status) == {"paid": 1, "awaiting_payment": 1}
    for status, count in by_status:
        assert value(samples, "hamdeli_pledges", platform="telegram", status=status) == count
    waiting = await chat.store._fetchall(
        "SELECT count(*) FROM outbox WHERE status = 'pending' AND broadcast_id IS NULL"
    )
    assert waiting[0][0] > 0
    depth = {"platform": "telegram", "kind": "notice"}
    assert value(samples, "hamdeli_outbox_depth", **depth) == waiting[0][0]
    assert value(samples, "hamdeli_broadcasts_running") == 0

    await deliver_outbox(HamdeliContext(chat.application))
    samples = await scraped(chat.store)
    assert value(samples, "hamdeli_outbox_depth", **depth) == 0  # emptied, not kept stale


async def test_verification_failures_and_the_lock_are_counted(chat, household) -> None:
    other = await beneficiary(chat)
    before = await scraped()
    for _ in range(5):
        await other.click(fa("verify-share-contact-button"))
        await other.send(OTHER_CODE)  # the code exists, but this is not its phone
    await other.send("/start")
    await other.click(fa("role-beneficiary-button"))  # locked: refused, not a new failure
    after = await scraped()
    assert delta(before, after, "hamdeli_verification_failures_total", platform="telegram") == 5
    assert delta(before, after, "hamdeli_verification_locks_total", platform="telegram") == 1


async def test_no_label_carries_a_user_id_a_national_code_or_typed_text(chat, household) -> None:
    maryam = await beneficiary(chat)
    await maryam.click(fa("verify-share-contact-button"))  # shares +989121234567
    await maryam.send(CODE)
    await maryam.send("my secret words")
    stranger = await beneficiary(chat)
    await stranger.click(fa("verify-share-contact-button"))
    await stranger.send(OTHER_CODE)
    await stranger.send("/start " + OTHER_CODE)
    assert await chat.store.beneficiary_link("telegram", maryam.id) == CODE
    labels = [
        label for (_, pairs) in (await scraped(chat.store)) for pair in pairs for label in pair
    ]
    assert "hamdeli_updates" not in labels  # names are not labels: the scrape was parsed
    typed = [CODE, OTHER_CODE, PHONE, PHONE.removeprefix("+98"), "secret"]
    ids = {str(person.id) for person in (maryam, stranger)}
    for label in labels:
        assert not any(text in label for text in typed), label
        assert not any(run in ids for run in re.findall(r"\d+", label)), label
    assert any(label.startswith("bot.handlers.") for label in labels)


async def test_an_unreadable_store_leaves_the_counters_and_says_so(
    chat, need_code, tmp_path
) -> None:
    await pledge_by(chat, chat.user(), need_code, "۱ میلیون")
    samples = await scraped(chat.store)
    assert value(samples, "hamdeli_store_readable") == 1
    assert value(samples, "hamdeli_pledges", status="awaiting_payment") == 1
    unopened = Store(tmp_path / "never-opened.db")
    samples = await scraped(unopened)
    assert value(samples, "hamdeli_store_readable") == 0
    assert value(samples, "hamdeli_updates_total", type="message") >= 1
    assert value(samples, "hamdeli_pledges") == 0  # left out, not shown stale
    assert not any(name == "hamdeli_pledges" for name, _ in samples)


async def test_a_send_a_crash_interrupted_counts_as_abandoned(start_app, chat, need_code):
    sara = chat.user()
    reference = await pledge_by(chat, sara, need_code, "۱ میلیون")
    await pledges.confirm_payment(chat.store, reference=reference, bank_reference="1", now=0)
    await chat.store.claim_outbox("telegram", int(chat.application.services.clock()), 10)
    samples = await scraped(chat.store)
    assert value(samples, "hamdeli_outbox_depth", platform="telegram", kind="notice") == 1
    before = await scraped()
    second = await start_app(emulator=chat.emulator)  # the process died mid-send
    await recover_outbox(second.application)
    after = await scraped(second.store)
    assert delta(before, after, "hamdeli_outbox_abandoned_total", platform="telegram") == 1
    assert value(after, "hamdeli_outbox_depth", platform="telegram") == 0
