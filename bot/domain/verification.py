"""Proving who you are, once: your own phone contact plus the household head's national code.

Rules, in the order a person meets them:
- Only the sender's own contact counts. Telegram's `request_contact` button always fills
  `contact.user_id` with the sender's id, so on Telegram a contact without one is a card
  attached by hand (anyone's number) and is refused exactly like someone else's contact.
  A forwarded contact is refused everywhere. Bale may leave the id empty: there such a
  contact is accepted only when not forwarded, both the phone on record and the national
  code must still match, and the link records that ownership was weaker.
- The failure answer is the same whether or not the national code exists, so the bot
  cannot be used to test which codes are registered.
- Five failures within 24 hours lock verification for 24 hours (counted from the failures
  in the store, so a restart changes nothing). A malformed code is explained, not counted.
- A link stores only what it needs: platform, user, national code, how ownership was shown.
- The shared phone is kept in the flow's data only between the contact and the code: it is
  dropped once the code is checked (matching or not), when the flow ends in any way, and
  by the hourly sweep once it is a day old (a person who walked away mid-flow).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot import metrics
from bot.domain.refusal import Refused
from bot.storage.protocols import Storage
from bot.text import InputError, parse_mobile, parse_national_code

MAX_FAILURES = 5
WINDOW_S = 24 * 3600
LOCK_S = 24 * 3600
SHARED_PHONE_TTL_S = 24 * 3600
SHARED_PHONE_FIELD = "mobile"  # the key of the shared phone in the flow data


class VerificationRefused(Refused):
    """A refusal the person sees: a locale message id and its arguments."""


@dataclass(frozen=True)
class SharedContact:
    """A contact that passed the ownership rules: the canonical mobile and how sure we are."""

    mobile: str
    weak_ownership: bool


# Platforms whose contact button may send the sender's own contact without `user_id`.
PLATFORMS_WITHOUT_CONTACT_OWNER = frozenset({"bale"})


def check_contact(
    *,
    platform: str,
    sender_id: int,
    contact_user_id: int | None,
    forwarded: bool,
    phone_number: str,
) -> SharedContact:
    """Accept only the sender's own, unforwarded contact with an Iranian mobile number."""
    if forwarded:
        raise VerificationRefused("verify-contact-forwarded")
    missing_owner_allowed = platform in PLATFORMS_WITHOUT_CONTACT_OWNER
    if contact_user_id is None and not missing_owner_allowed:
        raise VerificationRefused("verify-contact-not-yours")
    if contact_user_id is not None and contact_user_id != sender_id:
        raise VerificationRefused("verify-contact-not-yours")
    try:
        mobile = parse_mobile(phone_number)
    except InputError:
        raise VerificationRefused("verify-contact-not-iranian") from None
    return SharedContact(mobile=mobile, weak_ownership=contact_user_id is None)


async def lock_seconds_left(store: Storage, platform: str, user_id: int, now: int) -> int:
    """Seconds until verification opens again; 0 when it is open."""
    failures = await store.verification_failures(platform, user_id, since=now - WINDOW_S - LOCK_S)
    for index in range(len(failures) - MAX_FAILURES + 1):
        window = failures[index : index + MAX_FAILURES]
        if window[-1] - window[0] <= WINDOW_S and now < window[-1] + LOCK_S:
            return window[-1] + LOCK_S - now
    return 0


async def verify(
    store: Storage,
    *,
    platform: str,
    user_id: int,
    contact: SharedContact,
    typed_code: str,
    now: int,
) -> str:
    """Link this person to their household; returns the national code on success.

    Raises InputError for a code that is not a national code at all (explained, not
    counted) and VerificationRefused for a mismatch or a lock.
    """
    if left := await lock_seconds_left(store, platform, user_id, now):
        raise VerificationRefused("verify-locked", seconds=left)
    national_code = parse_national_code(typed_code)
    household = await store.beneficiary(national_code)
    if household is None or household.mobile != contact.mobile:
        await store.record_verification_failure(platform, user_id, now)
        left = await lock_seconds_left(store, platform, user_id, now)
        metrics.count_verification_failure(platform, locked=bool(left))
        if left:
            raise VerificationRefused("verify-locked", seconds=left)
        recent = await store.verification_failures(platform, user_id, since=now - WINDOW_S)
        raise VerificationRefused("verify-failed", left=MAX_FAILURES - len(recent))
    await store.link_beneficiary(platform, user_id, national_code, contact.weak_ownership, now)
    return national_code


async def linked_household(store: Storage, platform: str, user_id: int) -> str | None:
    """The national code this person is linked to, or None."""
    return await store.beneficiary_link(platform, user_id)


async def forget(store: Storage, platform: str, user_id: int, now: int) -> None:
    """Remove the link and anything a verification flow kept (the shared phone)."""
    await store.unlink_beneficiary(platform, user_id)
    await store.save_flow_data(platform, user_id, None, now)


async def drop_shared_phone(store: Storage, platform: str, user_id: int) -> None:
    """Forget the phone this person shared, if a verification flow still holds it."""
    await store.drop_flow_data_holding(platform, SHARED_PHONE_FIELD, user_id=user_id)


async def sweep_shared_phones(store: Storage, platform: str, now: int) -> None:
    """Drop every shared phone left in a flow for a day or more (a person who walked away)."""
    await store.drop_flow_data_holding(
        platform, SHARED_PHONE_FIELD, updated_before=now - SHARED_PHONE_TTL_S
    )


async def toggle_reminders(store: Storage, platform: str, user_id: int) -> bool | None:
    """Expiry reminders off if they were on, on if off; the new `off`. None, changing
    nothing: the person is not linked to a household (reminders are about its kalabarg).
    News of a changed tranche always comes, whatever this says."""
    if await store.beneficiary_link(platform, user_id) is None:
        return None
    off = not await store.reminders_off(platform, user_id)
    await store.set_reminders_off(platform, user_id, off)
    return off


async def queue_voucher_reminders(
    store: Storage, platform: str, today: dt.date, days_ahead: int, now: int
) -> int:
    """The clock's part: a reminder for each charged tranche expiring within `days_ahead`
    days, queued once per person (people who turned reminders off are skipped); the
    outbox sends them."""
    return await store.queue_voucher_reminders(platform, today, days_ahead, now)
