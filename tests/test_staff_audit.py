"""The staff audit screen: every action the code writes has a message in every language,
Persian shows Persian digits and Jalali dates, and personal data never shows in full.

Which actions exist is read from bot/'s sources (every `audit(...)` and `record_audit(...)`
call), not from a list kept by hand, and compared with `AUDIT_ACTIONS`, the one list the view
uses: a new audited action without a message fails here, not on a staff member's phone.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.broadcasts import _CONTROLS as BROADCAST_CONTROLS
from bot.i18n import available_languages, translator
from bot.models import NeedCategory, NeedDraft, NeedKind
from bot.storage.records import AuditEntry
from bot.views.staff import AUDIT_ACTIONS, AUDIT_SCREEN_ENTRIES, audit_screen
from tests.conftest import ADMIN_ID

BOT = Path(__file__).resolve().parent.parent / "bot"
TZ = ZoneInfo("Asia/Tehran")
AT = int(dt.datetime(2025, 12, 21, 14, 5, tzinfo=TZ).timestamp())  # 30 Azar 1404
ASCII_DIGIT = re.compile(r"[0-9]")
fa, en = translator("fa"), translator("en")


class _AuditCalls(ast.NodeVisitor):
    """Action names passed to `audit(store, actor, ACTION, …)` or `record_audit(action=…)`.

    Literal names are collected; an f-string becomes a pattern (its placeholders match any
    name); `a if c else b` gives both. Anything else is unreadable, except the pass-through
    inside `def audit` itself.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.names: set[str] = set()
        self.patterns: set[str] = set()
        self.unreadable: list[str] = []
        self._functions: list[str] = []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._functions.append(node.name)
        self.generic_visit(node)
        self._functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        action = None
        if name in ("audit", "record_audit"):
            keywords = {k.arg: k.value for k in node.keywords}
            action = keywords.get("action")
            if action is None and name == "audit" and len(node.args) > 2:
                action = node.args[2]
        if action is not None:
            self._read(action)
        self.generic_visit(node)

    def _read(self, node: ast.expr) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            self.names.add(node.value)
        elif isinstance(node, ast.IfExp):
            self._read(node.body)
            self._read(node.orelse)
        elif isinstance(node, ast.JoinedStr):
            self.patterns.add(
                "".join(
                    re.escape(part.value) if isinstance(part, ast.Constant) else "[a-z_]+"
                    for part in node.values
                )
            )
        elif not (isinstance(node, ast.Name) and self._functions[-1:] == ["audit"]):
            self.unreadable.append(f"{self.path}:{node.lineno}: {ast.unparse(node)}")


def _written_actions() -> tuple[set[str], set[str], list[str]]:
    names: set[str] = set()
    patterns: set[str] = set()
    unreadable: list[str] = []
    for path in sorted(BOT.rglob("*.py")):
        calls = _AuditCalls(path.relative_to(BOT.parent))
        calls.visit(ast.parse(path.read_text(encoding="utf-8")))
        names |= calls.names
        patterns |= calls.patterns
        unreadable += calls.unreadable
    return names, patterns, unreadable


def _entry(action, subject_type=None, subject_id=None, details=None, **fields):
    entry = {
        "at": AT,
        "platform": "telegram",
        "actor_id": ADMIN_ID,
        "action": action,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "details": json.dumps(details, ensure_ascii=False) if details else None,
    }
    return AuditEntry(**(entry | fields))


def test_every_action_the_code_writes_is_known_to_the_audit_screen() -> None:
    names, patterns, unreadable = _written_actions()
    assert unreadable == [], "use a literal action name (or teach this test to read it)"
    assert {"close_need", "confirm_payment", "support_reply", "admin_granted_by_settings"} <= names
    assert sorted(names - set(AUDIT_ACTIONS)) == []
    # The only computed names: broadcast controls, `f"broadcast_{action}"`.
    assert patterns == {"broadcast_[a-z_]+"}
    controls = {f"broadcast_{action}" for action in BROADCAST_CONTROLS}
    assert sorted(controls - set(AUDIT_ACTIONS)) == []


@pytest.mark.parametrize("language", available_languages())
def test_every_known_action_has_a_message_in_every_language(language) -> None:
    t = translator(language)
    missing = [a for a in AUDIT_ACTIONS if not t.has(f"audit-action-{a}")]
    assert missing == []
    assert len(set(AUDIT_ACTIONS)) == len(AUDIT_ACTIONS)
    labels = [t(f"audit-action-{a}") for a in AUDIT_ACTIONS]
    assert len(set(labels)) == len(labels), "two actions read the same"


@pytest.mark.parametrize("action", AUDIT_ACTIONS)
def test_each_action_shows_its_label_not_its_key_in_persian(action) -> None:
    text = audit_screen(fa, [_entry(action, "need", "H7K2QD")], TZ).text
    assert fa(f"audit-action-{action}") in text
    assert action not in text


