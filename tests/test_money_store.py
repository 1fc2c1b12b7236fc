"""Payments and credits called on the store directly, on both backends (SQLite, PostgreSQL):
a payment pays its pledge once, takes a fresh share only where there is room, or becomes
the donor's credit; reconciliation counts each transaction once, whichever of the update
and the inquiry comes first; credit is spent once and never over-commits a need. The
concurrent tests run two processes (two SQLite connections on one file, or two PostgreSQL
pools) against one database.

The same rules through the real Application are in tests/test_payments.py,
test_credits.py and test_reconcile.py (SQLite until the Application runs on both)."""

from __future__ import annotations

import asyncio
import itertools
import json

import pytest

from bot.codes import new_confirm_token, new_pledge_reference
from bot.domain import credits, payments, reconcile
from bot.domain.reconcile import ReconcileRules
from bot.models import (
    Checkout,
    CheckoutState,
    CreditSource,
    IncomingPayment,
    Inquiry,
    NeedCategory,
    NeedDraft,
    NeedKind,
    NeedStatus,
    PaymentOutcome,
    Pledge,
    PledgeStatus,
    TransactionAnswer,
)
from bot.storage import Store
from bot.storage.records import TrackingNumberUsed
from tests.conftest import another_process

NOW = 1_800_000_000
PLATFORM = "bale"  # where reconciliation asks; everything here is on it
AMOUNT = 1_000_000  # rials
RULES = ReconcileRules(after_s=300, max_inquiries=3)
_ids = itertools.count(1)


@pytest.fixture
def store(any_store: Store) -> Store:
    """Every test here runs on both backends (SQLite, PostgreSQL)."""
    return any_store


async def add_need(store: Store, target: int = 2 * AMOUNT, **changes: object) -> int:
    tehran = (await store.provinces())[0]
    external_id = f"ext-{next(_ids)}"
    draft = NeedDraft(
        city_id=tehran.cities[0].id, province_id=tehran.id, category=NeedCategory.DOWRY,
        kind=NeedKind.MONEY, target=target, description_fa="یک سرویس جهیزیه",
        external_id=external_id, **changes,  # type: ignore[arg-type]
    )  # fmt: skip
    await store.upsert_needs([draft], now=NOW)
    rows = await store._fetchall("SELECT id FROM needs WHERE external_id = ?", (external_id,))
    return int(rows[0][0])


async def donor(store: Store) -> int:
    user_id = next(_ids)
    await store.seen_account(PLATFORM, user_id, user_id, "fa", NOW)
    return user_id


async def pledge(store: Store, need_id: int, amount: int = AMOUNT) -> Pledge:
    made, _ = await store.reserve_pledge(
        need_id=need_id, platform=PLATFORM, donor_id=await donor(store), amount=amount,
        token=new_confirm_token(), reference=new_pledge_reference(), now=NOW,
        expires_at=NOW + 3600,
    )  # fmt: skip
    assert made is not None
    return made


async def invoice(store: Store, made: Pledge) -> str:
    offered = await payments.offer_invoice(
        store, reference=made.reference, platform=PLATFORM, donor_id=made.donor_id,
        currency="IRR", now=NOW,
    )  # fmt: skip
    return offered.payload


def paid(made: Pledge, payload: str, charge: str | None = None, **changes: object):
    return IncomingPayment(
        platform=PLATFORM, donor_id=made.donor_id, payload=payload, amount=made.amount,
        currency="IRR", charge_id=charge or f"charge-{next(_ids)}", provider_charge_id=None,
        **changes,  # type: ignore[arg-type]
    )  # fmt: skip


async def outbox(store: Store, message_id: str) -> list[dict]:
    rows = await store._fetchall(
        "SELECT args FROM outbox WHERE message_id = ? ORDER BY id", (message_id,)
    )
    return [json.loads(row[0]) for row in rows]


async def assert_money_adds_up(store: Store) -> None:
    total, allocated, unallocated = await store.ledger()
    assert total == allocated + unallocated
    assert await store.ledger_problems() == []


