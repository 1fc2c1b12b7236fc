"""The first minutes with the bot, as a person experiences them (emulator, real Application)."""

from __future__ import annotations

import pytest
from telegram import Update

from bot.emulator import EmulatedUserInfo
from bot.i18n import translator
from bot.models import Persona, StaffRole
from bot.views import common as views
from tests.conftest import ADMIN_ID

fa, en = translator("fa"), translator("en")


def broken_view(*args: object, **kwargs: object) -> None:
    raise RuntimeError("boom")


async def test_start_greets_in_persian_and_offers_both_ways_in(chat) -> None:
    sara = chat.user(lang="fa")
    await sara.send("/start")
    reply = sara.last_reply
    assert fa("welcome") in reply.text
    assert reply.buttons == [
        [fa("role-donor-button")],
        [fa("role-beneficiary-button")],
        [fa("button-language"), fa("settings-button"), fa("button-help")],
    ]


async def test_english_client_gets_english_and_other_languages_get_persian(chat) -> None:
    john = chat.user(lang="en")
    await john.send("/start")
    assert en("welcome") in john.last_reply.text
    hans = chat.user(lang="de")
    await hans.send("/start")
    assert fa("welcome") in hans.last_reply.text


async def test_choosing_to_help_opens_the_donor_menu_in_place_and_is_remembered(chat) -> None:
    sara = chat.user()
    await sara.send("/start")
    welcome = sara.last_reply
    await sara.click(fa("role-donor-button"))
    assert sara.last_reply.message_id == welcome.message_id  # edited, not a new message
    assert sara.last_reply.text == fa("donor-home")
    assert (await chat.store.account("telegram", sara.id)).persona is Persona.DONOR
    await sara.send("/menu")
    assert sara.last_reply.text == fa("donor-home")


async def test_choosing_check_my_status_starts_verification(chat) -> None:
    sara = chat.user()
    await sara.send("/start")
    await sara.click(fa("role-beneficiary-button"))
    assert sara.last_reply.text == fa("verify-why")
    assert sara.last_reply.buttons == [[fa("verify-share-contact-button")],
                                       [fa("verify-cancel-button")]]  # fmt: skip
    assert (await chat.store.account("telegram", sara.id)).persona is Persona.BENEFICIARY


async def test_admins_see_the_staff_entry_and_others_do_not(chat) -> None:
    admin = chat.user(user_id=ADMIN_ID)
    await admin.send("/start")
    assert [fa("role-staff-button")] in admin.last_reply.buttons
    await admin.click(fa("role-staff-button"))
    assert fa("staff-home", role=fa("staff-role-admin")) == admin.last_reply.text
    assert (await chat.store.account("telegram", ADMIN_ID)).staff_role is StaffRole.ADMIN

    sara = chat.user()
    await sara.send("/start")
    assert [fa("role-staff-button")] not in sara.last_reply.buttons


async def test_a_forged_staff_button_is_refused_without_changing_anything(chat) -> None:
    sara = chat.user()
    await sara.send("/start")
    await sara.click_data("menu:staff")
    assert sara.last_answer == fa("staff-only")
    assert fa("staff-home", role=fa("staff-role-staff")) not in sara.last_reply.text
    account = await chat.store.account("telegram", sara.id)
    assert account.staff_role is StaffRole.NONE


async def test_language_can_be_changed_by_command_and_by_menu_button(chat) -> None:
    sara = chat.user(lang="fa")
    await sara.send("/language")  # the current language is ticked; back leaves it as is
    assert sara.last_reply.buttons == [["فارسی ✓"], ["English"], [fa("button-back")]]
    await sara.click("English")
    assert sara.last_reply.text.startswith(en("language-changed"))
    assert en("welcome") in sara.last_reply.text
    await sara.click(en("button-language"))
    assert sara.last_reply.buttons == [["فارسی"], ["English ✓"], [en("button-back")]]
    await sara.click("فارسی")
    assert sara.last_reply.text.startswith(fa("language-changed"))
    assert (await chat.store.account("telegram", sara.id)).language == "fa"


async def test_help_works_before_start_and_in_every_state(chat) -> None:
    sara = chat.user()
    await sara.send("/help")
    assert sara.last_reply.text.startswith(fa("help-title"))
    await sara.send("/start")
    await sara.click(fa("role-donor-button"))
    await sara.send("/help")
    assert sara.last_reply.text.startswith(fa("help-title"))


