"""Who is told what, decided here and nowhere else: the store names no message and picks no
recipient. It is handed either a `Notice` (when the domain knows the recipient: a staff
alert, a broadcast's report, a month with nothing to give) or a rule that turns the rows a
change touched into Notices (when only the transaction knows them: the donors of the
pledges a close cancels, the people linked to a household), and it queues what it is
given inside the transaction of the change, so each notice commits with its change and
goes out once (its dedupe key).

- A pledge's donor (`TellDonor`): the donor of each pledge a change touched hears about it,
  with the pledge's facts. An erased donor (a pseudonym: id ≤ 0) is told nothing.
- A need's household (`TellHousehold`, in `NEED_NEWS`): everyone linked to the household
  hears that its need was published, funded or delivered; a donor whose money met a need
  already closed is asked where their credit goes. Every domain function that can move a
  need passes NEED_NEWS.
- A credit's donor (`TellCreditDonor`): where the office placed their credit.
- A household import's changed tranches tell the people linked to it (`voucher_notices`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.models import CreditMove
from bot.storage.records import NeedLink, NeedNews, Notice, PledgeFacts

CLOSED_CREDIT_NOTICE = "credit-need-closed-notice"  # paid money whose need was closed


@dataclass(frozen=True)
class TellDonor:
    """The rule "the pledge's donor hears `message_id`": with the pledge's facts (reference,
    need code, amount, kind, item names, expiry), the credit its money became when there is
    one, the payment's facts when `paid` (when it was paid, and its proof: the platform's
    `charge_id` of an in-chat payment, else the tracking number staff confirmed it with),
    and `extra`. Once per event: the pledge, or `event` when one pledge can have several
    (a payment's charge id); an event that can happen again (a rejection, after the donor
    insisted) is keyed by its time `at` as well, so the second one is told too."""

    message_id: str
    extra: Mapping[str, object] = field(default_factory=dict)
    event: str | None = None
    at: int | None = None
    paid: bool = False
    charge_id: str | None = None

    def __call__(self, facts: PledgeFacts) -> Notice | None:
        pledge = facts.pledge
        if pledge.donor_id <= 0:  # an erased donor cannot be told
            return None
        args: dict[str, object] = {
            "reference": pledge.reference,
            "code": facts.code,
            "amount": pledge.amount,
            "kind": facts.kind,
            "item": facts.item,
            "item_en": facts.item_en,
            "expires_at": pledge.expires_at,
        }
        if facts.credit_id is not None:
            args["credit"] = facts.credit_id
        if self.paid:
            args["paid_at"] = pledge.paid_at
            if self.charge_id is not None:
                args["charge_id"] = self.charge_id
            else:
                args["tracking"] = pledge.bank_reference
        args.update(self.extra)
        key = f"{self.message_id}:{self.event or pledge.reference}"
        if self.at is not None:
            key += f":{self.at}"
        return Notice(pledge.platform, pledge.donor_id, self.message_id, args, key)


@dataclass(frozen=True)
class TellHousehold:
    """The rule "everyone linked to the need's household hears `message_id`" (with the
    need's category), once per need and person."""

    message_id: str

    def __call__(self, link: NeedLink) -> Notice:
        return Notice(
            link.platform, link.user_id, self.message_id, {"category": link.category},
            f"{self.message_id}:{link.need_id}:{link.platform}:{link.user_id}",
        )  # fmt: skip


@dataclass(frozen=True)
class TellCreditDonor:
    """The rule "the credit's donor hears where it went" (`message_id`, once per credit):
    how much moved to which need, and how much the office took."""

    message_id: str

    def __call__(self, move: CreditMove) -> Notice | None:
        credit = move.credit
        if credit.donor_id <= 0:  # an erased donor cannot be told
            return None
        args = {"credit": credit.id, "amount": move.moved, "office": move.to_office,
                "code": move.need.code if move.need and move.moved else None}  # fmt: skip
        return Notice(
            credit.platform, credit.donor_id, self.message_id, args,
            f"{self.message_id}:{credit.id}",
        )  # fmt: skip


NEED_NEWS = NeedNews(
    published=TellHousehold("aid-news-published"),
    funded=TellHousehold("aid-news-funded"),
    delivered=TellHousehold("aid-news-delivered"),
    closed_credit=TellDonor(CLOSED_CREDIT_NOTICE),
)


VOUCHER_NOTICE = "voucher-notice"


def voucher_notices(
    written: Iterable[tuple[Any, ...]], linked: dict[str, list[tuple[str, int]]], now: int
) -> list[Notice]:
    """A new or changed tranche tells each person linked to that household, once per set
    of values: what each backend queues when an import writes vouchers (`upsert_vouchers(...,
    tell=voucher_notices)`), in the transaction that writes them.

    `written` rows are (national_code, tranche, per_person, total, status, charged_on,
    expires_on); `linked` maps a national code to its (platform, user id) links.
    """
    return [
        Notice(
            platform, user_id, VOUCHER_NOTICE,
            {"tranche": tranche, "per_person": per_person, "total": total,
             "status": status, "expires_on": expires_on},
            f"voucher:{code}:{tranche}:{per_person}:{total}:{status}:{expires_on}:"
            f"{platform}:{user_id}",
        )
        for code, tranche, per_person, total, status, _charged, expires_on in written
        for platform, user_id in linked.get(code, [])
    ]  # fmt: skip
