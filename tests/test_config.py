"""Settings: what an operator types in the environment, and the one-line errors they get."""

from __future__ import annotations

import pytest

from bot.config import Settings, SettingsProblem, load_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """No developer .env or exported variable may leak into these tests."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1,2", [1, 2]), ("[1,2]", [1, 2]), ("", []), (" 7 , 8 ", [7, 8]), ("42", [42])],
)
def test_admin_ids_accept_commas_json_and_empty(monkeypatch, raw, expected) -> None:
    monkeypatch.setenv("ADMIN_IDS", raw)
    assert load_settings().admin_ids == expected


def test_invalid_admin_ids_name_the_setting_and_the_fix(monkeypatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "abc")
    with pytest.raises(SettingsProblem) as problem:
        load_settings()
    message = str(problem.value)
    assert message.count("\n") == 0
    assert message.startswith("ADMIN_IDS:")
    assert "12345,67890" in message


def test_bale_platform_selects_bale_endpoints(monkeypatch) -> None:
    monkeypatch.setenv("PLATFORM", "bale")
    settings = load_settings()
    assert settings.base_url == "https://tapi.bale.ai/bot"
    assert settings.base_file_url == "https://tapi.bale.ai/file/bot"


def test_explicit_base_urls_override_the_platform_unchanged(monkeypatch) -> None:
    monkeypatch.setenv("PLATFORM", "bale")
    monkeypatch.setenv("BOT_API_BASE_URL", "http://127.0.0.1:8081/bot")
    monkeypatch.setenv("BOT_API_FILE_URL", "http://127.0.0.1:8081/file/bot")
    settings = load_settings()
    assert settings.base_url == "http://127.0.0.1:8081/bot"
    assert settings.base_file_url == "http://127.0.0.1:8081/file/bot"


def test_telegram_is_the_default_platform() -> None:
    settings = load_settings()
    assert settings.platform == "telegram"
    assert settings.base_url == "https://api.telegram.org/bot"
    assert settings.default_language == "fa"
    assert settings.timezone == "Asia/Tehran"


def test_database_url_relative_and_absolute(monkeypatch, tmp_path) -> None:
    assert str(load_settings().database_path) == "data/hamdeli.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    assert load_settings().database_path == tmp_path / "x.db"


def test_database_url_names_postgresql_and_its_label_never_shows_the_password(
    monkeypatch,
) -> None:
    url = "postgresql://hamdeli:s3cret-pass@db.example:5433/hamdeli?password=other&sslmode=require"
    monkeypatch.setenv("DATABASE_URL", url)
    settings = load_settings()
    assert settings.uses_postgres
    assert settings.database_label == "postgresql://hamdeli@db.example:5433/hamdeli"
    with pytest.raises(ValueError, match="PostgreSQL"):
        _ = settings.database_path  # a file path asked of a server is a bug, not a guess
    monkeypatch.setenv("DATABASE_URL", "postgresql:///hamdeli?host=/run/postgresql")
    assert load_settings().database_label == "postgresql:///hamdeli?host=/run/postgresql"
    monkeypatch.setenv("DATABASE_URL", "postgresql://")  # names no server at all
    with pytest.raises(SettingsProblem, match="DATABASE_URL"):
        load_settings()


def test_token_is_secret_in_repr(monkeypatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123456:SECRET-TOKEN-VALUE-abcdefghij")
    settings = load_settings()
    assert "SECRET" not in repr(settings)
    assert "SECRET" not in str(settings.model_dump())


def test_dotenv_file_is_read(tmp_path) -> None:
    (tmp_path / ".env").write_text("PLATFORM=bale\nADMIN_IDS=5,6\n", encoding="utf-8")
    settings = load_settings()
    assert settings.platform == "bale"
    assert settings.admin_ids == [5, 6]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PLATFORM", "whatsapp"),
        ("TIMEZONE", "Mars/Olympus"),
        ("LOG_LEVEL", "LOUD"),
        ("DATABASE_URL", "mysql://x"),
        ("DEFAULT_LANGUAGE", "de"),
        ("BOT_API_BASE_URL", "ftp://x"),
    ],
)
def test_every_invalid_setting_gets_one_line_naming_it(monkeypatch, name, value) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsProblem) as problem:
        load_settings()
    assert str(problem.value).startswith(f"{name}:")
    assert "\n" not in str(problem.value)


def test_settings_class_is_usable_directly_for_tests() -> None:
    settings = Settings(admin_ids=[1], _env_file=None)
    assert settings.admin_ids == [1]


def test_pledge_settings_have_defaults_and_accept_comma_lists(monkeypatch) -> None:
    settings = load_settings()
    assert (settings.k_anonymity, settings.pledge_min_toman, settings.pledge_ttl_hours) == (
        3,
        100_000,
        48,
    )
    assert settings.pledge_presets_toman == [500_000, 1_000_000, 5_000_000]
    monkeypatch.setenv("PLEDGE_PRESETS_TOMAN", "200000, 300000")
    assert load_settings().pledge_presets_toman == [200_000, 300_000]
    monkeypatch.setenv("K_ANONYMITY", "0")
    with pytest.raises(SettingsProblem, match=r"^K_ANONYMITY:"):
        load_settings()


def test_the_shopping_schedule_is_read_by_last_digit(monkeypatch) -> None:
    """Days of the week in Persian or English, any digits, any ی/ک and spacing: read into
    day numbers (Saturday 0), so each person sees them in their own language."""
    monkeypatch.setenv("KALABARG_SHOPPING_SCHEDULE", "01=Saturday; 23 = Sunday")
    schedule = load_settings().kalabarg_shopping_schedule
    assert schedule == {"0": (0,), "1": (0,), "2": (1,), "3": (1,)}
    monkeypatch.setenv("KALABARG_SHOPPING_SCHEDULE", "۴۵=دوشنبه و سه شنبه;6=يكشنبه، Fri")
    schedule = load_settings().kalabarg_shopping_schedule
    assert schedule == {"4": (2, 3), "5": (2, 3), "6": (1, 6)}


@pytest.mark.parametrize("schedule", ["x=Monday", "1=Someday", "1=", "1 Monday"])
def test_a_shopping_schedule_that_names_no_day_stops_the_start(monkeypatch, schedule) -> None:
    """A typo ("Someday") is found when the bot starts, not shown to a household."""
    monkeypatch.setenv("KALABARG_SHOPPING_SCHEDULE", schedule)
    with pytest.raises(SettingsProblem, match=r"^KALABARG_SHOPPING_SCHEDULE:"):
        load_settings()
