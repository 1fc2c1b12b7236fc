"""The `hamdeli` command (also `python -m bot`): run, demo, migrate, import.

Configuration problems end with one readable line per setting and exit code 2, never a
traceback: the people deploying this bot are volunteers, not Python developers.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import Settings, SettingsProblem, load_settings

EXIT_USAGE = 2

NO_TOKEN_HELP = """\
BOT_TOKEN is not set; the bot needs one to talk to Telegram or Bale.
  Telegram: talk to @BotFather, send /newbot, copy the token it gives you.
  Bale:     talk to @botfather in Bale, create a bot, copy its token, and set PLATFORM=bale.
Then run:  BOT_TOKEN=123456:ABC... make run   (or put BOT_TOKEN in a .env file)
Both platforms in one process: set TELEGRAM_BOT_TOKEN and BALE_BOT_TOKEN instead.
To try the bot without any token, run:  make demo"""
BAD_TOKEN_HELP = (
    "{setting} was refused by {platform} (401/404): copy the token again from BotFather "
    "(and set PLATFORM=bale for a Bale bot)"
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hamdeli",
        description="Hamdeli: a Telegram and Bale bot that connects donors with people in need.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "run",
        help="run the bot on Telegram and/or Bale (needs a token)",
        description="Run every platform that has a token (TELEGRAM_BOT_TOKEN, BALE_BOT_TOKEN, "
        "or BOT_TOKEN with PLATFORM) in one process: webhooks when WEBHOOK_URL is set, long "
        "polling otherwise; /healthz, /readyz and /metrics on LISTEN. Settings come from the "
        "environment or .env (see README.md). SIGTERM stops it cleanly.",
    )
    demo = commands.add_parser(
        "demo",
        help="chat with the bot in this terminal, no token or network needed",
        description="Run the real bot against the built-in Bot API emulator, with a seeded demo "
        "database, as a chat in this terminal. Type text, or a button's number. /as donor, "
        "/as beneficiary, /as staff and /as new switch persona; Ctrl-D exits.",
    )
    demo.add_argument("--lang", choices=["fa", "en"], default="fa", help="your client language")
    demo.add_argument(
        "--database", default=None, help="SQLite file for the demo (default: a temporary file)"
    )
    commands.add_parser(
        "migrate",
        help="create or upgrade the database schema, then exit",
        description="Apply pending database migrations to DATABASE_URL and exit.",
    )
    _add_import_parser(commands)
    _add_operator_parsers(commands)
    return parser


NEEDS_CSV_HELP = (
    'FILE.csv is UTF-8 CSV (in Excel: Save As "CSV UTF-8"). Its first line is exactly:\n'
    "  external_id,province,city,category,description_fa,description_en,amount_toman,item,"
    "quantity,deadline,urgent,beneficiary_national_code\n"
    """
Each row gives amount_toman (toman, e.g. 2500000 or "2.5 million") or item and quantity,
never both. province and city are Persian or English names; category is livelihood, housing,
dowry, orphans, medical, education, work_tools or other (or its name in Persian); deadline is
optional, like 1404/09/30; urgent is yes or no. Descriptions must not contain national codes
or phone numbers. A row whose external_id is already in the database updates that need; a
row without one is known by this file and its line, so the same file again adds nothing.

The whole file is checked first: if any row has a problem, every problem is listed as
"line N: column: problem" and nothing is imported (exit code 1). Then it is written in one
transaction: all rows or none, even if the import is killed; run it again to finish. Safe
while the bot runs (its writes wait for the transaction: import big files when it is quiet)."""
)

ALL_OR_NOTHING_HELP = """\
The whole file is checked first: if any row has a problem, every problem is listed as
"line N: column: problem" and nothing is imported (exit code 1). Running the same file
again changes nothing. Safe while the bot runs."""
BENEFICIARIES_CSV_HELP = f"""\
FILE.csv is UTF-8 CSV (in Excel: Save As "CSV UTF-8"). Its first line is exactly:
  national_code,full_name,mobile,province,city,household_size,decile

national_code is the household head's (10 digits); mobile like 09121234567; province and
city are Persian or English names; household_size is 1 to 30 people; decile is the income
decile, 1 to 10. A household already in the database (same national code) is updated.

{ALL_OR_NOTHING_HELP}"""
VOUCHERS_CSV_HELP = f"""\
FILE.csv is UTF-8 CSV (in Excel: Save As "CSV UTF-8"). Its first line is exactly:
  national_code,tranche,amount_per_person_toman,charged_on,expires_on,status
