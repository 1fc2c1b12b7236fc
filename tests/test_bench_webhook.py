"""`bench/webhook.py` keeps working: the whole harness with tiny numbers, so `make bench`
does not find it broken. Real processes: the echo bot and `hamdeli run`, by webhook and by
polling, against the emulator served over HTTP."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "webhook.py"


def test_the_webhook_bench_runs_every_bot_both_ways_and_reports_ratios(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, str(BENCH), "--updates", "50", "--users", "10", "--rounds", "1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("updates per run: 50 from 10 people, best of 1")
    rows = {line.split(":")[0]: line.split(":")[1].split() for line in lines[2:]}
    for name in ("bare PTB echo", "Hamdeli /start"):
        webhook, polling, unit = rows[name]
        assert float(webhook.replace(",", "")) > 0
        assert float(polling.replace(",", "")) > 0
        assert unit == "updates/s"
    assert len(rows["ratio Hamdeli/echo"]) >= 2
