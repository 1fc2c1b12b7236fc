"""Every button the bot draws, in one table: to add a button, add one row to `Button`.

A row is a button kind: the prefix its callback data starts with, and its typed arguments
(`CITY_PAGE = Row("d:c", ID, CATEGORY, PAGE)`). Everything else comes from it:

- the builder: `Button.CITY_PAGE(city.id, "all", 0)` writes `d:c:12:all:0` (views call it;
  trailing arguments with a default may be left out: `Button.CITY_PAGE(city.id)`);
- the parser: `parse("d:c:12:all:0")` gives `Parsed(Button.CITY_PAGE, (12, "all", 0))`, the
  arguments typed back (ints, enums, codes, a `Place`, a monthly gift's `NewGift` or
  `StandingGift`), once per click in the gatekeeper (`bot.handlers.common.check_button`,
  which puts it in `context.button`);
- the flow patterns: `Button.AMOUNT.pattern()` for PTB's `CallbackQueryHandler(pattern=…)`,
  with leading arguments pinned if a flow takes only some presses
  (`Button.ROLE.pattern(Persona.BENEFICIARY)`);
- the route keys: a handler module's `routes()` maps `Button` members to handlers.

Then give the new kind one consumer: a route or a flow's entry point
(tests/test_button_table.py checks that each kind has exactly one, that every builder's
output parses back to its arguments, and that no handler or view writes callback data or a
pattern by hand).

Why plain prefixed strings: buttons must keep working after a restart and a deploy, and must
not trust what a client sends back, so callback data carries plain identifiers, never pickled
objects (PTB's arbitrary callback data lives only in memory). The wire format of a row never
changes once shipped: messages already in people's chats carry it. Anything `parse` does not
recognise is a stale or forged button: the gatekeeper answers "this button has expired" and
shows the menu, changing nothing. Handlers still check that what a button names exists.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum, StrEnum, unique
from typing import Any, Literal

from bot.i18n import available_languages
from bot.models import Audience, NeedCategory, NeedKind, NeedStatus, Persona

MAX_CALLBACK_BYTES = 64  # Telegram's limit for callback_data


# -- argument types: how one value is written into the data and read back ------------------


@dataclass(frozen=True)
class Arg:
    """One typed argument of a button: its pattern on the wire and how it is read back.

    `samples` are values the table's tests build and parse back (the first is the longest,
    which bounds the data's length); `default` lets a builder leave trailing ones out.
    """

    pattern: str
    samples: tuple[Any, ...]
    default: Any = None

    def write(self, value: Any) -> str:
        return str(value)

    def read(self, text: str) -> Any:
        return text

    def template(self, name: str) -> str:
        """`write` as an f-string field of the variable `name` (see `_Plan`)."""
        return f"{{{name}}}"


@dataclass(frozen=True)
class Int(Arg):
    """A non-negative number of at most `digits` ASCII digits (an id, a page, rials)."""

    def __init__(self, digits: int, default: int | None = None) -> None:
        object.__setattr__(self, "pattern", rf"[0-9]{{1,{digits}}}")
        object.__setattr__(self, "samples", (int("9" * digits), 0, 1))
        object.__setattr__(self, "default", default)

    def write(self, value: Any) -> str:
        return str(int(value))

    def read(self, text: str) -> int:
        return int(text)


@dataclass(frozen=True)
class Choice(Arg):
    """One of fixed words: the values of a StrEnum (read back as its members), and plain
    words such as "all" (read back as strings)."""

    enum: type[StrEnum] | None = None

    @classmethod
    def of(cls, *words: str, enum: type[StrEnum] | None = None,
           default: Any = None) -> Choice:  # fmt: skip
        values = [*words, *(m.value for m in enum or ())]
        longest = max(values, key=len)
        return cls("|".join(re.escape(v) for v in values),
                   (longest, *values), default, enum)  # fmt: skip

    def read(self, text: str) -> Any:
        if self.enum is not None and text in self.enum._value2member_map_:
            return self.enum(text)
        return text


@dataclass(frozen=True)
class Flag(Arg):
    """A yes or no, written as one of two letters."""

    yes: str = "1"
    no: str = "0"

    @classmethod
    def of(cls, yes: str, no: str) -> Flag:
        return cls(f"{re.escape(yes)}|{re.escape(no)}", (True, False), None, yes, no)

    def write(self, value: Any) -> str:
        return self.yes if value else self.no

    def template(self, name: str) -> str:
        return f"{{{self.yes!r} if {name} else {self.no!r}}}"

    def read(self, text: str) -> bool:
        return text == self.yes


@dataclass(frozen=True)
class Language(Arg):
    """A language code the bot speaks now (a button for a language since removed is stale)."""

    def read(self, text: str) -> str:
        if text not in available_languages():
            raise ValueError(text)
        return text


# -- typed values that some arguments carry -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    """A place a button names: a city, a whole province, or (/needs only) anywhere."""

    level: Literal["city", "province", "anywhere"]
    id: int = 0

    @classmethod
    def city(cls, city_id: int) -> Place:
        return cls("city", city_id)

    @classmethod
    def province(cls, province_id: int) -> Place:
        return cls("province", province_id)

    @property
    def city_id(self) -> int | None:
        return self.id if self.level == "city" else None

    @property
    def province_id(self) -> int | None:
        return self.id if self.level == "province" else None

    @property
    def token(self) -> str:
        """How the data carries it (shipped, never changes): "c12", "p8" or "0"."""
        return f"{self.level[0]}{self.id}" if self.level != "anywhere" else "0"


ANYWHERE = Place("anywhere")


@dataclass(frozen=True, slots=True)
class NewGift:
    """A monthly gift being set up, of `amount` rials (nothing is stored yet)."""

    amount: int

    @property
    def token(self) -> str:
        return f"n{self.amount}"


@dataclass(frozen=True, slots=True)
class StandingGift:
    """A donor's monthly gift as the button knew it: a newer version makes it stale."""

    gift_id: int
    version: int

    @property
    def token(self) -> str:
        return f"e{self.gift_id}v{self.version}"


