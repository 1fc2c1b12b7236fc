"""Who is told what is the domain's decision, not the store's: no module under bot/storage
names a message of locales/ (its string literals, read with `ast`), and no store method
takes a message id as text (its signatures, read with `inspect`): the domain passes the
store a `Notice`, or a rule that turns the rows a change touched into Notices
(records.NeedNews, DonorNotice, CreditNotice, VoucherNotices; bot/domain/notices.py), and
the store queues what it is given inside the transaction of the change.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import re
from pathlib import Path

from bot.models import MonthlyClaim
from bot.storage import protocols
from bot.storage.postgres.store import PgStore
from bot.storage.records import NeedNews
from bot.storage.sqlite.store import Store

ROOT = Path(__file__).resolve().parent.parent


def locale_ids() -> set[str]:
    """Every message id of every language's Fluent files."""
    key = re.compile(r"^([a-zA-Z][\w-]*)\s*=", re.MULTILINE)
    return {
        match.group(1)
        for path in (ROOT / "locales").glob("*/*.ftl")
        for match in key.finditer(path.read_text(encoding="utf-8"))
    }


def locale_ids_in_storage() -> dict[str, list[str]]:
    """Each locale id a string literal under bot/storage spells, with where."""
    ids, found = locale_ids(), {}
    for path in sorted((ROOT / "bot" / "storage").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in ids:
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                found.setdefault(node.value, []).append(where)
    return found


def test_the_locale_ids_are_read() -> None:
    assert {"support-reply", "aid-news-funded", "pledge-rejected-notice"} <= locale_ids()


def test_no_module_under_bot_storage_names_a_message() -> None:
    found = locale_ids_in_storage()
    assert not found, f"the domain decides who is told what, not the store: {found}"


# A parameter that names a message (a notice, a message id, a rule of who is told what) and
# is typed as text is a message id the store would be handed to queue by itself.
MESSAGE_LIKE = re.compile(r"notice|message_id|^tell|news")
TEXT = re.compile(r"\bstr\b")


def store_classes() -> list[type]:
    """Both backends' stores and every protocol of bot/storage/protocols.py."""
    protocol_classes = [
        cls for _, cls in inspect.getmembers(protocols, inspect.isclass)
        if cls.__module__ == protocols.__name__
    ]  # fmt: skip
    return [Store, PgStore, *protocol_classes]


def message_id_parameters(classes: list[type]) -> list[str]:
    """Each parameter of a method (public or not) that takes a message id as text."""
    found = []
    for cls in classes:
        for name, method in inspect.getmembers(cls, inspect.isfunction):
            for parameter in inspect.signature(method).parameters.values():
                annotation = str(parameter.annotation)  # text: `from __future__ import annotations`
                if MESSAGE_LIKE.search(parameter.name) and TEXT.search(annotation):
                    found.append(f"{cls.__name__}.{name}({parameter.name}: {annotation})")
    return found


def test_the_signature_check_sees_a_message_id_parameter() -> None:
    """The check itself: methods shaped like the store's old ones are caught."""

    class Old:
        async def reject_pledge(self, reference: str, now: int, notice: str) -> None: ...

        async def queue_notice(self, platform: str, message_id: str, now: int) -> None: ...

        async def close_need(self, need_id: int, unpaid_notice: str | None = None) -> None: ...

    assert message_id_parameters([Old]) == [
        "Old.close_need(unpaid_notice: str | None)",
        "Old.queue_notice(message_id: str)",
        "Old.reject_pledge(notice: str)",
    ]


def test_no_store_method_takes_a_message_id_as_text() -> None:
    found = message_id_parameters(store_classes())
    assert not found, f"the domain passes Notices or notice rules, not message ids: {found}"


def test_the_records_the_store_is_handed_carry_no_message_id() -> None:
    """NeedNews holds the domain's rules, MonthlyClaim only the month: no text to queue."""
    for record in (NeedNews, MonthlyClaim):
        texts = [f.name for f in dataclasses.fields(record) if TEXT.search(str(f.type))]
        assert not texts, f"{record.__name__} carries text the store would queue: {texts}"
