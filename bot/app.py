"""The composition root: settings + store + PTB Application, wired in one visible place."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Sequence

from telegram import BotCommand
from telegram.error import TelegramError
from telegram.ext import ApplicationBuilder, BaseHandler, ContextTypes
from telegram.request import BaseRequest, HTTPXRequest

from bot import metrics
from bot.config import Settings
from bot.context import Clock, HamdeliApplication, HamdeliContext, Services
from bot.delivery import outbox_of, recover_outbox, schedule_worker_clock
from bot.handlers import (
    beneficiary,
    broadcasts,
    common,
    credits,
    donation_receipts,
    donor,
    monthly,
    payments,
    reconcile,
    safety,
    staff,
    staff_needs,
    support,
)
from bot.handlers import settings as everyones_settings
from bot.i18n import available_languages, translator
from bot.persistence import StorePersistence
from bot.platform import PlatformRequest
from bot.processing import PerChatUpdateProcessor
from bot.ratelimit import HamdeliRateLimiter
from bot.storage.factory import open_store
from bot.storage.protocols import Storage

log = logging.getLogger(__name__)

# Commands shown in clients' command menus, in this order; descriptions come from locales.
COMMANDS = ("start", "menu", "mypledges", "settings", "privacy", "help", "language", "cancel")
MAX_CONCURRENT_UPDATES = 256
# Tokens only matter to a real Bot API; the emulator accepts anything of this shape.
OFFLINE_TOKEN = "123456:hamdeli-offline-demo-token"


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    updates_request: BaseRequest | None = None,
    store: Storage | None = None,
    clock: Clock = time.time,
    flows: Sequence[BaseHandler] | None = None,
    owns_store: bool = True,
) -> HamdeliApplication:
    """Build the bot. Tests and the demo pass the emulator as `request`.

    `flows` are the audiences' handlers (default: Hamdeli's own), registered before the
    shared menus and the catch-alls; tests may pass extra ones to exercise the machinery
    (a handler there that is not a flow stops nothing: the menus' group sees the update too).
    `owns_store=False` when several bots share `store`: whoever passed it opens and closes it.
    """
    store = store or open_store(settings)
    services = Services(settings=settings, store=store, clock=clock)
    token = settings.bot_token.get_secret_value() if settings.bot_token else OFFLINE_TOKEN
    application = (
        ApplicationBuilder()
        .application_class(
            HamdeliApplication, kwargs={"services": services, "owns_store": owns_store}
        )
        .token(token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        .request(
            PlatformRequest(request or HTTPXRequest(connection_pool_size=64), settings.platform)
        )
        .get_updates_request(
            PlatformRequest(updates_request or request or HTTPXRequest(), settings.platform)
        )
        .rate_limiter(HamdeliRateLimiter.from_settings(settings))
        .concurrent_updates(
            PerChatUpdateProcessor(
                MAX_CONCURRENT_UPDATES, turn=functools.partial(store.chat_turn, settings.platform)
            )
        )
        .persistence(StorePersistence(store, settings.platform, clock))
        .context_types(ContextTypes(context=HamdeliContext))
        .arbitrary_callback_data(False)
        .post_init(on_start)  # type: ignore[arg-type]  # PTB's builder types the plain Application; application_class makes it ours
        .post_stop(on_stop)  # type: ignore[arg-type]  # as post_init
        .build()
    )
    conversation = common.flows_handler(
        [*staff.flows(), *broadcasts.flows(), *donor.flows(), *beneficiary.flows(),
         *support.flows(), *staff_needs.flows(), *monthly.flows()],
        idle_minutes=settings.flow_idle_minutes,
    )  # fmt: skip
    routes = {**donor.routes(), **beneficiary.routes(), **staff.routes(), **broadcasts.routes()}
    routes |= staff_needs.routes() | payments.routes()
    routes |= monthly.routes()
    routes |= credits.routes()
    routes |= donation_receipts.routes()
    routes |= everyones_settings.routes()
    handlers = [
        *staff.handlers(), *everyones_settings.handlers(), *donor.handlers(),
        *beneficiary.handlers(),
    ]  # fmt: skip
    handlers += staff_needs.handlers()
    handlers += credits.handlers()
    # Dispatch is PTB's handler groups, each named in common.Group. Safety first (group
    # FIRST, added before the button gatekeeper): a message that speaks of violence or
    # danger is answered with the emergency lines before, and instead of, anything.
    application.add_handlers(safety.handlers(), group=common.Group.FIRST)
    if flows is None:
        common.register(application, [conversation], routes, handlers)
    else:  # tests: their own conversations instead of the audiences'
        common.register(application, flows, routes)
    payments.register(application)
    if settings.staff_chat_id is not None:
        application.add_handler(
            support.staff_chat_handler(settings.staff_chat_id), group=common.Group.NOT_PRIVATE
        )
    # Last, once every handler is registered: each callback's latency for /metrics.
    for group in application.handlers.values():
        metrics.time_handlers(group, settings.platform)
    return application  # type: ignore[return-value]  # PTB types it as its own Application; application_class(HamdeliApplication) built ours


async def on_start(application: HamdeliApplication) -> None:
    """After initialize, before polling: publish commands, start the clocks and the outbox
    (which sends for as long as the bot runs)."""
    await register_commands(application)
    donor.schedule_pledge_clock(application)
    beneficiary.schedule_voucher_clock(application)
    reconcile.schedule_reconcile_clock(application)
    monthly.schedule_monthly_clock(application)
    credits.schedule_credit_clock(application)
    await recover_outbox(application)
    schedule_worker_clock(application)
    outbox = outbox_of(application)
    application.outbox_task = asyncio.create_task(outbox.run(), name="outbox")


async def on_stop(application: HamdeliApplication) -> None:
    """Updates have stopped: let the sends in flight finish and be recorded."""
    await outbox_of(application).stop()
    task = getattr(application, "outbox_task", None)
    if task is not None:
        await task


async def register_commands(application: HamdeliApplication) -> None:
    """Publish the command list per language, best effort.

    Bale answers setMyCommands with 404 (PTB: InvalidToken); a real token problem would
    already have failed at getMe, so any error here is logged and the bot goes on.
    """
    default = application.services.settings.default_language
    for language in (None, *available_languages()):
        t = translator(language or default)
        commands = [BotCommand(name, t(f"command-{name}")) for name in COMMANDS]
        try:
            await application.bot.set_my_commands(commands, language_code=language)
        except TelegramError as exc:
            log.info("command list not registered (%s): %s", language or "default", exc)
            return
