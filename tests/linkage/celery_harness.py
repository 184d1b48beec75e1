"""The real moving parts for the Celery tests: a private Redis, the simulator, worker processes.

The Redis here is the test's own (a spare port), never the shared one, so it can be stopped
and started. Workers are separate processes whose environment names the test database, so
they can be killed with SIGKILL like a real worker.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from kombu import pools as kombu_pools

from devtools.simulators.agencies import AgencySimulator, SimulatorConfig, make_server
from tests.conftest import skip_or_fail
from thanhsen.celery import app

ROOT = Path(__file__).resolve().parents[2]

#: Fast knobs shared by the workers and the test process (which plays beat).
FAST = {
    "AGENCY_TIMEOUT_SECONDS": 1.0,
    "LINKAGE_RETRY_BASE_SECONDS": 0.2,
    "LINKAGE_RETRY_CAP_SECONDS": 1.0,
    "LINKAGE_MAX_ATTEMPTS": 40,
    "LINKAGE_CLAIM_TIMEOUT_SECONDS": 3.0,
    "LINKAGE_REQUEUE_AFTER_SECONDS": 8.0,
    "LINKAGE_OUTBOX_GRACE_SECONDS": 0.5,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    @staticmethod
    def available() -> bool:
        return shutil.which("redis-server") is not None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def point_celery_at(url: str) -> None:
    """Make this process publish to ``url`` (drops the pools built for the previous broker).

    kombu's process-wide pools go too: the producer pool it keeps per broker would otherwise
    hand the tests that run afterwards (other folders too) connections closed here.
    """
    app.conf.broker_url = url
    app.conf.task_always_eager = False
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    kombu_pools.reset()


class Simulator:
    def __init__(self):
        self.simulator = AgencySimulator(SimulatorConfig(seed=7))
        self.server = make_server(self.simulator, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset(self, **config) -> None:
        self.simulator.configure(**{**vars(SimulatorConfig(seed=7)), **config})
        self.simulator.reset()

    def stats(self) -> dict:
        return self.simulator.stats()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_database_url() -> str:
    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host = f"{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}"
    return f"postgres://{user}{password}@{host}/{s['NAME']}"


class Worker:
    """A `celery worker` process in its own session, so SIGKILL takes the whole of it."""

    def __init__(self, *, broker_url: str, agency_url: str, log_dir: Path, concurrency: int = 8):
        self.broker_url, self.agency_url, self.log_dir = broker_url, agency_url, log_dir
        self.concurrency = concurrency
        self.process = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        env = {
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "REDIS_URL": self.broker_url,
            "AGENCY_BASE_URL": self.agency_url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            **{k: str(v) for k, v in FAST.items()},
        }
        log = open(self.log_dir / f"worker-{self.starts}.log", "w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "thanhsen",
                "worker",
                "-P",
                "threads",
                "-c",
                str(self.concurrency),
                "-l",
                "warning",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"linkage-test-{os.getpid()}-{self.starts}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@contextmanager
def private_worker(
    log_dir: Path, *, agency_url: str = "http://127.0.0.1:9", env: dict | None = None
) -> Iterator[tuple[PrivateRedis, Worker]]:
    """A private Redis with Celery pointed at it, and a worker process whose settings include
    ``env`` (a worker takes its settings from its environment). Skipped (a failure under
    REQUIRE_SERVICES) without PostgreSQL, the shared Redis or redis-server; on exit everything
    is stopped and Celery points back at the shared broker."""
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        skip_or_fail(
            "needs PostgreSQL and Redis: set DATABASE_URL=postgres://… and REDIS_URL=redis://…"
        )
    if not PrivateRedis.available():
        skip_or_fail("needs redis-server on PATH for a private Redis")
    redis = PrivateRedis()
    redis.start()
    point_celery_at(redis.url)
    patch = pytest.MonkeyPatch()
    for name, value in (env or {}).items():
        patch.setenv(name, value)
    worker = Worker(broker_url=redis.url, agency_url=agency_url, log_dir=log_dir)
    try:
        worker.start()
        yield redis, worker
    finally:
        worker.stop()
        patch.undo()
        redis.stop()
        point_celery_at(settings.CELERY_BROKER_URL)
