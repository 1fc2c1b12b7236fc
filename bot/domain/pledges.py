"""Pledging: the rules donors meet, each a plain async function over one store transaction.

Amounts are integers: rials for money needs, a count for item needs. The store does the
atomic part (re-checking what remains in the statement that takes it); this module decides
what is allowed and phrases refusals as `PledgeRefused` with a locale message id, so every
handler shows the same words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.codes import new_pledge_reference
from bot.config import Settings
from bot.domain.browse import page_within
from bot.domain.notices import NEED_NEWS, TellDonor
from bot.domain.refusal import Refused
from bot.models import MonthlyClaim, Need, NeedKind, NeedStatus, Pledge, PledgeStatus
from bot.storage import CODE_ATTEMPTS, CodeTaken
from bot.storage.protocols import Storage
from bot.storage.records import DonorNotice, Notice
from bot.text import (
    RIALS_PER_TOMAN,
    InputError,
    normalize_untrusted,
    to_ascii_digits,
)

SECONDS_PER_HOUR = 3600
SECONDS_PER_DAY = 24 * SECONDS_PER_HOUR
# A bank tracking number (peygiri / retrieval reference): digits only, 6 to 20 of them, once
# spaces and dashes are gone and Persian or Arabic digits are read as digits.
TRACKING_DIGITS = re.compile(r"[0-9]{6,20}")
TRACKING_SEPARATORS = re.compile(r"[\s\-_/.]")
PENDING = (PledgeStatus.AWAITING_PAYMENT, PledgeStatus.PAYMENT_REPORTED)


class PledgeRefused(Refused):
    """Why a pledge step cannot happen, as a locale message id and its arguments."""


@dataclass(frozen=True)
class PledgeRules:
    """The settings pledging depends on, in the units the rules use."""

    min_rials: int
    ttl_seconds: int
    item_ttl_seconds: int = 7 * SECONDS_PER_DAY  # goods are brought, which takes longer

    @classmethod
    def from_settings(cls, settings: Settings) -> PledgeRules:
        return cls(
            min_rials=settings.pledge_min_toman * RIALS_PER_TOMAN,
            ttl_seconds=settings.pledge_ttl_hours * SECONDS_PER_HOUR,
            item_ttl_seconds=settings.item_pledge_ttl_days * SECONDS_PER_DAY,
        )

    def ttl_for(self, kind: NeedKind) -> int:
        """How long a pledge waits: hours for a transfer, days for bringing goods."""
        return self.item_ttl_seconds if kind is NeedKind.ITEMS else self.ttl_seconds


def read_tracking_number(text: str) -> str:
    """A typed bank tracking number as plain ASCII digits, or `receipt-tracking-invalid`.
    Invisible characters that copying from a bank app can carry (zero-width space, word
    joiner) are dropped first, so the number pasted is read as the number shown."""
    digits = TRACKING_SEPARATORS.sub("", to_ascii_digits(normalize_untrusted(text)))
    if not TRACKING_DIGITS.fullmatch(digits):
        raise InputError("receipt-tracking-invalid")
    return digits


def looks_like_tracking_number(text: str) -> bool:
    """Whether a message typed outside any flow is meant as a tracking number."""
    try:
        read_tracking_number(text)
    except InputError:
        return False
    return True


def check_amount(need: Need, amount: int, rules: PledgeRules) -> None:
    """Refuse amounts a need cannot take. The minimum never blocks finishing a need."""
    if need.status is not NeedStatus.OPEN or need.remaining <= 0:
        raise PledgeRefused("pledge-need-unavailable")
    if amount <= 0:
        raise PledgeRefused("pledge-amount-not-positive")
    if amount > need.remaining:
        raise PledgeRefused("pledge-above-remaining", remaining=need.remaining)
    minimum = min(rules.min_rials, need.remaining)
    if need.kind is NeedKind.MONEY and amount < minimum:
        raise PledgeRefused("pledge-below-minimum", minimum=minimum)


async def pledge_help(
    store: Storage,
    *,
    need_code: str,
    platform: str,
    donor_id: int,
    amount: int,
    token: str,
    now: int,
    rules: PledgeRules,
    monthly: MonthlyClaim | None = None,
    tell: DonorNotice | None = None,
) -> Pledge:
    """Reserve part of a need for a donor until they pay (or the pledge expires).

    Idempotent on `token`: the confirm button's token makes a redelivered confirmation
    return the pledge it already created. Losing a race to another donor is a refusal
    that says what remains, never an error. A monthly gift pledges through here too, its
    month claimed in the same transaction (`bot.domain.monthly`), its donor told by
    `tell` in it too.
    """
    need = await store.need_by_code(need_code)
    if need is None:
        raise PledgeRefused("pledge-need-unavailable")
    earlier = await store.pledge_by_token(token)
    if earlier is None:
        check_amount(need, amount, rules)
    elif earlier.status not in PENDING:  # an old confirm button, pressed again later
        raise PledgeRefused(f"pledge-old-confirm-{_ending(earlier.status)}",
                            reference=earlier.reference)  # fmt: skip
    for attempt in range(CODE_ATTEMPTS):
        try:
            pledge, remaining = await store.reserve_pledge(
                need_id=need.id,
                platform=platform,
                donor_id=donor_id,
                amount=amount,
                token=token,
                reference=new_pledge_reference(),
                now=now,
                expires_at=now + rules.ttl_for(need.kind),
                monthly=monthly,
                tell=tell,
            )
            break
        except CodeTaken:  # the transaction rolled back whole: draw another reference
            if attempt == CODE_ATTEMPTS - 1:
                raise
    if pledge is None:
        if remaining <= 0:
            raise PledgeRefused("pledge-need-unavailable")
        raise PledgeRefused("pledge-lost-race", remaining=remaining)
    return pledge


def _ending(status: PledgeStatus) -> str:
    """How an old confirm button's pledge ended, in the words the donor is told."""
    if status in (PledgeStatus.CANCELLED, PledgeStatus.EXPIRED):
        return status.value
    return "done" if status in (PledgeStatus.PAID, PledgeStatus.DELIVERED) else "rejected"


