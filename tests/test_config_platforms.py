"""Per-platform settings (`bot_settings`) and the service's settings: what an operator
running Telegram and Bale in one process types, and the one-line errors they get."""

from __future__ import annotations

import pytest

from bot.config import (
    PER_BOT_FIELDS,
    PLATFORMS,
    Settings,
    SettingsProblem,
    bot_settings,
    load_settings,
)

TELEGRAM_TOKEN = "111111:telegram-token-abcdefghijklmnop"
BALE_TOKEN = "222222:bale-token-abcdefghijklmnopqrst"
GOOD_CARD = "6037991234567893"  # passes Luhn
BAD_CARD = "6037991234567890"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """No developer .env or exported variable, plain or prefixed, may leak in."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
        for platform in PLATFORMS:
            monkeypatch.delenv(f"{platform.upper()}_{name.upper()}", raising=False)
    monkeypatch.chdir(tmp_path)


def configured() -> dict[str, Settings]:
    return {settings.platform: settings for settings in bot_settings(load_settings())}


def problem() -> str:
    with pytest.raises(SettingsProblem) as raised:
        bot_settings(load_settings())
    return str(raised.value)


def test_no_token_configures_no_bot(tmp_path) -> None:
    assert bot_settings(load_settings()) == []
    (tmp_path / ".env").write_text("BOT_TOKEN=\nBALE_BOT_TOKEN=\n", encoding="utf-8")
    assert bot_settings(load_settings()) == []


def test_bot_token_with_platform_keeps_working(monkeypatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", BALE_TOKEN)
    monkeypatch.setenv("PLATFORM", "bale")
    monkeypatch.setenv("ADMIN_IDS", "7,8")
    monkeypatch.setenv("STAFF_CHAT_ID", "-100")
    (bale,) = bot_settings(load_settings())
    assert bale.platform == "bale"
    assert bale.bot_token.get_secret_value() == BALE_TOKEN
    assert bale.admin_ids == [7, 8]
    assert bale.staff_chat_id == -100
    assert bale.base_url == "https://tapi.bale.ai/bot"
    assert bale.outbox_rate == 10.0


def test_one_prefixed_platform_takes_the_plain_names(monkeypatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN)
    monkeypatch.setenv("ADMIN_IDS", "5")
    monkeypatch.setenv("BROADCAST_RATE", "12")
    assert list(configured()) == ["telegram"]
    telegram = configured()["telegram"]
    assert telegram.admin_ids == [5]
    assert telegram.outbox_rate == 12.0


def test_two_platforms_each_with_its_own_settings(monkeypatch, tmp_path) -> None:
    """From the environment and `.env`, as pydantic-settings reads the plain names."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN)
    monkeypatch.setenv("TELEGRAM_ADMIN_IDS", "1,2")
    monkeypatch.setenv("TELEGRAM_BOT_API_BASE_URL", "http://127.0.0.1:9000/telegram/bot")
    (tmp_path / ".env").write_text(
        f"BALE_BOT_TOKEN={BALE_TOKEN}\nBALE_ADMIN_IDS=[30]\nBALE_STAFF_CHAT_ID=-4\n"
        f"BALE_PAYMENT_PROVIDER_TOKEN={GOOD_CARD}\nBALE_BROADCAST_RATE=5\n"
        "BALE_BOT_API_FILE_URL=http://127.0.0.1:9000/bale/file/bot\n"
        "DATABASE_URL=sqlite:///shared.db\nADMIN_IDS=\n",
        encoding="utf-8",
    )
    bots = configured()
    assert list(bots) == ["telegram", "bale"]
    telegram, bale = bots["telegram"], bots["bale"]
    assert telegram.bot_token.get_secret_value() == TELEGRAM_TOKEN
    assert bale.bot_token.get_secret_value() == BALE_TOKEN
    assert (telegram.admin_ids, bale.admin_ids) == ([1, 2], [30])
    assert (telegram.staff_chat_id, bale.staff_chat_id) == (None, -4)
    assert (telegram.provider_token, bale.provider_token) == ("", GOOD_CARD)
    assert (telegram.outbox_rate, bale.outbox_rate) == (25.0, 5.0)
    assert telegram.base_url == "http://127.0.0.1:9000/telegram/bot"
    assert telegram.base_file_url == "https://api.telegram.org/file/bot"
    assert bale.base_url == "https://tapi.bale.ai/bot"
    assert bale.base_file_url == "http://127.0.0.1:9000/bale/file/bot"
    assert telegram.database_url == bale.database_url == "sqlite:///shared.db"


