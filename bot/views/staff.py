"""What staff see: the console, a pledge found by reference, the audit log."""

from __future__ import annotations

import datetime as dt
from functools import cache

from bot import callbacks
from bot.i18n import Translator
from bot.models import Beneficiary, Need, Pledge, PledgeStatus, StaffRole
from bot.text import format_toman
from bot.views.donor import amount_text
from bot.views.screen import Screen, button, footer, keyboard

ACTIONABLE = (PledgeStatus.AWAITING_PAYMENT, PledgeStatus.PAYMENT_REPORTED)


@cache
def staff_home(t: Translator, role: StaffRole) -> Screen:
    role_name = t("staff-role-admin") if role is StaffRole.ADMIN else t("staff-role-staff")
    return Screen(
        t("staff-home", role=role_name),
        keyboard(
            [button(t("staff-new-need-button"), callbacks.STAFF_NEED_NEW)],
            [button(t("staff-broadcast-button"), callbacks.BROADCAST_NEW)],
            [button(t("staff-find-pledge-button"), callbacks.STAFF_FIND)],
            [button(t("staff-queue-button"), callbacks.STAFF_QUEUE)],
            [button(t("staff-stats-button"), callbacks.STAFF_STATS)],
            [button(t("staff-export-button"), callbacks.STAFF_EXPORT)],
            [button(t("staff-audit-button"), callbacks.STAFF_AUDIT)],
            footer(t),
            [button(t("button-main-menu"), callbacks.MENU_HOME)],
        ),
    )


def pledge_screen(t: Translator, pledge: Pledge, need: Need, tz: dt.tzinfo) -> Screen:
    """Everything staff need to match a transfer; no donor identity beyond the reference."""
    created = dt.datetime.fromtimestamp(pledge.created_at, tz).date()
    text = t(
        "staff-pledge",
        reference=pledge.reference,
        code=need.code,
        amount=amount_text(t, need, pledge.amount),
        status=t(f"pledge-status-{pledge.status.value}"),
        date=created,
    )
    rows = []
    if pledge.status in ACTIONABLE:
        rows.append(
            [
                button(t("staff-confirm-button"), callbacks.staff_pay(pledge.reference)),
                button(t("staff-reject-button"), callbacks.staff_reject(pledge.reference)),
            ]
        )
    rows.append([button(t("button-back"), callbacks.MENU_STAFF)])
    return Screen(text, keyboard(*rows))


def audit_screen(t: Translator, entries: list[dict[str, object]], tz: dt.tzinfo) -> Screen:
    lines = [t("staff-audit-title")]
    for entry in entries:
        when = dt.datetime.fromtimestamp(int(entry["at"]), tz)  # type: ignore[call-overload]
        lines.append(
            t(
                "staff-audit-line",
                date=when.date(),
                time=when.strftime("%H:%M"),
                actor=str(entry["actor_id"]),
                action=str(entry["action"]),
                subject=str(entry["subject_id"] or ""),
            )
        )
    return Screen("\n".join(lines), keyboard([button(t("button-back"), callbacks.MENU_STAFF)]))


def queue_screen(t: Translator, pledges: list[Pledge], needs: dict[int, Need]) -> Screen:
    """Pledges to check, reported payments (with receipts) first; one button each."""
    if not pledges:
        return Screen(
            t("staff-queue-empty"), keyboard([button(t("button-back"), callbacks.MENU_STAFF)])
        )
    rows = [
        [
            button(
                t(
                    "staff-queue-line",
                    reference=p.reference,
                    code=needs[p.need_id].code,
                    amount=amount_text(t, needs[p.need_id], p.amount),
                    status=t(f"pledge-status-{p.status.value}"),
                ),
                callbacks.staff_open(p.reference),
            )
        ]
        for p in pledges
    ]
    rows.append([button(t("button-back"), callbacks.MENU_STAFF)])
    return Screen(t("staff-queue-title"), keyboard(*rows))


def household_screen(t: Translator, household: Beneficiary, vouchers: int) -> Screen:
    """Staff see the record itself (this view is audit-logged)."""
    return Screen(
        t(
            "staff-household",
            code=household.national_code,
            name=household.full_name,
            mobile=household.mobile,
            size=household.household_size,
            decile=household.decile,
            vouchers=vouchers,
        ),
        keyboard([button(t("button-back"), callbacks.MENU_STAFF)]),
    )


def stats_screen(t: Translator, stats: dict[str, object]) -> Screen:
    """Users by role, activity, needs and pledges by status, toman raised against target."""
    personas: dict[str, int] = stats["personas"]  # type: ignore[assignment]
    lines = [
        t("stats-title"),
        t(
            "stats-users",
            donors=personas.get("donor", 0),
            beneficiaries=personas.get("beneficiary", 0),
            new=personas.get("new", 0),
            staff=stats["staff"],
            active=stats["active"],
        ),
        t("stats-needs-title"),
    ]
    needs: dict[str, int] = stats["needs"]  # type: ignore[assignment]
    lines += [
        t("stats-count-line", label=t(f"need-status-{status}"), count=count)
        for status, count in sorted(needs.items())
    ]
    lines.append(t("stats-pledges-title"))
    pledges: dict[str, int] = stats["pledges"]  # type: ignore[assignment]
    lines += [
        t("stats-count-line", label=t(f"pledge-status-{status}"), count=count)
        for status, count in sorted(pledges.items())
    ]
    money = stats["money_by_province"]
    raised = sum(row[2] for row in money)  # type: ignore[union-attr]
    target = sum(row[3] for row in money)  # type: ignore[union-attr]
    lines.append(t("stats-money", raised=_toman(t, raised), target=_toman(t, target)))
    lines += [
        t(
            "stats-province-line",
            province=row[0] if t.language == "fa" else row[1],
            raised=_toman(t, row[2]),
            target=_toman(t, row[3]),
        )
        for row in money[:10]  # type: ignore[index]
    ]
    return Screen("\n".join(lines), keyboard([button(t("button-back"), callbacks.MENU_STAFF)]))


def _toman(t: Translator, rials: int) -> str:
    return t("amount-toman", amount=format_toman(rials, t.language))