async def cancel_pledge(
    store: Storage, *, reference: str, platform: str, donor_id: int, now: int
) -> Pledge:
    """The donor changed their mind: the share returns to the need."""
    await _own_pledge(store, reference, platform, donor_id)
    released = await store.release_pledge(reference, PledgeStatus.CANCELLED, now)
    if released is None:
        raise PledgeRefused("pledge-not-cancellable")
    return released


async def report_paid(
    store: Storage,
    *,
    reference: str,
    platform: str,
    donor_id: int,
    receipt_file_id: str | None,
    now: int,
    alerts: StaffAlerts | None = None,
) -> Pledge:
    """The donor says they paid (optionally with a receipt photo); expiry stops. Pressing
    it again on a pledge already reported is no error: the receipt may follow.

    A rejected pledge may be reported again (the donor is sure they transferred it): it
    goes back to the staff queue if the need still has room for it.
    """
    pledge = await _own_pledge(store, reference, platform, donor_id)
    if pledge.status is PledgeStatus.PAYMENT_REPORTED:
        return pledge
    if pledge.status in (PledgeStatus.EXPIRED, PledgeStatus.CANCELLED):
        raise PledgeRefused("receipt-pledge-ended", reference=reference)
    if pledge.status is PledgeStatus.REJECTED:
        again = await store.report_rejected_pledge_again(reference, now)
        if again is None:
            raise PledgeRefused("pledge-report-again-no-room", reference=reference)
        if alerts is not None:
            await alert_staff(store, alerts, "staff-payment-reported-alert", again, now,
                              f"again:{now}")  # fmt: skip
        return again
    reported = await store.report_pledge_paid(reference, receipt_file_id, now)
    if reported is None:
        raise PledgeRefused("pledge-not-awaiting-payment")
    if alerts is not None:
        await alert_staff(store, alerts, "staff-payment-reported-alert", reported, now, "reported")
    return reported


