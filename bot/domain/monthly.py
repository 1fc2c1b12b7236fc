"""Monthly kindness: a donor's standing gift, pledged each Jalali month on a chosen day.

A gift is a row with a due time (`next_due_at`), like the pledge clock's expiries: the
clock asks the store what is due and handles each month once. The month's pledge goes
through `pledges.pledge_help`, the very path a donor pledging by hand takes (the same
checks, the same conditional reservation that never over-pledges, the same notices and
invoice), and its transaction also moves the gift on to the next month. So a run that
crashes before committing left nothing behind and the next tick does it; a run that
committed can never be repeated (`MonthlyClaimLost`), even by two processes at once.

Months are Jalali months in the bot's time zone (Asia/Tehran): the day is 1-28, so it
exists in every month, Esfand of a common year included. The gift falls due at
`DUE_HOUR` that day, not at midnight: nobody wants an invoice at 00:00.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import jdatetime

from bot.domain import browse, pledges
from bot.domain.browse import PlaceName
from bot.domain.notices import TellDonor
from bot.domain.pledges import PledgeRefused, PledgeRules
from bot.domain.refusal import Refused
from bot.models import (
    City,
    MonthlyClaim,
    MonthlyGift,
    MonthlyStatus,
    Need,
    NeedCategory,
    NeedKind,
    Pledge,
    Province,
)
from bot.storage import MonthlyClaimLost
from bot.storage.protocols import Storage
from bot.storage.records import MonthlyStatistics, Notice
from bot.text import RIALS_PER_TOMAN

DUE_HOUR = 9  # local time on the chosen day
MAX_DAY = 28  # every Jalali month has a 28th
MAX_TOMAN = 100_000_000  # a sane ceiling for a monthly gift (a typo guard, not a policy)
DUE_BATCH = 100  # gifts read at a time by a tick
CANDIDATES_PAGE = 50  # needs read per page while looking for one with room
MAX_CANDIDATES = 500  # and at most this many (item needs are skipped)
PLEDGED_NOTICE = "monthly-pledged-notice"
NOTHING_NOTICE = "monthly-nothing-notice"


class MonthlyRefused(Refused):
    """Why a monthly-kindness step cannot happen (a locale message id and its arguments)."""


# -- Jalali months -------------------------------------------------------------------------


def period_of(day: jdatetime.date) -> int:
    """A Jalali month as one sortable number: year * 100 + month (140409: Azar 1404)."""
    period: int = day.year * 100 + day.month  # jdatetime is untyped: its fields are Any here
    return period


def following(period: int) -> int:
    year, month = divmod(period, 100)
    return (year + 1) * 100 + 1 if month == 12 else period + 1


def due_at(period: int, day: int, tz: dt.tzinfo) -> int:
    """When the gift of `period` falls due: `DUE_HOUR` local time on its day."""
    year, month = divmod(period, 100)
    date = jdatetime.date(year, month, day).togregorian()
    return int(dt.datetime.combine(date, dt.time(DUE_HOUR), tzinfo=tz).timestamp())


def due_date(at: int, tz: dt.tzinfo) -> dt.date:
    """The local (Gregorian) date of a due time; locales show it as a Jalali date."""
    return dt.datetime.fromtimestamp(at, tz).date()


def first_month(day: int, now: int, tz: dt.tzinfo, not_before: int = 0) -> tuple[int, int]:
    """(period, due time) of the first gift from today on: this month if its day has not
    passed (today counts: a gift set up or resumed on its day is given today), else the
    next; never a month before `not_before` (one already given or skipped)."""
    today = jdatetime.date.fromgregorian(date=dt.datetime.fromtimestamp(now, tz).date())
    period = period_of(today)
    if today.day > day:
        period = following(period)
    while period < not_before:
        period = following(period)
    return period, due_at(period, day, tz)


def current_period(now: int, tz: dt.tzinfo) -> int:
    return period_of(jdatetime.date.fromgregorian(date=dt.datetime.fromtimestamp(now, tz).date()))


# -- what a gift is for --------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Where a gift goes: a city (named for donors) or a whole province, and a category."""

    province: Province
    city: City | None
    category: NeedCategory | None