async def expired_pledge_of_a_full_need(store: Store) -> tuple[Pledge, str, int]:
    """A pledge that expired after its invoice while another donor filled the need: its
    payment can only become credit."""
    need_id = await add_need(store, target=AMOUNT)
    made = await pledge(store, need_id)
    payload = await invoice(store, made)
    await store.release_pledge(made.reference, PledgeStatus.EXPIRED, NOW + 1)
    await pledge(store, need_id)
    return made, payload, need_id


# -- payments --------------------------------------------------------------------------------


async def test_a_payment_pays_its_pledge_and_thanks_the_donor_once(store) -> None:
    need_id = await add_need(store, target=AMOUNT)
    made = await pledge(store, need_id)
    payload = await invoice(store, made)
    assert await payments.pre_checkout(
        store, payload=payload, amount=AMOUNT, currency="IRR", now=NOW
    ) is None  # fmt: skip
    payment = paid(made, payload)
    result = await payments.receive_payment(store, payment, NOW + 5)
    assert (result.outcome, result.allocated, result.unallocated) == (
        PaymentOutcome.PAID,
        AMOUNT,
        0,
    )
    assert result.pledge.status is PledgeStatus.PAID
    need = await store.need(need_id)
    assert (need.status, need.reserved, need.paid) == (NeedStatus.FUNDED, 0, AMOUNT)
    check = await store.invoice_check(payload)
    assert (check.used, check.pledge_status) == (True, PledgeStatus.PAID)
    [row] = await store.payments_of_pledge(made.reference)
    assert (row.amount, row.allocated, row.charge_id) == (
        AMOUNT,
        AMOUNT,
        payment.charge_id,
    )
    assert await store.ledger() == (AMOUNT, AMOUNT, 0)
    [thanks] = await outbox(store, payments.PAID_NOTICE)
    assert (thanks["reference"], thanks["charge_id"]) == (made.reference, payment.charge_id)
    again = await payments.receive_payment(store, payment, NOW + 9)  # the update, redelivered
    assert again.outcome is PaymentOutcome.DUPLICATE
    assert await store.ledger() == (AMOUNT, AMOUNT, 0)
    assert len(await outbox(store, payments.PAID_NOTICE)) == 1
    audit = [row for row in await store.latest_audit() if row.action == "payment_received"]
    assert [row.subject_id for row in audit] == [payment.charge_id]
    await assert_money_adds_up(store)


async def test_a_payment_after_its_pledge_expired_takes_a_fresh_share_if_there_is_room(
    store,
) -> None:
    need_id = await add_need(store)
    made = await pledge(store, need_id)
    payload = await invoice(store, made)
    await store.release_pledge(made.reference, PledgeStatus.EXPIRED, NOW + 1)
    result = await payments.receive_payment(store, paid(made, payload), NOW + 5)
    assert (result.outcome, result.allocated) == (PaymentOutcome.RESERVED_AGAIN, AMOUNT)
    assert (await store.pledge(made.reference)).status is PledgeStatus.PAID
    need = await store.need(need_id)
    assert (need.reserved, need.paid, need.status) == (0, AMOUNT, NeedStatus.OPEN)
    await assert_money_adds_up(store)


async def test_a_payment_with_no_room_left_becomes_the_donors_credit(store) -> None:
    made, payload, need_id = await expired_pledge_of_a_full_need(store)
    payment = paid(made, payload)
    result = await payments.receive_payment(store, payment, NOW + 5)
    assert (result.outcome, result.allocated, result.unallocated) == (
        PaymentOutcome.UNALLOCATED, 0, AMOUNT,
    )  # fmt: skip
    assert await store.ledger() == (AMOUNT, 0, AMOUNT)
    [credit] = await store.credits_of_donor(PLATFORM, made.donor_id)
    assert (credit.amount, credit.unallocated, credit.source) == (
        AMOUNT, AMOUNT, CreditSource.PAYMENT,
    )  # fmt: skip
    assert (credit.need_id, credit.pledge_id) == (need_id, made.id)
    [asked] = await outbox(store, payments.UNALLOCATED_NOTICE)
    assert (asked["reference"], asked["credit"]) == (made.reference, credit.id)
    assert await store.credit_totals() == (AMOUNT, 0)
    assert (await store.need(need_id)).reserved + (await store.need(need_id)).paid == AMOUNT
    await assert_money_adds_up(store)


