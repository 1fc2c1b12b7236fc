"""`hamdeli import ...`: files that staff prepare, checked in full, then loaded into the store.

All or nothing: a file with any problem imports nothing and lists every problem, so staff
fix the spreadsheet once and run the command again. A needs file is written in one
transaction (a kill or a crash leaves nothing half-written; a bot on the same database keeps
reading and its writes wait that long), and re-running it updates the needs it added, by
external_id or by the file's digest and line. Household files are written in short batches
(see HOUSEHOLD_DATABASE_ERROR_HINT) and re-running them finishes them.

Messages here are for staff at a terminal, in English; problems go to stderr and the
summary to stdout, so scripts can capture one without the other.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from operator import attrgetter
from pathlib import Path
from typing import TextIO, TypeVar

from bot.config import Settings
from bot.domain.beneficiary_import import parse_beneficiaries_csv, parse_vouchers_csv
from bot.domain.need_import import parse_needs_csv, pledge_conflicts
from bot.domain.notices import NEED_NEWS, voucher_notices
from bot.models import Beneficiary, NeedDraft, Voucher
from bot.storage import ImportRefused
from bot.storage.factory import DATABASE_ERRORS, open_store
from bot.storage.protocols import Storage

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
DATABASE_ERROR_HINT = (
    "nothing was imported (a file is written in one transaction); run the same file again"
)


async def import_needs(
    path: Path,
    settings: Settings,
    *,
    progress: bool,
    after_batch: Callable[[int], Awaitable[None]] | None = None,
) -> int:
    """Import a needs CSV; returns the exit code (0 imported, 1 problems, 2 unreadable).

    The whole file is one transaction (Store.import_needs): every row or none, for any
    size. Rows are known by external_id, or by the file's digest and line, so running the
    same file again, after a crash or twice by mistake, never publishes a row twice.
    `after_batch` (tests) runs between batches, inside the transaction.
    """
    text = read_utf8(path)
    if text is None:
        return EXIT_USAGE
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()  # decoding is lossless
    try:
        async with open_store(settings, create=False) as store:
            today = dt.datetime.now(settings.tz).date()
            parsed = parse_needs_csv(text, await store.provinces(), today)
            if parsed.problems:
                _report_problems(path, [str(problem) for problem in parsed.problems])
                return EXIT_PROBLEMS
            bar = ProgressBar(len(parsed.drafts), sys.stderr) if progress else None
            added, updated = await _write_needs(store, parsed.drafts, digest, bar, after_batch)
    except ImportRefused as refused:
        _report_problems(path, [str(problem) for problem in refused.problems])
        return EXIT_PROBLEMS
    except DATABASE_ERRORS as exc:
        print(f"database {settings.database_label}: {exc}", file=sys.stderr)
        print(DATABASE_ERROR_HINT, file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"imported {_count(added + updated, 'need')}: {added} added, {updated} updated")
    return EXIT_OK


def _report_problems(path: Path, problems: list[str]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{_count(len(problems), 'problem')} in {path}; nothing imported", file=sys.stderr)


async def _write_needs(
    store: Storage,
    rows: list[tuple[int, NeedDraft]],
    digest: str,
    bar: ProgressBar | None,
    after_batch: Callable[[int], Awaitable[None]] | None,
) -> tuple[int, int]:
    """store.import_needs with the bar moving between batches and the pledge rules checked
    inside the transaction (a donor may pledge while the file is being read)."""

    async def step(done: int) -> None:
        if bar is not None:
            bar.update(done)
        if after_batch is not None:
            await after_batch(done)

    if bar is not None:
        bar.update(0)
    written = await store.import_needs(
        rows,
        int(time.time()),
        digest=digest,
        check=functools.partial(pledge_conflicts, rows),
        after_batch=step,
        news=NEED_NEWS,  # a household linked to a new need hears it was published
    )
    if bar is not None:
        bar.finish()
    return written


# Households and tranches are written in bigger batches than needs: files run to a million
# rows, and each batch is still one short transaction (tens of milliseconds).
HOUSEHOLD_BATCH_ROWS = 5000
HOUSEHOLD_DATABASE_ERROR_HINT = (
    "rows written before the error stay; run the same file again to finish "
    "(rows are matched by national code, so nothing is added twice)"
)
_Row = TypeVar("_Row")


async def import_beneficiaries(path: Path, settings: Settings, *, progress: bool) -> int:
    """Import a households CSV; returns the exit code (0 imported, 1 problems, 2 unreadable)."""

    async def check(store: Storage, text: str) -> tuple[list, list[Beneficiary]]:
        parsed = parse_beneficiaries_csv(text, await store.provinces())
        return parsed.problems, [row for _, row in parsed.beneficiaries]

    return await _import_household_rows(
        path,
        settings,
        progress,
        check,
        attrgetter("upsert_beneficiaries"),
        ("beneficiary", "beneficiaries"),
    )


async def import_vouchers(path: Path, settings: Settings, *, progress: bool) -> int:
    """Import a kalabarg CSV; its households must be imported already (exit codes as above)."""

    async def check(store: Storage, text: str) -> tuple[list, list[Voucher]]:
        checked = parse_vouchers_csv(text)
        parsed = checked.with_households(await store.household_sizes(checked.national_codes()))
        return parsed.problems, [row for _, row in parsed.vouchers]

    return await _import_household_rows(
        path, settings, progress, check,
        # each linked person is told of a changed tranche (bot/domain/notices.py)
        lambda store: functools.partial(store.upsert_vouchers, tell=voucher_notices),
        ("voucher", "vouchers"),
    )  # fmt: skip


async def _import_household_rows(
    path: Path,
    settings: Settings,
    progress: bool,
    check: Callable[[Storage, str], Awaitable[tuple[list, list[_Row]]]],
    upsert: Callable[[Storage], Callable[..., Awaitable[tuple[int, int]]]],
    nouns: tuple[str, str],
) -> int:
    """Read, check every row, and write all or nothing: what both household imports share."""
    text = read_utf8(path)
    if text is None:
        return EXIT_USAGE
    try:
        async with open_store(settings, create=False) as store:
            problems, rows = await check(store, text)
            if problems:
                _report_problems(path, [str(problem) for problem in problems])
                return EXIT_PROBLEMS
            # In key order, each batch writes neighbouring pages of the table.
            rows = sorted(rows, key=attrgetter("national_code"))
            write = upsert(store)
            added, updated = await _write_in_batches(write, rows, progress)
    except DATABASE_ERRORS as exc:
        print(f"database {settings.database_label}: {exc}", file=sys.stderr)
        print(HOUSEHOLD_DATABASE_ERROR_HINT, file=sys.stderr)
        return EXIT_PROBLEMS
    print(_summary(len(rows), *nouns, added, updated))
    return EXIT_OK


async def _write_in_batches(
    write: Callable[..., Awaitable[tuple[int, int]]], rows: Sequence[_Row], progress: bool
) -> tuple[int, int]:
    """Call the store's upsert one batch at a time, so the bar can move between batches."""
    bar = ProgressBar(len(rows), sys.stderr) if progress else None
    added = updated = 0
    if bar is not None:
        bar.update(0)
    for start in range(0, len(rows), HOUSEHOLD_BATCH_ROWS):
        batch = rows[start : start + HOUSEHOLD_BATCH_ROWS]
        new, changed = await write(batch, int(time.time()), batch_rows=HOUSEHOLD_BATCH_ROWS)
        added, updated = added + new, updated + changed
        if bar is not None:
            bar.update(start + len(batch))
    if bar is not None:
        bar.finish()
    return added, updated


