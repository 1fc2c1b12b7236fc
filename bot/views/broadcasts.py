"""What broadcasts look like: the announcement itself, composing it, its live progress, and
everyone's announcement settings."""

from __future__ import annotations

import math
from typing import Any

from bot.callbacks import Button
from bot.domain.broadcasts import MAX_CAPTION, MAX_TEXT
from bot.i18n import Translator
from bot.models import Account, Audience, Broadcast, BroadcastStatus, Province
from bot.text import format_percent, localize_number
from bot.text.collation import by_name
from bot.views.donor import direction_mark, progress_bar
from bot.views.screen import Screen, button, keyboard, user_text
from bot.views.staff import confirm_keyboard


def announcement(t: Translator, broadcast: Broadcast) -> Screen:
    """The message every recipient gets (and the sender's preview): the header, the text as
    staff wrote it, and a way to stop announcements."""
    limit = MAX_CAPTION if broadcast.photo_file_id else MAX_TEXT
    text = user_text(broadcast.text, limit)
    return Screen(
        f"{t('broadcast-header')}\n\n{text}",
        keyboard([button(t("broadcast-stop-button"), Button.ANNOUNCEMENTS_OFF())]),
    )


def ask_text_screen(t: Translator) -> Screen:
    return Screen(t("broadcast-ask-text", text_limit=MAX_TEXT, caption_limit=MAX_CAPTION))


def audience_screen(t: Translator, audiences: list[Audience]) -> Screen:
    """The audiences this sender may choose (staff do not see "everyone": admins only)."""
    rows = [
        [button(t(f"broadcast-audience-{a.value}"), Button.BROADCAST_AUDIENCE(a))]
        for a in audiences
    ]
    return Screen(t("broadcast-ask-audience"), keyboard(*rows, _cancel_row(t)))


def provinces_picker(t: Translator, provinces: list[Province], next_kind: str) -> Screen:
    """Provinces, two to a row; `next_kind` is "province" (the audience) or "cities"."""
    names = [
        button(p.name(t.language), Button.BROADCAST_PLACE(next_kind, p.id))
        for p in by_name(provinces, t.language)
    ]
    return Screen(t("broadcast-ask-province"), keyboard(*_rows(names, 2), _cancel_row(t)))


def cities_picker(t: Translator, province: Province) -> Screen:
    names = [
        button(c.name(t.language), Button.BROADCAST_PLACE("city", c.id))
        for c in by_name(province.cities, t.language)
    ]
    return Screen(t("broadcast-ask-city"), keyboard(*_rows(names, 3), _cancel_row(t)))


def confirm_screen(t: Translator, audience: str, count: int, token: str) -> Screen:
    """Below the preview: who gets it and how many, and one button that sends it once."""
    return Screen(
        t("broadcast-confirm", audience=audience, count=count),
        keyboard(
            [button(t("broadcast-send-button", count=count), Button.BROADCAST_SEND(token))]
            if count
            else [],
            [button(t("broadcast-change-audience-button"), Button.BROADCAST_CHANGE_AUDIENCE())],
            _cancel_row(t),
        ),
    )


def audience_name(t: Translator, audience: Audience, place: str | None) -> str:
    return t(f"broadcast-audience-{audience.value}-named", place=place or "")


def progress_screen(t: Translator, broadcast: Broadcast, rate: float | None) -> Screen:
    """The sender's live view: a bar and the counts; while it runs, the recent rate and when
    it should end at that rate (`rate` is None until the outbox has measured one). A paused
    or ended run shows no speed: nothing is being sent."""
    bar, percent = progress_bar(broadcast.done, broadcast.total)
    status = t(f"broadcast-status-{broadcast.status.value}")
    if broadcast.status is BroadcastStatus.PAUSED:
        status = t("broadcast-status-paused-why", reason=t(
            f"broadcast-pause-{broadcast.pause_reason or 'staff'}"))  # fmt: skip
    text = t(
        "broadcast-progress",
        id=broadcast.id,
        status=status,
        bar=f"{direction_mark(t.language)}{bar} {format_percent(percent, t.language)}",
        total=broadcast.total,
        sent=broadcast.sent,
        blocked=broadcast.blocked,
        failed=broadcast.failed + broadcast.unknown,
        remaining=broadcast.remaining,
    )
    if broadcast.status is BroadcastStatus.RUNNING and rate is not None:
        text += "\n" + _speed(t, rate, broadcast.remaining)
    return Screen(text, keyboard(_controls(t, broadcast)))


def _speed(t: Translator, rate: float, remaining: int) -> str:
    """The rate, and the time the remaining recipients take at exactly that rate."""
    shown = rate_text(rate, t.language)
    if rate <= 0 or remaining <= 0:
        return t("broadcast-speed", rate=shown)
    return t("broadcast-speed-eta", rate=shown, eta=duration_text(t, math.ceil(remaining / rate)))


