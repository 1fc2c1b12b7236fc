"""The store's whole surface, one protocol per repository: what the domain and the handlers
may ask of any backend.

Each backend implements every protocol (`bot.storage.sqlite.store.Store` does, checked by
tests/test_storage_protocols.py); a reader sees here, in one place, everything the store
can do, and a second backend (PostgreSQL, #12) knows exactly what it must provide. The
one-line docstrings are the implementations' own first lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol, TypeVar

from bot.models import (
    Account,
    Audience,
    Beneficiary,
    Broadcast,
    BroadcastStatus,
    Checkout,
    CheckoutState,
    Credit,
    CreditMove,
    IncomingPayment,
    Inquiry,
    InvoiceCheck,
    MonthlyClaim,
    MonthlyGift,
    Need,
    NeedCategory,
    NeedDraft,
    NeedStatus,
    OutboxItem,
    OutboxStatus,
    PaymentResult,
    Persona,
    Pledge,
    PledgeStatus,
    Province,
    StaffRole,
    Voucher,
)
from bot.storage.records import (
    IMPORT_BATCH_ROWS,
    NO_NEWS,
    AuditEntry,
    Confirmation,
    CreditExport,
    CreditNotice,
    DonorNotice,
    ImportedNeed,
    InquiryRecord,
    MonthlyStatistics,
    NeedNews,
    Notice,
    OpenInvite,
    PaymentRecord,
    PledgeExport,
    StaffNeedsWhere,
    Statistics,
    VoucherNotices,
)

T = TypeVar("T")


class Lifecycle(Protocol):
    """The connection, its lock, transactions, migrations and the read cache: what every
    repository builds on."""

    async def open(self) -> None:
        """Check, connect, configure and migrate. The folder is created if missing; idempotent."""

    async def close(self) -> None: ...

    async def answers_from_disk(self, busy_seconds: float = 2.0) -> None:
        """Read the file through a fresh read-only connection (in a thread), or raise."""

    async def schema_version(self) -> int: ...

    async def migrate(self) -> list[int]:
        """Apply pending migrations, each in its own transaction; returns the versions applied."""

    @property
    def shared_by_processes(self) -> bool:
        """Whether other processes change the rows this one caches (PostgreSQL, several
        workers): what a process keeps in memory, such as a person's conversation state,
        is then read again before each use."""

    def unit_of_work(self) -> AbstractAsyncContextManager[None]:
        """One transaction for everything the calling task asks of the store inside the
        block: a staff action's change, its audit row and its outbox rows commit together
        or not at all (product rule 2). Methods that open their own transaction join it (a
        savepoint); other tasks wait. Keep it short, and send nothing over the network in it.
        """

    async def run_unit(self, body: Callable[[], Awaitable[T]]) -> T:
        """`body` in one unit of work, run again from its start when the database rolled
        the whole unit back for a deadlock or a serialization failure (PostgreSQL, several
        workers: two units may lock the same rows in opposite orders, and the only cure is
        a fresh attempt). Inside an enclosing unit it is a savepoint and the enclosing unit
        is the one retried. The body must touch nothing but the store: it may run twice."""


class Accounts(Protocol):
    """Accounts: who people are on each platform, their persona, language and role."""

    async def seen_account(
        self, platform: str, user_id: int, chat_id: int, language: str, now: int
    ) -> Account:
        """The account of someone who just wrote to the bot, created on first contact."""

    async def account(self, platform: str, user_id: int) -> Account | None:
        """Read through (no cache): for checks that must see other processes' writes."""

    async def set_persona(self, account: Account, persona: Persona) -> Account: ...

    async def set_language(self, account: Account, language: str) -> Account: ...

    async def set_staff_role(self, account: Account, role: StaffRole) -> Account: ...

    async def forget_donor(
        self, platform: str, user_id: int, language: str, now: int
    ) -> tuple[int, int]:
        """Erase a person's account, keeping their pledges under a pseudonymous donor number."""

    async def count_accounts(self, platform: str | None = None) -> int: ...


