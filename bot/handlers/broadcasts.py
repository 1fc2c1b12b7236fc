"""Announcements: staff compose and send them (everyone's settings for them, turning them
off or choosing a home city, are `bot.handlers.settings`).

Composing is one typed step (the text, or a photo with a caption) and then buttons: the
audience, a place for a province or city audience, a preview exactly as recipients will
see it with the count, and one confirm button carrying a one-time token. The draft lives in
the store (flow data), so a restart loses nothing; every step re-checks the staff role.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.callbacks import Button
from bot.codes import new_confirm_token
from bot.context import HamdeliContext
from bot.delivery import outbox_of
from bot.domain import broadcasts, confirmations
from bot.domain.broadcasts import Draft
from bot.domain.browse import geography
from bot.domain.refusal import Refused
from bot.domain.staff import require_staff
from bot.handlers.common import (
    Flow,
    Route,
    answer_button,
    chat_of,
    message_of,
    reply,
    show,
    text_of,
)
from bot.handlers.guards import STAFF_ONLY, guarded, to_console
from bot.models import Audience, Broadcast, BroadcastStatus
from bot.views import broadcasts as views
from bot.views.common import try_again
from bot.views.refusals import refusal_text

COMPOSE = "broadcast_text"
END = ConversationHandler.END


# -- composing -----------------------------------------------------------------------------


@guarded(to_console, staff_only=True)
async def ask_text(update: Update, context: HamdeliContext) -> str | int:
    """/broadcast or the console button: start a fresh draft."""
    await answer_button(update)
    await _save_draft(context, None)
    await reply(update, views.ask_text_screen(context.t))
    return COMPOSE


@guarded(to_console)
async def got_text(update: Update, context: HamdeliContext) -> str | int:
    draft = await _draft(context)
    photo = draft.photo_file_id if draft else None
    return await _take_text(update, context, text_of(update), photo)


@guarded(to_console)
async def got_photo(update: Update, context: HamdeliContext) -> str | int:
    """A photo: with its caption it is the whole announcement; without, the text follows."""
    message = message_of(update)
    photo, caption = message.photo[-1].file_id, message.caption or ""
    if not caption.strip():
        await _save_draft(context, Draft(text="", photo_file_id=photo))
        await reply(update, views.caption_needed_screen(context.t))
        return COMPOSE
    return await _take_text(update, context, caption, photo)


async def _take_text(
    update: Update, context: HamdeliContext, text: str, photo: str | None
) -> str | int:
    await require_staff(context.store, context.me)  # not staff (any more): the guard
    try:
        checked = broadcasts.check_text(text, photo is not None)
    except Refused as refused:  # too long, or empty: why, and send it again
        await reply(update, try_again(refusal_text(context.t, refused)))
        return COMPOSE
    await _save_draft(context, Draft(text=checked, photo_file_id=photo))
    audiences = await broadcasts.audiences_for(context.store, context.me)
    await reply(update, views.audience_screen(context.t, audiences))
    return END


async def text_needed(update: Update, context: HamdeliContext) -> str:
    await reply(update, views.text_needed_screen(context.t))
    return COMPOSE


@guarded(to_console)
async def change_audience(update: Update, context: HamdeliContext) -> None:
    """From the preview: the same text, another audience."""
    await require_staff(context.store, context.me)
    await _current_draft(context)
    await answer_button(update)
    await _offer_audiences(update, context)


async def _offer_audiences(update: Update, context: HamdeliContext, prefix: str = "") -> None:
    """The audiences this sender may choose now, under a line saying why, if there is one."""
    audiences = await broadcasts.audiences_for(context.store, context.me)
    screen = views.audience_screen(context.t, audiences)
    await show(update, screen.with_prefix(prefix) if prefix else screen)


@guarded(to_console)
async def choose_audience(update: Update, context: HamdeliContext) -> None:
    await require_staff(context.store, context.me)
    draft = await _current_draft(context)
    audience: Audience = context.pressed.arg
    try:  # "everyone" from an old screen or a forged button: the other audiences instead
        await broadcasts.require_audience(context.store, context.me, audience)
    except Refused as refused:
        if refused.message_id == STAFF_ONLY:
            raise
        text = refusal_text(context.t, refused)
        await answer_button(update, text)
        await _offer_audiences(update, context, text)
        return
    await answer_button(update)
    if audience in broadcasts.PLACED:
        provinces = (await geography(context.store)).provinces
        next_kind = "province" if audience is Audience.PROVINCE else "cities"
        await show(update, views.provinces_picker(context.t, list(provinces), next_kind))
        return
    await _preview(update, context, Draft(draft.text, draft.photo_file_id, audience))


@guarded(to_console)
async def choose_place(update: Update, context: HamdeliContext) -> None:
    await require_staff(context.store, context.me)
    draft = await _current_draft(context)
    kind, place_id = context.pressed.args
    places = await geography(context.store)
    await answer_button(update)
    if kind in ("province", "cities") and place_id in places.province_by_id:
        province = places.province_by_id[place_id]
        if kind == "cities":
            await show(update, views.cities_picker(context.t, province))
            return
        audience = Audience.PROVINCE
    elif kind == "city" and place_id in places.city_by_id:
        audience = Audience.CITY
    else:
        raise Refused("broadcast-draft-gone")
    await _preview(update, context, Draft(draft.text, draft.photo_file_id, audience, place_id))


async def _preview(update: Update, context: HamdeliContext, draft: Draft) -> None:
    """The announcement exactly as recipients get it, then who and how many, and Send."""
    if draft.audience is None:  # previewed only once an audience is chosen
        raise Refused("broadcast-draft-gone")
    count = await broadcasts.audience_size(context.store, context.me, draft)
    token = new_confirm_token()
    await _save_draft(context, draft, token)
    await show(update, views.preview_title_screen(context.t))
    sample = views.announcement(context.t, _as_broadcast(context, draft))
    chat = chat_of(update)
    if draft.photo_file_id:
        await chat.send_photo(draft.photo_file_id, caption=sample.text, reply_markup=sample.markup)
    else:
        await chat.send_message(sample.text, reply_markup=sample.markup)
    place = await _place_name(context, draft)
    audience = views.audience_name(context.t, draft.audience, place)
    await reply(update, views.confirm_screen(context.t, audience, count, token))


@guarded(to_console)
async def send(update: Update, context: HamdeliContext) -> None:
    """The confirm button: starts the broadcast once, however often it is pressed."""
    token = context.pressed.arg
    await require_staff(context.store, context.me)
    earlier = await broadcasts.existing(context.store, token)
    if earlier is not None:
        await answer_button(update, context.t("broadcast-already-started", id=earlier.id))
        if earlier.progress_message_id is None:  # a crash came before it was shown
            await _show_new_progress(update, context, earlier)
        return
    data = await context.flow.get()
    draft = Draft.from_json(data.get("broadcast"))
    if draft is None or data.get("token") != token:
        raise Refused("broadcast-draft-gone")
    broadcast, created = await broadcasts.start(
        context.store, context.me, draft, chat_id=chat_of(update).id, token=token,
        now=context.now(),
    )  # fmt: skip
    await answer_button(update)
    if not created:
        return
    await _save_draft(context, None)
    await show(update, views.started_screen(context.t, broadcast.id))
    await _show_new_progress(update, context, broadcast)
    outbox_of(context.application).wake()


async def _show_new_progress(update: Update, context: HamdeliContext, broadcast: Broadcast) -> None:
    """The message the outbox keeps up to date, with pause and cancel under it."""
    progress = views.progress_screen(context.t, broadcast, None)
    message = await chat_of(update).send_message(progress.text, reply_markup=progress.markup)
    await broadcasts.remember_progress_message(context.store, broadcast.id, message.message_id)


@guarded(to_console)
async def control(update: Update, context: HamdeliContext) -> None:
    """Pause or resume from the progress message's buttons; cancel asks once first."""
    action, broadcast_id = context.pressed.args
    if action == "cancel":
        await _ask_cancel(update, context, broadcast_id)
        return
    changed = await broadcasts.control(
        context.store, context.me, broadcast_id, action, context.now()
    )
    await answer_button(update, context.t(f"broadcast-{_DONE[action]}", id=broadcast_id))
    await show(update, views.progress_screen(context.t, changed, None))
    outbox_of(context.application).wake()