def rate_text(rate: float, language: str) -> str:
    """Recipients per second: whole above 10, else to one decimal (0.4, not 0)."""
    shown = f"{rate:,.0f}" if rate >= 10 else f"{rate:.1f}".removesuffix(".0")
    return localize_number(shown, language)


def duration_text(t: Translator, seconds: int) -> str:
    """A duration as people say it: seconds under a minute, then minutes, then hours and
    minutes (rounded up: "about 2 minutes" never comes after 1)."""
    if seconds < 60:
        return t("broadcast-seconds", count=max(1, seconds))
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return t("broadcast-minutes", count=minutes)
    return t("broadcast-hours", hours=minutes // 60, minutes=minutes % 60)


def _controls(t: Translator, broadcast: Broadcast) -> list:
    if broadcast.status is BroadcastStatus.RUNNING:
        actions = ("pause", "cancel")
    elif broadcast.status is BroadcastStatus.PAUSED:
        actions = ("resume", "cancel")
    else:
        return []
    return [
        button(t(f"broadcast-{a}-button"), Button.BROADCAST_CONTROL(a, broadcast.id))
        for a in actions
    ]


def report_notice(t: Translator, message_id: str, args: dict[str, Any]) -> str:
    """Broadcast notices for the sender: the final report or the alert of a paused run."""
    if message_id == "broadcast-report":
        text = t(message_id, **{**args, "status": t(f"broadcast-status-{args['status']}")})
        if "seconds" in args:  # reports queued by older versions have no duration
            done, seconds = int(args["done"]), int(args["seconds"])
            rate = done / max(1, seconds)
            text += "\n" + t("broadcast-report-rate", rate=rate_text(rate, t.language),
                              duration=duration_text(t, seconds))  # fmt: skip
        return text
    return t(message_id, **args)


def settings_screen(t: Translator, account: Account, home_city: str | None) -> Screen:
    """Announcements on or off, and the home city that city announcements use."""
    on = not account.announcements_opt_out
    toggle = button(
        t("settings-announcements-off-button" if on else "settings-announcements-on-button"),
        Button.ANNOUNCEMENTS("off" if on else "on"),
    )
    return Screen(
        t(
            "settings-screen",
            announcements=t("settings-on" if on else "settings-off"),
            city=home_city or t("settings-no-home-city"),
        ),
        keyboard(
            [toggle],
            [button(t("settings-home-city-button"), Button.HOME_CITY_PICKER())],
            [button(t("button-back"), Button.MENU_HOME())],
        ),
    )


def home_provinces_screen(t: Translator, provinces: list[Province]) -> Screen:
    names = [
        button(p.name(t.language), Button.HOME_PROVINCE(p.id))
        for p in by_name(provinces, t.language)
    ]
    back = [button(t("button-back"), Button.SETTINGS())]
    return Screen(t("settings-ask-province"), keyboard(*_rows(names, 2), back))


def home_cities_screen(t: Translator, province: Province) -> Screen:
    names = [
        button(c.name(t.language), Button.HOME_CITY(c.id))
        for c in by_name(province.cities, t.language)
    ]
    back = [button(t("button-back"), Button.HOME_CITY_PICKER())]
    return Screen(t("settings-ask-city"), keyboard(*_rows(names, 3), back))


def _rows(buttons: list, per_row: int) -> list[list]:
    """Place names side by side: 31 provinces fit on a phone screen two to a row."""
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def _cancel_row(t: Translator) -> list:
    return [button(t("broadcast-cancel-compose-button"), Button.MENU_STAFF())]


def cancel_ask_screen(t: Translator, broadcast: Broadcast, token: str) -> Screen:
    """Cancelling a run asks once: how many have it and how many never will."""
    text = t("broadcast-cancel-ask", id=broadcast.id, sent=broadcast.sent,
             remaining=broadcast.remaining)  # fmt: skip
    return Screen(text, keyboard(*confirm_keyboard(t, t("broadcast-cancel-yes-button"), token)))


def caption_needed_screen(t: Translator) -> Screen:
    """A photo came without a caption: the text of the announcement is still to come."""
    return Screen(t("broadcast-photo-needs-caption", caption_limit=MAX_CAPTION))


def text_needed_screen(t: Translator) -> Screen:
    return Screen(t("broadcast-text-needed"))


def preview_title_screen(t: Translator) -> Screen:
    """The line above the sample announcement (in place of the audience picker)."""
    return Screen(t("broadcast-preview-title"))


def started_screen(t: Translator, broadcast_id: int) -> Screen:
    return Screen(t("broadcast-started", id=broadcast_id))


def announcements_off_screen(t: Translator) -> Screen:
    """The answer to the button under an announcement: no more of them."""
    return Screen(t("announcements-turned-off"))
