"""The typed application and callback context every handler receives.

Following PTB's `contexttypesbot.py`: handlers read `context.store`, `context.settings`,
`context.account` and `context.t` instead of digging through untyped dictionaries.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot import metrics
from bot.callbacks import Parsed
from bot.config import Settings
from bot.i18n import Translator, translator
from bot.models import Account
from bot.storage.protocols import Storage

Clock = Callable[[], float]


@dataclass
class Services:
    """What the handlers need besides Telegram: settings, the store and a clock."""

    settings: Settings
    store: Storage
    clock: Clock = field(default=time.time)

    @property
    def platform(self) -> str:
        return self.settings.platform


class HamdeliApplication(Application):
    """PTB's Application with Hamdeli's services (its store opened before PTB loads the
    persisted conversations, closed after)."""

    def __init__(self, *, services: Services, owns_store: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services
        # False when several bots share one store (bot/service.py): the service opens it
        # before the first bot starts and closes it after the last one stopped.
        self.owns_store = owns_store
        self.outbox: Any = None  # bot.delivery.Outbox, created on first use
        self.outbox_task: asyncio.Task[None] | None = None  # its run, from on_start

    async def initialize(self) -> None:
        """Open the store first: PTB loads persisted conversations while initializing."""
        await self.services.store.open()
        await super().initialize()

    async def shutdown(self) -> None:
        try:
            await super().shutdown()
        finally:
            if self.owns_store:
                await self.services.store.close()

    async def process_update(self, update: object) -> None:
        """Count the update by type (`/metrics`), once, then let PTB dispatch it.

        Dispatch is PTB's own, in handler groups (bot/handlers/common.Group): the
        write-through of conversation states and, with several workers, their re-read are
        handlers there, not steps added here.
        """
        metrics.count_update(self.services.platform, update)
        await super().process_update(update)

    async def handle_now(self, update: object) -> None:
        """Handle `update` as the update queue would (through the update processor: one
        chat at a time, in order, a bounded number at once), returning when it is done:
        what a webhook that answers only after handling needs (bot/web.py)."""
        await self.update_processor.process_update(update, self.process_update(update))


def job_queue_of(application: Application) -> JobQueue[Any]:
    """The job queue that runs the clocks (pledge expiry, reminders, monthly gifts). PTB
    makes one only with its job-queue extra, a dependency of ours: without it the install is
    broken, and the bot says so as it starts rather than run with clocks that never tick."""
    if application.job_queue is None:
        raise RuntimeError(
            "no job queue to run the clocks: install python-telegram-bot[job-queue] "
            "(a dependency in pyproject.toml)"
        )
    return application.job_queue


class HamdeliContext(CallbackContext[ExtBot, dict, dict, dict]):
    """CallbackContext with typed access to Hamdeli's services and the current account."""

    account: Account | None = None
    # The pressed button, parsed once by the gatekeeper (bot.handlers.common.check_button);
    # None when no button was pressed. A handler only a button reaches reads `pressed`.
    button: Parsed | None = None
    # This update's alone (PTB builds a context per update, and several run at once:
    # bot/processing.py), set by the flows conversation for the group after it
    # (bot/handlers/common.write_flow_state): a flow handled the update, so its state is
    # written now; and it left the flow and passed the update on to the menus.
    flow_handled: bool = False
    flow_passed_on: bool = False

    @property
    def services(self) -> Services:
        return self.application.services  # type: ignore[attr-defined]  # PTB types it as its own Application; application_class(HamdeliApplication) built ours

    @property
    def store(self) -> Storage:
        return self.services.store

    @property
    def settings(self) -> Settings:
        return self.services.settings

    def now(self) -> int:
        return int(self.services.clock())

    @property
    def me(self) -> Account:
        """The account of the person this update comes from (loaded in group ACCOUNT)."""
        if self.account is None:
            raise RuntimeError("no account loaded for this update")
        return self.account

    @property
    def pressed(self) -> Parsed:
        """The pressed button, for a handler only a button reaches (a route, or a flow's
        button pattern): the gatekeeper parsed it before any of them ran, so it is there.
        A handler that commands reach too reads `button`, which is None for them."""
        if self.button is None:
            raise RuntimeError(
                "no button was parsed for this update, though the handler's route or pattern "
                "takes only buttons (the gatekeeper parses every one before they run)"
            )
        return self.button

    @property
    def t(self) -> Translator:
        language = self.account.language if self.account else self.settings.default_language
        return translator(language)

    # -- the office's today and the flow's data: one way for every handler ---------------------

    def today(self) -> dt.date:
        """Today at the office (`settings.tz`), not on the server's clock: deadlines,
        vouchers and reminders are dated by the office's calendar, whoever reads them."""
        return dt.datetime.fromtimestamp(self.now(), self.settings.tz).date()

    @property
    def flow(self) -> FlowData:
        """What this person's flow has collected so far, kept in the store (`FlowData`)."""
        return FlowData(self)


@dataclass(frozen=True)
class FlowData:
    """What a flow has collected for the person of this update: written to the store by the
    step that collects it, so a restart continues where they were. The platform, the person
    and the time come from the context, so a handler says only what it keeps."""

    context: HamdeliContext

    async def get(self) -> dict[str, Any]:
        """What is kept (an empty dict when nothing is)."""
        me = self.context.me
        return await self.context.store.flow_data(self.context.services.platform, me.user_id) or {}

    async def save(self, data: dict[str, Any] | None) -> None:
        """Keep `data` in place of whatever was kept; None or {} keeps nothing."""
        context = self.context
        await context.store.save_flow_data(
            context.services.platform, context.me.user_id, data, context.now()
        )

    async def clear(self) -> None:
        """Keep nothing: the flow is over, or starts again from nothing."""
        await self.save(None)