_DONE = {"pause": "paused", "resume": "resumed"}


async def _ask_cancel(update: Update, context: HamdeliContext, broadcast_id: int) -> None:
    """Cancelling cannot be undone: say who will never get it, then Yes (one-time token)
    or No, in a message of its own (the progress message stays the outbox's to edit)."""
    run = await broadcasts.cancel_preview(context.store, context.me, broadcast_id)
    token = await confirmations.ask(
        context.store, context.me, "cancel_broadcast", str(broadcast_id), context.now()
    )
    await answer_button(update)
    await reply(update, views.cancel_ask_screen(context.t, run, token))


# -- the draft, in the store -----------------------------------------------------------------


async def _draft(context: HamdeliContext) -> Draft | None:
    data = await context.flow.get()
    return Draft.from_json(data.get("broadcast"))


async def _current_draft(context: HamdeliContext) -> Draft:
    """The draft being composed; none (sent, or a new one begun) is refused as gone."""
    draft = await _draft(context)
    if draft is None or not draft.text:
        raise Refused("broadcast-draft-gone")
    return draft


async def _save_draft(context: HamdeliContext, draft: Draft | None, token: str = "") -> None:
    data = {"broadcast": draft.to_json(), "token": token} if draft else None
    await context.flow.save(data)


def _as_broadcast(context: HamdeliContext, draft: Draft) -> Broadcast:
    """The draft in the shape the announcement view renders (it never reaches the store)."""
    return Broadcast(
        id=0, platform=context.services.platform, creator_id=context.me.user_id,
        chat_id=0, progress_message_id=None, text=draft.text,
        photo_file_id=draft.photo_file_id, audience=draft.audience or Audience.EVERYONE,
        place_id=draft.place_id, status=BroadcastStatus.RUNNING, pause_reason=None, total=0,
        sent=0, blocked=0, failed=0, unknown=0, created_at=0, finished_at=None,
    )  # fmt: skip


