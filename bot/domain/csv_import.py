"""What every `hamdeli import` CSV reader shares: records with editor line numbers, the
header check, per-column problems, places by any of their names, national codes.

Problems are in English: they are read by staff on a terminal, not by people in the chat.
Values from the file are quoted back, except personal data (national codes, mobiles,
names), which are never echoed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.i18n import translator
from bot.models import City, Province
from bot.text import InputError, matching_key, parse_national_code

_QUOTED_VALUE_LENGTH = 40
# Control characters (Unicode category Cc) other than tab and line breaks.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One thing to fix in the file: where, in which column, and what is wrong."""

    line: int
    column: str
    problem: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.column}: {self.problem}"


class InvalidValue(Exception):
    """One column's value is unusable; the message says why, for staff."""


def read_records(text: str, problems: list[ImportProblem]) -> Iterator[tuple[int, list[str]]]:
    """Non-blank CSV records with the editor line on which each starts (a BOM is dropped).

    A broken record (an unclosed or stray quote) becomes a problem and reading goes on
    with the next line, so the rest of the file is still checked.
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    while True:
        first_line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(ImportProblem(first_line, "row", _csv_error(str(exc))))
            continue
        if any(value.strip() for value in values):
            yield first_line, values


def _csv_error(message: str) -> str:
    if "end of data" in message:
        return "a quoted value that starts here is never closed (a missing double quote)"
    if "field limit" in message:
        return "a value is far too long (perhaps a missing double quote)"
    return f"not valid CSV ({message}); put double quotes around values that contain them"


def header_problem(
    header: list[str] | None, columns: Sequence[str], optional: Sequence[str] = ()
) -> str | None:
    """Why the header is not `columns` (optionally followed by `optional`), or None.

    The order is fixed so that a row's values can be read by position, fast.
    """
    expected = ", ".join(columns)
    if optional:
        expected += "".join(f"[, {name}]" for name in optional)
    if header is None:
        return f"there is no header; the first line must be: {expected}"
    names = [name.strip() for name in header]
    every = (*columns, *optional)
    if tuple(names) in {every[:n] for n in range(len(columns), len(every) + 1)}:
        return None
    missing = [name for name in columns if name not in names]
    unknown = [name for name in names if name not in every]
    duplicated = sorted({name for name in names if name in every and names.count(name) > 1})
    details = [
        f"{label}: {', '.join(quote(name) for name in found)}"
        for label, found in (("missing", missing), ("unknown", unknown), ("twice", duplicated))
        if found
    ]
    if not details:
        details = ["the columns are in another order"]
    return f"{'; '.join(details)}; the header must be exactly: {expected}"


def wrong_length(count: int, expected: int) -> str:
    hint = "put double quotes around a value that contains a comma"
    return f"{count} values instead of {expected}; {hint}"


def quote(value: str) -> str:
    """A value from the file, quoted for a message and cut short if long."""
    shown = value if len(value) <= _QUOTED_VALUE_LENGTH else value[:_QUOTED_VALUE_LENGTH] + "…"
    return f'"{shown}"'


def explain(error: InputError) -> str:
    """The English message for a bot.text parser's error: it says how to write it right."""
    return translator("en")(error.code, **error.args_)


class Checks:
    """Runs one row's column checks, keeping the problem of every column that fails."""

    __slots__ = ("line", "problems")

    def __init__(self, line: int) -> None:
        self.line = line
        self.problems: list[ImportProblem] = []

    def __call__(self, column: str, check: Callable[[], _T]) -> _T | None:
        try:
            return check()
        except InvalidValue as invalid:
            self.add(column, str(invalid))
            return None

    def add(self, column: str, problem: str) -> None:
        self.problems.append(ImportProblem(self.line, column, problem))


class Places:
    """Provinces and cities by every name they go by, compared as matching keys.

    Answers are remembered by the exact text of the cell: a file names the same few
    places on thousands of rows, and a matching key costs microseconds per call.
    """

    def __init__(self, provinces: Sequence[Province]) -> None:
        self._provinces = {
            matching_key(name): province
            for province in provinces
            for name in (province.name_fa, province.name_en)
        }
        self._cities: dict[tuple[int, str], City] = {}
        self._homes: dict[str, list[Province]] = {}
        for province in provinces:
            for city in province.cities:
                for name in {matching_key(city.name_fa), matching_key(city.name_en)}:
                    self._cities[(province.id, name)] = city
                    self._homes.setdefault(name, []).append(province)
        self._seen_provinces: dict[str, Province] = {}
        self._seen_cities: dict[tuple[int, str], City] = {}

    def province(self, value: str) -> Province:
        province = self._seen_provinces.get(value)
        if province is not None:
            return province
        if not value:
            raise InvalidValue("required")
        province = self._provinces.get(matching_key(value))
        if province is None:
            raise InvalidValue(f"unknown province {quote(value)}")
        self._seen_provinces[value] = province
        return province

    def city(self, value: str, province: Province | None) -> City | None:
        """The city of that province; not judged (None) while the province is unknown."""
        if not value:
            raise InvalidValue("required")
        if province is None:
            return None
        city = self._seen_cities.get((province.id, value))
        if city is not None:
            return city
        key = matching_key(value)
        city = self._cities.get((province.id, key))
        if city is not None:
            self._seen_cities[(province.id, value)] = city
            return city
        homes = self._homes.get(key)
        if homes:
            where = " or ".join(home.name_en for home in homes)
            raise InvalidValue(f"{quote(value)} is not in {province.name_en} but in {where}")
        raise InvalidValue(f"unknown city {quote(value)} in {province.name_en}")


def national_code(value: str) -> str:
    """The code as 10 ASCII digits; the problem never repeats the code (personal data)."""
    try:
        return parse_national_code(value)
    except InputError as error:
        reasons = {
            "input-national-code-format": "use digits only: 10 digits, like 0012345679",
            "input-national-code-length": f"{error.args_.get('count')} digits instead of 10",
            "input-national-code-invalid": "not a valid national code (the check digit fails)",
        }
        raise InvalidValue(reasons.get(error.code) or explain(error)) from None