async def test_a_second_payment_of_a_paid_pledge_becomes_credit_and_is_told_once(store) -> None:
    made = await pledge(store, await add_need(store))
    payload = await invoice(store, made)
    await payments.receive_payment(store, paid(made, payload), NOW + 5)
    second = paid(made, payload)
    assert (await payments.receive_payment(store, second, NOW + 6)).outcome is (
        PaymentOutcome.UNALLOCATED
    )
    assert (await payments.receive_payment(store, second, NOW + 7)).outcome is (
        PaymentOutcome.DUPLICATE
    )
    assert await store.ledger() == (2 * AMOUNT, AMOUNT, AMOUNT)
    assert len(await outbox(store, payments.UNALLOCATED_NOTICE)) == 1
    assert len(await store.payments_of_pledge(made.reference)) == 2
    await assert_money_adds_up(store)


# -- reconciliation --------------------------------------------------------------------------


def approved(made: Pledge, payload: str, transaction_id: str | None = None) -> Checkout:
    return Checkout(
        transaction_id or f"pc{next(_ids)}", PLATFORM, made.donor_id, payload, made.amount, "IRR",
        NOW, CheckoutState.AWAITING, 0, None,
    )  # fmt: skip


async def test_an_inquiry_then_the_late_update_count_one_payment(store) -> None:
    made = await pledge(store, await add_need(store))
    payload = await invoice(store, made)
    checkout = approved(made, payload)
    await reconcile.remember_approval(store, checkout, RULES)
    [due] = await store.due_checkouts(PLATFORM, NOW + 300, 10)
    assert (due.transaction_id, due.next_inquiry_at) == (checkout.transaction_id, NOW + 300)
    pending = Inquiry(TransactionAnswer.PENDING, detail="pending")
    assert await reconcile.settle(store, due, pending, NOW + 300, RULES) is CheckoutState.AWAITING
    due = await store.checkout(checkout.transaction_id)
    yes = Inquiry(TransactionAnswer.PAID, AMOUNT, "paid")
    assert await reconcile.settle(store, due, yes, NOW + 900, RULES) is CheckoutState.RECONCILED
    assert await store.ledger() == (AMOUNT, AMOUNT, 0)
    late = paid(made, payload)  # the lost update, delivered at last
    assert (await payments.receive_payment(store, late, NOW + 950)).outcome is (
        PaymentOutcome.DUPLICATE
    )
    assert await store.ledger() == (AMOUNT, AMOUNT, 0)
    assert await store.due_checkouts(PLATFORM, NOW + 10**6, 10) == []
    answers = [row.answer for row in await store.inquiries_of(checkout.transaction_id)]
    assert answers == ["pending", "paid"]
    await assert_money_adds_up(store)


async def test_with_two_checkouts_the_update_is_claimed_by_the_inquiry_that_finds_it(
    store,
) -> None:
    """Two sheets of one invoice; one update arrives but cannot say which checkout it
    settles. Bale's "paid" for the first takes that update's money: nothing counts twice."""
    made = await pledge(store, await add_need(store))
    payload = await invoice(store, made)
    first, second = approved(made, payload), approved(made, payload)
    for checkout in (first, second):
        await reconcile.remember_approval(store, checkout, RULES)
    update = paid(made, payload)
    assert (await payments.receive_payment(store, update, NOW + 5)).outcome is PaymentOutcome.PAID
    assert len(await store.due_checkouts(PLATFORM, NOW + 300, 10)) == 2
    yes = Inquiry(TransactionAnswer.PAID, AMOUNT, "paid")
    assert await reconcile.settle(store, first, yes, NOW + 300, RULES) is CheckoutState.PAID
    assert (await store.checkout(first.transaction_id)).state is CheckoutState.PAID
    no = Inquiry(TransactionAnswer.FAILED, detail="failed")
    assert await reconcile.settle(store, second, no, NOW + 300, RULES) is CheckoutState.DECLINED
    assert await store.ledger() == (AMOUNT, AMOUNT, 0)
    await assert_money_adds_up(store)


