"""`hamdeli backup`, `hamdeli export pledges` and `hamdeli emulator`: operator commands.

Each ends in one line an operator can act on: a database that is missing (a mistyped
DATABASE_URL is never turned into a new empty file), damaged or the backup's own target,
or an output path that cannot be written, is exit code 2 and no traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import time

from bot.config import Settings
from bot.emulator import PLATFORMS, BotApiEmulator, serve_http
from bot.storage import DatabaseProblem, backup_database
from bot.storage.factory import open_store
from bot.storage.protocols import Storage
from bot.storage.records import PledgeExport
from bot.text import InputError, parse_date
from bot.views.exports import pledges_csv

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
# `hamdeli backup` copies a SQLite file; a PostgreSQL server is backed up by its own tools,
# which the IT department that runs it already schedules (and which see every worker's rows).
BACKUP_ON_POSTGRES = (
    "backup copies a SQLite file; DATABASE_URL names PostgreSQL: back it up with pg_dump "
    '(e.g. pg_dump --format=custom --file=hamdeli.dump "$DATABASE_URL") '
    "or the server's own backups"
)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "backup":
        if settings.uses_postgres:
            print(BACKUP_ON_POSTGRES, file=sys.stderr)
            return EXIT_USAGE
        try:
            backup_database(settings.database_path, args.file)
        except DatabaseProblem as problem:
            print(problem, file=sys.stderr)
            return EXIT_USAGE
        print(f"backup of {settings.database_path} written to {args.file}")
        return EXIT_OK
    if args.command == "export":
        try:
            return asyncio.run(export_pledges(args, settings))
        except DatabaseProblem as problem:
            print(problem, file=sys.stderr)
            return EXIT_USAGE
    try:
        return asyncio.run(serve_emulator(args.port, args.platform))
    except KeyboardInterrupt:  # Ctrl-C is how an operator stops it
        return EXIT_OK


def _day_start(text: str, tz: dt.tzinfo) -> int:
    return int(dt.datetime.combine(parse_date(text), dt.time(), tz).timestamp())


async def export_pledges(args: argparse.Namespace, settings: Settings) -> int:
    """Pledges of a period as CSV with a BOM (spreadsheets then show Persian correctly)."""
    tz = settings.tz
    try:
        since = _day_start(args.since, tz)
        until = _day_start(args.until, tz) if args.until else int(time.time())
    except InputError as error:
        print(
            f"--since/--until: not a date ({error.code}); use 1404/09/01 or 2025-11-22",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.until:
        until += 86_400  # the last day is included
    if args.out.is_dir():
        print(f"--out {args.out}: is a folder; name a file such as pledges.csv", file=sys.stderr)
        return EXIT_USAGE
    async with open_store(settings, create=False) as store:
        rows = await _pledges_for_export(store, since, until, args)
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(pledges_csv(rows, tz, args.with_pii))
    except OSError as exc:
        print(f"--out {args.out}: cannot write it ({exc.strerror or exc})", file=sys.stderr)
        return EXIT_USAGE
    print(f"{len(rows)} pledges written to {args.out}")
    return EXIT_OK


async def _pledges_for_export(
    store: Storage, since: int, until: int, args: argparse.Namespace
) -> list[PledgeExport]:
    """The rows to export; personal data is read in the transaction that audits the
    reading (product rule 2), so no export of it goes unrecorded."""
    if not args.with_pii:
        return await store.pledges_for_export(since, until, with_pii=False)

    async def read_and_audit() -> list[PledgeExport]:
        rows = await store.pledges_for_export(since, until, with_pii=True)
        await store.record_audit(
            at=int(time.time()),
            action="export_pledges_pii",
            subject_type="pledges",
            subject_id=args.out.name,
            details={"rows": len(rows)},
        )
        return rows

    return await store.run_unit(read_and_audit)


async def serve_emulator(port: int, platform: str) -> int:
    """Serve the emulator (one platform, or "both" on one port) until interrupted; prints
    how to point the bot at it."""
    if platform == "both":
        emulators = {name: BotApiEmulator(platform=name) for name in PLATFORMS}
        server = await serve_http(emulators, port=port)
        base = f"http://127.0.0.1:{emulators['telegram'].http_port}"
        print(
            f"Bot API emulator (telegram and bale) on {base} — try: "
            f"TELEGRAM_BOT_TOKEN=1:x TELEGRAM_BOT_API_BASE_URL={base}/telegram/bot "
            f"BALE_BOT_TOKEN=2:y BALE_BOT_API_BASE_URL={base}/bale/bot hamdeli run"
        )
    else:
        emulator = BotApiEmulator(platform=platform)
        server = await serve_http(emulator, port=port)
        print(
            f"Bot API emulator ({platform}) on http://127.0.0.1:{emulator.http_port}/bot — try: "
            f"BOT_TOKEN=1:x BOT_API_BASE_URL=http://127.0.0.1:{emulator.http_port}/bot "
            "hamdeli run"
        )
    async with server:
        await server.serve_forever()
    return EXIT_OK