class PlacesAndBrowsing(Protocol):
    """Places and browsing: provinces and cities, and the anonymized need pages donors browse."""

    async def provinces(self) -> tuple[Province, ...]:
        """All provinces with their cities, read once per process (reference data)."""

    async def open_counts_by_province(self) -> dict[int, int]:
        """Open needs per province (only provinces that have some): the donor's first screen."""

    async def open_counts_by_city(self, province_id: int) -> dict[int, int]:
        """Open needs per city of a province (only cities that have some)."""

    async def open_counts_by_category(self, city_ids: Sequence[int]) -> dict[NeedCategory, int]:
        """Open needs per category in these cities (only categories that have some)."""

    async def open_need_count(self, city_ids: Sequence[int], category: NeedCategory | None) -> int:
        """How many needs `open_needs_page` pages through: for "page X of Y"."""

    async def open_needs_page(
        self, city_ids: Sequence[int], category: NeedCategory | None, limit: int, offset: int
    ) -> list[Need]:
        """Open needs in browse order: urgent first, then nearest deadline (none last), then id."""


class Needs(Protocol):
    """Needs: creating, importing, editing and closing them (staff), and their counts."""

    async def upsert_needs(
        self, drafts: Sequence[NeedDraft], now: int, *, news: NeedNews = NO_NEWS
    ) -> tuple[int, int]:
        """Add needs, or update those whose external_id exists; returns (added, updated).
        `news` (here and below): the domain's rules for who hears what as a need moves
        (bot/domain/notices.py), applied in the same transaction. Every `tell` below is
        such a rule (or a `Notice`, when the domain knows the recipient): the store names
        no message and picks no recipient itself."""

    async def import_needs(
        self,
        rows: Sequence[tuple[int, NeedDraft]],
        now: int,
        *,
        digest: str | None = None,
        check: Callable[[dict[int, ImportedNeed]], Sequence[Any]] | None = None,
        after_batch: Callable[[int], Awaitable[None]] | None = None,
        news: NeedNews = NO_NEWS,
    ) -> tuple[int, int]:
        """Write a file's rows (line, draft) in ONE transaction; returns (added, updated)."""

    async def count_needs(self, status: NeedStatus | None = None) -> int: ...

    async def count_staff_needs(self, where: StaffNeedsWhere) -> int: ...

    async def staff_needs(self, where: StaffNeedsWhere, limit: int, offset: int) -> list[Need]:
        """A page of needs for staff (/needs): drafts first, then the latest changed."""

    async def need(self, need_id: int) -> Need | None: ...

    async def need_by_code(self, code: str) -> Need | None: ...

    async def close_need(
        self,
        need_id: int,
        now: int,
        tell_unpaid: DonorNotice,
        tell_paid: DonorNotice,
        token: str | None = None,
        tell_credited: DonorNotice | None = None,
    ) -> tuple[list[Pledge], list[Pledge]] | None:
        """Take a need out of browsing, in one transaction: pledges still awaiting payment are
        cancelled (shares returned, donors told not to pay: `tell_unpaid`); money already
        paid leaves the need as its donors' credit, each asked where it goes
        (`tell_credited`); donors who reported a payment (or gave items) are told it is
        safe and staff will settle it (`tell_paid`). Returns (cancelled, paid or
        reported), or None if the need was
        already closed or delivered, or the confirmation `token` was already used."""

    async def set_need_status(self, need_id: int, status: NeedStatus, now: int) -> None: ...

    async def add_need(
        self, draft: NeedDraft, code: str, status: NeedStatus, now: int, *,
        news: NeedNews = NO_NEWS,
    ) -> Need | None:  # fmt: skip
        """One need staff wrote, under the code its preview showed, open or as a draft."""

    async def need_beneficiary_code(self, need_id: int) -> str | None:
        """The private link of a need to its household (staff screens only)."""

    async def update_need(self, need_id: int, draft: NeedDraft, now: int) -> Need | None:
        """Staff change a need's values (its code and external id stay)."""

    async def publish_draft(
        self, need_id: int, now: int, *, news: NeedNews = NO_NEWS
    ) -> Need | None:
        """A draft becomes open (None: it is not a draft); a linked household is told."""


