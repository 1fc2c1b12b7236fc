"""Who is told what is the domain's decision, not the store's: no module under bot/storage
names a message of locales/ (its string literals, read with `ast`). The domain passes the
store what to queue (records.NeedNews, a VoucherNotices rule, notice parameters), and the
store queues it inside the transaction of the change.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

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