async def _place_name(context: HamdeliContext, draft: Draft) -> str | None:
    places = await geography(context.store)
    if draft.audience is Audience.PROVINCE:
        return places.province_by_id[draft.place_id].name(context.t.language)  # type: ignore[index]  # a placed audience has its place
    if draft.audience is Audience.CITY:
        return places.city_by_id[draft.place_id].name(context.t.language)  # type: ignore[index]  # as above
    return None


# -- wiring ----------------------------------------------------------------------------------


def flows() -> list[Flow]:
    """The one typed step of composing; the rest are buttons (routes)."""
    return [
        Flow(
            entry_points=[
                CommandHandler("broadcast", ask_text),
                CallbackQueryHandler(ask_text, pattern=Button.BROADCAST_NEW.pattern()),
            ],
            states={
                COMPOSE: [
                    MessageHandler(filters.TEXT & ~filters.COMMAND, got_text),
                    MessageHandler(filters.PHOTO, got_photo),
                    MessageHandler(~filters.COMMAND, text_needed),
                ]
            },
        )
    ]


def routes() -> dict[Button, Route]:
    return {
        Button.BROADCAST_CHANGE_AUDIENCE: change_audience,
        Button.BROADCAST_AUDIENCE: choose_audience,
        Button.BROADCAST_PLACE: choose_place,
        Button.BROADCAST_SEND: send,
        Button.BROADCAST_CONTROL: control,
    }
