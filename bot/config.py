"""Settings: the only place that reads the environment (and `.env`).

Every setting has a default that works for `make demo`, except the token, which only
`hamdeli run` needs. Invalid values are turned into one readable line per setting by
`describe_settings_error`, so a volunteer deploying the bot never has to read a traceback.
"""

from __future__ import annotations

import json
import re
import socket
import zoneinfo
from pathlib import Path
from typing import Annotated, Any, Literal, get_args
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError

from bot.text.dates import parse_weekdays
from bot.text.normalize import to_ascii_digits

Platform = Literal["telegram", "bale"]

PLATFORM_URLS: dict[str, tuple[str, str]] = {
    "telegram": ("https://api.telegram.org/bot", "https://api.telegram.org/file/bot"),
    "bale": ("https://tapi.bale.ai/bot", "https://tapi.bale.ai/file/bot"),
}

# What to tell the operator for each setting that fails to validate.
FIXES: dict[str, str] = {
    "BOT_TOKEN": "set it to the token BotFather (Telegram) or @BotFather on Bale gave you",
    "PLATFORM": "use 'telegram' or 'bale'",
    "BOT_API_BASE_URL": "use a URL such as http://127.0.0.1:8081/bot (the token is appended)",
    "BOT_API_FILE_URL": "use a URL such as http://127.0.0.1:8081/file/bot",
    "DATABASE_URL": "use sqlite:///relative/path.db, sqlite:////absolute/path.db or "
    "postgresql://user:password@host/database",
    "ADMIN_IDS": "use numeric user ids separated by commas, e.g. 12345,67890 (or leave empty)",
    "DEFAULT_LANGUAGE": "use 'fa' or 'en'",
    "STAFF_CHAT_ID": "use the numeric id of the staff group, e.g. -1001234567890",
    "TIMEZONE": "use an IANA time zone name such as Asia/Tehran",
    "LOG_LEVEL": "use DEBUG, INFO, WARNING or ERROR",
    "K_ANONYMITY": "use a whole number from 1 to 100 (default 3)",
    "PLEDGE_MIN_TOMAN": "use a whole number of toman, e.g. 100000",
    "PLEDGE_PRESETS_TOMAN": "use toman amounts separated by commas, e.g. 500000,1000000",
    "BROADCAST_RATE": "use messages per second above 0, e.g. 25 (empty: 25 Telegram, 10 Bale)",
    "BROADCAST_MAX_CONSECUTIVE_FORBIDDEN": "use a whole number from 1, e.g. 50",
    "PLEDGE_TTL_HOURS": "use a whole number of hours from 1 to 720 (default 48)",
    "ITEM_PLEDGE_TTL_DAYS": "use a whole number of days from 1 to 90 (default 7)",
    "VOUCHER_REMINDER_DAYS": "use a whole number of days from 1 to 60 (default 7)",
    "FLOW_IDLE_MINUTES": "use a whole number of minutes from 1 to 10080 (default 60)",
    "KALABARG_SHOPPING_SCHEDULE": (
        "use last digits and days of the week (Persian or English), e.g. "
        "01=Saturday;23=Sunday,Monday"
    ),
    "PAYMENT_PROVIDER_TOKEN": (
        "on Bale a 16-digit card number (6037…) or a wallet token, on Telegram the provider "
        "token BotFather gave you (or leave empty: no payment in the chat)"
    ),
    "PAYMENT_CURRENCY": "use IRR (the default)",
    "RECONCILE_AFTER_MINUTES": "use a whole number of minutes from 1 to 1440 (default 5)",
    "RECONCILE_MAX_INQUIRIES": "use a whole number from 1 to 50 (default 8)",
    "WEBHOOK_URL": (
        "use the public https address the proxy forwards to this bot, e.g. "
        "https://bot.example.org (http only for 127.0.0.1 or localhost, in tests)"
    ),
    "WEBHOOK_SECRET": (
        "use 1 to 256 characters of A-Z, a-z, 0-9, _ and -, e.g. from "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
    ),
    "LISTEN": "use host:port, e.g. 127.0.0.1:8080 (port 1 to 65535; 0 picks a free one)",
}
# Currencies Telegram's payments documentation lists (a few; the full list is at
# core.telegram.org/bots/payments#supported-currencies). Bale takes IRR only.
TELEGRAM_CURRENCIES = frozenset({"IRR", "USD", "EUR", "GBP", "AED", "TRY", "RUB", "INR"})
# Those whose smallest unit the store keeps: amounts are integers of rials.
INVOICEABLE_CURRENCIES = frozenset({"IRR"})
CARD_NUMBER_DIGITS = 16