class Pledges(Protocol):
    """Pledges: reserving a share of a need, paying, confirming, delivering, expiring."""

    async def reserve_pledge(
        self,
        *,
        need_id: int,
        platform: str,
        donor_id: int,
        amount: int,
        token: str,
        reference: str,
        now: int,
        expires_at: int,
        monthly: MonthlyClaim | None = None,
        tell: DonorNotice | None = None,
    ) -> tuple[Pledge | None, int]:
        """Reserve `amount` of a need for a donor, atomically; returns (pledge, remaining)."""

    async def release_pledge(
        self, reference: str, to_status: PledgeStatus, now: int, tell: DonorNotice | None = None
    ) -> Pledge | None:
        """Cancel or expire an awaiting pledge and give its share back to the need."""

    async def reject_pledge(self, reference: str, now: int, tell: DonorNotice) -> Pledge | None:
        """Staff found no payment: the pledge is rejected, its share returns to the need, and the
        donor's message (the domain's, with the reason) is queued in the same
        transaction."""

    async def report_rejected_pledge_again(self, reference: str, now: int) -> Pledge | None:
        """The donor insists a rejected payment was made: the pledge takes its share of the need
        back (only if it still fits) and waits for staff again as a reported payment.
        None when the pledge is not rejected or the need has no room for it any more."""

    async def report_pledge_paid(
        self, reference: str, receipt_file_id: str | None, now: int
    ) -> Pledge | None:
        """The donor says they paid: expiry stops until staff confirm or reject."""

    async def attach_receipt(
        self,
        reference: str,
        platform: str,
        donor_id: int,
        *,
        file_id: str | None = None,
        tracking: str | None = None,
        now: int,
    ) -> Pledge | None:
        """Keep a receipt (a photo or PDF's file id, or a typed tracking number) on the donor's own
        pledge, whatever its status: a receipt sent after staff decided is still kept
        (and staff told by the caller). A pledge still awaiting payment counts as
        reported paid from now on, so it no longer expires. None: not the donor's."""

    async def pending_pledges_of_donor(self, platform: str, donor_id: int) -> list[Pledge]:
        """The donor's pledges a receipt may be for: awaiting payment or reported paid."""

    async def confirm_pledge_payment(
        self, reference: str, bank_reference: str | None, now: int,
        tell: DonorNotice | None = None, *, news: NeedNews = NO_NEWS,
    ) -> tuple[Pledge, Need] | None:  # fmt: skip
        """Staff saw the money: the reserved share becomes paid; a need paid in full is funded."""

    async def mark_need_delivered(
        self,
        need_id: int,
        now: int,
        tell: DonorNotice | None = None,
        *,
        tell_unpaid: DonorNotice | None = None,
        token: str | None = None,
        news: NeedNews = NO_NEWS,
    ) -> tuple[list[Pledge], list[Pledge]] | None:
        """The help reached the family, in one transaction: the need and its paid pledges become
        delivered (those donors told), pledges still awaiting payment are cancelled
        (shares returned, donors told not to pay), the household hears it. Reported
        payments stay for staff to confirm. Returns (delivered, cancelled), or None when
        nothing was done: the need is closed, already delivered or has no confirmed
        payment, or the confirmation `token` was already used."""

    async def pledge_counts(self, need_id: int) -> dict[PledgeStatus, int]:
        """How many of a need's pledges are in each status: what an ending will tell whom."""

    async def households_linked_to_need(self, need_id: int) -> int:
        """How many verified people would hear news of this need (its household's links)."""


