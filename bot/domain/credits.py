"""No toman without a home: paid money with no need to go to becomes the donor's credit.

Money can lose its need after it was paid: staff close the need (`Store.close_need`), a
payment arrives for a pledge that can no longer be covered (`Store.record_payment`), or a
payment races another donor for the last room of a need (the conditional UPDATE refuses
the second, so the race over-funds nothing and the second payment is such a credit). In
every case the store opens a credit in the donor's name and asks the donor, through the
outbox, where it goes:

- to a similar need: up to three open money needs with room, of the same category, in the
  same city, or in the same province when the city may not be named (k-anonymity, as
  browsing decides it: bot.domain.browse.place_of);
- or to the welfare office, to use where it is most needed.

If the donor does not answer within REDIRECT_DECISION_DAYS the office decides, at the first
clock tick after that (the due time is a row's `created_at`, so a restart neither skips nor
repeats it). Decided for issue #10: the money goes to the most urgent similar need with
room, because that is closest to what the donor gave it for (a family like that one, in
that place), and only what that need cannot take goes to the office's share, which staff
place on a need later (`place_office_share`). The donor is told which need it went to, or
that the office took it.

Placing credit on a need follows the pledge rules (open money need, never more than its
room) through the same conditional UPDATE, so it never over-commits a need. The minimum
pledge does not apply: the money is already paid, and any part of it helps.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.domain import staff
from bot.domain.browse import PlaceName, place_of
from bot.domain.notices import CLOSED_CREDIT_NOTICE, NEED_NEWS, TellCreditDonor
from bot.domain.refusal import Refused
from bot.domain.units import in_one_unit
from bot.models import Account, Credit, CreditMove, Need, NeedKind, NeedStatus
from bot.storage.protocols import Storage
from bot.storage.records import CreditExport

DAY_S = 86_400
SIMILAR_NEEDS = 3  # cards offered with a credit: enough to choose, few enough to read
CLOCK_BATCH = 200  # credits decided per tick; the rest at the next tick
DECIDED_NOTICE = "credit-decided-notice"  # the office decided: where the money went
# The notices that ask the donor to choose, rendered live (bot.delivery) with the cards of
# the similar needs as they are when the message is sent.
CHOICE_NOTICES = frozenset({"payment-unallocated-notice", CLOSED_CREDIT_NOTICE})


class CreditRefused(Refused):
    """Why a credit cannot be moved as asked (a stale or someone else's button)."""


@dataclass(frozen=True)
class Choice:
    """A credit and where it could go now: cards of similar needs, each with its place as
    donors may see it, and when the office decides if the donor does not."""

    credit: Credit
    needs: tuple[tuple[Need, PlaceName], ...]
    decide_at: int


def decide_at(credit: Credit, days: int) -> int:
    """When the office decides an unanswered credit."""
    return credit.created_at + days * DAY_S


async def own_credit(store: Storage, credit_id: int, platform: str, donor_id: int) -> Credit:
    """The donor's own credit; anyone else's (or none) is refused the same way."""
    credit = await store.credit(credit_id)
    if credit is None or (credit.platform, credit.donor_id) != (platform, donor_id):
        raise CreditRefused("credit-not-found")
    return credit


async def similar_needs(store: Storage, credit: Credit, k: int, limit: int) -> list[Need]:
    """Open money needs with room, like the one the money came from (same category; same
    city, or same province when its city may not be named), most urgent first."""
    source = await store.need(credit.need_id) if credit.need_id is not None else None
    if source is None:
        return []  # a payment for an invoice we never made: only the office can place it
    place = await place_of(store, source, k, "en")
    return await store.similar_needs(source, same_city=not place.is_province, limit=limit)


async def choice(store: Storage, credit: Credit, settings: Settings, language: str) -> Choice:
    """What the donor is offered for a credit, read now (needs fill up and close)."""
    k = settings.k_anonymity
    needs = await similar_needs(store, credit, k, SIMILAR_NEEDS) if credit.unallocated else []
    places = [await place_of(store, need, k, language) for need in needs]
    return Choice(credit, tuple(zip(needs, places, strict=True)),
                  decide_at(credit, settings.redirect_decision_days))  # fmt: skip


async def move_to_need(
    store: Storage, *, credit_id: int, code: str, platform: str, donor_id: int, now: int
) -> CreditMove:
    """The donor moves their credit to a need: as much as it has room for (the rest stays
    theirs to place). A full or closed need, or a credit already placed, is refused."""
    credit = await own_credit(store, credit_id, platform, donor_id)
    if not credit.unallocated:
        raise CreditRefused("credit-already-decided")
    need = await store.need_by_code(code)
    if need is None or need.kind is not NeedKind.MONEY:
        raise CreditRefused("credit-need-full", code=code[:12])
    done = await store.move_credit(
        credit.id, need.id, now, by="donor", platform=platform, donor_id=donor_id,
        news=NEED_NEWS,
    )  # fmt: skip
    if done is None:
        raise CreditRefused("credit-already-decided")
    if not done.moved:
        raise CreditRefused("credit-need-full", code=need.code)
    return done


async def give_to_office(
    store: Storage, *, credit_id: int, platform: str, donor_id: int, now: int
) -> CreditMove:
    """The donor lets the welfare office use the credit where it is most needed."""
    await own_credit(store, credit_id, platform, donor_id)
    done = await store.move_credit(
        credit_id, None, now, by="donor", platform=platform, donor_id=donor_id, office_rest=True,
        news=NEED_NEWS,
    )  # fmt: skip
    if done is None:
        raise CreditRefused("credit-already-decided")
    return done


async def credit_clock_tick(
    store: Storage, now: int, platform: str, *, days: int, k: int
) -> list[CreditMove]:
    """The office decides the credits whose donors did not answer in `days`: the most
    urgent similar need with room takes what it can, the office the rest; the donor is
    told in the same transaction. Each credit is decided once (the store re-checks that
    it is still undecided and due), whatever the restarts or ticks."""
    due_before = now - days * DAY_S
    decided = []
    for credit in await store.due_credits(platform, due_before, CLOCK_BATCH):
        needs = await similar_needs(store, credit, k, 1)
        done = await store.move_credit(
            credit.id, needs[0].id if needs else None, now, by="office", office_rest=True,
            tell=TellCreditDonor(DECIDED_NOTICE), due_before=due_before, news=NEED_NEWS,
        )  # fmt: skip
        if done is not None:
            decided.append(done)
    return decided


@dataclass(frozen=True)
class OfficePlacement:
    """What placing the office's share on a need would do."""

    need: Need
    share: int  # the office's whole share now
    amount: int  # what this need can take of it


async def office_preview(store: Storage, actor: Account, code: str) -> OfficePlacement:
    """/place CODE: how much of the office's share the need would take (staff only)."""
    await staff.require_staff(store, actor)
    need = await store.need_by_code(code)
    if need is None:
        raise Refused("staff-need-not-found", code=code[:12])
    share = await store.office_share()
    if not share:
        raise Refused("credit-office-empty")
    if need.kind is not NeedKind.MONEY or need.status is not NeedStatus.OPEN or need.remaining <= 0:
        raise Refused("credit-office-need-full", code=need.code)
    return OfficePlacement(need, share, min(share, need.remaining))


async def place_office_share(
    store: Storage, actor: Account, code: str, now: int, token: str | None = None
) -> tuple[Need, int]:
    """Staff place the office's share on a need, audited in the same transaction; the
    confirmation `token` makes a second press do nothing."""
    need = (await office_preview(store, actor, code)).need
    placed = await store.place_office_share(
        need.id,
        now, platform=actor.platform, actor_id=actor.user_id, token=token, news=NEED_NEWS,
    )  # fmt: skip
    if placed is None:
        raise Refused("staff-confirm-used")
    return placed


async def office_overview(store: Storage, actor: Account) -> tuple[int, int]:
    """(unallocated credit, office share) for /office (staff only)."""
    await staff.require_staff(store, actor)
    return await store.credit_totals()


@in_one_unit
async def credits_for_export(store: Storage, actor: Account, now: int) -> list[CreditExport]:
    """Every credit, where its money is now (staff only, audited): no personal data."""
    await staff.require_staff(store, actor)
    rows = await store.credits_for_export()
    await staff.audit(store, actor, "export_credits", "credits", "all", now, rows=len(rows))
    return rows