def luhn_valid(digits: str) -> bool:
    """The check digit every bank card carries (ISO/IEC 7812): catches one mistyped digit
    and most swapped pairs."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def provider_token_problem(platform: str, token: str, currency: str) -> str | None:
    """Why the platform cannot take this provider token, or None.

    On Bale the token is the destination card number or a wallet token; anything made only
    of digits (spaces and dashes aside) is taken for a card and must be 16 digits passing
    Luhn. On Telegram it is BotFather's token for a provider, "<id>:<LIVE|TEST>:<secret>".
    """
    token = token.strip()
    if not token:
        return None
    compact = to_ascii_digits(token).replace(" ", "").replace("-", "")
    if platform == "bale":
        if compact.isdigit():
            if len(compact) != CARD_NUMBER_DIGITS:
                return f"a card number has {CARD_NUMBER_DIGITS} digits, not {len(compact)}"
            if not luhn_valid(compact):
                return "this card number fails the Luhn check (a mistyped digit?)"
        if currency != "IRR":
            return "Bale takes payments in IRR only"
        return None
    if token.count(":") < 2:
        return "not a BotFather provider token (it looks like 123456:LIVE:abc…)"
    return None


# DATABASE_URL schemes that name PostgreSQL (asyncpg takes both).
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
DEFAULT_BROADCAST_RATE = {"telegram": 25.0, "bale": 10.0}
# Telegram's rule for setWebhook's secret_token; the same secret is a path segment on Bale.
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
# Where a plain-http webhook is acceptable: a test's own machine, never the internet.
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
GENERIC_FIX = "see the configuration table in README.md"


class Settings(BaseSettings):
    """Hamdeli's configuration, from environment variables or a `.env` file."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    bot_token: SecretStr | None = None
    platform: Platform = "telegram"
    bot_api_base_url: str | None = None
    bot_api_file_url: str | None = None
    database_url: str = "sqlite:///data/hamdeli.db"
    # PostgreSQL only (issue #12): connections each process keeps open; several processes
    # share the server's max_connections (100 by default), so 10 each leaves room for ~9.
    database_pool_size: int = Field(default=10, ge=1, le=1000)
    # This process's name among the `hamdeli run` workers sharing one database (#12): stable
    # per worker slot (WORKER_ID=w1…), so a worker restarted after a crash recovers its own
    # predecessor's interrupted sends. Unset: the hostname (one worker per host or container).
    worker_id: str | None = Field(default=None, max_length=64, pattern=r"^[\w.:@-]+$")
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    default_language: Literal["fa", "en"] = "fa"
    # The staff group that receives support tickets (a negative chat id); none: no support.
    staff_chat_id: int | None = None
    # The welfare office's phone, shown wherever the bot sends people to the office (and
    # when support is unavailable). Empty: the bot never says "call the office".
    office_phone: str = ""
    # The welfare organization named on the donor's receipt (PDF); empty: the locale's
    # default (the State Welfare Organization of Iran, in the reader's language).
    organization_name: str = ""
    timezone: str = "Asia/Tehran"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    # A flow (waiting for an amount, a code…) left alone this long is over: the next text
    # gets the answer it would get outside any flow.
    flow_idle_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)

    # Interactive replies: Telegram allows ~30 messages/s overall and ~1/s per chat in bulk.
    rate_limit_per_second: float = Field(default=30, gt=0)
    rate_limit_group_per_minute: float = Field(default=20, gt=0)
    rate_limit_max_retries: int = Field(default=3, ge=0, le=10)
    # Everything the bot starts itself (notices, broadcasts) is paced by the outbox instead:
    # messages per second, default 25 on Telegram and a cautious 10 on Bale (undocumented).
    broadcast_rate: float | None = Field(default=None, gt=0, le=100_000)
    # A run pauses and staff are alerted after this many 403s in a row (a revoked token?).
    broadcast_max_consecutive_forbidden: int = Field(default=50, ge=1, le=100_000)

    # Donors: a city with fewer open needs than this is never named (k-anonymity).
    k_anonymity: int = Field(default=3, ge=1, le=100)
    pledge_min_toman: int = Field(default=100_000, ge=1)
    pledge_presets_toman: Annotated[list[int], NoDecode] = Field(
        default_factory=lambda: [500_000, 1_000_000, 5_000_000]
    )
    pledge_ttl_hours: int = Field(default=48, ge=1, le=24 * 30)
    # Goods are brought, not transferred: a pledge of items waits this many days.
    item_pledge_ttl_days: int = Field(default=7, ge=1, le=90)
    # Credit (paid money with no need to go to): the donor chooses where it goes for this
    # many days; then the office decides (bot.domain.credits).
    redirect_decision_days: int = Field(default=7, ge=1, le=90)
    # A staff invite code (/invite) can be redeemed for this many days.
    staff_invite_ttl_days: int = Field(default=7, ge=1, le=365)
    # Where donors pay or bring items; shown after a pledge. Empty ones are left out.
    payment_card: str = ""
    payment_card_holder: str = ""  # the account holder's name, shown with the card and Sheba
    payment_bank: str = ""  # the bank of the card, e.g. Bank Melli
    payment_sheba: str = ""
    payment_portal_url: str = ""
    item_dropoff_address: str = ""
    # Paying inside the chat (sendInvoice): empty token, no "Pay now" button. See
    # bot/domain/payments.py for what each platform takes.
    payment_currency: str = "IRR"  # before the token: the token's check reads it
    payment_provider_token: SecretStr | None = None
    # Bale only: an approved pre-checkout with no successful_payment after this many minutes
    # is asked about (inquireTransaction), then again after 2×, 4×… that wait, at most
    # RECONCILE_MAX_INQUIRIES times before staff are told (bot/domain/reconcile.py).
    reconcile_after_minutes: int = Field(default=5, ge=1, le=24 * 60)
    reconcile_max_inquiries: int = Field(default=8, ge=1, le=50)
    # Beneficiaries: where the authoritative kalabarg balance is (shown, never replaced).
    # Empty: a general pointer to the official channels (we invent no address or number).
    kalabarg_official_channels: str = ""
    voucher_reminder_days: int = Field(default=7, ge=1, le=60)
    # Which days each last digit of the national code may shop: "01=Sat;23=Sun;…".
    kalabarg_shopping_schedule: Annotated[dict[str, tuple[int, ...]], NoDecode] = Field(
        default_factory=dict
    )

    # The production service (bot/service.py). WEBHOOK_URL (the public https base) turns on
    # webhook mode; each platform then gets WEBHOOK_URL/webhook/<platform>/<WEBHOOK_SECRET>.
    webhook_url: str | None = None
    # Checked even when unset: webhook mode without a secret would take anyone's updates.
    webhook_secret: SecretStr | None = Field(default=None, validate_default=True)
    # host:port of the built-in HTTP server: webhooks, /healthz, /readyz and /metrics.
    listen: str = "127.0.0.1:8080"
    log_format: Literal["text", "json"] = "text"
    # /readyz: a bot whose last successful Bot API call is older than this is asked again
    # (getMe) and is not ready if that fails too; a quiet night alone is not a fault.
    ready_api_seconds: int = Field(default=180, ge=5, le=86_400)
    # /readyz: outbox rows due this long with nothing sent meanwhile mean the outbox is stuck.
    outbox_stuck_seconds: int = Field(default=300, ge=5, le=86_400)
    # SIGTERM: stop taking updates, let sends in flight finish, exit within this many seconds.
    stop_timeout_seconds: int = Field(default=20, ge=1, le=600)

    @field_validator("admin_ids", "pledge_presets_toman", mode="before")
    @classmethod
    def _parse_int_list(cls, value: object) -> object:
        """Accept `1,2`, `[1,2]` and empty: operators write all three."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if not text:
            return []
        if text.startswith("["):
            try:
                return json.loads(text)
            except json.JSONDecodeError as exc:
                raise ValueError("not a JSON list of numbers") from exc
        return [part.strip() for part in text.split(",") if part.strip()]

    @field_validator("kalabarg_shopping_schedule", mode="before")
    @classmethod
    def _parse_schedule(cls, value: object) -> object:
        """`01=Saturday;23=Sunday` (or a JSON object, as the demo's settings): the digits a
        group's national codes end with (any digits), and the days of the week, read into
        day numbers so each person sees them named in their own language."""
        if isinstance(value, str):
            pairs = []
            for part in filter(None, (p.strip() for p in value.split(";"))):
                digits, equals, days = part.partition("=")
                if not equals:
                    raise ValueError(f"cannot read {part!r}")
                pairs.append((digits, days))
        elif isinstance(value, dict):
            pairs = list(value.items())
        else:
            return value
        schedule: dict[str, tuple[int, ...]] = {}
        for digits, days in pairs:
            last_digits = to_ascii_digits(str(digits)).strip()
            if not re.fullmatch(r"[0-9]+", last_digits):
                raise ValueError(f"{digits!r} is not the last digits of national codes")
            weekdays = parse_weekdays(days) if isinstance(days, str) else tuple(days)
            schedule.update(dict.fromkeys(last_digits, weekdays))
        return schedule

    @field_validator("broadcast_rate", mode="before")
    @classmethod
    def _empty_rate_is_default(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        """SQLite (a file, the default) or PostgreSQL (a server: issue #12)."""
        value = value.strip()
        if value.startswith("sqlite:///") and value != "sqlite:///":
            return value
        if value.startswith(POSTGRES_SCHEMES) and urlsplit(value).hostname is not None:
            return value
        if value.startswith(POSTGRES_SCHEMES) and "host=" in value:  # a unix-socket folder
            return value
        raise ValueError(
            "use sqlite:///data/hamdeli.db (a file) or postgresql://user:password@host/db"
        )

    @field_validator("bot_api_base_url", "bot_api_file_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value or None

    @field_validator("payment_currency", mode="before")
    @classmethod
    def _known_currency(cls, value: object) -> object:
        """Only currencies the platforms document, and only one whose smallest unit is what
        the store keeps (rials): a toman must never be invoiced as a cent."""
        code = str(value).strip().upper() if value is not None else "IRR"
        code = code or "IRR"
        if code not in TELEGRAM_CURRENCIES:
            raise ValueError(f"{code!r} is not a currency Telegram or Bale payments take")
        if code not in INVOICEABLE_CURRENCIES:
            raise ValueError(f"{code} cannot be invoiced: Hamdeli keeps amounts in rials")
        return code

    @field_validator("payment_provider_token")
    @classmethod
    def _provider_token_fits_the_platform(
        cls, value: SecretStr | None, info: ValidationInfo
    ) -> SecretStr | None:
        """A card number that fails the Luhn check would send money nowhere: refuse it at
        start (Bale), like a currency the platform does not list."""
        if value is None or not value.get_secret_value().strip():
            return None
        platform = info.data.get("platform", "telegram")
        problem = provider_token_problem(
            platform, value.get_secret_value(), info.data.get("payment_currency", "IRR")
        )
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("webhook_url", mode="before")
    @classmethod
    def _https_webhook(cls, value: object) -> object:
        """Platforms post updates only to https; plain http is for a test on loopback."""
        if not isinstance(value, str):
            return value
        text = value.strip().rstrip("/")
        if not text:
            return None
        parts = urlsplit(text)
        if not parts.hostname:
            raise ValueError(f"{text!r} is not an address")
        if parts.scheme == "https":
            return text
        if parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS:
            return text
        raise ValueError("must start with https:// (platforms post webhooks only over TLS)")

    @field_validator("webhook_secret", "worker_id", mode="before")
    @classmethod
    def _empty_secret_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret_fits(
        cls, value: SecretStr | None, info: ValidationInfo
    ) -> SecretStr | None:
        """Required in webhook mode, and in the characters Telegram takes for secret_token
        (which are also safe in the URL path Bale posts to)."""
        if value is None:
            if info.data.get("webhook_url"):
                raise ValueError("required when WEBHOOK_URL is set")
            return None
        if not _WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("only 1 to 256 characters of A-Z, a-z, 0-9, _ and - are allowed")
        return value

    @field_validator("listen")
    @classmethod
    def _host_and_port(cls, value: str) -> str:
        listen_address(value)
        return value.strip()

    @property
    def listen_address(self) -> tuple[str, int]:
        """LISTEN as uvicorn's (host, port)."""
        return listen_address(self.listen)

    @property
    def provider_token(self) -> str:
        """The payment provider token, or "" when paying in the chat is off."""
        token = self.payment_provider_token
        if isinstance(token, SecretStr):
            return token.get_secret_value().strip()
        return str(token or "").strip()  # a demo's model_copy may hold a plain string

    @property
    def base_url(self) -> str:
        """PTB's `base_url`: an explicit override, else the platform's own endpoint."""
        return self.bot_api_base_url or PLATFORM_URLS[self.platform][0]

    @property
    def base_file_url(self) -> str:
        return self.bot_api_file_url or PLATFORM_URLS[self.platform][1]

    @property
    def worker(self) -> str:
        """WORKER_ID, else the hostname: what this process's outbox claims are recorded as."""
        return self.worker_id or socket.gethostname()

    @property
    def outbox_rate(self) -> float:
        """Messages per second for the outbox: the setting, else the platform's default."""
        return self.broadcast_rate or DEFAULT_BROADCAST_RATE[self.platform]

    @property
    def uses_postgres(self) -> bool:
        return self.database_url.startswith(POSTGRES_SCHEMES)

    @property
    def database_path(self) -> Path:
        """The SQLite file: `sqlite:///data/x.db` is relative to the working directory,
        `sqlite:////x.db` not. Asking it of a PostgreSQL URL is a bug (a ValueError)."""
        if self.uses_postgres:
            raise ValueError("DATABASE_URL names PostgreSQL, not a file")
        return Path(self.database_url.removeprefix("sqlite:///"))

    @property
    def database_label(self) -> str:
        """The database for logs and messages: the file, or the server and database name
        without the password (a log line must never carry a secret)."""
        if not self.uses_postgres:
            return str(self.database_path)
        return redacted_database_url(self.database_url)

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


def redacted_database_url(url: str) -> str:
    """A PostgreSQL URL fit for a log line: the user, host, port and database, never the
    password (in the netloc or as a `password=` parameter) nor any other parameter but the
    socket folder (`host=`)."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    socket = [p for p in parts.query.split("&") if p.startswith("host=")]
    query = f"?{socket[0]}" if socket else ""
    return f"{parts.scheme}://{netloc}{parts.path}{query}"


def listen_address(listen: str) -> tuple[str, int]:
    """`host:port` (an IPv6 host in brackets, `[::1]:8080`) as (host, port); ValueError
    saying what is wrong otherwise. Port 0 (any free port) is for tests that start a real
    process, as bot/web.py allows."""
    host, colon, port = listen.strip().rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not colon or not host:
        raise ValueError(f"{listen!r} is not host:port")
    if not port.isascii() or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"{port!r} is not a port from 1 to 65535 (or 0: any free one)")
    return host, int(port)


class SettingsProblem(Exception):
    """A configuration error already phrased for the operator (one line per setting)."""


def load_settings(**overrides: Any) -> Settings:
    """Build Settings, turning pydantic's errors into a `SettingsProblem` with readable lines."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsProblem(describe_validation_error(exc)) from None
    except SettingsError as exc:
        raise SettingsProblem(f"configuration error: {exc}; {GENERIC_FIX}") from None


def describe_validation_error(exc: ValidationError, names: dict[str, str] | None = None) -> str:
    """One line per invalid setting: its name, what is wrong, and how to fix it. `names`
    maps a field to the name the operator typed (`BALE_PAYMENT_PROVIDER_TOKEN`); the fix is
    the plain setting's."""
    lines = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "settings"
        name = field.upper()
        reason = error["msg"].removeprefix("Value error, ")
        shown = (names or {}).get(field, name)
        lines.append(f"{shown}: {reason}; {FIXES.get(name, GENERIC_FIX)}")
    return "\n".join(dict.fromkeys(lines))


# What belongs to one bot, so each platform has its own (TELEGRAM_… / BALE_…): its token and
# API addresses, its admins (user ids differ between platforms), its staff chat, its payment
# token (a Bale card number is no Telegram provider token) and its broadcast pace (each
# platform has its own limits). Everything else (the store, the office, the texts, the
# webhook server) is one per process and shared.
PER_BOT_FIELDS: tuple[str, ...] = (
    "bot_token",
    "bot_api_base_url",
    "bot_api_file_url",
    "admin_ids",
    "staff_chat_id",
    "payment_provider_token",
    "broadcast_rate",
)
PLATFORMS: tuple[str, ...] = get_args(Platform)


def bot_settings(settings: Settings) -> list[Settings]:
    """One Settings per platform that has a token (`platform` set, per-bot fields resolved),
    `[]` when none has; `SettingsProblem` for a setting that would be a guess.

    `TELEGRAM_BOT_TOKEN` and `BALE_BOT_TOKEN` configure each platform; `BOT_TOKEN` counts for
    `PLATFORM`. Each per-bot field (`PER_BOT_FIELDS`) is read with the platform's prefix from
    the environment and `.env`, through the same validators. With one platform the plain
    names apply to it too; with two, a plain per-bot name could mean either bot and is an
    error, as is one bot's setting given under both names.
    """
    prefixed = {platform: _prefixed_values(settings, platform) for platform in PLATFORMS}
    plain = _values_set(settings, PER_BOT_FIELDS)
    plain_token = plain.pop("bot_token", None)
    if plain_token is not None:
        prefixed_token = prefixed[settings.platform].get("bot_token")
        if prefixed_token is not None:
            name = _env_name(settings.platform, "bot_token")
            raise SettingsProblem(
                f"BOT_TOKEN (PLATFORM={settings.platform}) and {name} are both set: keep "
                f"{name} and remove BOT_TOKEN and PLATFORM"
            )
        prefixed[settings.platform]["bot_token"] = plain_token
    configured = [platform for platform in PLATFORMS if "bot_token" in prefixed[platform]]
    if len(configured) > 1 and plain:
        raise SettingsProblem("\n".join(_ambiguous(name, configured) for name in plain))
    return [
        _platform_settings(settings, platform, prefixed[platform], plain) for platform in configured
    ]


def _values_set(settings: Settings, names: tuple[str, ...]) -> dict[str, Any]:
    """The fields among `names` the operator set to something other than the default (an
    empty `ADMIN_IDS=` left in an old `.env` says nothing)."""
    fields = Settings.model_fields
    return {
        name: value
        for name in names
        if name in settings.model_fields_set
        and (value := getattr(settings, name))
        != fields[name].get_default(call_default_factory=True)
        and not (isinstance(value, SecretStr) and not value.get_secret_value().strip())
    }


def _prefixed_values(settings: Settings, platform: str) -> dict[str, Any]:
    """The per-bot fields set under the platform's prefix, validated as the plain ones are
    (shared fields are passed in, so `BALE_TIMEZONE` and the like are not read)."""
    values = {**_shared_values(settings), "platform": platform}
    try:
        scoped = Settings(_env_prefix=f"{platform.upper()}_", **values)  # type: ignore[call-arg]  # pydantic-settings takes _env_prefix at run time; the signature mypy sees has only the fields
    except ValidationError as exc:
        names = {field: _env_name(platform, field) for field in PER_BOT_FIELDS}
        raise SettingsProblem(describe_validation_error(exc, names)) from None
    except SettingsError as exc:
        raise SettingsProblem(f"configuration error: {exc}; {GENERIC_FIX}") from None
    return _values_set(scoped, PER_BOT_FIELDS)


def _platform_settings(
    settings: Settings, platform: str, own: dict[str, Any], plain: dict[str, Any]
) -> Settings:
    """The shared settings with this bot's own fields (plain names only if it is alone),
    validated again: a plain PAYMENT_PROVIDER_TOKEN is checked for the platform it serves."""
    both = sorted(set(own) & set(plain))
    if both:
        raise SettingsProblem(
            "\n".join(
                f"{name.upper()} and {_env_name(platform, name)} are both set: keep "
                f"{_env_name(platform, name)} and remove {name.upper()}"
                for name in both
            )
        )
    values = {**_shared_values(settings), **plain, **own, "platform": platform}
    try:
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]  # pydantic-settings takes _env_file at run time; the signature mypy sees has only the fields
    except ValidationError as exc:
        names = {field: _env_name(platform, field) for field in own}
        raise SettingsProblem(describe_validation_error(exc, names)) from None


def _shared_values(settings: Settings) -> dict[str, Any]:
    """The fields one per process, as already validated (passed in, they beat any env)."""
    return {
        name: getattr(settings, name)
        for name in Settings.model_fields
        if name not in PER_BOT_FIELDS and name != "platform"
    }


def _env_name(platform: str, field: str) -> str:
    return f"{platform.upper()}_{field.upper()}"


def _ambiguous(field: str, platforms: list[str]) -> str:
    names = " and ".join(_env_name(platform, field) for platform in platforms)
    return (
        f"{field.upper()}: ambiguous with two platforms ({', '.join(platforms)}); set {names} "
        f"instead (each only where it applies) and remove {field.upper()}"
    )
