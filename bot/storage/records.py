"""What the store's callers see of it besides the models: its errors, the records a
query takes or returns, the one row mapper (`from_row`) and the limits callers rely on.
Backend-neutral: every backend raises and returns these.

Why records and not tuples or dicts: a caller reads `entry.action`, not `entry["action"]`
or `row[4]`, so the type checker (strict on bot/storage and bot/domain) knows every field,
and a column added to a statement cannot shift what another caller unpacks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.models import CreditMove, NeedStatus, Pledge


@dataclass(frozen=True)
class Notice:
    """One message for one person, as the domain decided it: who (the platform, and the
    user or chat id the outbox sends to), which message of locales/, its arguments (raw
    values: the sender renders them in the recipient's language when it sends), and the
    dedupe key that queues it once however often its change is tried (a redelivered
    update, a second worker, a re-run import). The store writes it, as it is, into the
    outbox inside the transaction of the change it tells of."""

    platform: str
    user_id: int
    message_id: str
    args: Mapping[str, Any]
    dedupe_key: str


@dataclass(frozen=True)
class PledgeFacts:
    """What the store knows, inside the transaction of a change, of one pledge the change
    touched: the pledge as it is after the change, the facts of its need a donor's message
    names, and what the change itself made of it (the credit its money became). The
    domain's `DonorNotice` rule turns it into the donor's Notice (or none)."""

    pledge: Pledge
    code: str
    kind: str
    item: str | None
    item_en: str | None
    credit_id: int | None = None


@dataclass(frozen=True)
class NeedLink:
    """One person linked to the household a need is about (a verified beneficiary), as
    the store finds them inside the transaction that moves the need."""

    need_id: int
    category: str
    platform: str
    user_id: int


# The domain's rules for who is told what (bot/domain/notices.py), applied by the store to
# the rows a change touched, inside its transaction: only there are those rows known (the
# pledges a close cancels, the people linked to a household), and only there does the
# outbox row commit with the change. A rule returns None for someone it tells nothing.
DonorNotice = Callable[[PledgeFacts], Notice | None]  # a pledge's donor
HouseholdNotice = Callable[[NeedLink], Notice | None]  # a need's household
CreditNotice = Callable[[CreditMove], Notice | None]  # a credit's donor, once it moved

R = TypeVar("R")


def from_row(cls: type[R], row: Iterable[Any]) -> R:
    """One record (a dataclass) from one row of a statement that selects its fields in
    their order (each backend's `*_COLUMNS` lists do; tests/test_records.py checks them):
    SQLite's tuples and PostgreSQL's records alike. Each value becomes its field's type:
    an enum from its value, a bool from SQLite's 0/1, a date from ISO text; an optional
    enum or date is None when the column is empty. Fields past the row's last value keep
    their defaults (an export without personal data)."""
    values = list(row)
    conversions = _CONVERSIONS.get(cls)
    if conversions is None:
        conversions = _CONVERSIONS[cls] = _conversions(cls)
    for index, convert in conversions:
        if index < len(values):
            values[index] = convert(values[index])
    make: Callable[..., R] = cls
    return make(*values)


Conversions = tuple[tuple[int, Callable[[Any], Any]], ...]
_CONVERSIONS: dict[type[Any], Conversions] = {}  # per record class, found on first use


def _conversions(cls: type[Any]) -> Conversions:
    """The fields of `cls` whose column values need converting, with their converters (the
    other values are passed as they are: ints and text need nothing)."""
    hints = typing.get_type_hints(cls)
    found = []
    for index, field in enumerate(dataclasses.fields(cls)):
        convert = _converter(hints[field.name])
        if convert is not None:
            found.append((index, convert))
    return tuple(found)


def _converter(hint: Any) -> Callable[[Any], Any] | None:
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args:
        inner = _converter(next(arg for arg in args if arg is not type(None)))
        if inner is None:
            return None
        return lambda value: inner(value) if value else None
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint
    if hint is bool:
        return bool
    if typing.get_origin(hint) is dict:  # JSON text (a confirmation's details); empty: {}
        return lambda value: value if isinstance(value, dict) else json.loads(value or "{}")
    if hint is dt.date:
        return lambda value: value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    return None


def column_names(columns: str) -> tuple[str, ...]:
    """The names in a statement's column list ("a, b AS c" gives a, c): what `from_row`
    maps to fields, in order."""
    return tuple(part.split()[-1].split(".")[-1] for part in columns.split(","))


@dataclass(frozen=True)
class NeedNews:
    """Who hears what when a need moves, as the domain decides (bot/domain/notices.py):
    the rule for the household linked to the need when it is published, funded or
    delivered, and the one for a donor whose payment met a need already closed (the money
    becomes their credit). The store applies them inside the transaction that moves the
    need, so each notice commits with its change; a field left None tells no one (the
    money still moves). The store itself names no message and picks no recipient."""

    published: HouseholdNotice | None = None
    funded: HouseholdNotice | None = None
    delivered: HouseholdNotice | None = None
    closed_credit: DonorNotice | None = None


NO_NEWS = NeedNews()  # callers that write needs without telling anyone (demo, benches)

IMPORT_BATCH_ROWS = 500  # rows per write transaction: a running bot never waits long


class MonthlyClaimLost(Exception):
    """Another run already handled this month of a monthly gift (or it was paused or
    stopped meanwhile): the transaction that tried rolled back whole."""


class TrackingNumberUsed(Exception):
    """Staff typed a bank tracking number that already confirmed another pledge: one
    transfer counts once, so nothing was written (the transaction rolled back)."""

    def __init__(self, pledge: str) -> None:
        super().__init__(pledge)
        self.pledge = pledge  # the pledge code the number already confirmed


class CodeTaken(Exception):
    """A freshly drawn random code is already used; the caller draws another and retries.

    31**6 codes make this rare, but not negligible once there are hundreds of thousands of
    needs or pledges: it must never reach a person as a generic error.
    """


@dataclass(frozen=True)
class StaffNeedsWhere:
    """Which needs staff list (/needs): any of these left None does not filter. `added_by`
    is (platform, user id): the needs that person added (their add_need audit rows)."""

    status: NeedStatus | None = None
    province_id: int | None = None
    city_id: int | None = None
    added_by: tuple[str, int] | None = None


@dataclass(frozen=True)
class ImportedNeed:
    """What an import must know of a need a row will change."""

    id: int
    kind: str
    reserved: int
    paid: int
    status: str

    @property
    def pledged(self) -> int:
        return self.reserved + self.paid


class ImportRefused(Exception):
    """Rows the database cannot take as they are; nothing was written."""

    def __init__(self, problems: list[Any]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


class DatabaseProblem(Exception):
    """The database file cannot be used, said in one line an operator can act on.

    Raised instead of sqlite3's own errors at open, so `hamdeli` prints it and exits with 2
    rather than a traceback (the people running the bot are volunteers).
    """


# The numbered schema steps, version N being the Nth file. Every backend has its own dialect
# of each file (bot/migrations/ for SQLite, bot/storage/postgres/migrations/ for PostgreSQL),
# under the same name, so the two schemas move in step (tests/test_pg_schema.py compares them).
SCHEMA_STEPS: tuple[str, ...] = (
    "0001_places.sql",
    "0002_users.sql",
    "0003_needs_pledges.sql",
    "0004_open_need_counts.sql",
    "0005_outbox.sql",
    "0006_beneficiaries.sql",
    "0007_verification.sql",
    "0008_reminder_opt_out.sql",
    "0009_staff_invites.sql",
    "0010_support_tickets.sql",
    "0011_broadcasts.sql",
    "0012_needs_version.sql",
    "0013_broadcast_reports.sql",
    "0014_staff_confirmations.sql",
    "0015_broadcast_pauses.sql",
    "0016_invite_expiry.sql",
    "0017_needs_import_rows.sql",
    "0018_payments.sql",
    "0019_pledge_receipts.sql",
    "0020_credits.sql",
    "0021_monthly.sql",
    "0022_reconcile.sql",
    "0023_outbox_any_chat.sql",
    "0024_item_name_en.sql",
    "0025_workers.sql",
    "0026_needs_notify.sql",
    "0027_chat_turn.sql",
    "0028_bank_reference_index.sql",
)


# The domain's rule for an import's changed tranches (bot/domain/notices.voucher_notices):
# given the rows written (national_code, tranche, per_person, total, status, charged_on,
# expires_on), who is linked to each national code, and now, the notices to queue.
VoucherNotices = Callable[
    [Iterable[tuple[Any, ...]], dict[str, list[tuple[str, int]]], int], list[Notice]
]


# -- Records the store returns -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One row of the audit log (`latest_audit`), as written: `details` is the JSON text
    (None when there were none), decoded only by the screen that shows what it may."""

    at: int
    platform: str | None
    actor_id: int | None
    action: str
    subject_type: str | None
    subject_id: str | None
    details: str | None


AUDIT_COLUMNS = "at, platform, actor_id, action, subject_type, subject_id, details"


@dataclass(frozen=True, slots=True)
class OpenInvite:
    """A staff invite that can still be redeemed (`open_invites`)."""

    code: str
    created_by: int
    created_at: int
    expires_at: int


@dataclass(frozen=True, slots=True)
class Confirmation:
    """A staff member's pending "are you sure?" (`confirmation`): what the Yes button does.
    `details` is decoded (empty when there were none)."""

    token: str
    platform: str
    user_id: int
    action: str
    subject: str
    details: dict[str, Any]
    created_at: int
    used_at: int | None


@dataclass(frozen=True, slots=True)
class PledgeExport:
    """One row of the pledges export (`pledges_for_export`): the pledge with its need. The
    household's national code, name and phone are filled only when personal data was asked
    for (staff only, audited); None otherwise, or when the need has no household."""

    reference: str
    need_code: str
    kind: str  # the need's kind: "money" or "items"
    item_name: str | None
    amount: int
    status: str
    created_at: int
    paid_at: int | None
    bank_reference: str | None
    national_code: str | None = None
    full_name: str | None = None
    mobile: str | None = None


@dataclass(frozen=True, slots=True)
class CreditExport:
    """One row of the credits export (`credits_for_export`): a credit, where it came from,
    and where its money is now (unallocated + office + placed = amount)."""

    credit_id: int
    source: str
    pledge_reference: str | None
    need_code: str | None
    amount: int
    unallocated: int
    office: int
    placed: int
    created_at: int
    decided_by: str | None


@dataclass(frozen=True, slots=True)
class ProvinceMoney:
    """Money needs of one province for /stats: what was raised against what is needed."""

    name_fa: str
    name_en: str
    raised: int
    target: int


@dataclass(frozen=True, slots=True)
class Statistics:
    """The numbers of /stats (`statistics`), read in one transaction so they agree. The
    counts by persona, need status and pledge status hold only the values that occur."""

    personas: dict[str, int]
    staff: int
    active: int
    needs: dict[str, int]
    pledges: dict[str, int]
    money_by_province: list[ProvinceMoney]
    unallocated_credit: int
    office_share: int


@dataclass(frozen=True, slots=True)
class MonthlyStatistics:
    """Standing monthly gifts by status, and what the gifts of one month raised."""

    active: int
    paused: int
    raised: int
    paid_gifts: int


@dataclass(frozen=True, slots=True)
class PaymentRecord:
    """One payment recorded for a pledge (`payments_of_pledge`)."""

    amount: int
    currency: str
    allocated: int
    unallocated: int
    charge_id: str
    provider_charge_id: str | None
    paid_at: int


@dataclass(frozen=True, slots=True)
class InquiryRecord:
    """One question asked about a checkout and what was heard (`inquiries_of`)."""

    asked_at: int
    answer: str
    amount: int | None
    detail: str | None
