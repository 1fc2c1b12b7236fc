"""A throwaway PostgreSQL cluster for the tests (a pytest plugin; tests/conftest.py loads it).

Why it looks the way it does:
- One cluster per test session, started only when a test asks for `pg_cluster` or `pg_dsn`:
  `initdb` into a temporary folder, `pg_ctl start` with its unix socket in that folder and
  no TCP listener at all, so two sessions on one machine never meet (the port only names the
  socket file). Durability is switched off (fsync, synchronous_commit, full_page_writes):
  the cluster is deleted at the end, and it starts in a couple of seconds.
- Each test gets a fresh database of its own (`pg_dsn`), so migrations always start from
  nothing and no test sees another's rows; CREATE DATABASE … STRATEGY FILE_COPY copies
  template1 in milliseconds (PostgreSQL 15's default, WAL_LOG, takes half a second).
- PostgreSQL refuses to run as root. As root (CI containers) the cluster runs as an
  unprivileged system user, `postgres` when the Debian package created it, else one made
  here, and the temporary folder is handed to that user.
- No PostgreSQL installed: the tests that need it are skipped, so `make test` never needs
  it. `make test-pg` sets HAMDELI_TEST_PG=1, and then a missing PostgreSQL is a failure.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REQUIRED_ENV = "HAMDELI_TEST_PG"
SUPERUSER = "postgres"  # the cluster's own superuser (initdb -U), whoever runs the server
SYSTEM_USER = "hamdeli-pg"  # made when running as root and no `postgres` user exists
DATABASE = "hamdeli"


def postgres_bin() -> Path | None:
    """The folder of initdb, pg_ctl and createdb: from PATH, else Debian's versioned folder."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent  # /usr/local/bin/initdb may be a symlink
    installed = Path("/usr/lib/postgresql").glob("*/bin/initdb")
    by_version = sorted(installed, key=lambda p: int(p.parent.parent.name.split(".")[0]))
    return by_version[-1].parent if by_version else None


def _system_user() -> str:
    """An unprivileged user to run the server as (only needed as root)."""
    for name in ("postgres", SYSTEM_USER):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            pass
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SYSTEM_USER],
        check=True,
        capture_output=True,
    )
    return SYSTEM_USER


def _free_port() -> int:
    """A port number free on this machine; with no TCP listener it only names the socket."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    """A running throwaway cluster: where it lives and how to reach it."""

    bin: Path
    root: Path
    port: int
    run_as: list[str]
    started_in: float = 0.0

    @property
    def data(self) -> Path:
        return self.root / "data"

    def dsn(self, database: str = DATABASE) -> str:
        """asyncpg/libpq URL over the unix socket in the cluster's folder."""
        return f"postgresql://{SUPERUSER}@/{database}?host={self.root}&port={self.port}"

    def run(self, tool: str, *args: str) -> None:
        """Run one of PostgreSQL's programs as the cluster's owner; its output on failure."""
        done = subprocess.run(
            [*self.run_as, str(self.bin / tool), *args],
            cwd=self.root,  # the owner may not be allowed into the caller's folder
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            log = self.root / "server.log"
            server_log = log.read_text(errors="replace") if log.exists() else ""
            raise RuntimeError(f"{tool} failed:\n{done.stdout}{done.stderr}{server_log}")


def start_cluster(bin_dir: Path) -> Cluster:
    """initdb, start, create the `hamdeli` database; the caller stops it (stop_cluster)."""
    began = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="hamdeli-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        user = _system_user()
        shutil.chown(root, user=user, group=pwd.getpwnam(user).pw_gid)
        run_as = ["runuser", "-u", user, "--"]
    cluster = Cluster(bin=bin_dir, root=root, port=_free_port(), run_as=run_as)
    try:
        cluster.run(
            "initdb", "-D", str(cluster.data), "-U", SUPERUSER, "-A", "trust",
            "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions",
        )  # fmt: skip
        options = (
            f"-k {root} -p {cluster.port} -c listen_addresses='' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        cluster.run(
            "pg_ctl", "-D", str(cluster.data), "-l", str(root / "server.log"),
            "-w", "-t", "60", "-o", options, "start",
        )  # fmt: skip
        cluster.run("createdb", "-h", str(root), "-p", str(cluster.port), "-U", SUPERUSER, DATABASE)
    except BaseException:
        stop_cluster(cluster)
        raise
    cluster.started_in = time.monotonic() - began
    return cluster


def stop_cluster(cluster: Cluster) -> None:
    """Stop the server at once (nothing in it is worth a checkpoint) and delete its folder."""
    try:
        if (cluster.data / "postmaster.pid").exists():
            cluster.run("pg_ctl", "-D", str(cluster.data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(cluster.root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """The session's cluster, started on first use; skipped when PostgreSQL is missing."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        if os.environ.get(REQUIRED_ENV) == "1":
            pytest.fail("PostgreSQL is not installed: no initdb on PATH or in /usr/lib/postgresql")
        pytest.skip("PostgreSQL is not installed (`make test-pg` installs it)")
    cluster = start_cluster(bin_dir)
    try:
        yield cluster
    finally:
        stop_cluster(cluster)


_databases = itertools.count(1)


@pytest.fixture
async def pg_dsn(pg_cluster: Cluster) -> AsyncIterator[str]:
    """A fresh, empty database of this test's own, dropped afterwards."""
    import asyncpg

    name = f"test_{next(_databases)}"
    admin = await asyncpg.connect(pg_cluster.dsn())
    try:
        await admin.execute(f"CREATE DATABASE {name} STRATEGY FILE_COPY")
        yield pg_cluster.dsn(name)
        await admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
    finally:
        await admin.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Any test that uses the cluster is a `pg` test, so `pytest -m pg` selects it."""
    for item in items:
        if "pg_cluster" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.pg)
