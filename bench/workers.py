"""`make bench`: updates per second through 1, 2 and 4 `hamdeli run` workers on one
PostgreSQL, over webhooks (issue #12), and the CPU each part spends per update.

Everything shares this machine, as the issue asks: the workers (real processes), the
PostgreSQL server (a throwaway cluster, tests/pg.py), and this process, which is the
platform: the emulator served over HTTP that the workers call, and the load generator that
POSTs the updates over 40 keep-alive connections (bench/webhook.py's lean client), spread
over the workers as a load balancer would (connection i goes to worker i mod N). The
emulator and the generator share this one process, so their CPU is reported together.

Each person sends /start (Hamdeli's welcome: the account is written, the reply sent), and
the webhook answers once the update was handled (bot/web.py), so the clock stops when the
last reply has been answered. Each worker count gets a fresh database. CPU is read from
/proc (user + system time) for the workers, every process of the PostgreSQL cluster, and
this process, over the measured run only; per update, it says what a bigger machine
would need: the throughput of N workers is bounded by the cores the busiest part needs.

    python bench/workers.py [--updates 1500] [--users 300] [--rounds 2] [--workers 1,2,4]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.webhook import (
    CONNECTIONS,
    PASSED_ON,
    SECRET,
    START_SECONDS,
    TOKEN,
    Connection,
    Replies,
    free_port,
)
from bot.emulator import SECRET_HEADER, BotApiEmulator, EmulatedUserInfo, serve_http
from tests.pg import Cluster, postgres_bin, start_cluster, stop_cluster

WARMUP = 40
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Worker:
    number: int
    port: int
    process: asyncio.subprocess.Process
    log: Path


@dataclass
class Run:
    workers: int
    rate: float  # updates per second
    cpu_ms: dict[str, float]  # per update, by part


def process_cpu(pid: int) -> float:
    """Seconds of CPU (user + system) a live process has used, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def cluster_cpu(cluster: Cluster) -> float:
    """CPU of every process of the cluster: the postmaster and all its children (the
    backends serving the workers, the WAL writer, the checkpointer…)."""
    postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
    total = process_cpu(postmaster)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == postmaster:
                total += process_cpu(int(entry.name))
    return total


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def start_worker(number: int, dsn: str, api_port: int, folder: Path) -> Worker:
    port = free_port()
    env = {name: os.environ[name] for name in PASSED_ON if name in os.environ}
    env |= {
        "DATABASE_URL": dsn,
        "DATABASE_POOL_SIZE": "10",
        "WORKER_ID": f"bench-{number}",
        "LOG_LEVEL": "WARNING",
        "RATE_LIMIT_PER_SECOND": "1000000000",  # the bench measures processing cost
        "BOT_TOKEN": TOKEN,
        "BOT_API_BASE_URL": f"http://127.0.0.1:{api_port}/bot",
        "WEBHOOK_URL": f"http://127.0.0.1:{port}",
        "WEBHOOK_SECRET": SECRET,
        "LISTEN": f"127.0.0.1:{port}",
    }
    log = folder / f"worker-{number}.log"
    with log.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=folder,
            stdout=asyncio.subprocess.DEVNULL, stderr=stderr,
        )  # fmt: skip
    worker = Worker(number, port, process, log)
    await until_serving(worker)
    return worker


async def until_serving(worker: Worker) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        if worker.process.returncode is not None:
            raise RuntimeError(f"worker {worker.number} exited:\n{worker.log.read_text()[-3000:]}")
        try:
            connection = await Connection.open(worker.port)
            try:
                if await connection.request("GET", "/readyz") == 200:
                    return
            finally:
                await connection.close()
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"worker {worker.number} not ready:\n{worker.log.read_text()[-3000:]}"
            )
        await asyncio.sleep(0.1)


async def stop_workers(workers: list[Worker]) -> None:
    for worker in workers:
        if worker.process.returncode is None:
            worker.process.terminate()
    for worker in workers:
        try:
            await asyncio.wait_for(worker.process.wait(), 30)
        except TimeoutError:
            worker.process.kill()
            await worker.process.wait()


async def post_all(workers: list[Worker], bodies: list[bytes], path: str) -> None:
    """The load generator: CONNECTIONS keep-alive connections, spread over the workers,
    taking the next update from one shared list until none is left."""
    headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
    queue = iter(bodies)

    async def connection(index: int) -> None:
        worker = workers[index % len(workers)]
        opened = await Connection.open(worker.port)
        try:
            for body in queue:
                status = await opened.request("POST", path, body, headers)
                if status != 200:
                    raise RuntimeError(f"worker {worker.number} answered {status}")
        finally:
            await opened.close()

    await asyncio.gather(*(connection(i) for i in range(CONNECTIONS)))