class Payments(Protocol):
    """Payments in the chat, and the reconciliation of checkouts whose outcome is unknown."""

    async def create_invoice(
        self, pledge_id: int, payload: str, amount: int, currency: str, now: int
    ) -> None: ...

    async def invoice_check(self, payload: str) -> InvoiceCheck | None:
        """The invoice and its pledge's state, by the payload's unique index: pre-checkout must
        answer within seconds, so this is its only read."""

    async def record_payment(
        self, payment: IncomingPayment, now: int, *, tell_paid: DonorNotice,
        tell_unallocated: DonorNotice, news: NeedNews = NO_NEWS,
    ) -> PaymentResult:  # fmt: skip
        """Money arrived: in ONE transaction record it, pay its pledge (or keep it unallocated),
        queue the donor's thanks and the household's news, and audit it with the payment
        as the actor. Never refuses: the money has left the donor's account."""

    async def ledger(self) -> tuple[int, int, int]:
        """(sum of payments, allocated, unallocated) over every payment: the first is always the
        sum of the other two."""

    async def payments_of_pledge(self, reference: str) -> list[PaymentRecord]:
        """Every payment recorded for a pledge, oldest first (for staff and tests)."""

    async def record_checkout(self, checkout: Checkout) -> None:
        """An approved pre-checkout, written before the approval is sent: if the money then moves
        and its update is lost, the reconciliation job still knows to ask."""

    async def due_checkouts(self, platform: str, now: int, limit: int) -> list[Checkout]:
        """Approved checkouts still awaiting their money whose next question is due."""

    async def checkout(self, transaction_id: str) -> Checkout | None: ...

    async def record_inquiry(
        self,
        checkout: Checkout,
        inquiry: Inquiry,
        now: int,
        *,
        state: CheckoutState,
        next_at: int | None,
    ) -> bool:
        """What Bale answered, as a row, and the checkout's next step, in one transaction: its next
        question (`next_at`), or settled as declined or given up (then NULL). A give-up
        is audited with the payment as the actor, for staff. False (nothing written)
        when the checkout was settled meanwhile (its update arrived)."""

    async def inquiries_of(self, transaction_id: str) -> list[InquiryRecord]:
        """Every question asked about a checkout and what was heard, oldest first."""


class Credits(Protocol):
    """Credit: paid money with no need to go to, until the donor or the office places it."""

    async def credit(self, credit_id: int) -> Credit | None: ...

    async def credits_of_donor(self, platform: str, donor_id: int) -> list[Credit]:
        """The donor's credits still waiting for their choice, oldest first."""

    async def similar_needs(
        self, need: Need, *, same_city: bool, limit: int, exclude: int | None = None
    ) -> list[Need]:
        """Open money needs with room, of `need`'s category, in its city (or province), most urgent
        first as browsing orders them: where its donor's credit could go."""

    async def move_credit(
        self,
        credit_id: int,
        need_id: int | None,
        now: int,
        *,
        by: str,
        platform: str | None = None,
        donor_id: int | None = None,
        office_rest: bool = False,
        tell: CreditNotice | None = None,
        due_before: int | None = None,
        news: NeedNews = NO_NEWS,
    ) -> CreditMove | None:
        """Place a credit's unallocated money, in one transaction with one audit row."""

    async def due_credits(self, platform: str, created_before: int, limit: int) -> list[Credit]:
        """Credits still undecided that were opened before `created_before`: the office's to decide
        now (the due time is created_at + REDIRECT_DECISION_DAYS)."""

    async def office_share(self) -> int: ...

    async def place_office_share(
        self, need_id: int, now: int, *, platform: str, actor_id: int, token: str | None = None,
        news: NeedNews = NO_NEWS,
    ) -> tuple[Need, int] | None:  # fmt: skip
        """Staff place the office's share on a need, oldest credits first, as much as the need has
        room for, spending the confirmation `token`; one audit row with the staff member
        as actor. Returns (the need after, amount placed), or None when nothing was
        placed (no share, no room, the token spent)."""

    async def credit_totals(self) -> tuple[int, int]:
        """(unallocated, office share) over every credit: for /stats."""

    async def credits_for_export(self) -> list[CreditExport]:
        """Every credit with its origin and where its money is now, oldest first."""

    async def ledger_problems(self) -> list[str]:
        """Every way the money does not add up, in words (empty when all is well)."""


