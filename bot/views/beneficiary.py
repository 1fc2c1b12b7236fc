"""What a beneficiary sees: why we ask, the contact button, and their household's status.

Only the household's own record is ever passed in; the national code is shown masked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from functools import cache

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot.callbacks import Button
from bot.i18n import Translator
from bot.models import Beneficiary, Need, NeedStatus, Voucher, VoucherStatus
from bot.text import days_until, format_percent, format_toman, localize_digits, weekday_name
from bot.views.screen import Screen, button, keyboard, listed


@cache
def verify_intro(t: Translator) -> Screen:
    """One line on why, then a reply keyboard: share my own contact, or cancel."""
    markup = ReplyKeyboardMarkup(
        [
            [KeyboardButton(t("verify-share-contact-button"), request_contact=True)],
            [KeyboardButton(t("verify-cancel-button"))],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    return Screen(t("verify-why"), markup)


def verify_again(t: Translator, refusal: str) -> Screen:
    """A checked code that did not match: why, then share the phone again for a new try."""
    intro = verify_intro(t)
    return Screen(f"{refusal}\n\n{t('verify-share-again')}", intro.markup)


@cache
def verify_first(t: Translator) -> Screen:
    """Something only a verified household can do, asked by someone not linked yet."""
    return Screen(
        t("reminders-verify-first"),
        keyboard(
            [button(t("button-verify"), Button.STATUS())],
            [button(t("button-main-menu"), Button.MENU_HOME())],
        ),
    )


def ask_national_code(t: Translator) -> Screen:
    return Screen(t("verify-ask-national-code"), ReplyKeyboardRemove())


def locked_screen(t: Translator, opens_at: dt.datetime) -> Screen:
    """Verification is locked: when it opens again (a date and a time of day, which a
    person can plan around, unlike a countdown), and support meanwhile."""
    time_of_day = localize_digits(f"{opens_at.hour:02d}:{opens_at.minute:02d}", t.language)
    return Screen(
        t("verify-locked", date=opens_at.date(), time=time_of_day),
        keyboard(
            [button(t("button-support"), Button.SUPPORT())],
            [button(t("button-main-menu"), Button.MENU_HOME())],
        ),
    )


def _toman(t: Translator, rials: int) -> str:
    return t("amount-toman", amount=format_toman(rials, t.language))


def status_screen(
    t: Translator,
    household: Beneficiary,
    vouchers: list[Voucher],
    today: dt.date,
    official_channels: str,
    needs: Sequence[Need] = (),
    *,
    reminders_off: bool = False,
    schedule: Mapping[str, tuple[int, ...]] | None = None,
) -> Screen:
    """The household's kalabarg as recorded: tranche, credit, dates; never a balance."""
    lines = [
        t("status-title"),
        t(
            "status-household",
            last3=localize_digits(household.national_code[-3:], t.language),
            size=household.household_size,
            decile=household.decile,
        ),
    ]
    current = vouchers[-1] if vouchers else None  # vouchers come first tranche first
    if current is None:
        lines.append(t("status-no-voucher"))
    else:
        lines += _voucher_lines(t, current, today)
    last_digit = household.national_code[-1]
    if schedule and last_digit in schedule:
        digit = localize_digits(last_digit, t.language)
        days = [weekday_name(day, t.language) for day in schedule[last_digit]]
        lines.append(t("status-schedule", digit=digit, days=listed(t, days)))
    if needs:
        lines.append(t("status-aid-title"))
        lines += [_aid_line(t, need) for need in needs]
    if official_channels:
        lines.append(t("status-official", channels=official_channels))
    else:
        lines.append(t("status-official-generic"))
    return Screen(
        "\n".join(lines),
        keyboard(
            [
                button(t("button-refresh"), Button.STATUS()),
                button(t("button-history"), Button.HISTORY()),
            ],
            [
                button(
                    t("button-reminders-on" if reminders_off else "button-reminders-off"),
                    Button.REMINDERS(),
                )
            ],
            [button(t("button-check-sms"), Button.CHECK_SMS())],
            [button(t("button-forget"), Button.FORGET_ASK())],
            [button(t("button-main-menu"), Button.MENU_HOME())],
        ),
    )


