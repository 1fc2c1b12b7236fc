"""One way to say no (bot/handlers/guards.py), one place for each screen (bot/views/).

Read with `ast`: no handler module builds a Screen itself, defines its own refusal helper
or its own "today", or passes the four arguments of the flow's data by hand; a refusal
caught inline only asks again, never ends a flow. Driven through the emulator and the real
Application (no mocks): every way forward the guard offers (the menu, the console, the next
pledge, the donor's menu, a monthly gift, a credit's choice, a need form forgotten) answers
with the refusal's words and a button, and that button leads somewhere.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.i18n import translator
from tests.conftest import ADMIN_ID

ROOT = Path(__file__).resolve().parent.parent
HANDLERS = sorted((ROOT / "bot" / "handlers").glob("*.py"))
GUARDS = ROOT / "bot" / "handlers" / "guards.py"
fa = translator("fa")

# The idioms the guard replaced, and the copies the context replaced: no handler module
# may define them again.
OWN_HELPERS = {"refuse", "staff_entry", "staff_step", "today", "_today"}


def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}"  # type: ignore[attr-defined]


def functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def test_the_handler_modules_are_read() -> None:
    names = {path.stem for path in HANDLERS}
    assert {"guards", "staff", "donor", "settings", "monthly"} <= names


def test_no_handler_module_builds_a_screen() -> None:
    """Every screen comes from bot/views: a handler says which, never how it looks."""
    built = [
        where(path, node)
        for path in HANDLERS
        for node in ast.walk(parsed(path))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Screen"
    ]
    assert built == [], f"screens built in handlers (move them to bot/views): {built}"


def test_no_handler_module_defines_its_own_refusal_helper_or_today() -> None:
    own = [
        f"{where(path, node)} {node.name}"
        for path in HANDLERS
        if path != GUARDS
        for node in functions(parsed(path))
        if node.name in OWN_HELPERS or "refus" in node.name.lower()
    ]
    assert own == [], f"use bot.handlers.guards and context.today(): {own}"


def test_no_handler_module_reads_the_date_or_the_flow_by_hand() -> None:
    """`context.today()` and `context.flow` say it once: the office's time zone, and the
    platform, person and time of the flow's data."""
    by_hand = []
    for path in HANDLERS:
        for function in functions(parsed(path)):
            for node in ast.walk(function):
                if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                    continue
                name, first = node.func.attr, ast.unparse(node.args[0]) if node.args else ""
                if name in ("flow_data", "save_flow_data") or (
                    name == "fromtimestamp" and first == "context.now()"
                ):
                    by_hand.append(f"{where(path, node)} {name}")
    assert by_hand == [], f"use context.flow / context.today(): {by_hand}"


def _ends_a_flow(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Return)
        and node.value is not None
        and (ast.unparse(node.value) in ("END", "ConversationHandler.END"))
    )


def test_a_refusal_caught_in_a_handler_only_asks_again() -> None:
    """Outside the guard, a handler catches a refusal only to ask the same question again
    (or to re-raise it for the guard): answering it and ending the flow is the guard's.
    The verification lock is the one exception: its screen says when verification opens
    again, which no refusal text can."""
    allowed = {"got_national_code"}
    ending = []
    for path in HANDLERS:
        if path == GUARDS:
            continue
        for function in functions(parsed(path)):
            if function.name in allowed:
                continue
            for handler in (n for n in ast.walk(function) if isinstance(n, ast.ExceptHandler)):
                caught = ast.unparse(handler.type) if handler.type else ""
                if caught.endswith("Refused") and any(map(_ends_a_flow, ast.walk(handler))):
                    ending.append(f"{where(path, handler)} {function.name}")
    assert ending == [], f"let bot.handlers.guards answer these refusals: {ending}"


def test_the_structural_checks_can_fail(tmp_path) -> None:
    """The checks above find what they look for (a handler written the old way)."""
    old_way = ast.parse(
        "async def _refuse(update, context):\n"
        "    await reply(update, Screen(context.t('x')))\n"
        "async def step(update, context):\n"
        "    try:\n"
        "        await staff.find(context.store)\n"
        "    except Refused:\n"
        "        return END\n"
    )
    names = [f.name for f in functions(old_way)]
    assert any("refus" in name for name in names)
    assert any(isinstance(n, ast.Call) and getattr(n.func, "id", "") == "Screen"
               for n in ast.walk(old_way))  # fmt: skip
    handlers = [n for n in ast.walk(old_way) if isinstance(n, ast.ExceptHandler)]
    assert any(_ends_a_flow(n) for h in handlers for n in ast.walk(h))


# -- every refusal path answers with a way forward ----------------------------------------------


def data_of(message) -> list[str]:
    return [str(button.get("callback_data")) for row in message.button_rows for button in row]


