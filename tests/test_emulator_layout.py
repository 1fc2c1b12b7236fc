"""The emulator stays a package a reader can hold in their head, with one public face.

`bot/emulator/` was a single 2,100-line module; it is split by concern (issue #13): the Bot
API surface, the HTTP server, fault injection and the scripted users, each a module of its
own beside the state, updates, webhooks, payments and rendering they share. These tests keep
it that way: a module that grows past what a reader takes in at once (or a re-merge) fails,
every module opens by saying what lives there, and the names the tests, the benches and the
bot import from `bot.emulator` are its `__all__`, all importable, with nobody outside the
package reaching into its modules (so code can move between them freely).
"""

import ast
from pathlib import Path

import pytest

import bot.emulator

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bot" / "emulator"
MODULES = sorted(PACKAGE.glob("*.py"))

MAX_LINES = 600  # a module a reader can hold in their head
# The four parts issue #13 names: the API surface, the HTTP server, faults, scripted users.
PARTS = {"api", "server", "faults", "users"}
PUBLIC = {
    "PLATFORMS",
    "SECRET_HEADER",
    "ApiCall",
    "BotApiEmulator",
    "Checkout",
    "EmulatedUser",
    "EmulatedUserInfo",
    "SentMessage",
    "Upload",
    "WebhookDelivery",
    "serve_http",
}


def _outside_sources() -> list[Path]:
    """Every Python file that uses the emulator from outside its package."""
    paths = [*(ROOT / "tests").rglob("*.py"), *(ROOT / "bench").rglob("*.py")]
    paths += [p for p in (ROOT / "bot").rglob("*.py") if PACKAGE not in p.parents]
    return sorted(paths)


def _emulator_imports() -> tuple[set[str], list[str]]:
    """Names imported from `bot.emulator`, and imports of its modules (file: module)."""
    names: set[str] = set()
    deep: list[str] = []
    for path in _outside_sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
                if node.module == "bot.emulator":
                    names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            rel = path.relative_to(ROOT)
            deep += [f"{rel}: {m}" for m in modules if m.startswith("bot.emulator.")]
    return names, deep


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_each_module_is_short_enough_to_hold_in_ones_head(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.name} has {lines} lines; split it by concern"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_each_module_opens_by_saying_what_lives_there(path):
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert docstring, f"{path.name} has no opening docstring"
    assert len(docstring.splitlines()) >= 3, f"{path.name}: say what lives there, and why"


def test_the_package_keeps_its_parts_apart():
    assert {path.stem for path in MODULES} >= PARTS
    assert not (ROOT / "bot" / "emulator.py").exists()


def test_the_public_names_are_what_the_tests_benches_and_bot_import():
    assert set(bot.emulator.__all__) == PUBLIC
    for name in PUBLIC:
        assert getattr(bot.emulator, name) is not None, name
    used, deep = _emulator_imports()
    assert {"BotApiEmulator", "EmulatedUser", "serve_http"} <= used  # the scan finds them
    assert used <= PUBLIC, f"imported but not public: {sorted(used - PUBLIC)}"
    assert not deep, f"import from the package, not its modules: {deep}"