async def test_cancel_returns_to_the_menu_of_the_chosen_role(chat) -> None:
    sara = chat.user()
    await sara.send("/start")
    await sara.click(fa("role-donor-button"))
    await sara.send("/cancel")
    assert sara.last_reply.text == f"{fa('cancelled-donor')}\n\n{fa('donor-home')}"


@pytest.mark.parametrize("send", ["send_sticker", "send_photo", "send_voice"])
async def test_media_gets_a_hint_and_the_menu(chat, send) -> None:
    sara = chat.user()
    replies = await getattr(sara, send)()
    assert len(replies) == 1
    assert replies[0].text.startswith(fa("unknown-media"))
    assert replies[0].buttons[0] == [fa("role-donor-button")]


async def test_text_outside_a_conversation_gets_a_hint_and_the_menu(chat) -> None:
    sara = chat.user()
    await sara.send("/start")
    await sara.click(fa("role-donor-button"))
    await sara.send("سلام، کمک می‌خواهم")  # a short answer and the menu button, not the menu
    assert sara.last_reply.text == fa("unknown-text")
    assert sara.last_reply.buttons == [[fa("button-menu")]]
    await sara.click(fa("button-menu"))
    assert sara.last_reply.text == fa("donor-home")
    await sara.send("/nonsense")
    assert sara.last_reply.text.startswith(fa("unknown-text"))


async def test_text_after_start_gets_a_hint_and_the_two_ways_in(chat) -> None:
    sara = chat.user()
    await sara.send("/start")
    await sara.send("x" * 5000)
    assert sara.last_reply.text.startswith(fa("unknown-text"))
    await sara.click(fa("button-menu"))
    assert sara.last_reply.buttons[0] == [fa("role-donor-button")]


async def test_buttons_of_an_old_welcome_still_work_after_a_restart(start_app) -> None:
    first = await start_app()
    sara = first.user()
    await sara.send("/start")
    await first.application.shutdown()

    second = await start_app(emulator=first.emulator)  # Telegram keeps the old messages
    sara_again = second.user(user_id=sara.id)
    await sara_again.click(fa("role-donor-button"))
    assert sara_again.last_reply.text == fa("donor-home")


@pytest.mark.parametrize("data", ["menu:bogus", "lang:xx", "d:pledge:GONE", "", "💥" * 40])
async def test_stale_or_forged_buttons_say_expired_and_show_the_menu(chat, data) -> None:
    sara = chat.user()
    await sara.send("/start")
    await sara.click_data(data)
    assert sara.last_answer == fa("button-expired")
    assert sara.last_reply.text.startswith(fa("button-expired"))
    assert (await chat.store.account("telegram", sara.id)).persona is None


async def test_an_error_in_a_handler_is_logged_without_content_and_the_user_told(
    chat, monkeypatch, caplog
) -> None:
    monkeypatch.setattr(views, "help_screen", broken_view)
    sara = chat.user()
    await sara.send("/help")
    assert sara.last_reply.text == fa("error-generic")
    assert any("failed" in r.getMessage() for r in caplog.records)


async def test_messages_in_groups_are_ignored_so_nothing_personal_is_said_there(chat) -> None:
    sara = EmulatedUserInfo(id=77, first_name="Sara", language_code="fa")
    data = chat.emulator.make_message_update(sara, "/start")
    data["message"]["chat"] = {"id": -100123, "type": "supergroup", "title": "family"}
    await chat.application.process_update(Update.de_json(data, chat.application.bot))
    assert chat.emulator.calls_to("sendMessage") == []
    assert await chat.store.account("telegram", 77) is None


async def test_a_failing_button_stops_its_spinner_with_the_error(chat, monkeypatch) -> None:
    sara = chat.user()
    await sara.send("/start")
    monkeypatch.setattr(views, "help_screen", broken_view)
    await sara.click(fa("button-help"))
    assert sara.last_answer == fa("error-generic")
    assert sara.last_reply.text == fa("error-generic")


async def test_a_platform_failure_is_one_log_line_without_a_traceback(chat, caplog) -> None:
    """Bale or Telegram answering 502: the platform failed, not our code. One warning per
    update (the service logs the outage itself), no traceback flooding the log."""
    sara = chat.user()
    chat.emulator.fail_next("sendMessage", kind="5xx", times=2)  # the reply and the apology
    await sara.send("/start")
    failures = [r for r in caplog.records if "the Bot API failed" in r.getMessage()]
    assert len(failures) == 1
    assert failures[0].exc_info is None
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    await sara.send("/start")  # the API is back: answered as usual
    assert sara.last_reply.text.startswith(fa("welcome")[:20])