async def staff_member(chat):
    """A staff member (not an admin): someone whose role can be taken away."""
    admin, reza = chat.user(user_id=ADMIN_ID), chat.user()
    await reza.send("/start")
    await admin.send(f"/addstaff {reza.id}")
    return admin, reza


async def assert_way_forward(person, words: str, button: str, data: str) -> None:
    """The refusal's words on screen, a button to go on with, and pressing it leads on."""
    shown = person.last_reply
    assert words in shown.text
    assert data in data_of(shown), (data, shown.buttons)
    await person.click(button, message_id=shown.message_id)
    assert person.last_reply.text != fa("button-expired")
    assert fa("button-expired") not in (person.last_reply.text or "")


async def test_not_staff_is_refused_with_the_menu(chat) -> None:
    sara = chat.user()
    await sara.send("/start")
    await sara.send("/audit")
    await assert_way_forward(sara, fa("staff-only"), fa("button-menu"), "menu:mine")


async def test_a_newcomers_wrong_invite_leads_to_their_menu_not_the_console(chat) -> None:
    sara = chat.user()
    await sara.send("/start")
    await sara.send("/join NOPE42")
    assert "menu:staff" not in data_of(sara.last_reply)
    assert "menu:mine" in data_of(sara.last_reply)


async def test_a_staff_usage_slip_leads_back_to_the_console(chat) -> None:
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/start")
    await admin.send("/delivered")
    await assert_way_forward(admin, fa("staff-delivered-usage"), fa("button-back"), "menu:staff")
    assert fa("staff-queue-button") in [label for row in admin.last_reply.buttons for label in row]


async def test_a_pledge_that_cannot_be_decided_leads_to_the_next_one(chat) -> None:
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/start")
    await admin.click_data("s:pay:P-ZZZZZZ")
    words = admin.last_answer
    assert words is not None
    assert "P-ZZZZZZ" in words
    await assert_way_forward(admin, words, fa("staff-next-button"), "s:next")


async def test_a_donors_stale_button_leads_to_the_donor_menu_in_its_place(chat) -> None:
    sara = chat.user()
    await sara.send("/start")
    await sara.click(fa("role-donor-button"))
    menu = sara.last_reply
    await sara.click_data("d:n:ZZZZZZ", message_id=menu.message_id)
    assert sara.last_reply.message_id == menu.message_id  # edited in place
    assert sara.last_answer == fa("need-not-found")
    assert sara.last_reply.text.startswith(fa("need-not-found"))
    assert len(data_of(sara.last_reply)) > 1


async def test_a_monthly_amount_refused_leads_to_the_monthly_gift(chat) -> None:
    sara = chat.user()
    await sara.send("/start")
    await sara.click_data("mk:a:1")  # a forged preset under the minimum
    assert sara.last_answer is not None
    assert sara.last_answer in sara.last_reply.text
    await assert_way_forward(sara, sara.last_answer, fa("monthly-button"), "mk:home")


async def test_a_stale_monthly_button_shows_the_gift_as_it_stands(chat) -> None:
    sara = chat.user()
    await sara.send("/start")
    await sara.click_data("mk:y:pause:999:1")
    assert sara.last_answer == fa("monthly-stale")
    assert sara.last_reply.text.startswith(fa("monthly-stale"))
    assert data_of(sara.last_reply)


async def test_an_unknown_credit_leads_to_the_pledges_and_the_menu(chat) -> None:
    sara = chat.user()
    await sara.send("/start")
    await sara.click_data("d:cs:999")
    assert sara.last_answer == fa("credit-not-found")
    await assert_way_forward(sara, fa("credit-not-found"), fa("button-my-pledges"), "d:m:0")


async def test_a_need_form_refused_midway_is_forgotten_and_leads_to_the_menu(chat) -> None:
    admin, reza = await staff_member(chat)
    await reza.send("/newneed")
    province = (await chat.store.provinces())[0]
    assert await chat.store.flow_data("telegram", reza.id)  # the form is kept
    await admin.send(f"/removestaff {reza.id}")
    await reza.click(province.name_fa)
    assert reza.last_answer == fa("staff-only")
    assert await chat.store.flow_data("telegram", reza.id) is None  # and now forgotten
    await assert_way_forward(reza, fa("staff-only"), fa("button-menu"), "menu:mine")


@pytest.mark.parametrize(
    "typed", ["/pledge", "/broadcast", "/newneed", "/needs", "/queue", "/office", "/household 1"]
)
async def test_every_staff_entry_refuses_others_with_a_way_forward(chat, typed) -> None:
    sara = chat.user()
    await sara.send("/start")
    await sara.send(typed)
    assert sara.last_reply.text == fa("staff-only")
    assert "menu:mine" in data_of(sara.last_reply)