or the same followed by ,total_toman

Import the households first (hamdeli import beneficiaries): every national_code must be one.
tranche is 1, 2, 3...; amounts are toman (e.g. 500000 or "500 thousand"); dates are Jalali
like 1404/09/30 or ISO like 2025-12-21 (charged_on is required when the status is charged or
expired); status is charged, pending, not_eligible or expired. Without total_toman the total
is the amount per person times the household's size. The same national code and tranche
again updates that tranche.

{ALL_OR_NOTHING_HELP}"""


def _add_operator_parsers(commands: argparse._SubParsersAction) -> None:
    """backup, export and emulator: what an operator runs next to the bot."""
    backup = commands.add_parser(
        "backup",
        help="write a consistent copy of the live database",
        description="Copy DATABASE_URL to FILE.db with SQLite's online backup; the bot may "
        "keep running.",
    )
    backup.add_argument("file", type=Path, metavar="FILE.db")
    export = commands.add_parser(
        "export", help="write records to a CSV file for staff", description="Export records."
    )
    kinds = export.add_subparsers(dest="kind", required=True, metavar="KIND")
    pledges = kinds.add_parser(
        "pledges",
        help="pledges created in a period, as CSV (UTF-8 with BOM for spreadsheets)",
        description="Columns: reference, need_code, amount (toman, or a count for item "
        "needs), status, created, paid (Jalali), bank_reference. --with-pii adds the linked "
        "household's national code, name and phone, and is recorded in the audit log.",
    )
    pledges.add_argument("--since", required=True, help="first day, Jalali or ISO")
    pledges.add_argument("--until", help="last day, Jalali or ISO (default: today)")
    pledges.add_argument("--out", required=True, type=Path, metavar="FILE.csv")
    pledges.add_argument("--with-pii", action="store_true", help="add household personal data")
    emulator = commands.add_parser(
        "emulator",
        help="serve the built-in Bot API emulator over HTTP on 127.0.0.1",
        description="Serve the in-process Bot API emulator at http://127.0.0.1:PORT/bot so "
        "`hamdeli run` can be tried against it (BOT_API_BASE_URL=http://127.0.0.1:PORT/bot). "
        "With --platform both, one emulator per platform on the same port, at "
        "http://127.0.0.1:PORT/telegram/bot and http://127.0.0.1:PORT/bale/bot (the "
        "TELEGRAM_BOT_API_BASE_URL and BALE_BOT_API_BASE_URL of one `hamdeli run`).",
    )
    copy = commands.add_parser(
        "copy-store",
        help="copy a SQLite database into a new PostgreSQL database, verified",
        description="Copy every row of the SQLite database into an empty PostgreSQL "
        "database (migrated first), in one transaction, then verify every table's row count "
        "and the sums of its integer columns (all money included) before committing. Refuses "
        "a target that already holds data. The bot may keep running on the source; stop it "
        "before switching DATABASE_URL, and copy again if it wrote meanwhile (into a new "
        "database).",
    )
    copy.add_argument("--from", dest="source", required=True, metavar="sqlite:///FILE.db")
    copy.add_argument("--to", dest="target", required=True, metavar="postgresql://USER@HOST/DB")
    emulator.add_argument("--port", type=int, default=8081)
    emulator.add_argument("--platform", choices=["telegram", "bale", "both"], default="telegram")


def _add_import_parser(commands: argparse._SubParsersAction) -> None:
    """`hamdeli import KIND FILE`: one sub-command per kind of file staff bring."""
    importing = commands.add_parser(
        "import",
        help="load a file prepared by staff into the database",
        description="Check a file prepared by staff and load it into DATABASE_URL.",
    )
    kinds = importing.add_subparsers(dest="kind", required=True, metavar="KIND")
    needs = kinds.add_parser(
        "needs",
        help="anonymized needs (a dowry set, rent, medicine...) from a CSV file",
        description="Import anonymized needs from a CSV file into DATABASE_URL.",
        epilog=NEEDS_CSV_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    needs.add_argument("file", type=Path, metavar="FILE.csv", help="the CSV file to import")
    beneficiaries = kinds.add_parser(
        "beneficiaries",
        help="households that receive help (personal data, for staff) from a CSV file",
        description="Import households, keyed by the head's national code, into DATABASE_URL.",
        epilog=BENEFICIARIES_CSV_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    beneficiaries.add_argument("file", type=Path, metavar="FILE.csv", help="the CSV file to import")
    vouchers = kinds.add_parser(
        "vouchers",
        help="kalabarg (electronic coupon) tranches of imported households from a CSV file",
        description="Import kalabarg tranches, keyed by national code and tranche, into "
        "DATABASE_URL.",
        epilog=VOUCHERS_CSV_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    vouchers.add_argument("file", type=Path, metavar="FILE.csv", help="the CSV file to import")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsProblem as problem:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    from bot.storage import DatabaseProblem

    try:
        return _dispatch(args, settings)
    except DatabaseProblem as problem:  # one line, never a traceback
        print(problem, file=sys.stderr)
        return EXIT_USAGE


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "run":
        return _run(settings)
    if args.command == "migrate":
        return asyncio.run(_migrate(settings))
    if args.command == "import":
        return asyncio.run(_import(args, settings))
    if args.command == "copy-store":
        return asyncio.run(_copy_store(args.source, args.target))
    if args.command in ("backup", "export", "emulator"):
        from bot import operations

        return operations.run(args, settings)
    from bot.demo import run_demo

    return run_demo(settings, language=args.lang, database=args.database)


def _run(settings: Settings) -> int:
    """Every bot that has a token, in one service (bot/service.py), until SIGTERM."""
    from bot.config import bot_settings

    try:
        bots = bot_settings(settings)
    except SettingsProblem as problem:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    if not bots:
        print(NO_TOKEN_HELP, file=sys.stderr)
        return EXIT_USAGE
    from bot.logs import configure_logging
    from bot.service import serve

    secrets = [one.bot_token.get_secret_value() for one in bots if one.bot_token]
    if settings.webhook_secret is not None:
        secrets.append(settings.webhook_secret.get_secret_value())
    configure_logging(settings.log_level, secrets=tuple(secrets), log_format=settings.log_format)
    logging.getLogger("telegram.ext").addFilter(_not_invalid_token)
    mode = "webhooks" if settings.webhook_url else "polling"
    logging.getLogger(__name__).info(
        "starting %s (%s) with %s",
        " and ".join(one.platform for one in bots), mode, settings.database_label,
    )  # fmt: skip
    service = asyncio.run(serve(settings, bots))
    for platform in service.refused_tokens:
        # PTB's own message quotes the token: say which setting to fix, never its value.
        setting = "BOT_TOKEN" if settings.bot_token is not None else f"{platform.upper()}_BOT_TOKEN"
        print(BAD_TOKEN_HELP.format(setting=setting, platform=platform), file=sys.stderr)
    return service.exit_code or 0


def _not_invalid_token(record: logging.LogRecord) -> bool:
    """Drop PTB's traceback for a refused token: `_run` prints the one line that helps."""
    from telegram.error import InvalidToken

    return not (record.exc_info and isinstance(record.exc_info[1], InvalidToken))


