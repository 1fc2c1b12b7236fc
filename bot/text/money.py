"""Amounts of money typed by users, read strictly and stored as integer rials.

People think and type in toman (1 toman = 10 rials), so a bare number is toman; an explicit
rial unit means the number is already rials. A misread amount is worse than a question, so
anything ambiguous (``2,5``, ``2.500``, ``1,00,000``) is rejected with a reason instead of being
guessed. The unit vocabulary lives in ``money_units.json``: Persian words stay out of .py files
and translators can extend it without touching code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from importlib import resources

from bot.text.errors import InputError
from bot.text.normalize import normalize_letters, normalize_text
from bot.text.numbers import GROUP_SEPARATORS, localize_number, ungroup_digits

RIALS_PER_TOMAN = 10
MAX_RIALS = 10**15
# Beyond this many significant integer digits the amount is too large whatever the unit;
# checking first also keeps int() away from its limit on very long digit strings.
_MAX_INTEGER_DIGITS = 16
# Units scale a number by at most 10**9 * 10 rials, so more decimals can never give whole rials.
_MAX_FRACTION_DIGITS = 10
# Bare toman amounts may carry at most this many decimals (1.5 toman = 15 rials); more look
# like a thousands separator (2.500) and are ambiguous.
_MAX_BARE_DECIMALS = 2

# Persian separators, ZWNJ and minus signs to ASCII. "/" is the decimal separator in much
# Iranian handwriting and news ("2/5 million"), so it is read exactly like ".".
_SEPARATORS = str.maketrans(
    GROUP_SEPARATORS + "٫/\u200c\u2010\u2011\u2012\u2013\u2014\u2212",
    "," * len(GROUP_SEPARATORS) + ".. ------",
)
_TOKEN = re.compile(r"(?P<num>[0-9]+(?:[,. ][0-9]+)*)|(?P<word>[^\W\d_]+)|(?P<other>\S)")


@dataclass(frozen=True)
class _Vocabulary:
    multipliers: dict[str, int]
    currencies: dict[str, int]
    and_words: frozenset[str]
    number_words: frozenset[str]
    words: frozenset[str]  # all of the above, for splitting glued words


@dataclass(frozen=True)
class _Token:
    kind: str  # "num", "mult", "currency", "and", "number-word", "word", "other"
    text: str
    value: int = 0


@dataclass(frozen=True)
class _Segment:
    number: str
    multiplier: int | None


def parse_money(s: str) -> int:
    """Return the amount in rials or raise :class:`InputError` saying why it cannot be read.

    Codes: ``input-money-empty``, ``input-money-no-digits``, ``input-money-words`` (spelled-out
    numbers), ``input-money-ambiguous``, ``input-money-not-positive``,
    ``input-money-fraction`` (not a whole number of rials), ``input-money-too-large``,
    ``input-money-unknown-word`` with ``word``, ``input-money-format`` (anything else).
    """
    text = " ".join(normalize_text(s).translate(_SEPARATORS).split())
    if not text:
        raise InputError("input-money-empty")
    tokens = _tokenize(text)
    _reject_without_digits(tokens)
    if tokens[0].text == "-" and len(tokens) > 1 and tokens[1].kind == "num":
        raise InputError("input-money-not-positive")
    segments, rials_per_unit = _read_amount(tokens)
    return _checked_rials(_segments_value(segments) * rials_per_unit)


def format_toman(rials: int, lang: str) -> str:
    """The amount in toman formatted for ``lang``, without a unit word (messages add it).

    A remainder of rials (which parse_money allows, e.g. 1.5 toman) is shown as one decimal
    rather than silently rounded away.
    """
    toman, rial_rest = divmod(abs(rials), RIALS_PER_TOMAN)
    sign = "-" if rials < 0 else ""
    decimals = f".{rial_rest}" if rial_rest else ""
    return localize_number(f"{sign}{toman:,}{decimals}", lang)


@cache
def _vocabulary() -> _Vocabulary:
    """Load money_units.json once; keys are normalised like user input so lookups just work."""
    raw = json.loads(resources.files("bot.text").joinpath("money_units.json").read_text("utf-8"))
    multipliers = {_key(k): int(v) for k, v in raw["multipliers"].items()}
    currencies = {_key(k): int(v) for k, v in raw["currencies"].items()}
    and_words = frozenset(_key(w) for w in raw["and_words"])
    number_words = frozenset(_key(w) for w in raw["number_words"])
    return _Vocabulary(
        multipliers=multipliers,
        currencies=currencies,
        and_words=and_words,
        number_words=number_words,
        words=frozenset(multipliers) | frozenset(currencies) | and_words | number_words,
    )


def _key(word: str) -> str:
    return normalize_letters(word).casefold()


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind == "word":
            tokens.extend(_word_tokens(match.group()))
        else:
            tokens.append(_Token(kind, match.group()))
    return tokens


def _word_tokens(word: str) -> list[_Token]:
    """Classify a word, splitting glued words such as "hezartoman" into known parts."""
    parts = _split_known(_key(word))
    if parts is None:
        return [_Token("word", word)]
    return [_classify(part) for part in parts]


def _classify(part: str) -> _Token:
    vocabulary = _vocabulary()
    if part in vocabulary.multipliers:
        return _Token("mult", part, vocabulary.multipliers[part])
    if part in vocabulary.currencies:
        return _Token("currency", part, vocabulary.currencies[part])
    if part in vocabulary.and_words:
        return _Token("and", part)
    return _Token("number-word", part)


def _split_known(word: str) -> list[str] | None:
    """Split ``word`` into vocabulary words (longest first), or None if it cannot be done."""
    known = _vocabulary().words
    longest = max(map(len, known))
    best: list[list[str] | None] = [None] * (len(word) + 1)
    best[len(word)] = []
    for start in range(len(word) - 1, -1, -1):
        for end in range(min(len(word), start + longest), start, -1):
            rest = best[end]
            if rest is not None and word[start:end] in known:
                best[start] = [word[start:end], *rest]
                break
    return best[0]


def _reject_without_digits(tokens: list[_Token]) -> None:
    if any(token.kind == "num" for token in tokens):
        return
    if any(token.kind in ("number-word", "mult") for token in tokens):
        raise InputError("input-money-words")
    raise InputError("input-money-no-digits")


def _read_amount(tokens: list[_Token]) -> tuple[list[_Segment], int]:
    """Parse ``number [multiplier] ([and] number multiplier)* [currency]``.

    Returns the segments and how many rials one unit of their sum is worth.
    """
    segments: list[_Segment] = []
    i = 0
    while True:
        number = _expect_number(tokens, i)
        multiplier = tokens[i + 1].value if _kind_at(tokens, i + 1) == "mult" else None
        segments.append(_Segment(number, multiplier))
        i += 1 if multiplier is None else 2
        if _kind_at(tokens, i) == "and" and _kind_at(tokens, i + 1) is not None:
            i += 1
        elif _kind_at(tokens, i) != "num":
            break
    rials_per_unit = RIALS_PER_TOMAN
    if _kind_at(tokens, i) == "currency":
        rials_per_unit = tokens[i].value
        i += 1
    if i < len(tokens):
        _reject_token(tokens[i])
    return segments, rials_per_unit


def _kind_at(tokens: list[_Token], i: int) -> str | None:
    return tokens[i].kind if i < len(tokens) else None


def _expect_number(tokens: list[_Token], i: int) -> str:
    if _kind_at(tokens, i) != "num":
        _reject_token(tokens[i] if i < len(tokens) else None)
    return tokens[i].text


def _reject_token(token: _Token | None) -> None:
    """Raise the most helpful error for a token that does not fit where it stands."""
    if token is not None and token.kind == "number-word":
        raise InputError("input-money-words")
    if token is not None and token.kind == "word":
        raise InputError("input-money-unknown-word", word=token.text)
    raise InputError("input-money-format")


def _segments_value(segments: list[_Segment]) -> Fraction:
    """Sum the parts; a compound amount must read like speech: "2 million and 500 thousand".

    Every part of a compound needs its own multiplier, multipliers must decrease and each part
    must be smaller than the multiplier before it; otherwise ("2 million and 500") we would be
    guessing.
    """
    if len(segments) == 1:
        segment = segments[0]
        return _number_value(segment.number, segment.multiplier is not None) * (
            segment.multiplier or 1
        )
    total = Fraction(0)
    previous_multiplier: int | None = None
    for segment in segments:
        if segment.multiplier is None:
            raise InputError("input-money-ambiguous")
        value = _number_value(segment.number, True) * segment.multiplier
        if previous_multiplier is not None and value >= previous_multiplier:
            raise InputError("input-money-ambiguous")
        previous_multiplier = segment.multiplier
        total += value
    return total


def _number_value(text: str, has_multiplier: bool) -> Fraction:
    """Read one number, accepting only separators whose meaning is certain.

    Commas must group strictly by three ("2,500,000": ``numbers.ungroup_digits``, the rule
    for every typed number); digits split by spaces ("2 500") could be one number or two, so
    they are ambiguous; a single "." is a decimal point after which a multiplier may follow
    ("2.5 million"); without a multiplier it may carry at most two decimals ("1.5" toman),
    because "2.500" could mean 2500.
    """
    separators = set(re.sub(r"[0-9]", "", text))
    if not separators:
        return _integer(text)
    if separators == {","}:
        digits = ungroup_digits(text)
        if digits is None:
            raise InputError("input-money-ambiguous")
        return _integer(digits)
    if separators == {"."} and text.count(".") == 1:
        whole, fraction = text.split(".")
        if not has_multiplier and len(fraction) > _MAX_BARE_DECIMALS:
            raise InputError("input-money-ambiguous")
        return _integer(whole) + _fraction(fraction)
    raise InputError("input-money-ambiguous")


def _integer(digits: str) -> Fraction:
    significant = digits.lstrip("0")
    if len(significant) > _MAX_INTEGER_DIGITS:
        raise InputError("input-money-too-large")
    return Fraction(int(significant or "0"))


def _fraction(digits: str) -> Fraction:
    significant = digits.rstrip("0")
    if len(significant) > _MAX_FRACTION_DIGITS:
        raise InputError("input-money-fraction")
    return Fraction(int(significant or "0"), 10 ** len(significant))


def _checked_rials(rials: Fraction) -> int:
    if rials <= 0:
        raise InputError("input-money-not-positive")
    if rials > MAX_RIALS:
        raise InputError("input-money-too-large")
    if rials.denominator != 1:
        raise InputError("input-money-fraction")
    return int(rials)
