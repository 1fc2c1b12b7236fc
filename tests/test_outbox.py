"""Hearing back, through the outbox: queued with the change, sent once, never lost."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from bot.context import HamdeliContext
from bot.delivery import deliver_outbox, recover_outbox
from bot.domain import pledges
from bot.i18n import translator
from bot.models import NeedCategory, NeedDraft, NeedKind, OutboxStatus
from bot.text import format_clock

fa, en = translator("fa"), translator("en")
TOMAN = 10


@pytest.fixture
async def need_code(chat) -> str:
    province = next(p for p in await chat.store.provinces() if p.name_en == "Tehran")
    await chat.store.upsert_needs(
        [NeedDraft(city_id=province.cities[0].id, province_id=province.id,
                   category=NeedCategory.MEDICAL, kind=NeedKind.MONEY,
                   target=2_000_000 * TOMAN, description_fa="دارو", external_id="o1")],
        now=0,
    )  # fmt: skip
    return (await chat.store._fetchall("SELECT code FROM needs"))[0][0]


async def pledge_by(chat, person, code: str, typed: str, t=fa) -> str:
    await person.send("/start")
    await person.send(code)
    await person.click(t("card-help-button", name=t("category-medical")))
    await person.send(typed)
    await person.click(t("pledge-confirm-button"))
    return re.search(r"P-[2-9A-HJ-NP-Z]{6}", person.last_reply.text).group(0)


async def test_a_confirmed_payment_thanks_the_donor_in_their_language(chat, need_code) -> None:
    john = chat.user(lang="en")
    reference = await pledge_by(chat, john, need_code, "1000000", en)
    now = int(chat.application.services.clock())
    await pledges.confirm_payment(chat.store, reference=reference, bank_reference="998877",
                                  now=now)  # fmt: skip
    await deliver_outbox(HamdeliContext(chat.application))
    paid_at = dt.datetime.fromtimestamp(now, chat.application.services.settings.tz)
    assert john.last_reply.text == en(
        "donation-receipt-notice", reference=reference, amount="1,000,000 toman", code=need_code,
        date=paid_at.date(), time=format_clock(paid_at, "en"),
        transaction=en("donation-receipt-notice-tracking", tracking="998877"),
    )  # fmt: skip


async def test_delivery_is_told_to_every_donor_who_paid_once(chat, need_code) -> None:
    sara, reza = chat.user(), chat.user()
    first = await pledge_by(chat, sara, need_code, "۱ میلیون")
    second = await pledge_by(chat, reza, need_code, "۱ میلیون")
    now = int(chat.application.services.clock())
    for transfer, reference in enumerate((first, second), start=100001):  # a transfer each
        await pledges.confirm_payment(chat.store, reference=reference,
                                      bank_reference=str(transfer), now=now)  # fmt: skip
    await pledges.mark_delivered(chat.store, need_code=need_code, now=now)
    context = HamdeliContext(chat.application)
    await deliver_outbox(context)
    await deliver_outbox(context)  # nothing twice
    for person, reference in ((sara, first), (reza, second)):
        delivered = fa("need-delivered-notice", reference=reference, code=need_code,
                       amount="۱٬۰۰۰٬۰۰۰ تومان")  # fmt: skip
        assert [m.text for m in person.replies].count(delivered) == 1


async def test_a_blocked_donor_is_marked_and_not_retried(chat, need_code) -> None:
    sara = chat.user()
    reference = await pledge_by(chat, sara, need_code, "۱ میلیون")
    chat.emulator.block_chat(sara.id)
    await pledges.confirm_payment(chat.store, reference=reference, bank_reference="1", now=0)
    await deliver_outbox(HamdeliContext(chat.application))
    assert await chat.store.outbox_statuses("telegram") == {"blocked": 1}
    assert (await chat.store.account("telegram", sara.id)).blocked


async def test_a_network_error_is_retried_after_a_pause_and_arrives_once(chat, need_code):
    sara = chat.user()
    reference = await pledge_by(chat, sara, need_code, "۱ میلیون")
    await pledges.confirm_payment(chat.store, reference=reference, bank_reference="1", now=0)
    chat.emulator.fail_next("sendMessage", kind="5xx")
    chat.emulator.clear_calls()
    assert await deliver_outbox(HamdeliContext(chat.application)) == 1
    assert [call.status for call in chat.emulator.calls_to("sendMessage")] == [502, 200]
    assert await chat.store.outbox_statuses("telegram") == {"sent": 1}
    assert sum(m.text.startswith("💚") for m in sara.replies) == 1


async def test_a_send_interrupted_by_a_crash_is_not_repeated(start_app, chat, need_code):
    sara = chat.user()
    reference = await pledge_by(chat, sara, need_code, "۱ میلیون")
    await pledges.confirm_payment(chat.store, reference=reference, bank_reference="1", now=0)
    await chat.store.claim_outbox("telegram", int(chat.application.services.clock()), 10)
    # The process dies here, between claiming and sending. A new one starts.
    second = await start_app(emulator=chat.emulator)
    await recover_outbox(second.application)
    await deliver_outbox(HamdeliContext(second.application))
    assert await second.store.outbox_statuses("telegram") == {"unknown": 1}
    assert not any(m.text.startswith("💚") for m in sara.replies)


# -- the outbox repository, on both backends --------------------------------------------------


async def queue(store, user_id: int, due_at: int, key: str) -> None:
    await store._write(
        "INSERT INTO outbox (platform, user_id, message_id, args, due_at, created_at, "
        "dedupe_key) VALUES ('telegram', ?, 'aid-news-published', '{\"language\": \"en\"}', "
        "?, 0, ?)",
        (user_id, due_at, key),
    )


async def test_a_claim_takes_due_rows_once_and_a_send_is_finished_after(any_store) -> None:
    store = any_store
    await store.seen_account("telegram", 7, 70, "fa", 0)
    for user_id, due_at, key in ((7, 5, "a"), (8, 1, "b"), (7, 99, "later")):
        await queue(store, user_id, due_at, key)
    claimed = await store.claim_outbox("telegram", now=10, limit=5)
    assert [(i.user_id, i.chat_id, i.language, i.attempts) for i in claimed] == [
        (7, 70, "fa", 1),
        (8, 8, "en", 1),  # no user: addressed by its id, in the language it was queued with
    ]
    assert await store.claim_outbox("telegram", now=10, limit=5) == []
    assert await store.outbox_statuses("telegram") == {"sending": 2, "pending": 1}
    assert await store.outbox_backlog("telegram") == 3
    await store.finish_outbox(claimed[0].id, OutboxStatus.SENT, now=11)
    await store.finish_outbox(claimed[1].id, OutboxStatus.FAILED, now=11, retry_at=50)
    assert [i.attempts for i in await store.claim_outbox("telegram", now=60, limit=5)] == [2]
    assert await store.abandon_unfinished_sends("telegram") == 1
    assert await store.outbox_statuses("telegram") == {"sent": 1, "unknown": 1, "pending": 1}


async def test_an_overdue_outbox_is_stuck_only_while_nothing_is_sent(any_store) -> None:
    store = any_store
    await queue(store, 7, 5, "a")
    await queue(store, 7, 5, "b")
    assert not await store.outbox_stuck("telegram", due_before=5, sent_since=0)
    assert await store.outbox_stuck("telegram", due_before=6, sent_since=0)
    item = (await store.claim_outbox("telegram", now=10, limit=1))[0]
    await store.finish_outbox(item.id, OutboxStatus.SENT, now=20)
    assert not await store.outbox_stuck("telegram", due_before=6, sent_since=20)
    assert await store.outbox_stuck("telegram", due_before=6, sent_since=21)
    assert not await store.outbox_stuck("bale", due_before=6, sent_since=0)


async def test_a_person_who_blocked_the_bot_is_marked_at_once(any_store) -> None:
    store = any_store
    await store.seen_account("telegram", 7, 70, "fa", 0)
    await store.mark_blocked("telegram", 7)
    assert (await store.account("telegram", 7)).blocked