def _summary(total: int, one: str, many: str, added: int, updated: int) -> str:
    noun = one if total == 1 else many
    unchanged = total - added - updated
    return f"imported {total} {noun}: {added} added, {updated} updated, {unchanged} unchanged"


def read_utf8(path: Path) -> str | None:
    """The file's text, or None after telling staff on stderr why it cannot be read."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        print(f"{path}: no such file", file=sys.stderr)
        return None
    except OSError as exc:
        print(f"{path}: cannot read it ({exc.strerror or exc})", file=sys.stderr)
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        print(
            f"{path}: not UTF-8 text (byte {exc.start + 1}); in Excel use Save As, "
            '"CSV UTF-8 (Comma delimited)"',
            file=sys.stderr,
        )
        return None


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


class ProgressBar:
    """A one-line bar redrawn with a carriage return, at most `per_second` times a second.

    Only for a terminal: the CLI passes `progress=True` when stderr is a TTY, so logs and
    pipes never fill with redraws.
    """

    WIDTH = 30

    def __init__(
        self,
        total: int,
        stream: TextIO,
        *,
        per_second: float = 10,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.stream = stream
        self.interval = 1 / per_second
        self.clock = clock
        self._last_drawn: float | None = None
        self._done = 0
        self._shown: int | None = None

    def update(self, done: int) -> None:
        """Note progress; redraw only if the last redraw is old enough."""
        self._done = done
        now = self.clock()
        if self._last_drawn is None or now - self._last_drawn >= self.interval:
            self._draw()
            self._last_drawn = now

    def finish(self) -> None:
        """Draw the final state and end the line, so the summary starts on its own line."""
        if self._shown != self._done:
            self._draw()
        self.stream.write("\n")
        self.stream.flush()

    def _draw(self) -> None:
        share = self._done / self.total if self.total else 1.0
        filled = round(share * self.WIDTH)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\rimporting [{bar}] {share:4.0%} {self._done}/{self.total}")
        self.stream.flush()
        self._shown = self._done