def _voucher_lines(t: Translator, voucher: Voucher, today: dt.date) -> list[str]:
    lines = [
        t(
            "status-voucher",
            tranche=voucher.tranche,
            status=t(f"voucher-status-{VoucherStatus(voucher.status).value}"),
        ),
        t(
            "status-credit",
            per_person=_toman(t, voucher.amount_per_person),
            total=_toman(t, voucher.total),
        ),
    ]
    if voucher.charged_on:
        lines.append(t("status-charged-on", date=voucher.charged_on))
    if voucher.expires_on:
        days = days_until(voucher.expires_on, today)
        if days >= 0:
            lines.append(t("status-expires-on", date=voucher.expires_on, days=days))
        else:
            lines.append(t("status-expired-on", date=voucher.expires_on))
    return lines


def _aid_line(t: Translator, need: Need) -> str:
    """A request's progress in words a family uses (never a status code), never who pledged."""
    category = need.category.value
    return t("status-aid-line", icon=t(f"category-icon-{category}"),
             category=t(f"category-{category}"), status=aid_progress(t, need))  # fmt: skip


def aid_progress(t: Translator, need: Need) -> str:
    """Open to donors, how much is promised, all promised, all paid, delivered."""
    if need.status is NeedStatus.OPEN and need.paid + need.reserved > 0:
        percent = min(99, (need.paid + need.reserved) * 100 // need.target)
        return t("aid-status-pledged", percent=format_percent(percent, t.language))
    return t(f"aid-status-{need.status.value}")


def history_screen(t: Translator, vouchers: list[Voucher]) -> Screen:
    earlier = list(reversed(vouchers[:-1]))  # most recent first
    lines = [t("history-title")] if earlier else [t("history-empty")]
    lines += [
        t(
            "history-line",
            tranche=v.tranche,
            total=_toman(t, v.total),
            status=t(f"voucher-status-{VoucherStatus(v.status).value}"),
            date=v.charged_on or v.expires_on or "—",
        )
        for v in earlier
    ]
    return Screen("\n".join(lines), keyboard([button(t("button-back"), Button.STATUS())]))


@cache
def forget_ask(t: Translator) -> Screen:
    return Screen(
        t("forget-ask"),
        keyboard(
            [button(t("forget-yes"), Button.FORGET_DO())],
            [button(t("button-back"), Button.STATUS())],
        ),
    )


def sms_verdict(t: Translator, signs: list[str]) -> Screen:
    """What a pasted SMS looks like, always with the rule that tells a real one."""
    if signs:
        lines = [t("sms-warning"), *(t(sign) for sign in signs), "", t("sms-rule")]
    else:
        lines = [t("sms-looks-fine"), t("sms-rule")]
    return Screen("\n".join(lines), keyboard([button(t("button-main-menu"), Button.MENU_HOME())]))


def contact_expected(t: Translator, why: str) -> Screen:
    """The contact could not be used (someone else's, forwarded) or something else came:
    why, with the share button still there."""
    return Screen(why, verify_intro(t).markup)


def linked_screen(t: Translator) -> Screen:
    """Verified: say so and take the share keyboard away (the status follows)."""
    return Screen(t("verify-linked"), ReplyKeyboardRemove())


def verification_left(text: str) -> Screen:
    """Verification ended (cancelled): its words, and the share keyboard taken away."""
    return Screen(text, ReplyKeyboardRemove())


@cache
def sms_ask(t: Translator) -> Screen:
    return Screen(t("sms-ask"))


@cache
def sms_text_expected(t: Translator) -> Screen:
    return Screen(t("sms-text-expected"))