async def _migrate(settings: Settings) -> int:
    from bot.storage.factory import open_store

    async with open_store(settings) as store:
        print(
            f"database {settings.database_label} is at schema version "
            f"{await store.schema_version()}"
        )
    return 0


async def _copy_store(source: str, target: str) -> int:
    """SQLite to PostgreSQL; one line and exit code 2 for anything refused."""
    from bot.storage.copy import copy_store, describe_problem

    if not source.startswith("sqlite:///") or source == "sqlite:///":
        print("--from must be a sqlite:/// URL, like sqlite:///data/hamdeli.db", file=sys.stderr)
        return EXIT_USAGE
    if not target.startswith(("postgresql://", "postgres://")):
        print("--to must be a postgresql:// URL", file=sys.stderr)
        return EXIT_USAGE
    try:
        report = await copy_store(Path(source.removeprefix("sqlite:///")), target)
    except Exception as exc:  # one line, never a traceback (nor the target's password)
        print(describe_problem(exc), file=sys.stderr)
        return EXIT_USAGE
    for table in report.tables:
        print(f"{table.name:32} {table.rows:>10,} rows")
    print(f"copied and verified {report.rows:,} rows in {report.seconds:.1f} s")
    return 0


async def _import(args: argparse.Namespace, settings: Settings) -> int:
    """One importer per KIND; a bar only on a TTY."""
    from bot.importing import import_beneficiaries, import_needs, import_vouchers

    importers = {
        "needs": import_needs,
        "beneficiaries": import_beneficiaries,
        "vouchers": import_vouchers,
    }
    return await importers[args.kind](args.file, settings, progress=sys.stderr.isatty())


if __name__ == "__main__":
    sys.exit(main())
