"""Everyone's settings: announcements on or off, and the home city they are for.

/settings (or the ⚙️ under every menu) shows both; the button under every announcement
turns them off in one press. Nothing here is staff's: composing announcements is
`bot.handlers.broadcasts`, and the rules of who gets one are `bot.domain.broadcasts`.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.callbacks import Button
from bot.context import HamdeliContext
from bot.domain import broadcasts
from bot.domain.browse import geography
from bot.handlers.common import Route, answer_button, reply, show
from bot.views import broadcasts as views


async def settings(update: Update, context: HamdeliContext, prefix: str = "") -> None:
    """/settings and its button: announcements on or off, and the home city."""
    await answer_button(update)
    me = await context.store.account(context.services.platform, context.me.user_id)
    places = await geography(context.store)
    city = places.city_by_id.get(me.home_city_id) if me and me.home_city_id else None
    screen = views.settings_screen(
        context.t, me or context.me, city.name(context.t.language) if city else None
    )
    await show(update, screen.with_prefix(prefix) if prefix else screen)


async def stop_announcements(update: Update, context: HamdeliContext) -> None:
    """The button under every announcement: no more of them, said plainly."""
    await broadcasts.set_announcements(
        context.store, context.services.platform, context.me.user_id, True
    )
    await answer_button(update, context.t("announcements-turned-off"))
    await reply(update, views.announcements_off_screen(context.t))


async def toggle_announcements(update: Update, context: HamdeliContext) -> None:
    off = context.pressed.arg == "off"
    await broadcasts.set_announcements(
        context.store, context.services.platform, context.me.user_id, off
    )
    done = "announcements-turned-off" if off else "announcements-turned-on"
    await settings(update, context, context.t(done))


async def pick_home_province(update: Update, context: HamdeliContext) -> None:
    await answer_button(update)
    provinces = (await geography(context.store)).provinces
    await show(update, views.home_provinces_screen(context.t, list(provinces)))


async def pick_home_city(update: Update, context: HamdeliContext) -> None:
    province = (await geography(context.store)).province_by_id.get(context.pressed.arg)
    if province is None:
        await pick_home_province(update, context)
        return
    await answer_button(update)
    await show(update, views.home_cities_screen(context.t, province))


async def save_home_city(update: Update, context: HamdeliContext) -> None:
    city = (await geography(context.store)).city_by_id.get(context.pressed.arg)
    if city is None:
        await pick_home_province(update, context)
        return
    await broadcasts.set_home_city(
        context.store, context.services.platform, context.me.user_id, city.id
    )
    await settings(
        update, context, context.t("home-city-saved", city=city.name(context.t.language))
    )


def routes() -> dict[Button, Route]:
    return {
        Button.ANNOUNCEMENTS_OFF: stop_announcements,
        Button.SETTINGS: settings,
        Button.ANNOUNCEMENTS: toggle_announcements,
        Button.HOME_CITY_PICKER: pick_home_province,
        Button.HOME_PROVINCE: pick_home_city,
        Button.HOME_CITY: save_home_city,
    }


def handlers() -> list[BaseHandler]:
    return [CommandHandler("settings", settings)]