def check_amount(rials: int, rules: PledgeRules) -> None:
    """A monthly amount between the smallest pledge and `MAX_TOMAN`."""
    if rials < rules.min_rials:
        raise MonthlyRefused("monthly-amount-too-small", minimum=rules.min_rials)
    if rials > MAX_TOMAN * RIALS_PER_TOMAN:
        raise MonthlyRefused("monthly-amount-too-large", maximum=MAX_TOMAN * RIALS_PER_TOMAN)


def check_day(day: int) -> None:
    if not 1 <= day <= MAX_DAY:
        raise MonthlyRefused("monthly-stale")


async def resolve_scope(
    store: Storage, province_id: int, city_id: int | None, category: str, k: int
) -> Scope:
    """The place a picker button names, as donors may see it: a city is only accepted
    while it is named in browsing (k-anonymity), so a forged button learns nothing."""
    geo = await browse.geography(store)
    province = geo.province_by_id.get(province_id)
    if province is None:
        raise MonthlyRefused("monthly-stale")
    city = None
    if city_id is not None:
        found = await browse.look_up_city(store, city_id, k)
        if found is None or found.named is None or found.province.id != province_id:
            raise MonthlyRefused("monthly-stale")
        city = found.named
    return Scope(province, city, browse.category_or_none(category))


async def scope_of(store: Storage, gift: MonthlyGift) -> Scope:
    """A gift's place by name (the donor chose it, so its city is named whatever its
    count is now)."""
    geo = await browse.geography(store)
    city = geo.city_by_id.get(gift.city_id) if gift.city_id is not None else None
    return Scope(geo.province_by_id[gift.province_id], city, gift.category)


# -- the donor's own gift ------------------------------------------------------------------


async def gift_of(store: Storage, platform: str, donor_id: int) -> MonthlyGift | None:
    return await store.monthly_of_donor(platform, donor_id)


async def start(
    store: Storage,
    *,
    platform: str,
    donor_id: int,
    amount: int,
    scope: Scope,
    day: int,
    token: str,
    now: int,
    rules: PledgeRules,
    tz: dt.tzinfo,
) -> tuple[MonthlyGift, bool]:
    """Start a gift (idempotent on the confirm button's `token`); (gift, whether new)."""
    check_amount(amount, rules)
    check_day(day)
    period, due = first_month(day, now, tz)
    draft = MonthlyGift(
        id=0,
        platform=platform,
        donor_id=donor_id,
        amount=amount,
        province_id=scope.province.id,
        city_id=scope.city.id if scope.city else None,
        category=scope.category,
        day=day,
        status=MonthlyStatus.ACTIVE,
        next_period=period,
        next_due_at=due,
        version=1,
    )
    return await store.create_monthly(draft, token, now)


async def own_gift(store: Storage, platform: str, donor_id: int, gift_id: int, version: int
                   ) -> MonthlyGift:  # fmt: skip
    """The donor's gift exactly as the button showed it, else `monthly-stale`."""
    gift = await store.monthly_of_donor(platform, donor_id)
    if gift is None or (gift.id, gift.version) != (gift_id, version):
        raise MonthlyRefused("monthly-stale")
    return gift


async def skip(store: Storage, gift: MonthlyGift, now: int, tz: dt.tzinfo) -> MonthlyGift:
    """Skip the next gift: that month is recorded as skipped and nothing is pledged."""
    if gift.status is not MonthlyStatus.ACTIVE:
        raise MonthlyRefused("monthly-stale")
    claim = _claim(gift, tz)
    if not await store.close_month(claim, "skipped", now, version=gift.version):
        raise MonthlyRefused("monthly-stale")
    return replace(gift, next_period=claim.next_period, next_due_at=claim.next_due_at,
                   version=gift.version + 1)  # fmt: skip


