"""A bare PTB echo bot in its own process: the baseline `bench/webhook.py` measures against.

It does the least a bot can do with an update (reply with its text), carried the way
Hamdeli carries updates, so the ratio of the two is Hamdeli's own cost:
- webhook: PTB's documented custom-webhook pattern (its `customwebhookbot` example), as
  bot/web.py uses it: a Starlette route under uvicorn checks the secret, puts
  `Update.de_json(...)` on `application.update_queue` and answers 200 at once;
- polling: `run_polling`, as `hamdeli run` polls.
Same transport settings as Hamdeli (bot/app.py), so the ratio is Hamdeli's own work and
not a difference of settings: as many updates in flight (PTB's own processor; Hamdeli's
also orders each chat's updates) and a pool of 64 connections to the Bot API. `--ptb-defaults`
gives PTB's own settings instead (one update at a time), as a reference: faster on
loopback, where a reply costs no network wait, but a real bot would sit idle behind every
round trip to the platform.

    python bench/echo_bot.py webhook --api http://127.0.0.1:PORT/bot --listen 127.0.0.1:BPORT \
        --url http://127.0.0.1:BPORT --secret SECRET
    python bench/echo_bot.py polling --api http://127.0.0.1:PORT/bot [--ptb-defaults]
"""

from __future__ import annotations

import argparse
import asyncio
import hmac

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters
from telegram.request import HTTPXRequest

from bot.app import MAX_CONCURRENT_UPDATES

TOKEN = "123456:bench-echo-token"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CONNECTION_POOL = 64  # bot/app.py's HTTPXRequest(connection_pool_size=64)


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The whole bot: say back what was said."""
    await update.effective_message.reply_text(update.effective_message.text)


def build(api: str, *, webhook: bool, defaults: bool = False) -> Application:
    """The echo Application; without an Updater in webhook mode (the route feeds it).
    `defaults`: PTB's own settings (one update at a time) instead of Hamdeli's."""
    builder = Application.builder().token(TOKEN).base_url(api)
    if not defaults:
        builder = builder.request(HTTPXRequest(connection_pool_size=CONNECTION_POOL))
        builder = builder.concurrent_updates(MAX_CONCURRENT_UPDATES)
    if webhook:
        builder = builder.updater(None)
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    return application


def web_app(application: Application, secret: str) -> Starlette:
    """The webhook route (bot/web.py's shape: path and header secret) and /healthz."""
    wanted = secret.encode()

    async def webhook(request: Request) -> Response:
        header = request.headers.get(SECRET_HEADER, "").encode()
        path_secret = request.path_params["secret"].encode()
        if not (hmac.compare_digest(header, wanted) and hmac.compare_digest(path_secret, wanted)):
            return Response(status_code=403)
        update = Update.de_json(await request.json(), application.bot)
        await application.update_queue.put(update)
        return Response(status_code=200)

    async def healthz(request: Request) -> Response:
        return Response("ok", media_type="text/plain")

    return Starlette(
        routes=[
            Route("/webhook/telegram/{secret}", webhook, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )


async def serve_webhook(api: str, listen: str, url: str, secret: str, defaults: bool) -> None:
    """setWebhook, then serve until SIGTERM/SIGINT (uvicorn's own handlers stop it)."""
    application = build(api, webhook=True, defaults=defaults)
    host, _, port = listen.rpartition(":")
    server = uvicorn.Server(
        uvicorn.Config(
            web_app(application, secret),
            host=host,
            port=int(port),
            log_level="warning",
            access_log=False,
            lifespan="off",
        )
    )
    async with application:
        await application.bot.set_webhook(
            f"{url}/webhook/telegram/{secret}", secret_token=secret, allowed_updates=["message"]
        )
        await application.start()
        await server.serve()
        await application.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["webhook", "polling"])
    parser.add_argument("--api", required=True, help="Bot API base URL, up to /bot")
    parser.add_argument("--listen", default="127.0.0.1:8080")
    parser.add_argument("--url", help="public base URL of the webhook (webhook mode)")
    parser.add_argument("--secret", default="bench_secret")
    parser.add_argument("--ptb-defaults", action="store_true", help="one update at a time")
    args = parser.parse_args()
    if args.mode == "webhook":
        asyncio.run(serve_webhook(args.api, args.listen, args.url, args.secret, args.ptb_defaults))
    else:
        application = build(args.api, webhook=False, defaults=args.ptb_defaults)
        application.run_polling(allowed_updates=["message"])


if __name__ == "__main__":
    main()