GiftOwner = NewGift | StandingGift


@dataclass(frozen=True)
class _Tokened(Arg):
    """An argument whose values write themselves (`value.token`)."""

    def write(self, value: Any) -> str:
        return str(value.token)

    def template(self, name: str) -> str:
        return f"{{{name}.token}}"


@dataclass(frozen=True)
class Places(_Tokened):
    """A `Place`: "c<id>" a city, "p<id>" a province, and if `anywhere`, "0"."""

    def __init__(self, anywhere: bool) -> None:
        pattern = r"[cp][0-9]{1,6}" + (r"|0" if anywhere else "")
        samples = (Place.city(999999), Place.province(8), Place.city(12))
        object.__setattr__(self, "pattern", pattern)
        object.__setattr__(self, "samples", (*samples, ANYWHERE) if anywhere else samples)
        object.__setattr__(self, "default", ANYWHERE if anywhere else None)

    def read(self, text: str) -> Place:
        if text == "0":
            return ANYWHERE
        return Place("city" if text[0] == "c" else "province", int(text[1:]))


@dataclass(frozen=True)
class GiftOwners(_Tokened):
    """A `NewGift` ("n<rials>") or a `StandingGift` ("e<id>v<version>")."""

    def __init__(self) -> None:
        object.__setattr__(self, "pattern", r"n[0-9]{1,12}|e[0-9]{1,9}v[0-9]{1,9}")
        samples = (StandingGift(999999999, 999999999), NewGift(5000000), StandingGift(12, 3))
        object.__setattr__(self, "samples", samples)
        object.__setattr__(self, "default", None)

    def read(self, text: str) -> GiftOwner:
        if text.startswith("n"):
            return NewGift(int(text[1:]))
        gift_id, version = text[1:].split("v")
        return StandingGift(int(gift_id), int(version))