class HouseholdsAndVouchers(Protocol):
    """Households and vouchers (kalabarg): imported personal data, read by their owner only."""

    async def upsert_beneficiaries(
        self, rows: Sequence[Beneficiary], now: int, *, batch_rows: int = IMPORT_BATCH_ROWS
    ) -> tuple[int, int]:
        """Add households or update them by national code; returns (added, updated)."""

    async def upsert_vouchers(
        self, rows: Sequence[Voucher], now: int, *, batch_rows: int = IMPORT_BATCH_ROWS,
        tell: VoucherNotices | None = None,
    ) -> tuple[int, int]:  # fmt: skip
        """Add or update tranches by (national code, tranche); returns (added, updated).
        `tell`: the domain's rule for who hears of a new or changed tranche
        (bot/domain/notices.voucher_notices), queued in the same transaction."""

    async def household_sizes(self, national_codes: Sequence[str]) -> dict[str, int]:
        """Household size by national code, for those of the codes that have a household."""

    async def beneficiary(self, national_code: str) -> Beneficiary | None: ...

    async def vouchers_of(self, national_code: str) -> list[Voucher]:
        """A household's tranches, first tranche first."""

    async def needs_of_household(self, national_code: str) -> list[Need]:
        """The aid requests linked to a household (for its own status screen only)."""

    async def count_beneficiaries(self) -> int: ...

    async def count_vouchers(self) -> int: ...


class Verification(Protocol):
    """Verification: linking a chat to a household, its failures and locks."""

    async def verification_failures(self, platform: str, user_id: int, since: int) -> list[int]:
        """Times of this person's failed verifications since `since`, oldest first."""

    async def record_verification_failure(self, platform: str, user_id: int, now: int) -> None: ...

    async def link_beneficiary(
        self, platform: str, user_id: int, national_code: str, weak_ownership: bool, now: int
    ) -> None: ...

    async def beneficiary_link(self, platform: str, user_id: int) -> str | None:
        """The national code this person proved they belong to, or None."""

    async def unlink_beneficiary(self, platform: str, user_id: int) -> None: ...

    async def queue_voucher_reminders(
        self, platform: str, today: dt.date, days_ahead: int, now: int
    ) -> int:
        """Queue one reminder per linked person for charged tranches expiring within `days_ahead`
        days, once (dedupe key), skipping people who turned reminders off."""

    async def reminders_off(self, platform: str, user_id: int) -> bool: ...

    async def set_reminders_off(self, platform: str, user_id: int, off: bool) -> None: ...


class Outbox(Protocol):
    """The outbox: every message the bot sends on its own, claimed and recorded at most once."""

    async def claim_outbox(
        self, platform: str, now: int, limit: int, worker: str | None = None
    ) -> list[OutboxItem]:
        """Mark the next due messages 'sending' (committed before any is sent) and return them with
        the recipient's chat and language: notices first, then running broadcasts."""

    async def finish_outbox(
        self, item_id: int, status: OutboxStatus, now: int, retry_at: int | None = None
    ) -> None:
        """Record how a send ended; `retry_at` puts it back as pending for later."""

    async def abandon_unfinished_sends(
        self, platform: str, worker: str | None = None, *, silent_before: int | None = None
    ) -> int:
        """At start: sends a crash interrupted may or may not have arrived. They become 'unknown'
        and are not repeated: a person must never get the same message twice."""

    async def mark_blocked(self, platform: str, user_id: int) -> None:
        """They blocked the bot: later messages skip them until they write again."""

    async def outbox_backlog(self, platform: str) -> int:
        """Messages still to send: notices, and rows of broadcasts that are running (a paused or
        cancelled one's rows wait for nobody)."""

    async def outbox_statuses(self, platform: str) -> dict[str, int]: ...

    async def outbox_stuck(self, platform: str, due_before: int, sent_since: int) -> bool:
        """Readiness: a message of this platform was due before `due_before` and is still waiting,
        and nothing of this platform was sent since `sent_since`."""