async def measure(cluster: Cluster, count: int, updates: int, users: int, name: str) -> Run:
    """One run of `count` workers on a fresh database."""
    import asyncpg

    admin = await asyncpg.connect(cluster.dsn())
    try:
        await admin.execute(f"CREATE DATABASE {name} STRATEGY FILE_COPY")
    finally:
        await admin.close()
    dsn = cluster.dsn(name)
    update_ids = itertools.count(1)
    emulator = BotApiEmulator()
    server = await serve_http(emulator)
    replies = Replies(emulator)
    folder = Path(tempfile.mkdtemp(prefix="hamdeli-workers-bench-"))
    workers: list[Worker] = []
    try:
        for number in range(1, count + 1):  # one by one: the first migrates
            workers.append(await start_worker(number, dsn, emulator.http_port or 0, folder))
        path = f"/webhook/telegram/{SECRET}"
        people = [EmulatedUserInfo(20_000 + n, "U", "fa") for n in range(users + WARMUP)]

        def bodies(who: list[EmulatedUserInfo], total: int) -> list[bytes]:
            made = [emulator.make_message_update(who[i % len(who)], "/start") for i in range(total)]
            return [
                json.dumps(update | {"update_id": next(update_ids)}).encode() for update in made
            ]

        await post_all(workers, bodies(people[:WARMUP], WARMUP), path)
        await replies.reach(WARMUP, 60)
        measured = bodies(people[WARMUP:], updates)
        cpu_before = {
            "workers": sum(process_cpu(w.process.pid) for w in workers),
            "postgres": cluster_cpu(cluster),
            "platform": own_cpu(),
        }
        started = time.perf_counter()
        await post_all(workers, measured, path)
        await replies.reach(WARMUP + updates, max(60.0, updates / 10))
        elapsed = time.perf_counter() - started
        cpu_after = {
            "workers": sum(process_cpu(w.process.pid) for w in workers),
            "postgres": cluster_cpu(cluster),
            "platform": own_cpu(),
        }
        cpu_ms = {
            part: (cpu_after[part] - cpu_before[part]) * 1000 / updates for part in cpu_before
        }
        return Run(count, updates / elapsed, cpu_ms)
    finally:
        await stop_workers(workers)
        server.close()
        await server.wait_closed()


async def bench(counts: list[int], updates: int, users: int, rounds: int) -> dict[int, Run]:
    """Best of `rounds` for each worker count, the counts interleaved within each round."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        raise SystemExit("PostgreSQL is not installed (make test-pg installs it)")
    cluster = start_cluster(bin_dir)
    best: dict[int, Run] = {}
    try:
        runs = 0
        for _ in range(rounds):
            for count in counts:
                runs += 1
                run = await measure(cluster, count, updates, users, f"bench_{runs}")
                if count not in best or run.rate > best[count].rate:
                    best[count] = run
    finally:
        stop_cluster(cluster)
    return best


def report(best: dict[int, Run], updates: int, users: int, rounds: int) -> str:
    one = best[min(best)].rate
    lines = [
        f"workers on one PostgreSQL, webhooks: {updates:,} /start from {users:,} people per "
        f"run, best of {rounds}; {CONNECTIONS} connections spread over the workers; "
        f"{os.cpu_count()} cores shared by everything",
        f"{'workers':>8} {'updates/s':>10} {'× one':>7}   CPU ms per update: "
        f"{'workers':>8} {'postgres':>9} {'platform':>9} {'total':>7}",
    ]
    for count, run in sorted(best.items()):
        parts = run.cpu_ms
        lines.append(
            f"{count:>8} {run.rate:>10,.0f} {run.rate / one:>7.2f}   {'':19}"
            f"{parts['workers']:>8.2f} {parts['postgres']:>9.2f} {parts['platform']:>9.2f} "
            f"{sum(parts.values()):>7.2f}"
        )
    lines.append("(platform = this process: the emulator answering the workers' calls and the "
                 "load generator; goal: 2 workers >= 1.3 x one)")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=1_500)
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", default="1,2,4")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    best = asyncio.run(bench(counts, args.updates, args.users, args.rounds))
    print(report(best, args.updates, args.users, args.rounds))


if __name__ == "__main__":
    main()
