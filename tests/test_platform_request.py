"""PlatformRequest drops only the keyboards Hamdeli never reads, and nothing else."""

from __future__ import annotations

import json

from bot.platform import PlatformRequest

KEYBOARD = {"inline_keyboard": [[{"text": "▶", "callback_data": "next"}]]}
CHAT = {"id": 7, "type": "private", "first_name": "Sara"}


def decode(result: object) -> object:
    return PlatformRequest.parse_json_payload(json.dumps({"ok": True, "result": result}).encode())


def test_a_sent_message_comes_back_without_its_echoed_keyboard() -> None:
    message = {"message_id": 5, "date": 1, "chat": CHAT, "text": "hi", "reply_markup": KEYBOARD}
    answer = decode(message)
    assert answer["result"] == {"message_id": 5, "date": 1, "chat": CHAT, "text": "hi"}


def test_a_polled_click_keeps_everything_but_the_keyboard_it_sits_on() -> None:
    message = {"message_id": 5, "date": 1, "chat": CHAT, "text": "page", "reply_markup": KEYBOARD}
    click = {"id": "q1", "from": CHAT | {"is_bot": False}, "chat_instance": "c", "data": "next"}
    typed = {"message_id": 6, "date": 2, "chat": CHAT, "text": "/start", "reply_markup": KEYBOARD}
    updates = [
        {"update_id": 1, "callback_query": click | {"message": message}},
        {"update_id": 2, "message": typed},
        {"update_id": 3, "callback_query": click | {"inline_message_id": "abc"}},
    ]
    answer = decode(updates)
    polled = answer["result"]
    assert "reply_markup" not in polled[0]["callback_query"]["message"]
    assert polled[0]["callback_query"]["message"]["text"] == "page"
    assert polled[0]["callback_query"]["data"] == "next"
    assert polled[1] == updates[1]  # only a click's message loses its keyboard
    assert polled[2] == updates[2]
