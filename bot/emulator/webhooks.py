"""Webhooks: setWebhook and friends, and the platform's side of delivering updates by POST.

`Webhook` remembers where to POST (with Telegram's secret header; Bale sends none) and which
update types, and delivers the update queue (`bot.emulator.updates`) as Telegram does: up to
`max_connections` POSTs at once, but one chat's updates one at a time and in order, retried
with a short doubling backoff until taken, never skipped while the webhook stays set. Each
POST is kept as a `WebhookDelivery`, so a test sees a 403 for a wrong secret, or a retry.

For the several-worker deployment `balance_webhook` stands in for the load balancer in front
of the workers, and `stop_webhook` waits until no delivery connection outlives a test.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
from collections.abc import Sequence
from typing import Any, Final
from urllib.parse import urlsplit

import httpx

from bot.emulator.records import ApiError, JSONDict, WebhookDelivery
from bot.emulator.updates import UpdateQueue

# Webhooks, as Telegram has them: the secret's alphabet, the header carrying it (Bale sends
# none), the update types sent when allowed_updates is empty, and a short retry backoff.
SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"
_SECRET_TOKEN_RE: Final = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
BAD_SECRET: Final = "Bad Request: secret token contains unallowed characters"
BAD_WEBHOOK_URL: Final = "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
_NOT_BY_DEFAULT: Final = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
WEBHOOK_TIMEOUT_S: Final = 30.0
WEBHOOK_MAX_BACKOFF_S: Final = 1.0
WEBHOOK_MAX_CONNECTIONS: Final = 40  # Telegram's default for setWebhook's max_connections


class Webhook(UpdateQueue):
    """setWebhook, deleteWebhook, getWebhookInfo, and the delivery of the queue by POST."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.webhook_secret: str | None = None
        self.webhook_allowed_updates: list[str] = []  # empty: every type sent by default
        self.webhook_deliveries: list[WebhookDelivery] = []
        self.webhook_retry_s = 0.05  # the first retry's wait; it doubles up to 1 s
        self._webhook_error: tuple[int, str] | None = None  # (date, message) of the last
        self.webhook_max_connections = WEBHOOK_MAX_CONNECTIONS
        self._webhook_task: asyncio.Task[None] | None = None
        self._webhook_loop: asyncio.AbstractEventLoop | None = None
        self._webhook_wakeup: asyncio.Event | None = None  # a new update to consider
        self._balanced: itertools.cycle[str] | None = None  # see balance_webhook

    def _set_webhook(self, params: JSONDict, files: dict[str, str]) -> bool:
        """Remember where to POST updates; an empty url removes the webhook, as on Telegram.
        Updates already queued are delivered there too."""
        url = str(params.get("url") or "")
        if not url:
            return self._delete_webhook(params, files)
        if urlsplit(url).scheme not in ("http", "https"):  # plain http: tests on loopback
            raise ApiError(400, BAD_WEBHOOK_URL)
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN_RE.match(str(secret)):
            raise ApiError(400, BAD_SECRET)
        if params.get("drop_pending_updates"):
            self._updates.clear()
        allowed = _allowed_updates(params.get("allowed_updates"))
        if allowed is not None:  # absent: the previous setting stays, as on Telegram
            self.webhook_allowed_updates = allowed
        self.webhook_url, self.webhook_secret = url, None if secret is None else str(secret)
        self.webhook_max_connections = int(params.get("max_connections") or WEBHOOK_MAX_CONNECTIONS)
        self._webhook_error = None
        self._webhook_loop = asyncio.get_running_loop()
        self._schedule_webhook()
        return True

    def _delete_webhook(self, params: JSONDict, files: dict[str, str]) -> bool:
        """Stop delivering at once (a POST under way is abandoned; its update stays queued
        for getUpdates)."""
        self.webhook_url = self.webhook_secret = None
        if self._webhook_task is not None:
            self._webhook_task.cancel()
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _get_webhook_info(self, params: JSONDict, files: dict[str, str]) -> JSONDict:
        info: JSONDict = {
            "url": self.webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook_url:
            info["max_connections"] = 40
            if self.webhook_allowed_updates:
                info["allowed_updates"] = list(self.webhook_allowed_updates)
        if self._webhook_error is not None:
            info["last_error_date"], info["last_error_message"] = self._webhook_error
        return info

    # ---- webhook delivery

    async def webhook_idle(self, seconds: float = 10.0) -> None:
        """Until every queued update has been delivered to the webhook (returns at once
        without one); TimeoutError if the webhook keeps failing for `seconds`."""
        deadline = asyncio.get_running_loop().time() + seconds
        while self.webhook_url and self._updates:
            self._start_webhook_delivery()
            assert self._webhook_task is not None
            remaining = deadline - asyncio.get_running_loop().time()
            done, _ = await asyncio.wait({self._webhook_task}, timeout=max(remaining, 0))
            if not done:
                error = self._webhook_error[1] if self._webhook_error else "no answer yet"
                raise TimeoutError(f"{len(self._updates)} updates undelivered: {error}")

    def _schedule_webhook(self) -> None:
        """Start delivering on the loop that set the webhook (push_update may come from
        another thread, as the demo's may)."""
        loop = self._webhook_loop
        if loop is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._start_webhook_delivery()
        else:
            with contextlib.suppress(RuntimeError):  # that loop is already closed
                loop.call_soon_threadsafe(self._start_webhook_delivery)

    async def stop_webhook(self) -> None:
        """Delete the webhook and wait until its deliveries have stopped and their
        connections are closed (deleteWebhook alone only asks them to stop)."""
        task = self._webhook_task
        self._delete_webhook({}, {})
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def balance_webhook(self, addresses: Sequence[str]) -> None:
        """Stand in for a load balancer in front of several workers: each POST goes to the
        next of `addresses` ("host:port") in turn, keeping the webhook URL's path (and its
        secret), and a POST that finds no one there is retried at the next address."""
        self._balanced = itertools.cycle(list(addresses))

    def _start_webhook_delivery(self) -> None:
        if self._webhook_wakeup is not None:
            self._webhook_wakeup.set()
        if self.webhook_url and (self._webhook_task is None or self._webhook_task.done()):
            assert self._webhook_loop is not None
            self._webhook_task = self._webhook_loop.create_task(self._deliver_webhooks())

    async def _deliver_webhooks(self) -> None:
        """Up to `max_connections` POSTs at once, as Telegram makes them, but one chat's
        updates one at a time and in order: a chat's next update goes out only once the
        previous one was taken, so a person's messages reach the bot in the order sent, and
        other people's meanwhile. A failure is retried (short backoff, doubling) until it
        is taken: an update is never skipped while the webhook stays set, and it leaves
        the queue only when taken (a deleted webhook leaves it for getUpdates).

        Sessions follow each other while updates wait: one that arrived while the last
        session closed its connections (this task not done yet, so nobody started another)
        is taken by the next."""
        while self.webhook_url and self._updates:
            await self._webhook_session()

    async def _webhook_session(self) -> None:
        """One client, its POSTs until the queue is empty, then every connection closed."""
        posting: dict[asyncio.Task[Any], JSONDict] = {}
        self._webhook_wakeup = wakeup = asyncio.Event()
        limits = httpx.Limits(max_connections=self.webhook_max_connections)
        client = httpx.AsyncClient(timeout=WEBHOOK_TIMEOUT_S, limits=limits)
        try:
            while self.webhook_url and self._updates:
                wakeup.clear()
                for update in self._next_to_post(list(posting.values())):
                    posting[asyncio.create_task(self._post_until_taken(client, update))] = update
                woken = asyncio.ensure_future(wakeup.wait())
                done, _ = await asyncio.wait({*posting, woken}, return_when=asyncio.FIRST_COMPLETED)
                woken.cancel()
                for task in posting.keys() & done:
                    del posting[task]
        finally:
            for task in posting:
                task.cancel()
            await asyncio.gather(*posting, return_exceptions=True)
            await _close_fully(client)

    def _next_to_post(self, posting: list[JSONDict]) -> list[JSONDict]:
        """Queued updates that may go out now: not already being posted, their chat free
        (and no earlier update of it waiting), within the connection limit. Updates of a
        type the webhook did not ask for leave the queue."""
        busy = {_update_chat(update) for update in posting}
        flying = {id(update) for update in posting}
        chosen: list[JSONDict] = []
        for update in list(self._updates):
            if len(posting) + len(chosen) >= self.webhook_max_connections:
                break
            if not self._webhook_wants(update):
                self._updates.remove(update)
                continue
            chat = _update_chat(update)
            if id(update) in flying or (chat is not None and chat in busy):
                busy.add(chat)
                continue
            busy.add(chat)
            chosen.append(update)
        return chosen

    async def _post_until_taken(self, client: httpx.AsyncClient, update: JSONDict) -> None:
        failures = 0
        while self.webhook_url:
            if await self._post_update(client, self._delivery_url(self.webhook_url), update):
                with contextlib.suppress(ValueError):  # gone already (getUpdates, a drop)
                    self._updates.remove(update)
                return
            failures += 1
            backoff = self.webhook_retry_s * 2 ** (failures - 1)
            await asyncio.sleep(min(backoff, WEBHOOK_MAX_BACKOFF_S))

    def _delivery_url(self, url: str) -> str:
        if self._balanced is None:
            return url
        return urlsplit(url)._replace(netloc=next(self._balanced)).geturl()

    def _webhook_wants(self, update: JSONDict) -> bool:
        kind = next(key for key in update if key != "update_id")
        allowed = self.webhook_allowed_updates
        return kind in allowed if allowed else kind not in _NOT_BY_DEFAULT

    async def _post_update(self, client: httpx.AsyncClient, url: str, update: JSONDict) -> bool:
        """POST one update; True when the webhook took it (any 2xx)."""
        headers = {}
        if self.platform == "telegram" and self.webhook_secret:
            headers[SECRET_HEADER] = self.webhook_secret
        delivery = WebhookDelivery(update["update_id"], url, None, headers)
        try:
            response = await client.post(url, json=update, headers=headers)
        except httpx.HTTPError as error:
            delivery.error = f"Connection failed: {type(error).__name__}"
        else:
            delivery.status = response.status_code
            if not delivery.ok:
                delivery.error = (
                    f"Wrong response from the webhook: {response.status_code} "
                    f"{response.reason_phrase}"
                )
        self.webhook_deliveries.append(delivery)
        if delivery.error is not None:
            self._webhook_error = (int(self._now()), delivery.error)
        return delivery.ok


async def _close_fully(client: httpx.AsyncClient) -> None:
    """Close the client's connections even if deleteWebhook cancels this task meanwhile: a
    cancelled `aclose` leaves the rest of its sockets open until the garbage collector finds
    them (ResourceWarning: unclosed socket, seen after the workers' tests stopped
    delivering while a session was ending)."""
    closing = asyncio.ensure_future(client.aclose())
    try:
        await asyncio.shield(closing)
    except asyncio.CancelledError:
        await closing
        raise


def _update_chat(update: JSONDict) -> int | None:
    """The chat an update belongs to (its sender's, for those without a chat): the unit
    whose updates a webhook receives one at a time and in order; None: no order needed."""
    body = next((value for key, value in update.items() if key != "update_id"), None)
    if not isinstance(body, dict):
        return None
    for holder in (body, body.get("message")):
        if isinstance(holder, dict) and isinstance(holder.get("chat"), dict):
            return int(holder["chat"]["id"])
    sender = body.get("from")
    return int(sender["id"]) if isinstance(sender, dict) else None


def _allowed_updates(value: Any) -> list[str] | None:
    """allowed_updates as sent (a list, or its JSON text over a form); None when absent."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value) if value else []
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse allowed updates") from None
    if not isinstance(value, list) or not all(isinstance(kind, str) for kind in value):
        raise ApiError(400, "Bad Request: can't parse allowed updates")
    return list(value)
