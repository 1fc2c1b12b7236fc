"""`make bench`: `hamdeli import beneficiaries` on a million households, goal <= 60 s.

Writes a CSV of valid households (random national codes with their check digit, mobiles,
Persian and English place names, Persian names), then times `import_beneficiaries` (the
function the CLI calls: reading, checking every row, writing in short transactions) end to
end into a fresh database. In the same run, the baseline: the very same rows, already
parsed, through plain sqlite3 `executemany` into the same table in one transaction. Then the
same file again, which must change nothing.

    python bench/import_beneficiaries.py [--rows 1000000] [--seed 7]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import io
import random
import sqlite3
import tempfile
import time
from importlib.resources import files
from pathlib import Path

from bot.config import Settings
from bot.importing import import_beneficiaries
from bot.storage import Store
from bot.text import national_code_check_digit

GOAL_SECONDS = 60.0
HEADER = "national_code,full_name,mobile,province,city,household_size,decile"
# Common Persian first and family names, as escapes (no Persian letters in .py files).
FIRST_NAMES = ["\u0639\u0644\u06cc", "\u0645\u062d\u0645\u062f", "\u0632\u0647\u0631\u0627",
               "\u062d\u0633\u06cc\u0646", "\u0645\u0631\u06cc\u0645"]  # fmt: skip
FAMILY_NAMES = ["\u0631\u0636\u0627\u06cc\u06cc", "\u0627\u062d\u0645\u062f\u06cc",
                "\u06a9\u0631\u06cc\u0645\u06cc", "\u0645\u0648\u0633\u0648\u06cc",
                "\u062d\u0633\u06cc\u0646\u06cc", "\u0646\u0648\u0631\u06cc"]  # fmt: skip
MOBILE_PREFIXES = ["0912", "0935", "0919", "0901", "0990", "0939"]
INSERT = (
    "INSERT INTO beneficiaries (national_code, full_name, mobile, province_id, city_id, "
    "household_size, decile, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def places() -> list[tuple[int, int, str, str, str, str]]:
    """(province id, city id, province fa, province en, city fa, city en), numbered as the
    store numbers them (file order)."""
    rows = list(csv.DictReader(io.StringIO((files("bot") / "data" / "places.csv").read_text())))
    provinces: dict[str, int] = {}
    found = []
    for city_id, row in enumerate(rows, start=1):
        province_id = provinces.setdefault(row["province_en"], len(provinces) + 1)
        found.append((province_id, city_id, row["province_fa"], row["province_en"],
                      row["city_fa"], row["city_en"]))  # fmt: skip
    return found


def households(count: int, rng: random.Random) -> tuple[str, list[tuple[object, ...]]]:
    """The CSV text and, for the baseline, the rows as the store keeps them."""
    known = places()
    codes: set[str] = set()
    while len(codes) < count:
        first_nine = f"{rng.randrange(10**9):09d}"
        codes.add(first_nine + str(national_code_check_digit(first_nine)))
    out = io.StringIO()
    out.write(HEADER + "\n")
    rows = []
    for code in codes:
        province_id, city_id, province_fa, province_en, city_fa, city_en = rng.choice(known)
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(FAMILY_NAMES)}"
        mobile = f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**7):07d}"
        size, decile = rng.randint(1, 8), rng.randint(1, 10)
        persian = rng.random() < 0.7
        province, city = (province_fa, city_fa) if persian else (province_en, city_en)
        out.write(f"{code},{name},{mobile},{province},{city},{size},{decile}\n")
        rows.append((code, name, "+98" + mobile[1:], province_id, city_id, size, decile, 0, 0))
    return out.getvalue(), rows


async def create(path: Path) -> None:
    async with Store(path):
        pass  # schema and places, exactly as the bot creates them


def baseline(path: Path, rows: list[tuple[object, ...]]) -> float:
    """Seconds for plain sqlite3 to insert the parsed rows in one transaction."""
    asyncio.run(create(path))
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        started = time.perf_counter()
        db.execute("BEGIN")
        db.executemany(INSERT, rows)
        db.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        db.close()


async def _create(db_path: Path) -> None:
    async with Store(db_path):
        pass


def timed_import(csv_path: Path, db_path: Path) -> tuple[float, str]:
    """Seconds for the CLI's import function, and the summary it prints."""
    settings = Settings(database_url=f"sqlite:///{db_path}", _env_file=None)  # type: ignore[call-arg]
    asyncio.run(_create(db_path))  # import never creates the database; migrate does
    out = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out):
        code = asyncio.run(import_beneficiaries(csv_path, settings, progress=False))
    elapsed = time.perf_counter() - started
    assert code == 0, f"import failed with exit code {code}"
    return elapsed, out.getvalue().strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    text, rows = households(args.rows, random.Random(args.seed))
    with tempfile.TemporaryDirectory(prefix="hamdeli-import-") as folder:
        csv_path = Path(folder) / "beneficiaries.csv"
        csv_path.write_text(text, encoding="utf-8")
        imported, summary = timed_import(csv_path, Path(folder) / "import.db")
        again, summary_again = timed_import(csv_path, Path(folder) / "import.db")
        plain = baseline(Path(folder) / "baseline.db", rows)
    mb = len(text.encode()) / 1e6
    print(f"{args.rows:,} households ({mb:.0f} MB of CSV), random national-code order")
    print(f"hamdeli import beneficiaries: {imported:6.1f} s  ({args.rows / imported:,.0f} rows/s; "
          f"goal <= {GOAL_SECONDS:g} s)  {summary}")  # fmt: skip
    print(f"same file again:              {again:6.1f} s  {summary_again}")
    print(f"plain sqlite3 executemany:    {plain:6.1f} s  ({args.rows / plain:,.0f} rows/s)")
    print(f"ratio import/executemany:     {imported / plain:6.1f}")


if __name__ == "__main__":
    main()
