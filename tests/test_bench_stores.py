"""The store benches keep working on both backends (`make bench` runs them with
`--backend both`): each with tiny numbers, its PostgreSQL part on a fresh database of the
tests' throwaway cluster (`--pg-dsn`), so a broken bench shows up here first."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


def bench(script: str, *args: str, cwd: Path) -> list[str]:
    result = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.splitlines()


@pytest.mark.parametrize("backend", ["sqlite", "both"])
def test_the_browse_bench_reports_each_query_on_each_backend(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    extra = ["--pg-dsn", request.getfixturevalue("pg_dsn")] if backend == "both" else []
    lines = bench(
        "browse_query.py", "--needs", "3000", "--queries", "120", "--backend", backend, *extra,
        cwd=tmp_path,
    )  # fmt: skip
    rows = {line.split("  ")[0]: line for line in lines}
    for name in ("browse page", "counts by city", "province page 1", "browse page, cached"):
        assert name in rows, lines
    header = next(line for line in lines if line.startswith("p50 / p99 ms"))
    assert ("PostgreSQL store" in header) == (backend == "both")
    if backend == "both":
        assert "PG/SQLite" in header
        assert "x" in rows["browse page"].split("|")[-1]  # the ratio
        assert any(line.startswith("another process's change") for line in lines)


def test_the_pledges_bench_pledges_on_both_backends(pg_dsn: str, tmp_path: Path) -> None:
    lines = bench("pledges.py", "--pledges", "400", "--pg-dsn", pg_dsn, cwd=tmp_path)
    assert sum("0 over-pledged" in line for line in lines) == 2
    assert any(line.strip().startswith("ratio PostgreSQL/SQLite") for line in lines)


def test_the_status_bench_looks_up_on_both_backends(pg_dsn: str, tmp_path: Path) -> None:
    lines = bench(
        "status_lookup.py", "--households", "2000", "--queries", "200", "--pg-dsn", pg_dsn,
        cwd=tmp_path,
    )  # fmt: skip
    assert any(line.startswith("status lookup, SQLite") for line in lines)
    assert any(line.startswith("status lookup, PostgreSQL") for line in lines)