def test_persian_shows_jalali_dates_persian_digits_and_details() -> None:
    entries = [
        _entry("close_need", "need", "H7K2QD", {"reason": "خانواده جابه‌جا شد", "cancelled": 2}),
        _entry("confirm_payment", "pledge", "P-8F3K2Q", {"bank_reference": "123456789"}),
        _entry("add_staff", "user", "1234567"),
        _entry("broadcast", "broadcast", "12", {"audience": "donors", "place": None}),
        _entry("edit_need", "need", "H7K2QD", {"fields": ["city_id", "province_id", "target"]}),
        _entry("export_pledges", "pledges", "last 30 days", {"rows": 40}, at=AT - 86_400),
    ]
    text = audit_screen(fa, entries, TZ).text
    lines = text.splitlines()
    assert lines[0] == fa("staff-audit-title")
    assert lines[1].endswith("۳۰ آذر ۱۴۰۴")
    assert "۲۹ آذر ۱۴۰۴" in text  # the day before gets its own heading
    assert "۱۴:۰۵" in text
    assert "کاربر ۹۰۰۰۰۱" in text  # the actor, as an id: no thousands separator
    assert fa("staff-audit-subject-user", id="۱۲۳۴۵۶۷") in text
    assert fa("staff-audit-reason", reason="خانواده جابه‌جا شد") in text
    assert fa("staff-audit-cancelled", count=2) in text
    assert fa("staff-audit-bank-reference", reference="۱۲۳۴۵۶۷۸۹") in text
    assert fa("staff-audit-audience", audience=fa("broadcast-audience-donors-named")) in text
    changed = fa("staff-audit-field-place") + "، " + fa("staff-audit-field-goal")
    assert fa("staff-audit-fields", fields=changed) in text
    assert fa("staff-audit-rows", count=40) in text
    assert "last 30 days" not in text
    # The only Latin digits left are inside codes staff type back (need, pledge).
    assert ASCII_DIGIT.findall(text.replace("H7K2QD", "").replace("P-8F3K2Q", "")) == []
    assert all(line.startswith("\u200f") for line in lines[1:])


def test_english_keeps_latin_digits_and_jalali_dates() -> None:
    entries = [_entry("deliver_need", "need", "H7K2QD", {"donors": 1})]
    text = audit_screen(en, entries, TZ).text
    assert "30 Azar 1404" in text
    assert "14:05" in text
    assert "user 900001" in text
    assert "closed" not in text
    assert en("audit-action-deliver_need") in text
    assert "1 donor told" in text


@pytest.mark.parametrize("language", available_languages())
def test_an_unknown_or_missing_action_gets_a_generic_label(language) -> None:
    t = translator(language)
    entries = [
        _entry("renamed_long_ago", "user", "5"),
        _entry("", None, None, actor_id=None, details="not json"),
        _entry("a\nb<script>", None, None, details=json.dumps([1, 2])),
    ]
    text = audit_screen(t, entries, TZ).text
    assert t("audit-action-other", action="renamed_long_ago") in text
    assert t("audit-action-other", action="?") in text
    assert t("audit-action-other", action="abscript") in text
    assert t("staff-audit-actor-none") in text


def test_personal_data_never_shows_in_full() -> None:
    national_code, mobile = "0041234561", "09121234567"
    entries = [
        _entry("view_beneficiary", "beneficiary", national_code, {"found": False}),
        _entry("reject_payment", "pledge", "P-8F3K2Q", {"reason": f"صاحب حساب {mobile} نبود"}),
        _entry("close_need", "need", "H7K2QD", {"reason": f"کد {national_code} اشتباه بود"}),
        _entry("create_invite", "invite", "S-ABCDEFGH"),
        _entry("view_need", "need", "H7K2QD", {"name": "Ali Rezaei", "mobile": mobile}),
        _entry("export_pledges_pii", "pledges", "Rezaei family.csv", {"rows": 3}),
    ]
    for t in (fa, en):
        text = audit_screen(t, entries, TZ).text
        digits = re.sub(r"\D", "", text.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")))
        assert national_code not in digits
        assert national_code[1:] not in digits
        assert mobile[1:] not in digits
        assert "…" + ("۵۶۱" if t is fa else "561") in text  # the last three digits only
        assert t("staff-audit-not-found") in text
        assert "S-ABCDEFGH" not in text
        assert "Ali" not in text
        assert "Rezaei" not in text


def test_the_screen_stays_short_and_fits_one_message() -> None:
    long_reason = "ر" * 500
    entries = [
        _entry("close_need", "need", "H7K2QD", {"reason": long_reason, "cancelled": 9})
        for _ in range(40)
    ]
    for t in (fa, en):
        text = audit_screen(t, entries, TZ).text
        assert text.count("H7K2QD") == AUDIT_SCREEN_ENTRIES
        assert len(text) < 4096
        assert long_reason[:60] not in text


def test_an_empty_log_says_so() -> None:
    assert fa("staff-audit-empty") in audit_screen(fa, [], TZ).text


async def test_audit_command_shows_a_closed_need_in_persian(chat) -> None:
    province = (await chat.store.provinces())[0]
    await chat.store.upsert_needs(
        [NeedDraft(city_id=province.cities[0].id, province_id=province.id,
                   category=NeedCategory.MEDICAL, kind=NeedKind.MONEY, target=50_000_000,
                   description_fa="دارو", external_id="a1")],
        now=0,
    )  # fmt: skip
    code = (await chat.store._fetchall("SELECT code FROM needs"))[0][0]
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/start")
    await admin.send(f"/close {code} خانواده جابه‌جا شد")
    await admin.click(fa("staff-close-yes-button"))
    await admin.send("/audit")
    text = admin.last_reply.text
    assert f"{fa('audit-action-close_need')}: {code}" in text
    assert fa("staff-audit-reason", reason="خانواده جابه‌جا شد") in text
    assert "close_need" not in text
    assert fa("audit-action-admin_granted_by_settings") in text
    assert "۹۰۰۰۰۱" in text
    assert "900001" not in text