@dataclass(frozen=True)
class StaffAlerts:
    """Where staff hear about reported payments and receipts: the staff group, in the
    office's language (None: no staff group configured, nobody to tell)."""

    chat_id: int | None
    language: str

    @classmethod
    def from_settings(cls, settings: Settings) -> StaffAlerts:
        return cls(settings.staff_chat_id, settings.default_language)


async def alert_staff(
    store: Storage, alerts: StaffAlerts, message_id: str, pledge: Pledge, now: int, key: str
) -> None:
    """Queue one alert about a pledge for the staff group (through the outbox, once per
    `key`). It names the pledge and need, never the donor."""
    if alerts.chat_id is None:
        return
    need = await store.need(pledge.need_id)
    args = {
        "reference": pledge.reference,
        "code": need.code if need else "",
        "amount": pledge.amount,
        "kind": need.kind.value if need else NeedKind.MONEY.value,
        "item": need.item_name if need else "",
        "item_en": need.item_name_en if need else "",
        "tracking": pledge.donor_tracking or "",
        "status": pledge.status.value,
        "language": alerts.language,
    }
    await store.queue_notice(
        Notice(pledge.platform, alerts.chat_id, message_id, args,
               f"{message_id}:{pledge.reference}:{key}"),
        now,
    )  # fmt: skip


async def receive_receipt(
    store: Storage,
    *,
    reference: str,
    platform: str,
    donor_id: int,
    file_id: str | None,
    tracking: str | None,
    now: int,
    alerts: StaffAlerts,
) -> Pledge:
    """A receipt (photo, PDF or typed tracking number) for the donor's own pledge, at any
    time. It is always kept; staff are told, and told it came late when they had already
    confirmed or rejected the pledge (before, it was answered "received" and dropped)."""
    pledge = await _own_pledge(store, reference, platform, donor_id)
    if pledge.status in (PledgeStatus.EXPIRED, PledgeStatus.CANCELLED):
        raise PledgeRefused("receipt-pledge-ended", reference=reference)
    kept = await store.attach_receipt(
        reference, platform, donor_id, file_id=file_id, tracking=tracking, now=now
    )
    if kept is None:
        raise PledgeRefused("pledge-not-found")
    late = pledge.status not in PENDING
    message_id = "staff-receipt-late-alert" if late else "staff-receipt-alert"
    await alert_staff(store, alerts, message_id, kept, now, file_id or tracking or str(now))
    return kept


async def expire_due_pledges(store: Storage, now: int, platform: str) -> list[Pledge]:
    """Expire every awaiting pledge whose time is up; returns them, for the notices.

    Runs at start and then periodically: due times live in the store, so a restart
    neither loses nor repeats an expiry (a pledge already released is skipped).
    """
    expired = []
    for pledge in await store.expired_pledges(now, platform):
        released = await store.release_pledge(
            pledge.reference, PledgeStatus.EXPIRED, now, tell=TellDonor("pledge-expired-notice")
        )
        if released is not None:
            expired.append(released)
    return expired


async def pledge_clock_tick(
    store: Storage, now: int, platform: str
) -> tuple[list[Pledge], list[Pledge]]:
    """Expire what is due and remind at half time: (expired pledges, reminded pledges).

    Both are decided in the store (due times are rows, not timers) and each queues its
    message to the donor in the same transaction, so whatever came due while the bot was
    down is handled at the first tick after a start, exactly once.
    """
    expired = await expire_due_pledges(store, now, platform)
    return expired, await store.remind_pledges(now, platform, tell=TellDonor("pledge-reminder"))


async def confirmable(store: Storage, reference: str) -> Pledge:
    """The pledge staff are about to confirm, if it still can be: checked before the bot
    asks for a tracking number, so nobody types one for a pledge already settled."""
    pledge = await store.pledge(reference)
    if pledge is None:
        raise PledgeRefused("pledge-not-found")
    if pledge.status not in PENDING:
        raise PledgeRefused("staff-pledge-not-confirmable", reference=reference,
                            status=pledge.status.value)  # fmt: skip
    return pledge


