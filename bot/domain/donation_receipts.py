"""The donor's receipt: the facts of one paid money pledge, read from the store on demand.

Nothing is stored for it. The "🧾 Receipt (PDF)" button names the pledge, and every press
reads the pledge and its payment again, so the button keeps working after a restart, shows
the same facts each time, and says so plainly when the pledge is no longer paid (a staff
member undid a wrong confirmation).

Two ways a pledge becomes paid, and the receipt names the proof each leaves:
- paid in the chat: the platform's charge id and the payment provider's (bank's) charge id,
  from the payment that paid the pledge (a second, unallocated payment is not this pledge's);
- paid by bank transfer and confirmed by staff: the bank tracking number staff typed, or
  none when they confirmed without one (then the receipt says the office confirmed it).

The receipt carries the need's code and category only, never the family: no name, no
national code, no phone, no place (a small town could point at one household).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.domain import pledges
from bot.domain.pledges import PledgeRefused
from bot.models import NeedCategory, NeedKind, PledgeStatus
from bot.storage.protocols import Storage

RECEIPTED = (PledgeStatus.PAID, PledgeStatus.DELIVERED)  # the money reached the office


@dataclass(frozen=True)
class DonationReceipt:
    """What the receipt states; amounts in rials, times as Unix seconds."""

    reference: str
    need_code: str
    category: NeedCategory
    amount: int
    paid_at: int
    charge_id: str | None = None  # paid in the chat: the platform's charge id
    provider_charge_id: str | None = None  # … and the payment provider's
    tracking: str | None = None  # confirmed by staff: the bank tracking number, if given

    @property
    def paid_in_chat(self) -> bool:
        return self.charge_id is not None


def has_receipt(status: PledgeStatus, kind: NeedKind) -> bool:
    """Whether a pledge's donor is offered the receipt button: paid money pledges only."""
    return kind is NeedKind.MONEY and status in RECEIPTED


async def donation_receipt(
    store: Storage, *, reference: str, platform: str, donor_id: int
) -> DonationReceipt:
    """The receipt of the donor's own paid money pledge; PledgeRefused with the reason
    (not the donor's, goods, or not paid: at least not any more) otherwise."""
    pledge = await pledges._own_pledge(store, reference, platform, donor_id)
    need = await store.need(pledge.need_id)
    if need is None or need.kind is not NeedKind.MONEY:
        raise PledgeRefused("donation-receipt-items")
    if pledge.status not in RECEIPTED or pledge.paid_at is None:
        raise PledgeRefused("donation-receipt-not-paid")
    facts = DonationReceipt(
        reference=pledge.reference,
        need_code=need.code,
        category=need.category,
        amount=pledge.amount,
        paid_at=pledge.paid_at,
    )
    paying = [p for p in await store.payments_of_pledge(reference) if p.allocated > 0]
    if paying:
        payment = paying[0]
        return replace(
            facts,
            paid_at=payment.paid_at,
            charge_id=payment.charge_id,
            provider_charge_id=payment.provider_charge_id,
        )
    return replace(facts, tracking=pledge.bank_reference or None)
