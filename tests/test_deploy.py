"""deploy/: the systemd unit passes `systemd-analyze`, the proxy example forwards only the
webhooks, and the environment example is a configuration `bot_settings` accepts."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from telegram.ext import ApplicationBuilder
from telegram.warnings import PTBUserWarning

from bot.config import PER_BOT_FIELDS, PLATFORMS, Settings, bot_settings, load_settings
from bot.context import job_queue_of

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
UNIT = DEPLOY / "hamdeli.service"
SYSTEMD_ANALYZE = shutil.which("systemd-analyze") or (
    "/usr/bin/systemd-analyze" if Path("/usr/bin/systemd-analyze").exists() else None
)
needs_systemd_analyze = pytest.mark.skipif(
    SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed on this machine"
)


def unit_lines() -> dict[str, list[str]]:
    """The unit's settings: key -> every value given (systemd keys may repeat)."""
    values: dict[str, list[str]] = {}
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            values.setdefault(key.strip(), []).append(value.strip())
    return values


def runnable_unit(tmp_path: Path) -> Path:
    """A copy of the unit whose ExecStart is /bin/true: verify checks that the command
    exists, and /opt/hamdeli is not installed here. Everything else is the unit as shipped."""
    text = UNIT.read_text(encoding="utf-8")
    assert "ExecStart=/opt/hamdeli/.venv/bin/hamdeli run\n" in text
    copy = tmp_path / "hamdeli.service"
    copy.write_text(text.replace("/opt/hamdeli/.venv/bin/hamdeli run", "/bin/true"))
    return copy


@needs_systemd_analyze
def test_the_unit_passes_systemd_analyze_verify(tmp_path) -> None:
    """verify exits 0 even for an unknown key or a bad value, so any output fails too.
    (The unit is verified through a copy with ExecStart=/bin/true; see runnable_unit.)"""
    result = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", str(runnable_unit(tmp_path))],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout + result.stderr == ""


@needs_systemd_analyze
def test_the_unit_is_sandboxed(tmp_path) -> None:
    """systemd's own exposure score (0 best, 10 worst): 'OK' is below 2."""
    result = subprocess.run(
        [SYSTEMD_ANALYZE, "security", "--offline=true", "--no-pager", str(runnable_unit(tmp_path))],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    found = re.search(r"Overall exposure level for \S+: ([0-9.]+)", result.stdout + result.stderr)
    assert found, result.stdout + result.stderr
    assert float(found.group(1)) < 2.0


def test_the_unit_runs_hamdeli_as_its_own_user_and_stops_in_time() -> None:
    unit = unit_lines()
    assert unit["User"] == ["hamdeli"]
    assert unit["StateDirectory"] == ["hamdeli"]
    assert unit["WorkingDirectory"] == ["/var/lib/hamdeli"]
    assert unit["EnvironmentFile"] == ["/etc/hamdeli/hamdeli.env"]
    assert unit["Restart"] == ["on-failure"]
    assert unit["KillSignal"] == ["SIGTERM"]
    stop = int(unit["TimeoutStopSec"][0].removesuffix("s"))
    assert stop > Settings.model_fields["stop_timeout_seconds"].default
    assert unit["RestrictAddressFamilies"] == ["AF_INET AF_INET6 AF_UNIX"]
    assert unit["CapabilityBoundingSet"] == [""]
    for key in ("NoNewPrivileges", "ProtectHome", "PrivateTmp", "PrivateDevices"):
        assert unit[key] == ["yes"], key
    assert unit["ProtectSystem"] == ["strict"]


def nginx_locations(text: str) -> dict[str, str]:
    """`location` path -> its block's body, for the example's one level of nesting."""
    text = re.sub(r"#[^\n]*", "", text)
    locations = {}
    for match in re.finditer(r"location\s+([^\s{]+)\s*\{", text):
        depth, end = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        locations[match.group(1)] = text[match.end() : end - 1]
    return locations


def test_nginx_forwards_only_the_webhooks() -> None:
    text = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    locations = nginx_locations(text)
    forwarding = {path for path, body in locations.items() if "proxy_pass" in body}
    assert forwarding == {"/webhook/"}
    assert "proxy_pass http://127.0.0.1:8080;" in locations["/webhook/"]
    assert "access_log off;" in locations["/webhook/"]  # the path carries the secret
    assert "return 404;" in locations["/"]
    assert len(re.findall(r"proxy_pass", re.sub(r"#[^\n]*", "", text))) == 1
    for private in ("/metrics", "/readyz", "/healthz"):
        assert private not in re.sub(r"#[^\n]*", "", text)


def test_the_environment_example_configures_both_platforms(monkeypatch, tmp_path) -> None:
    """The example as shipped is a configuration the bot accepts: two bots, webhook mode,
    the database in the unit's state directory."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
        for platform in PLATFORMS:
            monkeypatch.delenv(f"{platform.upper()}_{name.upper()}", raising=False)
    monkeypatch.chdir(tmp_path)
    shutil.copy(DEPLOY / "hamdeli.env.example", tmp_path / ".env")
    settings = load_settings()
    bots = {bot.platform: bot for bot in bot_settings(settings)}
    assert sorted(bots) == ["bale", "telegram"]
    assert bots["bale"].admin_ids == [67890]
    assert bots["telegram"].staff_chat_id == -1001234567890
    assert settings.webhook_url == "https://bot.example.org"
    assert settings.listen_address == ("127.0.0.1", 8080)
    assert settings.log_format == "json"
    assert settings.database_path == Path("/var/lib/hamdeli/hamdeli.db")


def test_every_setting_is_in_the_readme() -> None:
    """An operator finds every setting, plain and per platform, in README.md."""
    readme = (DEPLOY.parent / "README.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"`{name.upper()}`" in readme, name
    for name in PER_BOT_FIELDS:
        assert f"`…{name.upper()}`" in readme or f"`BALE_{name.upper()}`" in readme, name
    assert "## Deploying" in readme


def test_an_install_without_the_job_queue_says_so_instead_of_running_without_clocks() -> None:
    """Without PTB's job-queue extra the clocks (pledge expiry, reminders, monthly gifts)
    would never tick: asked for them, the bot names the missing extra, and how to fix it."""
    application = ApplicationBuilder().token("1:offline").job_queue(None).build()
    missing = re.escape("python-telegram-bot[job-queue]")
    with pytest.warns(PTBUserWarning), pytest.raises(RuntimeError, match=missing):
        job_queue_of(application)
    assert job_queue_of(ApplicationBuilder().token("1:offline").build()) is not None
