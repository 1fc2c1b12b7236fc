"""What staff see: the console, a pledge found by reference, the audit log."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from functools import cache

from bot.callbacks import Button
from bot.domain.confirmations import Done
from bot.domain.staff import CONFIRMABLE, Ending, Invite, Queue
from bot.i18n import Translator
from bot.models import Beneficiary, Need, NeedKind, NeedStatus, Pledge, StaffRole
from bot.storage.records import AuditEntry, MonthlyStatistics, Statistics
from bot.text import format_toman, localize_digits, localize_number
from bot.text.collation import collation_key
from bot.text.mobile import national_mobile
from bot.text.privacy import has_personal_number
from bot.views import monthly as monthly_views
from bot.views.donor import amount_text, direction_mark, pledge_status
from bot.views.screen import Screen, button, footer, keyboard, page_row, user_text


@cache
def staff_home(t: Translator, role: StaffRole) -> Screen:
    role_name = t("staff-role-admin") if role is StaffRole.ADMIN else t("staff-role-staff")
    return Screen(
        t("staff-home", role=role_name),
        keyboard(
            [button(t("staff-new-need-button"), Button.SN_NEW())],
            [button(t("staff-needs-button"), Button.STAFF_NEEDS(False))],
            [button(t("staff-broadcast-button"), Button.BROADCAST_NEW())],
            [button(t("staff-find-pledge-button"), Button.STAFF_FIND())],
            [button(t("staff-queue-button"), Button.STAFF_QUEUE())],
            [button(t("staff-stats-button"), Button.STAFF_STATS())],
            [button(t("staff-export-button"), Button.STAFF_EXPORT())],
            [button(t("staff-audit-button"), Button.STAFF_AUDIT())],
            *(
                [[button(t("staff-invites-button"), Button.STAFF_INVITES())]]
                if role is StaffRole.ADMIN
                else []
            ),
            [button(t("staff-commands-button"), Button.STAFF_COMMANDS())],
            footer(t),
            [button(t("button-main-menu"), Button.MENU_HOME())],
        ),
    )


def staff_commands_screen(t: Translator) -> Screen:
    """Every staff command in one place (the console's ❓ button)."""
    return Screen(t("staff-commands"), keyboard([button(t("button-back"), Button.MENU_STAFF())]))


def pledge_screen(t: Translator, pledge: Pledge, need: Need, tz: dt.tzinfo) -> Screen:
    """Everything staff need to match a transfer (or goods brought): the amount, the status
    and the tracking number the donor typed; no donor identity beyond the reference."""
    created = dt.datetime.fromtimestamp(pledge.created_at, tz).date()
    goods = need.kind is NeedKind.ITEMS
    text = t(
        "staff-pledge",
        reference=pledge.reference,
        code=need.code,
        amount=amount_text(t, need, pledge.amount),
        status=pledge_status(t, need, pledge.status),
        date=created,
    )
    if pledge.donor_tracking:
        text += "\n" + t("staff-pledge-donor-tracking", tracking=pledge.donor_tracking)
    rows = []
    if pledge.status in CONFIRMABLE:
        confirm = "staff-received-button" if goods else "staff-confirm-button"
        rows.append(
            [
                button(t(confirm), Button.STAFF_PAY(pledge.reference)),
                button(t("staff-reject-button"), Button.STAFF_REJECT(pledge.reference)),
            ]
        )
    rows.append([button(t("button-back"), Button.MENU_STAFF())])
    return Screen(text, keyboard(*rows))


def ask_tracking_screen(t: Translator, reference: str, problem: str = "") -> Screen:
    """Confirming money: the bank tracking number, or explicitly none (a reason follows)."""
    ask = t("staff-ask-bank-reference", reference=reference)
    return Screen(
        f"{problem}\n\n{ask}" if problem else ask,
        keyboard(
            [button(t("staff-no-tracking-button"), Button.STAFF_PAY_UNREFERENCED(reference))],
            [button(t("button-back"), Button.MENU_STAFF())],
        ),
    )


def after_decision_screen(t: Translator, text: str) -> Screen:
    """After a confirm, a reject or a refusal in the queue: the next pledge is one press."""
    return Screen(
        text,
        keyboard(
            [button(t("staff-next-button"), Button.STAFF_NEXT())],
            [button(t("button-back"), Button.MENU_STAFF())],
        ),
    )


# Every action name the bot writes to the audit log, in one place. The rows are written from
# several modules (bot/domain, bot/handlers, bot/operations.py), always with a literal name
# or, for broadcast controls, `f"broadcast_{action}"`; the audit screen shows each name
# through its message `audit-action-<name>` (locales/*/staff.ftl). tests/test_staff_audit.py
# reads bot/'s sources for every name written and checks that each is listed here and has a
# message in every language, so a new audited action cannot reach staff as a raw key. A name
# not listed (a row written by an older version) still shows, as `audit-action-other`.
AUDIT_ACTIONS: tuple[str, ...] = (
    "view_pledge",
    "confirm_payment",
    "confirm_without_tracking",
    "confirm_received",
    "reject_payment",
    "undo_confirmation",
    "add_staff",
    "remove_staff",
    "create_invite",
    "revoke_invite",
    "void_invite",
    "join_staff",
    "admin_granted_by_settings",
    "admin_revoked_by_settings",
    "view_beneficiary",
    "add_need",
    "view_need",
    "edit_need",
    "publish_need",
    "deliver_need",
    "close_need",
    "broadcast",
    "broadcast_pause",
    "broadcast_resume",
    "broadcast_cancel",
    "export_pledges",
    "export_pledges_pii",
    "support_reply",
    "payment_inquiry_given_up",
    # credit (bot.domain.credits): opened, moved by its donor, decided by the office, placed
    "credit_opened",
    "credit_moved",
    "credit_decided",
    "office_share_placed",
    "export_credits",
)
AUDIT_SCREEN_ENTRIES = 15
_REASON_CHARS = 40
_BANK_REFERENCE_CHARS = 24
_CODE_CHARS = 16
_UNKNOWN_ACTION_CHARS = 32
# edit_need names the fields that changed (never their values); several form fields share
# one label, as on the edit screen (place, goal).
_FIELD_LABELS = {
    "province_id": "place",
    "city_id": "place",
    "category": "category",
    "kind": "goal",
    "target": "goal",
    "item_name": "goal",
    "description_fa": "description",
    "description_en": "description_en",
    "deadline": "deadline",
    "national_code": "national_code",
    "urgent": "urgent",
}
_NAMED_AUDIENCES = frozenset({"everyone", "donors", "beneficiaries", "staff"})
_PLACED_AUDIENCES = frozenset({"province", "city"})
_NEED_STATUSES = frozenset(status.value for status in NeedStatus)
_DIGIT = re.compile(r"\d")


def audit_screen(t: Translator, entries: Sequence[AuditEntry], tz: dt.tzinfo) -> Screen:
    """The latest audit rows (newest first, at most 15) for staff, in the reader's language.

    Rows are grouped under their Jalali day; each shows the time, what was done to which
    record, and who did it, with short details on a second line (a reason, a bank reference,
    counts, changed field names). Personal data stays out: a household's national code is
    cut to its last three digits, invite codes to their start, free text is shortened and
    loses its digits when it looks like a phone number or national code, and detail keys
    this view does not know are not shown at all.
    """
    mark = direction_mark(t.language)
    lines = [t("staff-audit-title")]
    if not entries:
        lines.append(t("staff-audit-empty"))
    day: dt.date | None = None
    for entry in entries[:AUDIT_SCREEN_ENTRIES]:
        when = dt.datetime.fromtimestamp(entry.at, tz)
        if when.date() != day:
            day = when.date()
            lines.append(mark + t("staff-audit-day", date=day))
        action = _audit_action(t, entry.action or "")
        subject = _audit_subject(t, entry)
        lines.append(
            mark
            + t(
                "staff-audit-entry",
                time=localize_number(when.strftime("%H:%M"), t.language),
                what=t("staff-audit-subject", action=action, subject=subject)
                if subject
                else action,
                actor=_audit_actor(t, entry.actor_id),
            )
        )
        details = _audit_details(t, entry)
        if details:
            separator = t("staff-audit-separator")
            lines.append(mark + t("staff-audit-details", details=separator.join(details)))
    return Screen("\n".join(lines), keyboard([button(t("button-back"), Button.MENU_STAFF())]))


def _audit_action(t: Translator, action: str) -> str:
    if action in AUDIT_ACTIONS:
        return t(f"audit-action-{action}")
    key = "".join(c for c in action if c.isascii() and (c.isalnum() or c == "_"))
    return t("audit-action-other", action=key[:_UNKNOWN_ACTION_CHARS] or "?")


def _audit_actor(t: Translator, actor_id: object) -> str:
    if isinstance(actor_id, int) and not isinstance(actor_id, bool):
        return t("staff-audit-actor", id=_id_text(str(actor_id), t.language))
    return t("staff-audit-actor-none")  # the command line (`hamdeli export --with-pii`)


def _audit_subject(t: Translator, entry: AuditEntry) -> str:
    """The record acted on, shortened or masked by its type; other types are left out."""
    subject = str(entry.subject_id or "").strip()
    kind = entry.subject_type
    if not subject:
        return ""
    if kind in ("pledge", "need"):  # references and need codes, as staff type them back
        return subject[:_CODE_CHARS]
    if kind == "user":
        if subject == str(entry.actor_id):  # the actor's own role changed: said once
            return ""
        return t("staff-audit-subject-user", id=_id_text(subject, t.language))
    if kind in ("ticket", "broadcast"):
        return t("staff-audit-subject-number", id=_id_text(subject, t.language))
    if kind == "invite":  # an unused code would let anyone join as staff
        return subject[:4] + "…"
    if kind == "beneficiary":  # a national code: never in full
        return t("staff-audit-subject-household", last=_id_text(subject[-3:], t.language))
    return ""  # e.g. an export's file name or period: may hold anything, and adds little


def _audit_details(t: Translator, entry: AuditEntry) -> list[str]:
    """Short details, only from the keys listed here (a reason, a bank reference, counts…)."""
    details = _details_of(entry.details)
    parts = []
    reason = details.get("reason")
    if isinstance(reason, str) and reason.strip():
        parts.append(t("staff-audit-reason", reason=_free_text(reason)))
    bank_reference = details.get("bank_reference")
    if isinstance(bank_reference, str) and bank_reference.strip():
        shown = user_text(" ".join(bank_reference.split()), _BANK_REFERENCE_CHARS)
        parts.append(t("staff-audit-bank-reference", reference=_id_text(shown, t.language)))
    audience = details.get("audience")
    if audience in _NAMED_AUDIENCES:
        parts.append(t("staff-audit-audience", audience=t(f"broadcast-audience-{audience}-named")))
    elif audience in _PLACED_AUDIENCES:
        parts.append(t("staff-audit-audience", audience=t(f"staff-audit-audience-{audience}")))
    status = details.get("status")
    if status in _NEED_STATUSES:
        parts.append(t("staff-audit-status", status=t(f"need-status-{status}")))
    fields = details.get("fields")
    if isinstance(fields, list) and fields:
        labels = dict.fromkeys(_FIELD_LABELS.get(str(field), "other") for field in fields)
        names = t("staff-audit-list-separator").join(
            t(f"staff-audit-field-{label}") for label in labels
        )
        parts.append(t("staff-audit-fields", fields=names))
    for key in ("donors", "cancelled", "rows"):
        count = details.get(key)
        if isinstance(count, int) and not isinstance(count, bool):
            parts.append(t(f"staff-audit-{key}", count=count))
    if details.get("found") is False:
        parts.append(t("staff-audit-not-found"))
    return parts


def _details_of(raw: object) -> dict[str, object]:
    """The details column: JSON text as stored, or nothing usable."""
    if isinstance(raw, dict):
        return raw
    if not isinstance(raw, str):
        return {}
    try:
        parsed = json.loads(raw)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _free_text(text: str) -> str:
    """Staff-typed text, on one line and short; digits go when it looks like personal data."""
    text = " ".join(text.split())
    if has_personal_number(text):
        text = _DIGIT.sub("•", text)
    return user_text(text, _REASON_CHARS)


def _id_text(text: str, language: str) -> str:
    """A number shown as an id (no grouping): Persian digits in Persian; other text as is."""
    return localize_number(text, language) if text.isascii() and text.isdigit() else text


def queue_screen(t: Translator, queue: Queue, needs: dict[int, Need]) -> Screen:
    """Pledges to check, reported payments (with receipts) first; one button each, and
    previous / next when there are more than a page."""
    pledges = queue.pledges
    if not pledges:
        return Screen(
            t("staff-queue-empty"), keyboard([button(t("button-back"), Button.MENU_STAFF())])
        )
    rows = [
        [
            button(
                t(
                    "staff-queue-line",
                    reference=p.reference,
                    code=needs[p.need_id].code,
                    amount=amount_text(t, needs[p.need_id], p.amount),
                    status=pledge_status(t, needs[p.need_id], p.status),
                ),
                Button.STAFF_OPEN(p.reference),
            )
        ]
        for p in pledges
    ]
    rows.append(
        page_row(t, queue.page, queue.page + 1 < queue.pages,
                 lambda n: Button.STAFF_QUEUE_PAGE(n, queue.need_id))
    )  # fmt: skip
    rows.append([button(t("button-back"), Button.MENU_STAFF())])
    title = t("staff-queue-title", total=queue.total, page=queue.page + 1, pages=queue.pages)
    return Screen(title, keyboard(*rows))


def household_screen(t: Translator, household: Beneficiary, vouchers: int) -> Screen:
    """Staff see the record itself (this view is audit-logged)."""
    return Screen(
        t(
            "staff-household",
            code=localize_digits(household.national_code, t.language),
            name=household.full_name,
            mobile=localize_digits(national_mobile(household.mobile), t.language),
            size=household.household_size,
            decile=household.decile,
            vouchers=vouchers,
        ),
        keyboard([button(t("button-back"), Button.MENU_STAFF())]),
    )


# Provinces named one by one in /stats (and its chart); the rest share one line.
STATS_PROVINCES = 10


def province_money(t: Translator, stats: Statistics) -> list[tuple[str, int, int]]:
    """(province name, raised, target) for /stats and its chart, in the reader's language:
    the provinces that raised most first, those that raised the same in alphabetical
    order (Persian order in Persian), so the list reads the same on every backend."""
    rows = [
        (row.name_fa if t.language == "fa" else row.name_en, row.raised, row.target)
        for row in stats.money_by_province
    ]
    return sorted(rows, key=lambda row: (-row[1], collation_key(row[0], t.language)))


def stats_screen(
    t: Translator, stats: Statistics, gifts: MonthlyStatistics | None = None
) -> Screen:
    """Users by role, activity, needs and pledges by status, toman raised against target,
    and the monthly gifts (`gifts`) when there are numbers of them to show."""
    personas = stats.personas
    lines = [
        t("stats-title"),
        t(
            "stats-users",
            donors=personas.get("donor", 0),
            beneficiaries=personas.get("beneficiary", 0),
            new=personas.get("new", 0),
            staff=stats.staff,
            active=stats.active,
        ),
        t("stats-needs-title"),
    ]
    lines += [
        t("stats-count-line", label=t(f"need-status-{status}"), count=count)
        for status, count in sorted(stats.needs.items())
    ]
    lines.append(t("stats-pledges-title"))
    lines += [
        t("stats-count-line", label=t(f"pledge-status-{status}"), count=count)
        for status, count in sorted(stats.pledges.items())
    ]
    money = province_money(t, stats)
    raised = sum(raised for _, raised, _ in money)
    target = sum(target for _, _, target in money)
    lines.append(t("stats-money", raised=_toman(t, raised), target=_toman(t, target)))
    shown, others = money[:STATS_PROVINCES], money[STATS_PROVINCES:]
    lines += [
        t("stats-province-line", province=name, raised=_toman(t, raised), target=_toman(t, target))
        for name, raised, target in shown
    ]
    if others:  # the total above counts them: say so, not drop them silently
        lines.append(
            t(
                "stats-province-others",
                count=len(others),
                raised=_toman(t, sum(raised for _, raised, _ in others)),
                target=_toman(t, sum(target for _, _, target in others)),
            )
        )
    if gifts is not None:
        lines.append(monthly_views.stats_line(t, gifts))
    lines.append(
        t(
            "stats-credit",
            unallocated=_toman(t, stats.unallocated_credit),
            office=_toman(t, stats.office_share),
        )
    )
    return Screen("\n".join(lines), keyboard([button(t("button-back"), Button.MENU_STAFF())]))


def _toman(t: Translator, rials: int) -> str:
    return t("amount-toman", amount=format_toman(rials, t.language))


def confirm_keyboard(t: Translator, yes_label: str, token: str) -> list[list]:
    """Yes (carrying the one-time token) and No, for every irreversible staff action."""
    return [
        [button(yes_label, Button.STAFF_CONFIRM(token))],
        [button(t("staff-confirm-no-button"), Button.STAFF_DISMISS(token))],
    ]


def ending_screen(
    t: Translator, ending: Ending, action: str, token: str, reason: str = ""
) -> Screen:
    """/delivered and /close ask once: what will be told to whom, then Yes or No."""
    code = ending.need.code
    if action == "deliver":
        lines = [t("staff-deliver-ask", code=code),
                 t("staff-ending-paid-delivered", count=ending.paid)]  # fmt: skip
    else:
        lines = [t("staff-close-ask", code=code, reason=user_text(reason, 200))]
        if ending.paid + ending.reported:
            lines.append(t("staff-ending-paid-kept", count=ending.paid + ending.reported))
    if ending.unpaid:
        lines.append(t("staff-ending-unpaid-cancelled", count=ending.unpaid))
    if action == "deliver" and ending.reported:
        lines.append(t("staff-ending-reported-kept", count=ending.reported, code=code))
    if action == "deliver":
        lines.append(
            t("staff-ending-household" if ending.households else "staff-ending-no-household")
        )
    lines.append(t("staff-ending-irreversible"))
    yes = t("staff-deliver-yes-button" if action == "deliver" else "staff-close-yes-button")
    return Screen("\n".join(lines), keyboard(*confirm_keyboard(t, yes, token)))


def confirmed_screen(t: Translator, done: Done) -> Screen:
    """What a confirmed action did, with the way back to the console."""
    counts = done.counts
    if done.action == "deliver":
        lines = [t("staff-delivered", code=done.subject, donors=counts["donors"])]
        if counts["cancelled"]:
            lines.append(t("staff-delivered-unpaid-cancelled", count=counts["cancelled"]))
        text = "\n".join(lines)
    elif done.action == "close":
        text = t("staff-closed", code=done.subject, donors=counts["donors"], paid=counts["paid"])
    elif done.action == "place_office":
        amount = t("amount-toman", amount=format_toman(counts["amount"], t.language))
        text = t("credit-placed", amount=amount, code=done.subject)
    else:
        text = t("broadcast-cancelled", id=int(done.subject))
    return Screen(text, keyboard([button(t("button-back"), Button.MENU_STAFF())]))


def dismissed_screen(t: Translator) -> Screen:
    return Screen(
        t("staff-confirm-dismissed"), keyboard([button(t("button-back"), Button.MENU_STAFF())])
    )


def invites_screen(t: Translator, invites: list[Invite], tz: dt.tzinfo) -> Screen:
    """Open invite codes (admins only): who made each and until when it works, with a
    revoke button each; a new one is a command away."""
    lines = [t("staff-invites-title") if invites else t("staff-invites-empty")]
    mark = direction_mark(t.language)
    for invite in invites:
        until = dt.datetime.fromtimestamp(invite.expires_at, tz).date()
        creator = _id_text(str(invite.created_by), t.language)
        lines.append(mark + t("staff-invites-line", code=invite.code, creator=creator, date=until))
    rows = [
        [button(t("staff-invite-revoke-button", code=invite.code),
                Button.STAFF_REVOKE_INVITE(invite.code))]
        for invite in invites
    ]  # fmt: skip
    rows.append([button(t("button-back"), Button.MENU_STAFF())])
    return Screen("\n".join(lines), keyboard(*rows))


def ask_reference_screen(t: Translator) -> Screen:
    """/pledge or the console's 🔎: type a pledge's reference."""
    return Screen(t("staff-ask-reference"))


def reason_question(t: Translator, message_id: str, reference: str) -> Screen:
    """Before a rejection, or a confirmation without a tracking number: type the reason."""
    return Screen(t(message_id, reference=reference))


def staff_changed_screen(t: Translator, added: bool, user_id: int) -> Screen:
    """/addstaff or /removestaff done."""
    return Screen(t("staff-added" if added else "staff-removed", user_id=str(user_id)))


def invite_screen(t: Translator, code: str, until: dt.date) -> Screen:
    """/invite: the one-time code and the last day it works."""
    return Screen(t("staff-invite-created", code=code, date=until))


def joined_screen(t: Translator) -> Screen:
    return Screen(t("staff-joined"))


def undone_screen(t: Translator, reference: str) -> Screen:
    return Screen(t("staff-undone", reference=reference))


def household_not_found_screen(t: Translator) -> Screen:
    return Screen(t("staff-household-not-found"))
