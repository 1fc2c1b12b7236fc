"""Plain records that the store returns and the domain and views read.

Frozen dataclasses, no Telegram types and no SQL, so every layer can share them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Persona(StrEnum):
    """Why someone uses the bot; chosen on /start and changeable at any time."""

    DONOR = "donor"
    BENEFICIARY = "beneficiary"


class StaffRole(StrEnum):
    """Kept apart from the persona: a staff member may also be a donor."""

    NONE = "none"
    STAFF = "staff"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Account:
    """One person on one platform, as the bot knows them."""

    platform: str
    user_id: int
    chat_id: int
    language: str
    persona: Persona | None = None
    staff_role: StaffRole = StaffRole.NONE
    home_city_id: int | None = None
    first_seen: int = 0
    last_seen: int = 0
    blocked: bool = False
    announcements_opt_out: bool = False


@dataclass(frozen=True, slots=True)
class City:
    id: int
    province_id: int
    name_fa: str
    name_en: str
    is_capital: bool

    def name(self, language: str) -> str:
        return self.name_fa if language == "fa" else self.name_en


@dataclass(frozen=True, slots=True)
class Province:
    id: int
    name_fa: str
    name_en: str
    cities: tuple[City, ...] = field(default=())

    def name(self, language: str) -> str:
        return self.name_fa if language == "fa" else self.name_en


class NeedCategory(StrEnum):
    """What kind of help a need asks for; each has a localized name and an icon."""

    LIVELIHOOD = "livelihood"
    HOUSING = "housing"
    DOWRY = "dowry"
    ORPHANS = "orphans"
    MEDICAL = "medical"
    EDUCATION = "education"
    WORK_TOOLS = "work_tools"
    OTHER = "other"


class NeedKind(StrEnum):
    """Money (target in rials) or items (target is a quantity of one named item)."""

    MONEY = "money"
    ITEMS = "items"


class NeedStatus(StrEnum):
    DRAFT = "draft"  # not shown to donors until staff publish it
    OPEN = "open"
    FULLY_PLEDGED = "fully_pledged"  # reserved + paid reached the target
    FUNDED = "funded"  # paid reached the target
    DELIVERED = "delivered"
    CLOSED = "closed"
    EXPIRED = "expired"


class PledgeStatus(StrEnum):
    AWAITING_PAYMENT = "awaiting_payment"
    PAYMENT_REPORTED = "payment_reported"  # the donor said "I've paid"; expiry stops
    PAID = "paid"
    REJECTED = "rejected"
    DELIVERED = "delivered"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class NeedDraft:
    """A validated need as staff or an import describe it, before the store gives it a code.

    `target` is rials for money needs and a quantity for item needs. The beneficiary's
    national code is private: it links the need to a household and is never shown to donors.
    """

    city_id: int
    province_id: int
    category: NeedCategory
    kind: NeedKind
    target: int
    description_fa: str
    external_id: str | None = None
    item_name: str | None = None
    description_en: str | None = None
    deadline: dt.date | None = None
    urgent: bool = False
    beneficiary_national_code: str | None = None
    item_name_en: str | None = None  # the item in English (the CSV's optional item_en)


@dataclass(frozen=True, slots=True)
class Need:
    """A stored need. Donor-facing screens read only its public fields (never the code of the
    beneficiary it is linked to)."""

    id: int
    code: str
    province_id: int
    city_id: int
    category: NeedCategory
    kind: NeedKind
    target: int
    reserved: int
    paid: int
    description_fa: str
    description_en: str | None
    status: NeedStatus
    item_name: str | None = None
    deadline: dt.date | None = None
    urgent: bool = False
    item_name_en: str | None = None

    @property
    def remaining(self) -> int:
        return self.target - self.reserved - self.paid

    @property
    def open(self) -> bool:
        return self.status is NeedStatus.OPEN

    @property
    def visible_to_donors(self) -> bool:
        """Drafts and closed needs are staff business; the rest can be looked up by code."""
        return self.status not in (NeedStatus.DRAFT, NeedStatus.CLOSED)

    def description(self, language: str) -> str:
        """English when staff wrote one and the reader reads English; else Persian."""
        return (
            self.description_en if language == "en" and self.description_en else self.description_fa
        )


@dataclass(frozen=True, slots=True)
class Pledge:
    id: int
    reference: str
    need_id: int
    platform: str
    donor_id: int
    amount: int
    status: PledgeStatus
    created_at: int
    expires_at: int | None = None
    paid_at: int | None = None
    bank_reference: str | None = None
    receipt_file_id: str | None = None  # the photo a donor sent with "I've paid" (for staff)
    donor_tracking: str | None = None  # the bank tracking number the donor typed


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # committed before the send: left here by a crash means "unknown"
    SENT = "sent"
    BLOCKED = "blocked"  # the person blocked the bot or was deactivated
    FAILED = "failed"  # gave up after repeated network errors
    UNKNOWN = "unknown"  # a crash during the send: not sent again (at most once)


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A message the bot starts itself, claimed for sending, with what it needs to render it."""

    id: int
    platform: str
    user_id: int
    chat_id: int
    language: str
    message_id: str | None  # None for a broadcast's row: the content is the broadcast's
    args: dict[str, Any]  # decoded JSON
    attempts: int
    broadcast_id: int | None = None


