"""The typed application and callback context every handler receives.

Following PTB's `contexttypesbot.py`: handlers read `context.store`, `context.settings`,
`context.account` and `context.t` instead of digging through untyped dictionaries.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

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


class HamdeliApplication(Application):  # type: ignore[type-arg]
    """PTB's Application with Hamdeli's services and write-through persistence."""

    def __init__(self, *, services: Services, owns_store: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services
        # False when several bots share one store (bot/service.py): the service opens it
        # before the first bot starts and closes it after the last one stopped.
        self.owns_store = owns_store
        self.flows_touched = False
        self._flow_handlers: list[Any] | None = None
        self.outbox: Any = None  # bot.delivery.Outbox, created on first use

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
        """Handle the update, then write its conversation changes to the store at once.

        PTB only flushes persistence every `update_interval` seconds; a crash in between
        would lose the steps people took. Writing after each update that a flow handled
        loses none; updates no flow touched (most clicks) skip the flush entirely.
        Every update is counted here, once, by type (`/metrics`).
        """
        metrics.count_update(self.services.platform, update)
        if self.services.store.shared_by_processes and self.persistence is not None:
            for flow in self._flows():
                await flow.reload_state(update, self.persistence)
        await super().process_update(update)
        if self.persistence is not None and self.flows_touched:
            self.flows_touched = False
            await self.update_persistence()

    def _flows(self) -> list[Any]:
        """The persistent flows (bot/handlers/common.FlowHandler) among the handlers."""
        if self._flow_handlers is None:
            self._flow_handlers = [
                handler for group in self.handlers.values() for handler in group
                if hasattr(handler, "reload_state")
            ]  # fmt: skip
        return self._flow_handlers

    async def handle_now(self, update: object) -> None:
        """Handle `update` as the update queue would (through the update processor: one
        chat at a time, in order, a bounded number at once), returning when it is done:
        what a webhook that answers only after handling needs (bot/web.py)."""
        await self.update_processor.process_update(update, self.process_update(update))


class HamdeliContext(CallbackContext[ExtBot, dict, dict, dict]):  # type: ignore[type-arg]
    """CallbackContext with typed access to Hamdeli's services and the current account."""

    account: Account | None = None
    button: Parsed | None = None  # the pressed button, parsed once by the gatekeeper

    @property
    def services(self) -> Services:
        return self.application.services  # type: ignore[attr-defined]

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
        """The account of the person this update comes from (loaded in group -2)."""
        if self.account is None:
            raise RuntimeError("no account loaded for this update")
        return self.account

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