async def test_checkouts_arriving_together_are_each_stored_once(store) -> None:
    """Hundreds of approvals at once, some of them delivered twice."""
    rows = [
        Checkout(f"pc{n}", PLATFORM, n, f"P-AAAAAA:{n:08d}", 10_000, "IRR", NOW,
                 CheckoutState.AWAITING, 0, NOW + 300)
        for n in range(200)
    ]  # fmt: skip
    await asyncio.gather(*(store.record_checkout(row) for row in rows + rows[:20]))
    due = await store.due_checkouts(PLATFORM, NOW + 300, 500)
    assert sorted(c.transaction_id for c in due) == sorted(r.transaction_id for r in rows)
    assert await store.checkout("pc7") == rows[7]


async def test_a_checkout_asked_too_often_is_given_up_audited_once(store) -> None:
    made = await pledge(store, await add_need(store))
    checkout = approved(made, await invoice(store, made))
    await reconcile.remember_approval(store, checkout, RULES)
    unknown = Inquiry(TransactionAnswer.UNKNOWN, detail="not found")
    states = []
    for asked in range(3):
        due = await store.checkout(checkout.transaction_id)
        states.append(await reconcile.settle(store, due, unknown, NOW + 300 * (asked + 1), RULES))
    assert states == [CheckoutState.AWAITING, CheckoutState.AWAITING, CheckoutState.GIVEN_UP]
    assert await reconcile.settle(store, due, unknown, NOW + 5000, RULES) is None
    [audit] = [row for row in await store.latest_audit() if row.action.endswith("given_up")]
    assert json.loads(audit.details) == {
        "actor": "payment", "transaction": checkout.transaction_id, "inquiries": 3,
        "last_answer": "unknown", "amount": AMOUNT,
    }  # fmt: skip
    assert await store.ledger() == (0, 0, 0)


# -- credits ---------------------------------------------------------------------------------


async def a_credit(store: Store) -> tuple[int, Pledge]:
    made, payload, _ = await expired_pledge_of_a_full_need(store)
    await payments.receive_payment(store, paid(made, payload), NOW + 5)
    [credit] = await store.credits_of_donor(PLATFORM, made.donor_id)
    return credit.id, made


async def code_of(store: Store, need_id: int) -> str:
    return (await store.need(need_id)).code


