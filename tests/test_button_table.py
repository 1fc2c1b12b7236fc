"""The button table (`bot.callbacks.Button`): one row per kind, and everything from it.

- Every button already in people's chats keeps working: the data of every kind, as the bot
  wrote it before the table, is pinned here and must build and parse exactly as before.
- Every builder's output parses back to the values it was given, for every sample value of
  every argument (the longest ones too, within Telegram's 64 bytes).
- Every kind has exactly one consumer in the real Application: each press reaches one
  handler (a route of the one button router, or one flow's entry point), no two places claim
  it, and no route is dead behind a flow that always takes its presses first.
- No handler or view writes callback data, a callback pattern or a route key by hand: the
  scan of bot/handlers and bot/views finds none, and finds each kind of one planted in a
  sample module.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from telegram import CallbackQuery, Update, User
from telegram.ext import CallbackQueryHandler, ConversationHandler

from bot import callbacks
from bot.callbacks import (
    ANYWHERE,
    MAX_CALLBACK_BYTES,
    Button,
    NewGift,
    Parsed,
    Place,
    StandingGift,
    parse,
)
from bot.handlers import (
    beneficiary,
    broadcasts,
    common,
    credits,
    donation_receipts,
    donor,
    monthly,
    payments,
    settings,
    staff,
    staff_needs,
)
from bot.models import Audience, NeedCategory, NeedKind, NeedStatus, Persona

BOT = Path(__file__).resolve().parent.parent / "bot"

C12, P8 = Place.city(12), Place.province(8)  # the places of the pins below

# Data the bot wrote before the table (built with the old builders of bot/callbacks.py at
# cf17523): a deploy must not turn a button in someone's chat into "this button has expired".
SHIPPED = [
    ("menu:home", Button.MENU_HOME, ()),
    ("menu:mine", Button.MENU, ()),
    ("menu:staff", Button.MENU_STAFF, ()),
    ("help", Button.HELP, ()),
    ("lang:pick", Button.LANGUAGE_PICKER, ()),
    ("privacy", Button.PRIVACY, ()),
    ("b:status", Button.STATUS, ()),
    ("b:history", Button.HISTORY, ()),
    ("b:forget", Button.FORGET_ASK, ()),
    ("b:forget!", Button.FORGET_DO, ()),
    ("b:sms", Button.CHECK_SMS, ()),
    ("b:remind", Button.REMINDERS, ()),
    ("s:find", Button.STAFF_FIND, ()),
    ("s:audit", Button.STAFF_AUDIT, ()),
    ("s:queue", Button.STAFF_QUEUE, ()),
    ("s:stats", Button.STAFF_STATS, ()),
    ("support", Button.SUPPORT, ()),
    ("s:export", Button.STAFF_EXPORT, ()),
    ("s:invites", Button.STAFF_INVITES, ()),
    ("s:cmds", Button.STAFF_COMMANDS, ()),
    ("s:next", Button.STAFF_NEXT, ()),
    ("s:bnew", Button.BROADCAST_NEW, ()),
    ("s:baud", Button.BROADCAST_CHANGE_AUDIENCE, ()),
    ("ann:off", Button.ANNOUNCEMENTS_OFF, ()),
    ("set", Button.SETTINGS, ()),
    ("set:home", Button.HOME_CITY_PICKER, ()),
    ("safe:go", Button.SAFETY_CONTINUE, ()),
    ("d:p", Button.PROVINCES, ()),
    ("s:n:new", Button.SN_NEW, ()),
    ("s:n:none", Button.SN_NONE, ()),
    ("s:n:x", Button.SN_CANCEL, ()),
    ("mk:home", Button.MK_HOME, ()),
    ("mk:new", Button.MK_NEW, ()),
    ("menu:donor", Button.ROLE, (Persona.DONOR,)),
    ("menu:beneficiary", Button.ROLE, (Persona.BENEFICIARY,)),
    ("lang:fa", Button.LANGUAGE, ("fa",)),
    ("d:pv:12", Button.CITIES, (12,)),
    ("d:c:12:all:0", Button.CITY_PAGE, (12, "all", 0)),
    ("d:c:999999:work_tools:9999", Button.CITY_PAGE, (999999, NeedCategory.WORK_TOOLS, 9999)),
    ("d:o:3:medical:2", Button.OTHER_PAGE, (3, NeedCategory.MEDICAL, 2)),
    ("d:f:c:12", Button.CITY_FILTER, (12,)),
    ("d:f:o:3", Button.OTHER_FILTER, (3,)),
    ("d:n:7KQ2MZ", Button.NEED, ("7KQ2MZ",)),
    ("d:h:7KQ2MZ", Button.HELP_NEED, ("7KQ2MZ",)),
    ("d:a:7KQ2MZ:5000000", Button.AMOUNT, ("7KQ2MZ", 5000000)),
    (
        "d:y:7KQ2MZ:5000000:Ab3_-Ab3_-Ab3_-Z",
        Button.CONFIRM,
        ("7KQ2MZ", 5000000, "Ab3_-Ab3_-Ab3_-Z"),
    ),
    ("d:m:0", Button.MY_PLEDGES, (0,)),
    ("d:x:P-7KQ2MZ", Button.CANCEL_ASK, ("P-7KQ2MZ",)),
    ("d:X:P-7KQ2MZ", Button.CANCEL_DO, ("P-7KQ2MZ",)),
    ("d:r:P-7KQ2MZ", Button.PAID, ("P-7KQ2MZ",)),
    ("d:pay:P-7KQ2MZ", Button.PAY, ("P-7KQ2MZ",)),
    ("d:rc:P-7KQ2MZ", Button.RECEIPT, ("P-7KQ2MZ",)),
    ("d:rf:P-7KQ2MZ", Button.RECEIPT_FOR, ("P-7KQ2MZ",)),
    ("d:dr:P-7KQ2MZ", Button.DONATION_RECEIPT, ("P-7KQ2MZ",)),
    ("s:pay:P-7KQ2MZ", Button.STAFF_PAY, ("P-7KQ2MZ",)),
    ("s:open:P-7KQ2MZ", Button.STAFF_OPEN, ("P-7KQ2MZ",)),
    ("s:rej:P-7KQ2MZ", Button.STAFF_REJECT, ("P-7KQ2MZ",)),
    ("s:pnr:P-7KQ2MZ", Button.STAFF_PAY_UNREFERENCED, ("P-7KQ2MZ",)),
    ("s:q:2:41", Button.STAFF_QUEUE_PAGE, (2, 41)),
    ("s:ba:beneficiaries", Button.BROADCAST_AUDIENCE, (Audience.BENEFICIARIES,)),
    ("s:bp:cities:8", Button.BROADCAST_PLACE, ("cities", 8)),
    ("s:bY:abcdefgh", Button.BROADCAST_SEND, ("abcdefgh",)),
    ("s:bk:pause:77", Button.BROADCAST_CONTROL, ("pause", 77)),
    ("s:ok:abcdefgh", Button.STAFF_CONFIRM, ("abcdefgh",)),
    ("s:no:abcdefgh", Button.STAFF_DISMISS, ("abcdefgh",)),
    ("s:iv:S-7KQ2MZ9A", Button.STAFF_REVOKE_INVITE, ("S-7KQ2MZ9A",)),
    ("set:ann:off", Button.ANNOUNCEMENTS, ("off",)),
    ("set:hp:8", Button.HOME_PROVINCE, (8,)),
    ("set:hc:12", Button.HOME_CITY, (12,)),
    ("s:n:pp:1", Button.SN_PROVINCE_PAGE, (1,)),
    ("s:n:pv:8", Button.SN_PROVINCE, (8,)),
    ("s:n:cp:2", Button.SN_CITY_PAGE, (2,)),
    ("s:n:ct:12", Button.SN_CITY, (12,)),
    ("s:n:cat:dowry", Button.SN_CATEGORY, (NeedCategory.DOWRY,)),
    ("s:n:k:items", Button.SN_KIND, (NeedKind.ITEMS,)),
    ("s:n:u:1", Button.SN_URGENT, (True,)),
    ("s:n:u:0", Button.SN_URGENT, (False,)),
    ("s:n:f:description_en", Button.SN_FIELD, ("description_en",)),
    ("s:n:pub:7KQ2MZ", Button.SN_PUBLISH, ("7KQ2MZ",)),
    ("s:n:drf:7KQ2MZ", Button.SN_DRAFT, ("7KQ2MZ",)),
    ("s:n:sv:7KQ2MZ", Button.SN_SAVE, ("7KQ2MZ",)),
    ("s:n:e:7KQ2MZ:national_code", Button.SN_EDIT, ("7KQ2MZ", "national_code")),
    ("s:n:P:7KQ2MZ", Button.SN_PUBLISH_DRAFT, ("7KQ2MZ",)),
    ("s:n:v:7KQ2MZ", Button.SN_VIEW, ("7KQ2MZ",)),
    ("s:nl:m:fully_pledged:c12:3", Button.STAFF_NEEDS, (True, NeedStatus.FULLY_PLEDGED, C12, 3)),
    ("s:nl:a:all:0:0", Button.STAFF_NEEDS, (False, "all", ANYWHERE, 0)),
    ("s:ns:a:all:p8", Button.STAFF_NEEDS_STATUS, (False, "all", P8)),
    ("s:np:m:open:8", Button.STAFF_NEEDS_PLACE, (True, NeedStatus.OPEN, 8)),
    ("d:cs:5", Button.CREDIT_SHOW, (5,)),
    ("d:cm:5:7KQ2MZ", Button.CREDIT_MOVE, (5, "7KQ2MZ")),
    ("d:co:5", Button.CREDIT_OFFICE, (5,)),
    ("mk:a:5000000", Button.MK_AMOUNT, (5000000,)),
    ("mk:pp:n5000000", Button.MK_PROVINCES, (NewGift(5000000),)),
    ("mk:pv:e12v3:8", Button.MK_PROVINCE, (StandingGift(12, 3), 8)),
    ("mk:pl:n5000000:c12", Button.MK_CHOSEN_PLACE, (NewGift(5000000), C12)),
    ("mk:ct:e12v3:p8:all", Button.MK_CATEGORY, (StandingGift(12, 3), P8, "all")),
    ("mk:dy:5000000:c12:orphans:28", Button.MK_DAY, (5000000, C12, NeedCategory.ORPHANS, 28)),
    ("mk:go:5000000:c12:all:1:abcdefgh", Button.MK_START, (5000000, C12, "all", 1, "abcdefgh")),
    ("mk:q:amount:12:3", Button.MK_ASK, ("amount", 12, 3)),
    ("mk:y:stop:12:3", Button.MK_DO, ("stop", 12, 3)),
    ("mk:na:12:3:7000000", Button.MK_NEW_AMOUNT, (12, 3, 7000000)),
    ("mk:NA:12:3:7000000", Button.MK_SET_AMOUNT, (12, 3, 7000000)),
    ("mk:NP:12:3:p8:all", Button.MK_SET_PLACE, (12, 3, P8, "all")),
]


@pytest.mark.parametrize(("data", "kind", "args"), SHIPPED, ids=[d for d, _, _ in SHIPPED])
def test_buttons_already_sent_keep_their_meaning(data: str, kind: Button, args: tuple) -> None:
    assert kind(*args) == data
    assert parse(data) == Parsed(kind, args)


def test_every_kind_is_pinned() -> None:
    """A new row needs no pin; a row that was shipped must not lose its pin."""
    assert {kind for _, kind, _ in SHIPPED} == set(Button)


def _samples(kind: Button) -> Iterator[tuple]:
    """Argument tuples covering every sample of every argument (the first, the longest)."""
    longest = max((len(arg.samples) for arg in kind.args), default=1)
    for i in range(longest):
        yield tuple(arg.samples[i % len(arg.samples)] for arg in kind.args)


@pytest.mark.parametrize("kind", list(Button), ids=lambda k: k.name)
def test_every_builder_parses_back_to_its_values(kind: Button) -> None:
    for args in _samples(kind):
        data = kind(*args)
        assert len(data.encode()) <= MAX_CALLBACK_BYTES, data
        assert parse(data) == Parsed(kind, args), data
        assert kind.pattern().match(data), data
        if args:  # the flow pattern with the first argument pinned takes this press
            assert kind.pattern(args[0]).match(data), data
    backwards = (arg.default for arg in reversed(kind.args))
    defaults = list(itertools.takewhile(lambda d: d is not None, backwards))[::-1]
    if defaults:  # trailing arguments left out are their defaults
        required = next(_samples(kind))[: len(kind.args) - len(defaults)]
        assert parse(kind(*required)) == Parsed(kind, (*required, *defaults))


def test_typed_values_come_back_typed() -> None:
    assert parse("menu:beneficiary") == Parsed(Button.ROLE, (Persona.BENEFICIARY,))
    assert parse("d:c:12:medical:3") == Parsed(Button.CITY_PAGE, (12, NeedCategory.MEDICAL, 3))
    assert parse("s:ba:province").arg is Audience.PROVINCE
    assert parse("s:n:k:items").arg is NeedKind.ITEMS
    assert parse("s:nl:a:open:0:0").args == (False, NeedStatus.OPEN, ANYWHERE, 0)
    assert parse("s:nl:a:all:c7:0").args[2].city_id == 7
    assert parse("mk:pl:n5000000:p8").args == (NewGift(5000000), Place.province(8))
    assert parse("mk:pp:e12v3").arg == StandingGift(12, 3)
    assert parse("s:n:u:0").arg is False


@pytest.mark.parametrize(
    ("kind", "args"),
    [
        (Button.STAFF_NEEDS, (True, "all", "c12")),
        (Button.MK_CHOSEN_PLACE, ("n5000000", "p8")),
        (Button.MK_DAY, (5000000, "c12", "all", 1)),
    ],
)
def test_a_place_or_a_gift_is_written_only_from_its_typed_value(kind: Button, args: tuple) -> None:
    """The codes of a place ("c12") and of a monthly gift ("n…", "e…v…") are the table's
    to write: a builder given the code by hand refuses it."""
    with pytest.raises(AttributeError):
        kind(*args)


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "d:pv:۱۲",  # Persian digits: the bot writes ASCII ones, so this was forged
        "d:pv:12:",
        "d:pv:",
        "d:pv:1234567",  # more digits than a place id has
        "d:n:7kq2mz",  # need codes are upper case, without 0/O/1/I
        "d:n:7KQ2M0",
        "d:x:7KQ2MZ",  # a pledge reference is P-…
        "lang:xx",  # a language the bot does not speak (any more)
        "menu:staffer",
        "menu:",
        "set:ann:maybe",
        "s:n:u:2",
        "d:c:12:food:0",
        "help:",
        ":help",
        "سلام",
        "d:y:7KQ2MZ:5000000:" + "A" * 17,  # a token longer than the bot makes
        "d:n:7KQ2MZ" + " " * 60,  # over Telegram's 64 bytes
        "no such button",
    ],
)
def test_stale_or_forged_data_is_not_a_button(data: str | None) -> None:
    """The gatekeeper answers "this button has expired" for these (common.check_button)."""
    assert parse(data) is None


def test_the_old_spellings_still_build_the_same_data() -> None:
    """For code outside bot/ (tests) written before the table."""
    assert callbacks.city_page(12) == Button.CITY_PAGE(12) == "d:c:12:all:0"
    assert callbacks.STAFF_EXPORT == "s:export"
    with pytest.raises(AttributeError):
        callbacks.CITY_PAGE  # noqa: B018 (a kind with arguments has no fixed data)
    with pytest.raises(AttributeError):
        callbacks.no_such_button  # noqa: B018


def test_a_builder_refuses_missing_or_extra_arguments() -> None:
    with pytest.raises(TypeError):
        Button.CITY_PAGE()
    with pytest.raises(TypeError):
        Button.HELP(1)


# -- consumers -----------------------------------------------------------------------------------


def _press(data: str) -> Update:
    user = User(7, "Sara", False)
    return Update(1, callback_query=CallbackQuery("1", user, "chat", data=data))


def _presses(kind: Button) -> list[str]:
    """Every sample press of a kind, with each value of a choice (a flow may pin one)."""
    choices = [sorted({arg.write(v) for v in arg.samples}) for arg in kind.args]
    reads = [[arg.read(t) for t in texts] for arg, texts in zip(kind.args, choices, strict=True)]
    return [kind(*args) for args in itertools.product(*reads)][:64]


def consumer_problems(application: object, tables: dict[str, dict]) -> list[str]:
    """What breaks "every kind has exactly one consumer" in this wiring.

    Consumers of a press: the button handlers that check it (a flow's entry point, the
    safety "continue" in group -1), else the one button router's route for its kind. A
    flow state's own buttons (a step of a flow) answer only inside it, so they are not
    counted; outside the flow their press needs a consumer like any other. `tables` are the
    route tables by module, before they are merged (a merge hides a kind routed twice).
    """
    problems = []
    routed: dict[Button, list[str]] = {}
    for module, routes in tables.items():
        for kind in routes:
            if not isinstance(kind, Button):
                problems.append(f"{module}: route key {kind!r} is not a Button")
            routed.setdefault(kind, []).append(module)
    problems += [f"{k.name} routed by {', '.join(m)}" for k, m in routed.items() if len(m) > 1]
    claimers, router = [], None
    for group in sorted(application.handlers):
        for handler in application.handlers[group]:
            if isinstance(handler, ConversationHandler):
                claimers += [h for h in handler.entry_points if isinstance(h, CallbackQueryHandler)]
            elif hasattr(getattr(handler, "callback", None), "routes"):
                router = handler.callback.routes
            elif isinstance(handler, CallbackQueryHandler) and (
                handler.pattern is not None or type(handler) is not CallbackQueryHandler
            ):
                claimers.append(handler)
    assert router is not None, "no button router"
    for kind in Button:
        presses = _presses(kind)
        reached_route = False
        for data in presses:
            update = _press(data)
            taking = [h for h in claimers if h.check_update(update)]
            if len(taking) > 1:
                names = ", ".join(h.callback.__qualname__ for h in taking)
                problems.append(f"{data}: taken by {len(taking)} handlers ({names})")
            elif not taking:
                if kind in router:
                    reached_route = True
                else:
                    problems.append(f"{data}: no consumer (the router would say expired)")
        if kind in router and not reached_route:
            problems.append(f"{kind.name}: its route is dead (a flow takes every press first)")
    return problems


def route_tables() -> dict[str, dict]:
    modules = [donor, beneficiary, staff, broadcasts, staff_needs, payments, monthly, credits,
               donation_receipts, settings]  # fmt: skip
    return {"common": common.COMMON_ROUTES, **{m.__name__: m.routes() for m in modules}}


async def test_every_kind_has_exactly_one_consumer(chat) -> None:
    assert consumer_problems(chat.application, route_tables()) == []


async def test_the_consumer_check_finds_a_kind_routed_twice_or_not_at_all(chat) -> None:
    tables = route_tables()
    tables["planted"] = {Button.CITY_PAGE: donor.city_page, "city_page": donor.city_page}
    del tables["bot.handlers.credits"][Button.CREDIT_SHOW]
    problems = consumer_problems(chat.application, tables)
    assert "CITY_PAGE routed by bot.handlers.donor, planted" in problems
    assert "planted: route key 'city_page' is not a Button" in problems
    # The merged router still has it: take it out of the application's router as well.
    router = next(h.callback.routes for h in chat.application.handlers[common.Group.MENUS]
                  if hasattr(getattr(h, "callback", None), "routes"))  # fmt: skip
    router[Button.MK_NEW] = monthly.ask_amount  # behind the flow that takes mk:new first
    del router[Button.CREDIT_SHOW]
    problems = consumer_problems(chat.application, route_tables())
    assert "d:cs:0: no consumer (the router would say expired)" in problems
    assert "MK_NEW: its route is dead (a flow takes every press first)" in problems


# -- no data, pattern or route key by hand ---------------------------------------------------


def hand_written(source: str) -> list[str]:
    """Callback data, callback patterns and route keys written by hand in a module.

    - a string (or an f-string's start) that is callback data, or the start of one
      (`"d:c:1:all:0"`, `f"d:c:{city}"`); command names are not data, though some are
      spelled like a fixed button ("help");
    - a pattern (`r"^menu:beneficiary$"`, `f"^{…}$"`) given to CallbackQueryHandler or
      re.compile, or any string that starts with "^" and a button prefix;
    - a kind's name as a string where a route key goes: a key of `routes()`, compared
      with `.kind`, or in a collection of kind names;
    - `callbacks.<old spelling>` (bot/ writes Button).
    """
    names = {kind.name.lower() for kind in Button} | {"mk_place", "staff_queue", "provinces"}
    prefixes = sorted((kind.prefix for kind in Button), key=len, reverse=True)
    tree = ast.parse(source)
    found: list[str] = []
    skip: set[int] = set()

    def text_of(node: ast.AST) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr):
            first = node.values[0] if node.values else None
            return first.value if isinstance(first, ast.Constant) else ""
        return None

    def is_data(text: str, whole: bool) -> bool:
        if whole and parse(text) is not None and ":" in text:
            return True
        return any((text.startswith(p + ":") and len(text) > len(p) + 1)
                   or (not whole and text == p + ":") for p in prefixes)  # fmt: skip

    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            skip.add(id(body[0].value))  # docstrings
        if isinstance(node, ast.Call):
            func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
                node.func, "id", "")  # fmt: skip
            if func in ("CommandHandler", "BotCommand"):
                skip.update(id(arg) for arg in node.args[:1])
            if func == "prompt_flow":
                skip.update(id(arg) for arg in node.args[2:3])
            patterns = [k.value for k in node.keywords if k.arg == "pattern"]
            for pattern in patterns if func == "CallbackQueryHandler" else ():
                if text_of(pattern) is not None:
                    found.append(f"line {node.lineno}: a hand-written pattern")
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            kind = any(isinstance(s, ast.Attribute) and s.attr == "kind" for s in sides)
            if kind and any(text_of(s) is not None for s in sides):
                found.append(f"line {node.lineno}: a kind compared with a string")
        if isinstance(node, ast.FunctionDef) and node.name == "routes":
            for inner in ast.walk(node):
                if isinstance(inner, ast.Dict):
                    for key in inner.keys:
                        if key is not None and text_of(key) is not None:
                            found.append(f"line {key.lineno}: a string route key")
        if isinstance(node, ast.Tuple | ast.List | ast.Set) and len(node.elts) > 1:
            texts = [text_of(e) for e in node.elts]
            if all(t in names for t in texts):
                found.append(f"line {node.lineno}: a collection of kind names")
        old = isinstance(node, ast.Attribute) and getattr(node.value, "id", "") == "callbacks"
        if old and node.attr not in vars(callbacks):
            found.append(f"line {node.lineno}: callbacks.{node.attr} (write Button)")
    for node in ast.walk(tree):
        if id(node) in skip or isinstance(node, ast.FormattedValue):
            continue
        text = text_of(node)
        if text is None or (isinstance(node, ast.Constant) and _inside_fstring(tree, node)):
            continue
        if is_data(text, whole=isinstance(node, ast.Constant)):
            found.append(f"line {node.lineno}: callback data {text!r}")
        elif text.startswith("^") and is_data(text[1:].rstrip("$"), whole=True) | any(
            text[1:].startswith(p + ":") or text[1:] in (p, p + "$") for p in prefixes
        ):
            found.append(f"line {node.lineno}: a callback pattern {text!r}")
    return sorted(set(found))


def _inside_fstring(tree: ast.AST, node: ast.AST) -> bool:
    return any(isinstance(p, ast.JoinedStr) and node in p.values for p in ast.walk(tree))


SCANNED = sorted([*BOT.glob("handlers/*.py"), *BOT.glob("views/*.py")])


@pytest.mark.parametrize("path", SCANNED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_handler_or_view_writes_callback_data_by_hand(path: Path) -> None:
    assert hand_written(path.read_text(encoding="utf-8")) == []


PLANTED = {
    "data": 'button(t("x"), "d:c:12:all:0")',
    "fixed data": 'button(t("x"), "s:export")',
    "f-string data": 'button(t("x"), f"d:pv:{province.id}")',
    "pattern": 'CallbackQueryHandler(open_status, pattern=r"^menu:beneficiary$")',
    "built pattern": 'CallbackQueryHandler(ask, pattern=f"^{callbacks.X}$")',
    "compiled pattern": '_ASK = re.compile(r"^mk:q:amount:\\d{1,9}:\\d{1,9}$")',
    "route key": 'def routes():\n    return {"city_page": city_page}',
    "kind compared": 'ok = context.button.kind == "role"',
    "kind names": 'STEP_BUTTONS = ("sn_province", "sn_city")',
    "old spelling": "data = callbacks.city_page(12)",
}


@pytest.mark.parametrize("planted", PLANTED.values(), ids=PLANTED.keys())
def test_the_scan_finds_a_planted_literal(planted: str) -> None:
    clean = 'CommandHandler("help", help_command)\nx = Button.HELP()\nfiles = {"a": "b"}\n'
    assert hand_written(clean) == []
    assert hand_written(clean + planted) != []
