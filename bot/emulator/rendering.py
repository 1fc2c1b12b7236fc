"""What a user sees of the text the bot sends: Telegram's HTML parse mode, Bale's Markdown.

A platform difference that has bitten real bots: Telegram parses only the parse mode the bot
asks for and rejects HTML it does not know (``<br>`` is a 400), while Bale has no parse mode
at all and renders Markdown markers in every message, so an underscore in a link can vanish.
The message methods (`state.EmulatorState._text`) store the visible text this module
computes, so tests compare what the person reads, and a bad tag fails the send as it would.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Final

from bot.emulator.records import ApiError

# Tags Telegram's HTML parse mode accepts; anything else (notably <br>) is a 400.
_HTML_TAGS: Final = frozenset(
    {
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
        "tg-spoiler", "span", "blockquote", "tg-emoji",
    }
)  # fmt: skip


class _TelegramHtml(HTMLParser):
    """Strips Telegram HTML to the visible text and rejects what Telegram rejects."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self._source = source
        self._stack: list[str] = []
        self._parts: list[str] = []

    def _byte_offset(self) -> int:
        line, column = self.getpos()
        lines = self._source.split("\n")
        index = sum(len(text) + 1 for text in lines[: line - 1]) + column
        return len(self._source[:index].encode("utf-8"))

    def _fail(self, reason: str) -> None:
        raise ApiError(400, f"Bad Request: can't parse entities: {reason}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS:
            self._fail(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')
        self._stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS:
            self._fail(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')

    def handle_endtag(self, tag: str) -> None:
        if not self._stack or self._stack[-1] != tag:
            expected = f'"</{self._stack[-1]}>"' if self._stack else "no end tag"
            self._fail(
                f"Unmatched end tag at byte offset {self._byte_offset()}, "
                f'expected {expected}, found "</{tag}>"'
            )
        self._stack.pop()

    def handle_data(self, data: str) -> None:
        self._parts.append(data)

    def visible_text(self) -> str:
        self.feed(self._source)
        self.close()
        if self._stack:
            self._fail(f'Can\'t find end tag corresponding to start tag "{self._stack[-1]}"')
        return "".join(self._parts)


# --------------------------------------------------------------------------- Bale's Markdown

# Bale has no parse_mode: it renders Markdown markers in every message. A pair of markers
# on one line formats what is between them (the markers vanish: `_bot?start=need_` in a
# link becomes italic "bot?start=need"), a link `[text](url)` shows its text, and a
# backslash before a marker shows the marker itself. A marker without a partner stays.
_BALE_MARKERS: Final = "*_~`"
_BALE_ESCAPABLE: Final = frozenset("\\*_`[]~|>")
_BALE_LINK: Final = re.compile(r"\[([^\]\n]*)\]\(([^)\n]*)\)")


def _bale_visible(raw: str) -> str:
    """What a Bale client shows for a message sent without parse_mode."""
    out: list[str] = []
    i = 0
    while i < len(raw):
        char = raw[i]
        if char == "\\" and i + 1 < len(raw) and raw[i + 1] in _BALE_ESCAPABLE:
            out.append(raw[i + 1])
            i += 2
            continue
        link = _BALE_LINK.match(raw, i) if char == "[" else None
        if link:
            out.append(_bale_visible(link.group(1)))
            i = link.end()
            continue
        end = _bale_closing(raw, i) if char in _BALE_MARKERS else -1
        if end > i:
            out.append(_bale_visible(raw[i + 1 : end]))
            i = end + 1
            continue
        out.append(char)
        i += 1
    return "".join(out)


def _bale_closing(raw: str, start: int) -> int:
    """Where the marker at `start` closes on its line (unescaped), or -1."""
    marker, i = raw[start], start + 1
    while i < len(raw) and raw[i] != "\n":
        if raw[i] == "\\" and i + 1 < len(raw) and raw[i + 1] in _BALE_ESCAPABLE:
            i += 2
            continue
        if raw[i] == marker:
            return i
        i += 1
    return -1


def visible_text(raw: str, parse_mode: str | None, platform: str = "telegram") -> str:
    """What the user sees. Telegram parses only HTML here (Markdown modes pass through);
    Bale renders Markdown in every message, whatever parse_mode says."""
    if platform == "bale":
        return _bale_visible(raw)
    if parse_mode and parse_mode.upper() == "HTML":
        return _TelegramHtml(raw).visible_text()
    return raw