async def pause(store: Storage, gift: MonthlyGift, now: int) -> MonthlyGift:
    if gift.status is not MonthlyStatus.ACTIVE:
        raise MonthlyRefused("monthly-stale")
    return await _change(store, gift, now, status=MonthlyStatus.PAUSED.value)


async def resume(store: Storage, gift: MonthlyGift, now: int, tz: dt.tzinfo) -> MonthlyGift:
    """Give again from the next day to come; months missed while paused are not made up,
    and a month already given or skipped is never given again."""
    if gift.status is not MonthlyStatus.PAUSED:
        raise MonthlyRefused("monthly-stale")
    period, due = first_month(gift.day, now, tz, not_before=gift.next_period)
    return await _change(store, gift, now, status=MonthlyStatus.ACTIVE.value,
                         next_period=period, next_due_at=due)  # fmt: skip


async def stop(store: Storage, gift: MonthlyGift, now: int) -> MonthlyGift:
    """No more gifts; pledges already made stay as they are."""
    return await _change(store, gift, now, status=MonthlyStatus.STOPPED.value)


async def change_amount(
    store: Storage, gift: MonthlyGift, amount: int, now: int, rules: PledgeRules
) -> MonthlyGift:
    check_amount(amount, rules)
    return await _change(store, gift, now, amount=amount)


async def change_scope(store: Storage, gift: MonthlyGift, scope: Scope, now: int) -> MonthlyGift:
    return await _change(
        store,
        gift,
        now,
        province_id=scope.province.id,
        city_id=scope.city.id if scope.city else None,
        category=scope.category.value if scope.category else None,
    )


async def _change(store: Storage, gift: MonthlyGift, now: int, **changes: object) -> MonthlyGift:
    changed = await store.change_monthly(gift.id, gift.version, now, **changes)
    if changed is None:
        raise MonthlyRefused("monthly-stale")
    return changed


def _claim(gift: MonthlyGift, tz: dt.tzinfo) -> MonthlyClaim:
    """The claim on a gift's next month, moving it on to the month after."""
    after = following(gift.next_period)
    return MonthlyClaim(gift.id, gift.next_period, after, due_at(after, gift.day, tz))


def _month_args(gift: MonthlyGift, claim: MonthlyClaim) -> dict[str, object]:
    """What the donor's news of a month says besides the pledge: which gift and month, its
    amount, and when the next one comes."""
    return {"gift": gift.id, "period": gift.next_period, "monthly_amount": gift.amount,
            "next_due_at": claim.next_due_at}  # fmt: skip


# -- each month ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthResult:
    """What a due gift came to: its pledge, or None when nothing in scope needed money."""

    gift: MonthlyGift
    pledge: Pledge | None


async def run_due(
    store: Storage, *, platform: str, now: int, rules: PledgeRules, tz: dt.tzinfo
) -> list[MonthResult]:
    """Give every gift whose day has come, one month of each per tick (a bot that was down
    for months catches up a month a tick, oldest first). A month another run already
    handled (another process, a tick before a restart) is passed over: claims make each
    month happen once. Reads in batches, so a day when thousands give is one tick."""
    results: list[MonthResult] = []
    handled: set[int] = set()
    while True:
        batch = await store.due_monthly(platform, now, DUE_BATCH)
        fresh = [gift for gift in batch if gift.id not in handled]
        for gift in fresh:
            handled.add(gift.id)
            result = await give(store, gift, now, rules, tz)
            if result is not None:
                results.append(result)
        if len(batch) < DUE_BATCH or not fresh:
            return results


