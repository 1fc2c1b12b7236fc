"""Running the `hamdeli` command in a subprocess, as an operator would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# Settings a developer may have exported that must not leak into a test's process.
PRIVATE_SETTINGS = {"BOT_TOKEN", "ADMIN_IDS", "PLATFORM", "DATABASE_URL"}


def clean_env(**env: str) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if k not in PRIVATE_SETTINGS}
    return {**kept, "PYTHONIOENCODING": "utf-8", **env}


def hamdeli(
    *args: str, cwd: Path, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=clean_env(**env),
        input=stdin,
        capture_output=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
