"""An in-process Bot API emulator for tests, benchmarks and the terminal demo.

Mocking `telegram.Bot` would skip exactly the code that breaks in production: PTB's
serialization of keyboards, its parsing of the answers and its mapping of HTTP errors to
exceptions. The emulator instead plugs in *below* PTB, as a `telegram.request.BaseRequest`,
and answers with the JSON the Bot API answers, so all of PTB's real code runs.

Three entry points share one state machine (`BotApiEmulator.call`):

* `BotApiEmulator` used directly as PTB's request object (in-process, fastest);
* `serve_http` for a real bot process that talks HTTP to ``http://127.0.0.1:PORT/bot`` (or,
  one emulator per platform, ``…/telegram/bot`` and ``…/bale/bot``);
* `EmulatedUser`, which feeds updates to an `Application` so tests read like conversations.

Deliberate realism (each of these has bitten real bots): per-chat message ids shared by the
user and the bot, reply keyboards that Telegram does not echo, editing without a keyboard
removes it, "message is not modified", HTML parse errors (``<br>`` is rejected), 4096/1024
character limits, 64-byte callback data, blocked and deactivated users, 429 with and without
``retry_after``, and Bale's edit answers that PTB cannot parse.

Where each behaviour lives (each module says more in its opening docstring):

* `api`: `BotApiEmulator`, the method table and dispatch, the message methods, and which
  methods each platform has;
* `state`: the chats and messages every method shares, the JSON answered, parameter checks;
* `rendering`: what the user sees of a text (Telegram's HTML, Bale's Markdown);
* `updates`: the updates a person's actions become, the queue, getUpdates long polling;
* `webhooks`: setWebhook and delivering the queue by POST (and a load balancer's stand-in);
* `payments`: invoices, pre-checkout, payments, Bale's inquireTransaction;
* `faults`: injected failures (429, 403, timeouts, lost answers…) and blocked users;
* `server`: the Bot API served over HTTP to a bot in another process;
* `users`: `EmulatedUser`, the scripted person tests talk through;
* `records`: what tests read back (`SentMessage`, `ApiCall`, …) and the API's error answer.

Import from the package (``from bot.emulator import BotApiEmulator``): its names below are the
emulator's public face; the modules are free to move code between them.
"""

from bot.emulator.api import BotApiEmulator
from bot.emulator.records import (
    PLATFORMS,
    ApiCall,
    Checkout,
    EmulatedUserInfo,
    SentMessage,
    Upload,
    WebhookDelivery,
)
from bot.emulator.server import serve_http
from bot.emulator.users import EmulatedUser
from bot.emulator.webhooks import SECRET_HEADER

__all__ = [
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
]