class Audience(StrEnum):
    """Who a broadcast goes to. A person's city: their household's, else their home city."""

    EVERYONE = "everyone"
    DONORS = "donors"
    BENEFICIARIES = "beneficiaries"
    STAFF = "staff"
    PROVINCE = "province"
    CITY = "city"


class BroadcastStatus(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class Broadcast:
    """An announcement and how far it has got; the counts are kept by the store."""

    id: int
    platform: str
    creator_id: int
    chat_id: int
    progress_message_id: int | None
    text: str
    photo_file_id: str | None
    audience: Audience
    place_id: int | None
    status: BroadcastStatus
    pause_reason: str | None
    total: int
    sent: int
    blocked: int
    failed: int
    unknown: int
    created_at: int
    finished_at: int | None
    reported_at: int | None = None  # when the final report was queued

    @property
    def done(self) -> int:
        return self.sent + self.blocked + self.failed + self.unknown

    @property
    def remaining(self) -> int:
        return self.total - self.done


class VoucherStatus(StrEnum):
    """Where a household's electronic coupon (kalabarg) tranche stands."""

    CHARGED = "charged"  # the credit is on the household's card
    PENDING = "pending"  # eligible, not charged yet
    NOT_ELIGIBLE = "not_eligible"
    EXPIRED = "expired"  # charged, but the time to spend it is over


@dataclass(frozen=True, slots=True)
class Beneficiary:
    """A household that receives help, keyed by its head's national code.

    Personal data: for staff and the household itself, never shown to donors. The mobile is
    canonical (+989XXXXXXXXX), so the bot can match the number a person shares.
    """

    national_code: str
    full_name: str
    mobile: str
    province_id: int
    city_id: int
    household_size: int
    decile: int  # income decile, 1 (poorest) to 10


@dataclass(frozen=True, slots=True)
class Voucher:
    """One kalabarg tranche of a household. Amounts are rials; `total` is for the household."""

    national_code: str
    tranche: int
    amount_per_person: int
    total: int
    status: VoucherStatus
    charged_on: dt.date | None = None
    expires_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class InvoiceCheck:
    """What pre-checkout needs, read in one indexed query: the stored invoice and the state of
    its pledge now."""

    reference: str
    amount: int  # the currency's smallest unit, as offered
    currency: str
    used: bool  # a payment already came for this invoice (its nonce is spent)
    pledge_status: PledgeStatus
    expires_at: int | None


@dataclass(frozen=True, slots=True)
class IncomingPayment:
    """A `successful_payment` as the platform reported it (the amount in rials)."""

    platform: str
    donor_id: int
    payload: str
    amount: int
    currency: str
    charge_id: str  # telegram_payment_charge_id: unique, how a redelivery is recognised
    provider_charge_id: str | None
    # Set when reconciliation learned of the payment (Bale's inquireTransaction) instead of
    # a successful_payment update: the approved checkout (pre-checkout query id) it settles.
    transaction_id: str | None = None


class PaymentOutcome(StrEnum):
    PAID = "paid"  # the pledge was waiting for it
    RESERVED_AGAIN = "reserved_again"  # the pledge had expired or was cancelled; room was left
    UNALLOCATED = "unallocated"  # no room (or already paid): kept for the donor's choice
    DUPLICATE = "duplicate"  # the same charge delivered again: nothing changed


@dataclass(frozen=True, slots=True)
class PaymentResult:
    outcome: PaymentOutcome
    allocated: int
    unallocated: int
    pledge: Pledge | None = None


# -- reconciliation (Bale's inquireTransaction) -------------------------------------------------


class TransactionAnswer(StrEnum):
    """What an inquiry about a transaction heard: Bale's four statuses, plus "unknown" (Bale
    does not know the id) and "error" (no answer: network, 5xx, 429)."""

    PAID = "paid"
    PENDING = "pending"
    FAILED = "failed"
    REJECTED = "rejected"
    UNKNOWN = "unknown"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Inquiry:
    """One answer to inquireTransaction: the status, the amount Bale says was paid (rials),
    and Bale's own words (the status as sent, or the error description) for the audit."""

    answer: TransactionAnswer
    amount: int | None = None
    detail: str = ""


class CheckoutState(StrEnum):
    AWAITING = "awaiting"  # approved at pre-checkout; no money seen yet
    PAID = "paid"  # its successful_payment arrived
    RECONCILED = "reconciled"  # Bale said paid; the payment was recorded from that answer
    DECLINED = "declined"  # Bale said failed or rejected: no money moved
    GIVEN_UP = "given_up"  # asked the bounded number of times; staff were told


@dataclass(frozen=True, slots=True)
class Checkout:
    """A pre-checkout the bot approved, keyed by the query id (Bale's transaction id)."""

    transaction_id: str
    platform: str
    donor_id: int
    payload: str
    amount: int
    currency: str
    approved_at: int
    state: CheckoutState
    inquiries: int
    next_inquiry_at: int | None


# -- monthly kindness (bot.domain.monthly) ------------------------------------------------


class MonthlyStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class MonthlyGift:
    """A donor's standing monthly gift: how much, where, on which Jalali day."""

    id: int
    platform: str
    donor_id: int
    amount: int  # rials
    province_id: int
    city_id: int | None  # None: the whole province
    category: NeedCategory | None  # None: any category
    day: int  # 1-28, the Jalali day of the month
    status: MonthlyStatus
    next_period: int  # the next month to give for: Jalali year * 100 + month
    next_due_at: int
    version: int


@dataclass(frozen=True, slots=True)
class MonthlyClaim:
    """A month's gift being handled: the run that moves `period` on to `next_period` (due
    at `next_due_at`) is the only one that may pledge for it."""

    gift_id: int
    period: int
    next_period: int
    next_due_at: int


class CreditSource(StrEnum):
    """Why money paid by a donor has no need to go to (see bot.domain.credits)."""

    PAYMENT = "payment"  # it arrived when its pledge could no longer take it
    NEED_CLOSED = "need_closed"  # the need was closed after it was paid


@dataclass(frozen=True, slots=True)
class Credit:
    """Money in a donor's name with no need: `unallocated` is still the donor's to place,
    `office` the welfare office's; the rest went to needs as paid pledges."""

    id: int
    platform: str
    donor_id: int
    amount: int  # rials, as it came
    unallocated: int
    office: int
    source: CreditSource
    need_id: int | None  # the need it came from: similar needs are measured from it
    pledge_id: int | None
    created_at: int
    decided_at: int | None = None
    decided_by: str | None = None  # donor | office


@dataclass(frozen=True, slots=True)
class CreditMove:
    """What one move of credit did: `moved` to `need` (as `pledge`), `to_office`, and the
    credit as it is after the move."""

    credit: Credit
    moved: int = 0
    to_office: int = 0
    need: Need | None = None
    pledge: Pledge | None = None