async def test_a_credit_moves_to_a_need_as_far_as_it_has_room_and_only_by_its_donor(
    store,
) -> None:
    credit_id, made = await a_credit(store)
    small = await add_need(store, target=AMOUNT // 4)
    stranger = await donor(store)
    with pytest.raises(credits.CreditRefused):
        await credits.move_to_need(
            store, credit_id=credit_id, code=await code_of(store, small), platform=PLATFORM,
            donor_id=stranger, now=NOW + 10,
        )  # fmt: skip
    done = await credits.move_to_need(
        store, credit_id=credit_id, code=await code_of(store, small), platform=PLATFORM,
        donor_id=made.donor_id, now=NOW + 10,
    )  # fmt: skip
    assert (done.moved, done.to_office, done.credit.unallocated) == (
        AMOUNT // 4, 0, AMOUNT - AMOUNT // 4,
    )  # fmt: skip
    assert done.pledge.status is PledgeStatus.PAID
    assert (await store.need(small)).status is NeedStatus.FUNDED
    with pytest.raises(credits.CreditRefused, match="credit-need-full"):
        await credits.move_to_need(
            store, credit_id=credit_id, code=await code_of(store, small), platform=PLATFORM,
            donor_id=made.donor_id, now=NOW + 11,
        )  # fmt: skip
    rest = await credits.give_to_office(
        store, credit_id=credit_id, platform=PLATFORM, donor_id=made.donor_id, now=NOW + 12
    )
    assert (rest.to_office, rest.credit.unallocated, rest.credit.decided_by) == (
        AMOUNT - AMOUNT // 4, 0, "donor",
    )  # fmt: skip
    assert await store.credits_of_donor(PLATFORM, made.donor_id) == []
    assert await store.office_share() == AMOUNT - AMOUNT // 4
    [row] = await store.credits_for_export()
    assert (row.source, row.amount, row.unallocated, row.office, row.placed) == (
        "payment", AMOUNT, 0, AMOUNT - AMOUNT // 4, AMOUNT // 4,
    )  # fmt: skip
    await assert_money_adds_up(store)


async def test_the_office_decides_an_unanswered_credit_once_and_tells_the_donor(store) -> None:
    credit_id, _ = await a_credit(store)
    urgent = await add_need(store, target=AMOUNT // 2, urgent=True)
    await add_need(store, target=AMOUNT)  # similar, but not the most urgent
    assert await credits.credit_clock_tick(store, NOW + 100, PLATFORM, days=7, k=0) == []
    later = NOW + 8 * credits.DAY_S
    [done] = await credits.credit_clock_tick(store, later, PLATFORM, days=7, k=0)
    assert (done.credit.id, done.need.id, done.moved, done.to_office) == (
        credit_id, urgent, AMOUNT // 2, AMOUNT // 2,
    )  # fmt: skip
    assert await credits.credit_clock_tick(store, later + 60, PLATFORM, days=7, k=0) == []
    [told] = await outbox(store, credits.DECIDED_NOTICE)
    assert told == {"credit": credit_id, "amount": AMOUNT // 2, "office": AMOUNT // 2,
                    "code": await code_of(store, urgent)}  # fmt: skip
    assert await store.credit_totals() == (0, AMOUNT // 2)
    decided = [row for row in await store.latest_audit() if row.action == "credit_decided"]
    assert [row.actor_id for row in decided] == [None]
    await assert_money_adds_up(store)


async def test_similar_needs_are_in_browse_order(store) -> None:
    import datetime as dt

    source = await add_need(store)
    later = await add_need(store, deadline=dt.date(2027, 3, 1))
    undated = await add_need(store)
    sooner = await add_need(store, deadline=dt.date(2027, 1, 1))
    urgent = await add_need(store, urgent=True)
    found = await store.similar_needs(await store.need(source), same_city=True, limit=10)
    assert [n.id for n in found] == [urgent, sooner, later, undated]


async def add_confirmation(store: Store, token: str) -> None:
    await store._write(
        "INSERT INTO staff_confirmations (token, platform, user_id, action, subject, "
        "created_at) VALUES (?, 'telegram', 1, 'place_office', 'x', ?)",
        (token, NOW),
    )


async def test_staff_place_the_office_share_once_per_confirmation(store) -> None:
    credit_id, made = await a_credit(store)
    await credits.give_to_office(
        store, credit_id=credit_id, platform=PLATFORM, donor_id=made.donor_id, now=NOW + 10
    )
    need_id = await add_need(store, target=AMOUNT // 4)
    await add_confirmation(store, "tok-1")
    placed = await store.place_office_share(
        need_id, NOW + 20, platform=PLATFORM, actor_id=1, token="tok-1"
    )
    assert (placed[0].id, placed[0].status, placed[1]) == (need_id, NeedStatus.FUNDED, AMOUNT // 4)
    assert await store.place_office_share(
        need_id, NOW + 21, platform=PLATFORM, actor_id=1, token="tok-1"
    ) is None  # fmt: skip
    assert await store.office_share() == AMOUNT - AMOUNT // 4
    full = await store.place_office_share(need_id, NOW + 22, platform=PLATFORM, actor_id=1)
    assert full is None  # no room: nothing placed, nothing audited
    audit = [row for row in await store.latest_audit() if row.action == "office_share_placed"]
    assert [(row.actor_id, json.loads(row.details)["amount"]) for row in audit] == [
        (1, AMOUNT // 4)
    ]
    await assert_money_adds_up(store)


async def test_the_ledger_names_money_that_does_not_add_up(store) -> None:
    """Both backends find the same fault and say it in the same words."""
    made = await pledge(store, await add_need(store))
    payload = await invoice(store, made)
    await payments.receive_payment(store, paid(made, payload), NOW + 5)
    await store._write("UPDATE needs SET paid = paid + 7")
    problems = await store.ledger_problems()
    need = await store.need(made.need_id)
    assert problems == [
        f"need {need.code}: target {2 * AMOUNT}, reserved 0, paid {AMOUNT + 7}, "
        f"pledges paid {AMOUNT}"
    ]


# -- concurrency: two processes on one database ------------------------------------------------


async def test_one_payment_recorded_at_once_by_two_processes_counts_once(store) -> None:
    """A redelivered successful_payment reaching two workers at the same moment."""
    made = await pledge(store, await add_need(store))
    payment = paid(made, await invoice(store, made))
    async with another_process(store) as other:
        results = await asyncio.gather(
            *(payments.receive_payment(s, payment, NOW + 5) for s in [store, other] * 10)
        )
    outcomes = sorted(r.outcome for r in results)
    assert outcomes == [PaymentOutcome.DUPLICATE] * 19 + [PaymentOutcome.PAID]
    assert await store.ledger() == (AMOUNT, AMOUNT, 0)
    assert len(await outbox(store, payments.PAID_NOTICE)) == 1
    await assert_money_adds_up(store)


async def test_an_update_and_an_inquiry_of_one_payment_at_once_count_it_once(store) -> None:
    """The update arrives in one worker while the job in another hears Bale say "paid"."""
    for _ in range(5):
        made = await pledge(store, await add_need(store))
        payload = await invoice(store, made)
        checkout = approved(made, payload)
        await reconcile.remember_approval(store, checkout, RULES)
        yes = Inquiry(TransactionAnswer.PAID, AMOUNT, "paid")
        async with another_process(store) as other:
            await asyncio.gather(
                payments.receive_payment(store, paid(made, payload), NOW + 5),
                reconcile.settle(other, checkout, yes, NOW + 5, RULES),
            )
        assert len(await store.payments_of_pledge(made.reference)) == 1
    assert await store.ledger() == (5 * AMOUNT, 5 * AMOUNT, 0)
    await assert_money_adds_up(store)


async def test_payments_racing_for_the_last_room_never_over_fund_the_need(store) -> None:
    """Ten expired pledges whose payments arrive at once in two workers, with room for
    four: four take a share again, six become credit, and every rial has a home."""
    need_id = await add_need(store, target=10 * AMOUNT)
    made = [await pledge(store, need_id) for _ in range(10)]
    payloads = [await invoice(store, m) for m in made]
    for m in made:
        await store.release_pledge(m.reference, PledgeStatus.EXPIRED, NOW + 1)
    for _ in range(6):
        await pledge(store, need_id)
    async with another_process(store) as other:
        results = await asyncio.gather(
            *(payments.receive_payment(store if i % 2 else other, paid(m, p), NOW + 5)
              for i, (m, p) in enumerate(zip(made, payloads, strict=True)))
        )  # fmt: skip
    outcomes = [r.outcome for r in results]
    assert outcomes.count(PaymentOutcome.RESERVED_AGAIN) == 4
    assert outcomes.count(PaymentOutcome.UNALLOCATED) == 6
    need = await store.need(need_id)
    assert need.reserved + need.paid == need.target
    assert await store.ledger() == (10 * AMOUNT, 4 * AMOUNT, 6 * AMOUNT)
    await assert_money_adds_up(store)


async def test_a_credit_pressed_many_times_at_once_in_two_processes_is_spent_once(store) -> None:
    """Presses on "move to this need" and "give to the office", and the office's own
    decision, all at once in two workers: the credit is spent once, never below zero."""
    credit_id, made = await a_credit(store)
    needs = [await add_need(store, target=AMOUNT // 2) for _ in range(3)]
    codes = [await code_of(store, n) for n in needs]
    async with another_process(store) as other:

        async def press(which: Store, i: int) -> object:
            try:
                if i % 3 == 2:
                    return await credits.give_to_office(
                        which, credit_id=credit_id, platform=PLATFORM,
                        donor_id=made.donor_id, now=NOW + 10,
                    )  # fmt: skip
                return await credits.move_to_need(
                    which, credit_id=credit_id, code=codes[i % len(codes)],
                    platform=PLATFORM, donor_id=made.donor_id, now=NOW + 10,
                )  # fmt: skip
            except credits.CreditRefused as refused:
                return refused.message_id

        results = await asyncio.gather(
            *(press(store if i % 2 else other, i) for i in range(30)),
            credits.credit_clock_tick(other, NOW + 8 * credits.DAY_S, PLATFORM, days=7, k=0),
        )
    credit = await store.credit(credit_id)
    funded = await store._fetchall(
        "SELECT coalesce(sum(amount), 0) FROM pledges WHERE funded_by_credit = ?", (credit_id,)
    )
    assert credit.unallocated == 0
    assert credit.office + funded[0][0] == AMOUNT
    for need_id in needs:
        need = await store.need(need_id)
        assert need.reserved + need.paid <= need.target
    moves = [r for r in results[:-1] if not isinstance(r, str)] + list(results[-1])
    assert sum(m.moved + m.to_office for m in moves) == AMOUNT
    await assert_money_adds_up(store)


async def test_two_staff_placing_the_office_share_at_once_place_it_once(store) -> None:
    credit_id, made = await a_credit(store)
    await credits.give_to_office(
        store, credit_id=credit_id, platform=PLATFORM, donor_id=made.donor_id, now=NOW + 10
    )
    needs = [await add_need(store, target=AMOUNT // 2) for _ in range(4)]
    for i in range(8):
        await add_confirmation(store, f"tok-{i}")
    async with another_process(store) as other:
        placed = await asyncio.gather(
            *(s.place_office_share(needs[i % 4], NOW + 20, platform=PLATFORM, actor_id=1,
                                   token=f"tok-{i // 2}")
              for i, s in enumerate([store, other] * 4))
        )  # fmt: skip
    total = sum(p[1] for p in placed if p is not None)
    assert total == AMOUNT
    assert await store.office_share() == 0
    await assert_money_adds_up(store)


async def test_one_bank_tracking_number_confirms_one_pledge_when_two_staff_type_it_at_once(
    store,
) -> None:
    """Two staff members in two workers confirm two pledges with the same transfer's number
    at the same moment: one is confirmed, the other refused with the first's code (read
    committed alone would let both see the number unused), and only one share is paid."""
    for round_ in range(5):
        need_id = await add_need(store, target=2 * AMOUNT)
        first, second = [await pledge(store, need_id) for _ in range(2)]
        number = f"5550001{round_:05d}"
        async with another_process(store) as other:
            await other.need(need_id)  # its connection open, so the two really meet
            results = await asyncio.gather(
                store.confirm_pledge_payment(first.reference, number, NOW + 5),
                other.confirm_pledge_payment(second.reference, number, NOW + 5),
                return_exceptions=True,
            )
        refused = [r for r in results if isinstance(r, TrackingNumberUsed)]
        confirmed = [r for r in results if isinstance(r, tuple)]
        assert len(confirmed) == 1, results
        [(paid_pledge, _)] = confirmed
        assert [r.pledge for r in refused] == [paid_pledge.reference]
        need = await store.need(need_id)
        assert (need.paid, need.reserved) == (AMOUNT, AMOUNT)
    await assert_money_adds_up(store)
