"""Every `# type: ignore` in bot/ names its error codes and says why on the same line, so
a reader can judge whether it still holds (mypy in `make lint` reports the unused ones)."""

from __future__ import annotations

import re
import tokenize
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"
# `# type: ignore[code, …]` then, after two spaces, `# why`
EXPLAINED = re.compile(r"#\s*type:\s*ignore\[[a-z, -]+\]  # \S.*")


def unexplained(source: str) -> list[int]:
    """Lines of `source` whose type: ignore comment has no codes or no reason."""
    lines = source.splitlines(keepends=True)
    readline = iter(lines).__next__
    return [
        token.start[0]
        for token in tokenize.generate_tokens(readline)
        if token.type == tokenize.COMMENT
        and re.match(r"#\s*type:\s*ignore", token.string)
        and not EXPLAINED.fullmatch(token.string)
    ]


def test_every_type_ignore_in_bot_says_why() -> None:
    found = [
        f"{path.relative_to(BOT.parent)}:{line}"
        for path in sorted(BOT.rglob("*.py"))
        for line in unexplained(path.read_text(encoding="utf-8"))
    ]
    assert not found, "a `# type: ignore[code]  # why` is needed at:\n" + "\n".join(found)


def test_the_rule_catches_a_bare_ignore_and_one_without_a_reason() -> None:
    assert unexplained("x = f()  # type: ignore\n") == [1]
    assert unexplained("x = f()  # type: ignore[arg-type]\n") == [1]
    assert unexplained("x = 1\ny = f()  # type: ignore[arg-type]  #\n") == [2]
    assert unexplained("x = f()  # type: ignore[arg-type]  # PTB types it as int\n") == []
    assert unexplained('s = "# type: ignore"\n') == []  # text in a string is no comment