_CODE_CHARS = "[2-9A-HJ-NP-Z]"  # bot.codes.ALPHABET and L (as accepted before the table)
NEED_CODE = Arg(rf"{_CODE_CHARS}{{6}}", ("7KQ2MZ", "AAAAAA"))
PLEDGE = Arg(rf"P-{_CODE_CHARS}{{6}}", ("P-7KQ2MZ", "P-222222"))
INVITE = Arg(rf"S-{_CODE_CHARS}{{8}}", ("S-7KQ2MZ9A",))
TOKEN = Arg(r"[A-Za-z0-9_-]{8,16}", ("Ab3_-Ab3_-Ab3_-Z", "abcdefgh"))  # a one-time token
ID = Int(6)  # a province or a city
BIG_ID = Int(12)  # a credit, a broadcast, a need in the queue
GIFT = Int(9)  # a monthly gift's id or version
RIALS = Int(12)
PAGE = Int(4, default=0)
CATEGORY = Choice.of("all", enum=NeedCategory, default="all")  # "all", or one category
NEED_FIELD = Choice.of("place", "category", "goal", "description", "description_en",
                       "deadline", "national_code", "urgent")  # fmt: skip
# Where /needs looks (anywhere, a province or a city), and where a monthly gift goes (a
# province or a city): `Place` values, written "0", "p<id>" or "c<id>".
NEED_PLACE = Places(anywhere=True)
MK_PLACE = Places(anywhere=False)
# Monthly kindness: whose gift a picker shapes, a `NewGift` or a `StandingGift`.
MK_WHO = GiftOwners()
MK_CHANGE = ("skip", "pause", "resume", "stop")


# -- the table -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """A button kind's row: the prefix of its data and its arguments, joined by ":"."""

    prefix: str
    args: tuple[Arg, ...]

    def __init__(self, prefix: str, *args: Arg) -> None:
        object.__setattr__(self, "prefix", prefix)
        object.__setattr__(self, "args", args)


