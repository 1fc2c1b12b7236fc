"""Who is told what is the domain's decision, not the store's: no module under bot/storage
names a message of locales/ (its string literals, read with `ast`).

Not done yet (issue #12): the household's news when a need is published, funded or
delivered, a paid pledge's credit when its need was closed, and the voucher notice of an
import are still chosen inside the store's transactions, on both backends. They are listed
here so the list can only shrink: an id that leaves bot/storage must leave this list too.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STILL_IN_STORAGE = {
    "aid-news-published",
    "aid-news-funded",
    "aid-news-delivered",
    "credit-need-closed-notice",
    "voucher-notice",
}


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
    new = {key: where for key, where in found.items() if key not in STILL_IN_STORAGE}
    assert not new, f"the domain decides who is told what, not the store: {new}"
    assert set(found) == STILL_IN_STORAGE, "moved out of bot/storage: drop it from the list"