async def give(
    store: Storage, gift: MonthlyGift, now: int, rules: PledgeRules, tz: dt.tzinfo
) -> MonthResult | None:
    """This month's gift: a pledge to the most urgent need in scope that has room, made
    as a hand pledge is; or, when nothing needs money, the donor is told and the month is
    closed. A donor who blocked the bot could neither pay nor be told: their month is
    skipped rather than holding a share of a need for nothing. None when another run
    handled this month first."""
    account = await store.account(gift.platform, gift.donor_id)
    if account is None or account.blocked:  # nobody to pay it: hold no family's share
        closed = await store.close_month(_claim(gift, tz), "skipped", now)
        return MonthResult(gift, None) if closed else None
    claim = _claim(gift, tz)
    args = _month_args(gift, claim)
    for need, amount in await _candidates(store, gift, rules):
        try:
            pledge = await pledges.pledge_help(
                store,
                need_code=need.code,
                platform=gift.platform,
                donor_id=gift.donor_id,
                amount=amount,
                token=f"monthly-{gift.id}-{gift.next_period}",
                now=now,
                rules=rules,
                monthly=claim,
                tell=TellDonor(PLEDGED_NOTICE, args),  # the pledge's donor: the gift's
            )
        except PledgeRefused:  # another donor took it meanwhile: the next need
            continue
        except MonthlyClaimLost:
            return None
        return MonthResult(gift, pledge)
    told = (
        Notice(gift.platform, gift.donor_id, NOTHING_NOTICE, args,
               f"{NOTHING_NOTICE}:{gift.id}:{claim.period}")
        if gift.donor_id > 0  # an erased donor cannot be told (their gift stopped anyway)
        else None
    )  # fmt: skip
    if not await store.close_month(claim, "nothing", now, notice=told):
        return None
    return MonthResult(gift, None)


async def _candidates(store: Storage, gift: MonthlyGift, rules: PledgeRules
                      ) -> list[tuple[Need, int]]:  # fmt: skip
    """Money needs in scope, most urgent first (browse order), with the amount each would
    get: first those with room for the whole gift; then, when none has, the most urgent
    ones with less room, given what they still lack (a gift never over-pledges a need)."""
    scope = await scope_of(store, gift)
    city_ids = [scope.city.id] if scope.city else [c.id for c in scope.province.cities]
    whole, partly = [], []
    for offset in range(0, MAX_CANDIDATES, CANDIDATES_PAGE):
        page = await store.open_needs_page(city_ids, gift.category, CANDIDATES_PAGE, offset)
        for need in page:
            if need.kind is not NeedKind.MONEY or need.remaining <= 0:
                continue
            if need.remaining >= gift.amount:
                whole.append((need, gift.amount))
            else:
                partly.append((need, need.remaining))
        if len(page) < CANDIDATES_PAGE:
            break
    return whole or partly


# -- what the outbox needs to show a month's news ------------------------------------------


@dataclass(frozen=True)
class MonthNews:
    """A month's notice, read at send time: the gift, its place, and the pledge if any."""

    gift: MonthlyGift | None
    scope: Scope | None
    pledge: Pledge | None
    need: Need | None
    place: PlaceName | None  # the need's place as donors may see it (k-anonymity)


async def month_news(store: Storage, reference: str | None, gift_id: int, platform: str,
                     donor_id: int, k: int, language: str) -> MonthNews:  # fmt: skip
    gift = await store.monthly_of_donor(platform, donor_id)
    gift = gift if gift is not None and gift.id == gift_id else None
    scope = await scope_of(store, gift) if gift else None
    pledge = await store.pledge(reference) if reference else None
    need = await store.need(pledge.need_id) if pledge else None
    place = await browse.place_of(store, need, k, language) if need else None
    return MonthNews(gift, scope, pledge, need, place)


async def statistics(store: Storage, platform: str, now: int, tz: dt.tzinfo) -> MonthlyStatistics:
    """For /stats: gifts active and paused, and what this Jalali month's gifts raised."""
    return await store.monthly_statistics(platform, current_period(now, tz))