@unique
class Button(Enum):
    """Every button kind. A member is its route key; call it to write its callback data."""

    # Everyone's: menus, help, languages, settings. A row without arguments is a fixed
    # button: its data is the prefix alone.
    MENU_HOME = Row("menu:home")  # back to the choice between helping and checking status
    MENU = Row("menu:mine")  # the person's own menu, whatever their role (what /menu shows)
    MENU_STAFF = Row("menu:staff")
    HELP = Row("help")
    LANGUAGE_PICKER = Row("lang:pick")
    PRIVACY = Row("privacy")
    SUPPORT = Row("support")
    SETTINGS = Row("set")
    HOME_CITY_PICKER = Row("set:home")
    ANNOUNCEMENTS_OFF = Row("ann:off")
    SAFETY_CONTINUE = Row("safe:go")  # after the safety answer: carry on where one was
    ROLE = Row("menu", Choice.of(enum=Persona))
    LANGUAGE = Row("lang", Language(r"[a-z]{2,3}", ("fa", "en")))

    # A household ("b:").
    STATUS = Row("b:status")
    HISTORY = Row("b:history")
    FORGET_ASK = Row("b:forget")
    FORGET_DO = Row("b:forget!")
    CHECK_SMS = Row("b:sms")
    REMINDERS = Row("b:remind")

    # A donor ("d:"): browsing, pledging, their pledges and credits.
    PROVINCES = Row("d:p")
    CITIES = Row("d:pv", ID)
    CITY_PAGE = Row("d:c", ID, CATEGORY, PAGE)
    OTHER_PAGE = Row("d:o", ID, CATEGORY, PAGE)  # a province's needs outside its named cities
    CITY_FILTER = Row("d:f:c", ID)
    OTHER_FILTER = Row("d:f:o", ID)
    NEED = Row("d:n", NEED_CODE)
    HELP_NEED = Row("d:h", NEED_CODE)
    AMOUNT = Row("d:a", NEED_CODE, Int(16))
    CONFIRM = Row("d:y", NEED_CODE, Int(16), TOKEN)
    MY_PLEDGES = Row("d:m", PAGE)
    CANCEL_ASK = Row("d:x", PLEDGE)
    CANCEL_DO = Row("d:X", PLEDGE)
    PAID = Row("d:r", PLEDGE)
    PAY = Row("d:pay", PLEDGE)  # "💳 Pay now": an invoice for this pledge
    RECEIPT = Row("d:rc", PLEDGE)  # "📎 Send receipt" on one of the donor's pledges
    RECEIPT_FOR = Row("d:rf", PLEDGE)  # which pledge a receipt sent outside a flow is for
    DONATION_RECEIPT = Row("d:dr", PLEDGE)  # "🧾 Receipt (PDF)" of a paid pledge
    CREDIT_SHOW = Row("d:cs", BIG_ID)  # a credit: choose again
    CREDIT_MOVE = Row("d:cm", BIG_ID, NEED_CODE)  # … move it to a need
    CREDIT_OFFICE = Row("d:co", BIG_ID)  # … leave it to the office

    # Staff ("s:"): the console, pledges to check, invites.
    STAFF_FIND = Row("s:find")
    STAFF_AUDIT = Row("s:audit")
    STAFF_QUEUE = Row("s:queue")
    STAFF_QUEUE_PAGE = Row("s:q", PAGE, Int(12, default=0))  # page, need id (0: every need)
    STAFF_STATS = Row("s:stats")
    STAFF_EXPORT = Row("s:export")
    STAFF_INVITES = Row("s:invites")
    STAFF_COMMANDS = Row("s:cmds")
    STAFF_NEXT = Row("s:next")  # "next in queue" after a confirm or a reject
    STAFF_OPEN = Row("s:open", PLEDGE)
    STAFF_PAY = Row("s:pay", PLEDGE)
    STAFF_PAY_UNREFERENCED = Row("s:pnr", PLEDGE)  # confirm without a bank tracking number
    STAFF_REJECT = Row("s:rej", PLEDGE)
    # Irreversible staff actions (/delivered, /close, cancelling a run) ask once; the
    # one-time token names what was asked.
    STAFF_CONFIRM = Row("s:ok", TOKEN)
    STAFF_DISMISS = Row("s:no", TOKEN)
    STAFF_REVOKE_INVITE = Row("s:iv", INVITE)

    # Broadcasts and the person's announcement settings.
    BROADCAST_NEW = Row("s:bnew")
    BROADCAST_CHANGE_AUDIENCE = Row("s:baud")
    BROADCAST_AUDIENCE = Row("s:ba", Choice.of(enum=Audience))
    # "province" or "city" (the audience's place), or "cities" (pick a city there).
    BROADCAST_PLACE = Row("s:bp", Choice.of("province", "city", "cities"), ID)
    BROADCAST_SEND = Row("s:bY", TOKEN)
    BROADCAST_CONTROL = Row("s:bk", Choice.of("pause", "resume", "cancel"), BIG_ID)
    ANNOUNCEMENTS = Row("set:ann", Choice.of("on", "off"))
    HOME_PROVINCE = Row("set:hp", ID)
    HOME_CITY = Row("set:hc", ID)

    # Staff adding and changing needs ("s:n…", bot.handlers.staff_needs).
    SN_NEW = Row("s:n:new")
    SN_NONE = Row("s:n:none")  # leave an optional value empty
    SN_CANCEL = Row("s:n:x")
    SN_PROVINCE_PAGE = Row("s:n:pp", Int(3))
    SN_PROVINCE = Row("s:n:pv", ID)
    SN_CITY_PAGE = Row("s:n:cp", Int(3))
    SN_CITY = Row("s:n:ct", ID)
    SN_CATEGORY = Row("s:n:cat", Choice.of(enum=NeedCategory))
    SN_KIND = Row("s:n:k", Choice.of(enum=NeedKind))
    SN_URGENT = Row("s:n:u", Flag.of("1", "0"))
    SN_FIELD = Row("s:n:f", NEED_FIELD)  # change one value from the preview
    SN_PUBLISH = Row("s:n:pub", NEED_CODE)  # the preview's code: a redelivered press is one
    SN_DRAFT = Row("s:n:drf", NEED_CODE)
    SN_SAVE = Row("s:n:sv", NEED_CODE)
    SN_EDIT = Row("s:n:e", NEED_CODE, NEED_FIELD)
    SN_PUBLISH_DRAFT = Row("s:n:P", NEED_CODE)
    SN_VIEW = Row("s:n:v", NEED_CODE)  # a need's staff view (as /editneed CODE)
    # /needs: whose (m: mine, a: all), status ("all" or one), place (NEED_PLACE), page.
    STAFF_NEEDS = Row("s:nl", Flag.of("m", "a"), Choice.of("all", enum=NeedStatus, default="all"),
                      NEED_PLACE, PAGE)  # fmt: skip
    STAFF_NEEDS_STATUS = Row("s:ns", Flag.of("m", "a"), Choice.of("all", enum=NeedStatus),
                             NEED_PLACE)  # fmt: skip
    # The place picker of /needs: provinces (0), or the cities of one province.
    STAFF_NEEDS_PLACE = Row("s:np", Flag.of("m", "a"), Choice.of("all", enum=NeedStatus),
                            Int(6, default=0))  # fmt: skip

    # Monthly kindness ("mk:", bot.handlers.monthly).
    MK_HOME = Row("mk:home")
    MK_NEW = Row("mk:new")
    MK_AMOUNT = Row("mk:a", RIALS)
    MK_PROVINCES = Row("mk:pp", MK_WHO)
    MK_PROVINCE = Row("mk:pv", MK_WHO, ID)
    MK_CHOSEN_PLACE = Row("mk:pl", MK_WHO, MK_PLACE)
    MK_CATEGORY = Row("mk:ct", MK_WHO, MK_PLACE, CATEGORY)
    MK_DAY = Row("mk:dy", RIALS, MK_PLACE, CATEGORY, Int(2))
    MK_START = Row("mk:go", RIALS, MK_PLACE, CATEGORY, Int(2), TOKEN)
    MK_ASK = Row("mk:q", Choice.of(*MK_CHANGE, "amount", "place"), GIFT, GIFT)
    MK_DO = Row("mk:y", Choice.of(*MK_CHANGE), GIFT, GIFT)
    MK_NEW_AMOUNT = Row("mk:na", GIFT, GIFT, RIALS)
    MK_SET_AMOUNT = Row("mk:NA", GIFT, GIFT, RIALS)
    MK_SET_PLACE = Row("mk:NP", GIFT, GIFT, MK_PLACE, CATEGORY)

    @property
    def prefix(self) -> str:
        return self.value.prefix

    @property
    def args(self) -> tuple[Arg, ...]:
        return self.value.args

    _plan: _Plan  # compiled from the row once, below the class (not a member)

    def __call__(self, *values: Any) -> str:
        """The builder: this kind's callback data for these arguments (trailing ones with a
        default may be left out). The only place that writes callback data."""
        return self._plan.build(*values)

    def __repr__(self) -> str:
        return f"Button.{self.name}"

    def pattern(self, *pinned: Any) -> re.Pattern[str]:
        """For PTB's CallbackQueryHandler(pattern=…): this kind's data, its first arguments
        pinned to `pinned` if given (a flow that takes only `mk:q:amount:…`)."""
        return _pattern(self, pinned)

    def read(self, rest: str) -> tuple[Any, ...] | None:
        """The typed arguments of data after the prefix and its ":", or None."""
        plan = self._plan
        match = plan.regex.fullmatch(rest)
        if match is None:
            return None
        try:
            return tuple([r(text) for r, text in zip(plan.readers, match.groups(), strict=True)])
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class _Plan:
    """A row compiled once at import: building buttons and reading a click are on the
    updates' path, so they do no more than one f-string and one match.

    `build` is generated from the row, for CITY_PAGE
    `def CITY_PAGE(a0, a1=d1, a2=d2): return f"d:c:{a0}:{a1}:{a2}"`, the same f-string the
    hand-written builders were (a loop over the arguments cost 2–3 µs a button, five times
    as much, and the province list draws 31 whenever its cached screen is rebuilt).
    """

    build: Callable[..., str]
    readers: tuple[Callable[[str], Any], ...]
    regex: re.Pattern[str]  # the arguments, after the prefix and its ":"

    @classmethod
    def of(cls, name: str, row: Row) -> _Plan:
        defaults: dict[str, Any] = {}
        params, fields = [], [row.prefix]
        for i, arg in enumerate(row.args):
            trailing = all(later.default is not None for later in row.args[i:])
            if trailing:
                defaults[f"d{i}"] = arg.default
            params.append(f"a{i}=d{i}" if trailing else f"a{i}")
            fields.append(arg.template(f"a{i}"))
        source = f'def {name}({", ".join(params)}):\n    return f"{":".join(fields)}"\n'
        namespace = dict(defaults)
        exec(source, namespace)  # source made only from the table above
        return cls(
            namespace[name],
            tuple(arg.read for arg in row.args),
            re.compile(":".join(f"({arg.pattern})" for arg in row.args), re.ASCII),
        )