def test_bot_token_for_telegram_and_bale_prefixed_make_two(monkeypatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TELEGRAM_TOKEN)
    monkeypatch.setenv("BALE_BOT_TOKEN", BALE_TOKEN)
    bots = configured()
    assert bots["telegram"].bot_token.get_secret_value() == TELEGRAM_TOKEN
    assert bots["bale"].bot_token.get_secret_value() == BALE_TOKEN


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ADMIN_IDS", "1"),
        ("STAFF_CHAT_ID", "-100"),
        ("BOT_API_BASE_URL", "http://127.0.0.1:8081/bot"),
        ("PAYMENT_PROVIDER_TOKEN", "284685063:TEST:abc"),
        ("BROADCAST_RATE", "3"),
    ],
)
def test_a_plain_per_bot_setting_with_two_platforms_is_an_error(monkeypatch, name, value):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN)
    monkeypatch.setenv("BALE_BOT_TOKEN", BALE_TOKEN)
    monkeypatch.setenv(name, value)
    message = problem()
    assert message.count("\n") == 0
    assert message.startswith(f"{name}: ambiguous")
    assert f"TELEGRAM_{name}" in message
    assert f"BALE_{name}" in message


def test_bot_token_for_bale_and_bale_bot_token_is_an_error(monkeypatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", BALE_TOKEN)
    monkeypatch.setenv("PLATFORM", "bale")
    monkeypatch.setenv("BALE_BOT_TOKEN", BALE_TOKEN)
    message = problem()
    assert message.count("\n") == 0
    assert message.startswith("BOT_TOKEN (PLATFORM=bale) and BALE_BOT_TOKEN are both set")


def test_one_setting_under_both_names_is_an_error(monkeypatch) -> None:
    monkeypatch.setenv("BALE_BOT_TOKEN", BALE_TOKEN)
    monkeypatch.setenv("ADMIN_IDS", "1")
    monkeypatch.setenv("BALE_ADMIN_IDS", "2")
    message = problem()
    assert message.startswith("ADMIN_IDS and BALE_ADMIN_IDS are both set")


def test_a_bale_card_failing_luhn_names_the_prefixed_setting(tmp_path) -> None:
    (tmp_path / ".env").write_text(
        f"TELEGRAM_BOT_TOKEN={TELEGRAM_TOKEN}\nBALE_BOT_TOKEN={BALE_TOKEN}\n"
        f"BALE_PAYMENT_PROVIDER_TOKEN={BAD_CARD}\n",
        encoding="utf-8",
    )
    message = problem()
    assert message.count("\n") == 0
    assert message.startswith("BALE_PAYMENT_PROVIDER_TOKEN: this card number fails the Luhn")
    assert BAD_CARD not in message


def test_a_plain_payment_token_serves_the_only_platform(monkeypatch) -> None:
    """load_settings checks a plain PAYMENT_PROVIDER_TOKEN against PLATFORM (as before);
    bot_settings checks it again for the one bot it then serves."""
    monkeypatch.setenv("BALE_BOT_TOKEN", BALE_TOKEN)
    monkeypatch.setenv("PLATFORM", "bale")
    monkeypatch.setenv("PAYMENT_PROVIDER_TOKEN", GOOD_CARD)
    assert configured()["bale"].provider_token == GOOD_CARD
    monkeypatch.setenv("PAYMENT_PROVIDER_TOKEN", BAD_CARD)
    assert problem().startswith("PAYMENT_PROVIDER_TOKEN: this card number fails the Luhn")


def test_a_plain_payment_token_is_checked_again_for_its_platform(monkeypatch) -> None:
    """PLATFORM=bale let the card pass, but the only bot is Telegram's: refused there."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN)
    monkeypatch.setenv("PLATFORM", "bale")
    monkeypatch.setenv("PAYMENT_PROVIDER_TOKEN", GOOD_CARD)
    message = problem()
    assert message.startswith("PAYMENT_PROVIDER_TOKEN: not a BotFather provider token")


def test_prefixed_shared_settings_are_not_read(monkeypatch) -> None:
    """Only per-bot fields exist per platform; the store is one per process."""
    monkeypatch.setenv("BALE_BOT_TOKEN", BALE_TOKEN)
    monkeypatch.setenv("BALE_DATABASE_URL", "nonsense")
    monkeypatch.setenv("BALE_TIMEZONE", "Mars/Base")
    (bale,) = bot_settings(load_settings())
    assert bale.database_url == "sqlite:///data/hamdeli.db"
    assert bale.timezone == "Asia/Tehran"
    assert "database_url" not in PER_BOT_FIELDS


def settings_problem() -> str:
    with pytest.raises(SettingsProblem) as raised:
        load_settings()
    return str(raised.value)


@pytest.mark.parametrize(
    "url", ["https://bot.example.org", "http://127.0.0.1:8443", "http://localhost/x"]
)
def test_webhook_url_https_or_loopback(monkeypatch, url) -> None:
    monkeypatch.setenv("WEBHOOK_URL", url + "/")
    monkeypatch.setenv("WEBHOOK_SECRET", "s3cret_-X")
    assert load_settings().webhook_url == url


@pytest.mark.parametrize("url", ["http://bot.example.org", "ftp://x.org", "bot.example.org"])
def test_webhook_url_refused_unless_https(monkeypatch, url) -> None:
    monkeypatch.setenv("WEBHOOK_URL", url)
    monkeypatch.setenv("WEBHOOK_SECRET", "secret")
    message = settings_problem()
    assert message.count("\n") == 0
    assert message.startswith("WEBHOOK_URL:")
    assert "https://bot.example.org" in message


def test_webhook_secret_required_in_webhook_mode(monkeypatch) -> None:
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org")
    message = settings_problem()
    assert message.startswith("WEBHOOK_SECRET: required when WEBHOOK_URL is set")
    monkeypatch.setenv("WEBHOOK_SECRET", "")
    assert settings_problem().startswith("WEBHOOK_SECRET: required")


@pytest.mark.parametrize("secret", ["has space", "slash/no", "x" * 257, "ümlaut"])
def test_webhook_secret_must_fit_telegrams_rule(monkeypatch, secret) -> None:
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org")
    monkeypatch.setenv("WEBHOOK_SECRET", secret)
    message = settings_problem()
    assert message.startswith("WEBHOOK_SECRET: only 1 to 256 characters")
    assert secret not in message


def test_webhook_secret_of_256_allowed_chars(monkeypatch) -> None:
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org")
    monkeypatch.setenv("WEBHOOK_SECRET", "aZ09_-" * 42 + "abcd")
    assert len(load_settings().webhook_secret.get_secret_value()) == 256


@pytest.mark.parametrize(
    ("listen", "address"),
    [
        ("127.0.0.1:8080", ("127.0.0.1", 8080)),
        ("[::1]:9", ("::1", 9)),
        ("0.0.0.0:65535", ("0.0.0.0", 65535)),
        ("127.0.0.1:0", ("127.0.0.1", 0)),
    ],
)
def test_listen_host_and_port(monkeypatch, listen, address) -> None:
    monkeypatch.setenv("LISTEN", listen)
    assert load_settings().listen_address == address


@pytest.mark.parametrize("listen", ["8080", "127.0.0.1", "127.0.0.1:-1", "h:70000", ":80", "h:x"])
def test_listen_refused(monkeypatch, listen) -> None:
    monkeypatch.setenv("LISTEN", listen)
    message = settings_problem()
    assert message.count("\n") == 0
    assert message.startswith("LISTEN:")
    assert "127.0.0.1:8080" in message