class Broadcasts(Protocol):
    """Broadcasts: announcements to an audience, their rows, progress and reports."""

    async def audience_size(self, platform: str, audience: Audience, place_id: int | None) -> int:
        """How many people a broadcast to this audience would reach now (for the preview)."""

    async def create_broadcast(
        self,
        *,
        platform: str,
        creator_id: int,
        chat_id: int,
        text: str,
        photo_file_id: str | None,
        audience: Audience,
        place_id: int | None,
        token: str,
        now: int,
    ) -> tuple[Broadcast, bool]:
        """The broadcast of this confirm token, created on first use: (broadcast, created)."""

    async def broadcast(self, broadcast_id: int) -> Broadcast | None: ...

    async def broadcast_by_token(self, token: str) -> Broadcast | None: ...

    async def unfinished_broadcasts(self, platform: str) -> list[Broadcast]:
        """What the outbox looks after: running and paused broadcasts of this platform, and
        cancelled ones whose final report is still to come."""

    async def broadcast_in_flight(self, broadcast_id: int) -> bool:
        """Whether a send of this broadcast is under way (claimed, not finished)."""

    async def mark_broadcast_reported(self, broadcast_id: int, now: int) -> None: ...

    async def retry_broadcast_now(self, broadcast_id: int, now: int) -> None:
        """A resumed run: rows put off after a refusal (a revoked token?) are due again."""

    async def broadcasts_to_queue(self, platform: str) -> list[int]: ...

    async def queue_broadcast_chunk(self, broadcast_id: int, users: int) -> bool:
        """Queue the next `users` users' rows (those in the audience) in one short transaction;
        returns whether more remain."""

    async def set_broadcast_progress_message(self, broadcast_id: int, message_id: int) -> None: ...

    async def change_broadcast_status(
        self,
        broadcast_id: int,
        platform: str,
        to: BroadcastStatus,
        *,
        allowed_from: Sequence[BroadcastStatus],
        now: int,
        reason: str | None = None,
        token: str | None = None,
    ) -> Broadcast | None:
        """Move this platform's broadcast to `to` if it is in one of `allowed_from`; None if it was
        not, or if the confirmation `token` was already used."""

    async def finish_broadcast_if_complete(self, broadcast_id: int, now: int) -> Broadcast | None:
        """Mark a running or paused broadcast done once every recipient's row has ended (a run
        paused after its last send has nothing left to wait for); else None."""

    async def broadcast_sending_seconds(self, broadcast_id: int, now: int) -> int:
        """How long a broadcast has been sending: from its confirmation to its end (or now), its
        pauses left out. The final report's rate is measured over this."""

    async def broadcast_statuses(self, broadcast_id: int) -> dict[str, int]:
        """Recipients by outbox status, counted row by row (tests and reports check the trigger-
        kept counts against this)."""

    async def queue_notice(self, notice: Notice, now: int) -> bool:
        """One notice for one person (a report, an alert, a support answer), queued once per
        its dedupe key: False when that key was queued before (a redelivered update), so
        the caller can do what goes with it once too."""

    async def set_announcements_opt_out(self, platform: str, user_id: int, off: bool) -> None: ...

    async def set_home_city(self, platform: str, user_id: int, city_id: int | None) -> None: ...