async def confirm_payment(
    store: Storage, *, reference: str, bank_reference: str | None, now: int
) -> tuple[Pledge, Need]:
    """Staff confirm the money (or the goods) arrived; the donor's thanks are queued with it.
    `bank_reference` is None when staff confirmed without one (their reason is audited)."""
    confirmed = await store.confirm_pledge_payment(
        reference, (bank_reference or "").strip() or None, now,
        tell=TellDonor("pledge-paid-notice", paid=True), news=NEED_NEWS,
    )  # fmt: skip
    if confirmed is None:
        raise PledgeRefused("pledge-not-awaiting-payment")
    return confirmed


DELIVERED_NOTICE = "need-delivered-notice"
# Decided for issue #9: a need marked delivered takes no more money, so pledges still
# awaiting payment are cancelled and their donors told not to pay (as /close does); keeping
# them would invite donors to transfer money for help that has already arrived. Reported
# payments stay for staff to confirm or reject: money may be on its way.
DELIVERED_UNPAID_NOTICE = "pledge-need-delivered-unpaid-notice"


async def deliver(
    store: Storage, need: Need, now: int, token: str | None = None
) -> tuple[list[Pledge], list[Pledge]] | None:
    """The help reached the family: donors who paid hear it, unpaid pledges are cancelled
    (their donors told not to pay), the household hears it; all in one transaction, spending
    the confirmation `token` if one is given. Returns (delivered, cancelled), or None when
    nothing changed (closed, already delivered, nothing paid, or the token was spent)."""
    return await store.mark_need_delivered(
        need.id, now, TellDonor(DELIVERED_NOTICE), tell_unpaid=TellDonor(DELIVERED_UNPAID_NOTICE),
        token=token, news=NEED_NEWS,
    )  # fmt: skip


async def mark_delivered(store: Storage, *, need_code: str, now: int) -> list[Pledge]:
    """`deliver` by the need's code, for callers that only need the pledges delivered."""
    need = await store.need_by_code(need_code)
    delivered = await deliver(store, need, now) if need is not None else None
    if delivered is None:
        raise PledgeRefused("pledge-need-unavailable")
    return delivered[0]


@dataclass(frozen=True)
class DonorPledges:
    """One page of a donor's pledges, newest first, and how many pages there are."""

    pledges: list[Pledge]
    page: int
    pages: int


async def donor_pledges(
    store: Storage, platform: str, donor_id: int, page: int, size: int
) -> DonorPledges:
    """A page of the donor's pledges; an old or forged page number gives the last real page."""
    total = await store.count_pledges_of_donor(platform, donor_id)
    page, pages = page_within(page, total, size)
    rows = await store.pledges_of_donor(platform, donor_id, size, page * size)
    return DonorPledges(rows, page, pages)


async def _own_pledge(store: Storage, reference: str, platform: str, donor_id: int) -> Pledge:
    """Only the donor who made a pledge may act on it; others learn nothing about it."""
    pledge = await store.pledge(reference)
    if pledge is None or (pledge.platform, pledge.donor_id) != (platform, donor_id):
        raise PledgeRefused("pledge-not-found")
    return pledge


async def need_of(store: Storage, pledge: Pledge) -> Need:
    """The need a pledge is for. It is always there (a pledge references its need, and no
    need is ever deleted), so a missing one is a broken store, not a refusal to word."""
    need = await store.need(pledge.need_id)
    if need is None:
        raise LookupError(f"pledge {pledge.reference}: its need {pledge.need_id} is missing")
    return need


async def needs_of(store: Storage, pledges: Iterable[Pledge]) -> dict[int, Need]:
    """The needs of these pledges by id, for a list that shows each pledge with its need."""
    return {pledge.need_id: await need_of(store, pledge) for pledge in pledges}