for _kind in Button:
    _kind._plan = _Plan.of(_kind.name, _kind.value)


@functools.cache
def _pattern(kind: Button, pinned: tuple[Any, ...]) -> re.Pattern[str]:
    parts = [re.escape(kind.prefix)]
    parts += [re.escape(arg.write(value)) for arg, value in zip(kind.args, pinned, strict=False)]
    parts += [f"(?:{arg.pattern})" for arg in kind.args[len(pinned) :]]
    return re.compile(f"^{':'.join(parts)}$", re.ASCII)


def any_of(kinds: Iterable[Button]) -> re.Pattern[str]:
    """One pattern for several kinds (a flow state's "an old step's button")."""
    return re.compile("|".join(f"(?:{kind.pattern().pattern})" for kind in kinds), re.ASCII)


# Built once: a click looks its kind up by prefix instead of trying every kind's pattern.
_BY_PREFIX: dict[str, Button] = {kind.prefix: kind for kind in Button}
if len(_BY_PREFIX) != len(Button):
    raise ValueError("two button kinds share a prefix")


# -- parsing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parsed:
    """A recognised button: its kind and its typed arguments."""

    kind: Button
    args: tuple[Any, ...] = ()

    @property
    def arg(self) -> Any:
        return self.args[0] if self.args else ""


def parse(data: str | None) -> Parsed | None:
    """Recognise callback data this version of the bot produces, or return None.

    The prefix is found by looking up each ":"-ended start of the data (a fixed button is
    its whole data), then that one kind's arguments are read and typed.
    """
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        return None
    kind = _BY_PREFIX.get(data)
    if kind is not None and not kind.args:
        return Parsed(kind)
    end = data.find(":")
    while end != -1:
        kind = _BY_PREFIX.get(data[:end])
        if kind is not None and kind.args and (args := kind.read(data[end + 1 :])) is not None:
            return Parsed(kind, args)
        end = data.find(":", end + 1)
    return None


def __getattr__(name: str) -> Any:
    """The spellings of before the table, for code outside `bot/` (tests written against
    them): `callbacks.city_page(…)` is `Button.CITY_PAGE(…)`, and a fixed button's
    `callbacks.STAFF_EXPORT` its data. `bot/` itself writes `Button` (a test checks)."""
    kind = Button.__members__.get(name.upper())
    if kind is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if name.isupper():
        if kind.args:
            raise AttributeError(f"{name} takes arguments: call Button.{name}(…)")
        return kind()
    return kind