class StaffAuditAndInvites(Protocol):
    """Staff: roles, invites, one-time confirmations, the audit log, statistics and exports."""

    async def set_staff_role_by_id(self, platform: str, user_id: int, role: StaffRole) -> bool:
        """Change someone's staff role by id (an admin's command); False if unknown to us."""

    async def create_invite(
        self, code: str, platform: str, created_by: int, now: int, expires_at: int
    ) -> None: ...

    async def redeem_invite(self, code: str, platform: str, user_id: int, now: int) -> bool:
        """Use a one-time code: the person becomes staff, atomically, at most once, and only while
        the code is unexpired and not revoked."""

    async def open_invites(self, platform: str, now: int, limit: int) -> list[OpenInvite]:
        """Invites that can still be redeemed, newest first."""

    async def revoke_invite(self, code: str, platform: str, by: int, now: int) -> bool:
        """An admin takes back an open invite; False if it was not open."""

    async def void_invites_not_from(
        self, platform: str, admins: Sequence[int], now: int
    ) -> list[tuple[str, int]]:
        """Open invites whose creator is no longer an admin die with them: (code, creator) of each
        one voided now."""

    async def pledges_for_export(
        self, since: int, until: int, with_pii: bool
    ) -> list[PledgeExport]:
        """Pledges created in [since, until) with their need, oldest first. With `with_pii`, the
        linked household's national code, name and phone are added (staff only)."""

    async def statistics(self, platform: str, active_since: int) -> Statistics:
        """The numbers of /stats, in one transaction so they agree with each other."""

    async def create_confirmation(
        self,
        token: str,
        platform: str,
        user_id: int,
        action: str,
        subject: str,
        details: dict[str, object] | None,
        now: int,
    ) -> None: ...

    async def confirmation(self, token: str) -> Confirmation | None: ...

    async def use_confirmation(self, token: str, now: int) -> bool:
        """Spend a confirmation without acting (its "no" button); False if already spent."""

    async def count_pledges_awaiting_confirmation(self, need_id: int | None = None) -> int: ...

    async def pledges_awaiting_confirmation(
        self, limit: int, offset: int = 0, need_id: int | None = None
    ) -> list[Pledge]:
        """Pledges staff must check: reported payments (receipts first), then awaiting ones; all of
        them, or one need's."""

    async def undo_confirmation(self, reference: str, now: int, tell: DonorNotice) -> Pledge | None:
        """A wrong confirmation: paid becomes payment-reported again, the amount moves back from
        paid to reserved (a funded need reopens as fully pledged), the donor is told."""

    async def pledge_by_token(self, token: str) -> Pledge | None: ...

    async def pledge(self, reference: str) -> Pledge | None: ...

    async def expired_pledges(self, now: int, platform: str) -> list[Pledge]:
        """Awaiting pledges whose time ran out (expiry is a row with a due time, not a timer)."""

    async def remind_pledges(self, now: int, platform: str, tell: DonorNotice) -> list[Pledge]:
        """Queue a reminder for awaiting pledges past half their time, once: the pledge is marked
        and the message queued in one transaction, so no restart repeats or loses it."""

    async def pledges_of_donor(
        self, platform: str, donor_id: int, limit: int, offset: int = 0
    ) -> list[Pledge]: ...

    async def count_pledges_of_donor(self, platform: str, donor_id: int) -> int:
        """How many pledges `pledges_of_donor` pages through: for "page X of Y"."""

    async def record_audit(
        self,
        *,
        at: int,
        action: str,
        platform: str | None = None,
        actor_id: int | None = None,
        subject_type: str | None = None,
        subject_id: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None: ...

    async def latest_audit(self, limit: int = 20) -> list[AuditEntry]:
        """The newest rows of the audit log, newest first."""


class Support(Protocol):
    """Support tickets: a person's message relayed to the staff group and answered."""

    async def open_ticket(self, platform: str, user_id: int, now: int) -> int: ...

    async def attach_ticket_message(self, ticket_id: int, staff_message_id: int) -> None: ...

    async def ticket_for_staff_message(
        self, platform: str, staff_message_id: int
    ) -> tuple[int, Account] | None:
        """The ticket (and its person) a staff reply answers."""


class MonthlyGifts(Protocol):
    """Monthly kindness: standing gifts, and claiming each month once."""

    async def create_monthly(
        self, gift: MonthlyGift, token: str, now: int
    ) -> tuple[MonthlyGift, bool]:
        """Start a donor's monthly gift; returns (the gift, whether it is new)."""

    async def monthly_of_donor(self, platform: str, donor_id: int) -> MonthlyGift | None:
        """The donor's gift that is still standing (active or paused), if any."""

    async def change_monthly(
        self, gift_id: int, version: int, now: int, **changes: object
    ) -> MonthlyGift | None:
        """Change a standing gift as the donor saw it (`version`); None when it changed since (an
        older button) or was stopped. Values are column values."""

    async def due_monthly(self, platform: str, now: int, limit: int = 100) -> list[MonthlyGift]:
        """Active gifts whose month has come, oldest due first."""

    async def close_month(
        self, claim: MonthlyClaim, outcome: str, now: int, *, version: int | None = None,
        notice: Notice | None = None,
    ) -> bool:  # fmt: skip
        """A month handled without a pledge (nothing needed money, or the donor skipped it), with
        the domain's `notice` to the donor; False when another run (or an older button) got
        there first."""

    async def monthly_statistics(self, platform: str, period: int) -> MonthlyStatistics:
        """Standing gifts by status, and what the gifts of `period` raised (paid so far)."""

    async def monthly_run(self, gift_id: int, period: int) -> tuple[str, int | None] | None:
        """What became of one month of a gift: (outcome, pledge id), or None if not yet."""


class ConversationState(Protocol):
    """Conversation state and flow data: what PTB's persistence keeps between updates."""

    async def conversation_states(self, platform: str, name: str) -> dict[str, Any]: ...

    async def conversation_times(self, platform: str, name: str) -> dict[str, int]:
        """When each conversation's state was last written (see StorePersistence)."""

    async def conversation_state(
        self, platform: str, name: str, key: str
    ) -> tuple[Any, int] | None:
        """One conversation's state and when it was written (None: in no state): what a
        worker reads before handling an update, when another may have moved it."""

    async def save_conversation_state(
        self, platform: str, name: str, key: str, state: Any, now: int
    ) -> None:
        """Write one conversation's state; `None` means the conversation ended."""

    async def flow_data(self, platform: str, user_id: int) -> dict[str, Any] | None: ...

    async def save_flow_data(
        self, platform: str, user_id: int, data: dict[str, Any] | None, now: int
    ) -> None:
        """Store what a flow has collected; empty or `None` removes the row."""

    async def drop_flow_data_holding(
        self,
        platform: str,
        field: str,
        *,
        user_id: int | None = None,
        updated_before: int | None = None,
    ) -> None:
        """Remove flow data that holds `field` (one person's, or everyone's not touched since
        `updated_before`): what must not outlive its flow, such as a shared phone."""


class MetricsReads(Protocol):
    """Small read-only counts for the /metrics gauges."""

    async def metrics_outbox_depth(self) -> list[tuple[str, str, int]]:
        """(platform, kind, rows waiting or being sent); kind is notice or broadcast."""

    async def metrics_broadcasts_running(self) -> list[tuple[str, int]]:
        """(platform, broadcasts running)."""

    async def metrics_pledges_by_status(self) -> list[tuple[str, str, int]]:
        """(platform, status, pledges)."""


class Workers(Protocol):
    """Workers: who is alive, the shared send rate, and one chat's turn across processes."""

    async def worker_seen(self, worker: str, now: int, *, starting: bool = False) -> None:
        """This worker is alive (its clock beats every WORKER_BEAT_S); `starting` also records
        when it (re)started."""

    async def take_send_tokens(
        self, platform: str, rate: float, capacity: float, least: int, most: int
    ) -> tuple[int, float]:
        """Take up to `most` send tokens from the platform's bucket, shared by every worker, if
        at least `least` are there: (taken, tokens left)."""

    async def give_back_send_tokens(self, platform: str, capacity: float, tokens: int) -> None:
        """Tokens taken but not used (fewer messages were due): back in the shared bucket."""

    async def pause_sends(
        self, platform: str, rate: float, capacity: float, seconds: float
    ) -> None:
        """A 429 (it is about the whole bot): every worker's sends wait `seconds`, by leaving the
        shared bucket that far in debt (refilled from now)."""

    def chat_turn(self, platform: str, chat_id: int) -> AbstractAsyncContextManager[None]:
        """One chat's updates one at a time across processes (held while one is handled)."""


class Storage(
    Lifecycle,
    Accounts,
    PlacesAndBrowsing,
    Needs,
    Pledges,
    Payments,
    Credits,
    HouseholdsAndVouchers,
    Verification,
    Outbox,
    Broadcasts,
    StaffAuditAndInvites,
    Support,
    MonthlyGifts,
    ConversationState,
    MetricsReads,
    Workers,
    Protocol,
):
    """The whole store, as the domain and the handlers use it."""
