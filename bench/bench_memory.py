"""Memory after sustained use: a web worker after 10,000 requests, a Celery worker after
10,000 tasks.

Goal (issue #17): web worker RSS ≤ 150 MB, Celery worker RSS ≤ 200 MB. The web worker is one
gunicorn worker serving a mix of public pages (the htmx status lookup, the lookup page, the
procedures' list, the login page) over 10,000 dossiers; the Celery worker is one ``-P solo`` worker
running ``intake.tasks.notify_events`` (write a resident's message and send it, the most
frequent task) for 10,000 events. Each prints its RSS after a short warm-up and at the end, so
growth shows apart from the start-up size. Its own database and Redis, removed at the end.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import bench_lookup
from _results import emit, rss_mb, size

REQUESTS = size("BENCH_REQUESTS", 10_000, 400)
TASKS = size("BENCH_TASKS", 10_000, 400)
DOSSIERS = 10_000
WARM = 100
WEB_GOAL_MB, CELERY_GOAL_MB = 150, 200
HOST = bench_lookup.HOST


def gunicorn_worker(server: subprocess.Popen) -> int:
    """The pid of the (only) worker of a gunicorn master."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return int(children[0])


def web(folder: Path, redis_url: str, start) -> None:
    server, port = bench_lookup.start_server(folder, redis_url, workers=1)
    try:
        worker = gunicorn_worker(server)
        token, cookie = bench_lookup._csrf(port)
        lookup_headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
                          "X-CSRFToken": token, "HX-Request": "true"}

        def request(n: int) -> None:
            kind = n % 4
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            if kind == 0:
                code = bench_lookup._code(n % DOSSIERS, start)
                body = urlencode({"code": code, "factor": bench_lookup._phone(n % DOSSIERS)[-4:]})
                conn.request("POST", "/tra-cuu/", body=body, headers=lookup_headers)
            else:
                conn.request("GET", ("/tra-cuu/", "/thu-tuc/", "/dang-nhap/")[kind - 1])
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status != 200:
                raise RuntimeError(f"request {n}: HTTP {response.status}")

        def clients(first: int, count: int, threads: int = 4) -> None:
            failures = []

            def client(index: int) -> None:
                try:
                    for n in range(first + index, first + count, threads):
                        request(n)
                except Exception as exc:  # noqa: BLE001 — reported below, the run stops
                    failures.append(exc)

            pool = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
            for thread in pool:
                thread.start()
            for thread in pool:
                thread.join()
            if failures:
                raise failures[0]

        clients(0, WARM)
        warm = rss_mb(worker)
        clients(WARM, REQUESTS - WARM)
        end = rss_mb(worker)
    finally:
        bench_lookup.stop_server(server)
    print(f"web worker (gunicorn, 1 worker): RSS {warm:.0f} MB after {WARM} requests, "
          f"{end:.0f} MB after {REQUESTS:,} (goal ≤ {WEB_GOAL_MB} MB)")
    emit(f"web worker RSS after {REQUESTS:,} requests (public pages)",
         goal=f"≤ {WEB_GOAL_MB} MB", measured=f"{end:.0f} MB ({warm:.0f} MB after {WARM})",
         met=end <= WEB_GOAL_MB)


def celery(redis_url: str) -> None:
    from django.utils import timezone

    from cases.models import Dossier, DossierEvent
    from intake.models import Notification
    from intake.tasks import notify_events

    dossiers = list(Dossier.objects.values_list("pk", flat=True)[:TASKS])
    now = timezone.now()
    events = DossierEvent.objects.bulk_create(
        [DossierEvent(dossier_id=dossiers[n % len(dossiers)], action="create", to_status="submitted",
                      at=now, payload={"channel": "online"}) for n in range(TASKS)],
        batch_size=2000,
    )
    with tempfile.TemporaryDirectory() as sms:
        env = {**os.environ, "REDIS_URL": redis_url, "CELERY_TASK_ALWAYS_EAGER": "0",
               "DJANGO_SETTINGS_MODULE": "thanhsen.settings",
               "SMS_BACKEND": "file", "SMS_FILE_PATH": sms, "LOG_LEVEL": "WARNING"}
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "thanhsen", "worker", "-P", "solo",
             "-l", "warning", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "-n", "bench-memory@%h"],
            cwd=bench_lookup.ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            written = Notification.objects.filter(event__in=events)

            def run(batch) -> None:
                target = written.count() + len(batch)
                for event in batch:
                    notify_events.delay([event.pk])
                deadline = time.monotonic() + 1800
                while written.filter(status="sent").count() < target:
                    if worker.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("the Celery worker stopped or did not finish")
                    time.sleep(0.5)

            run(events[:WARM])
            warm = rss_mb(worker.pid)
            run(events[WARM:])
            end = rss_mb(worker.pid)
        finally:
            worker.terminate()
            try:
                worker.wait(60)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    print(f"Celery worker (-P solo): RSS {warm:.0f} MB after {WARM} tasks, "
          f"{end:.0f} MB after {TASKS:,} (goal ≤ {CELERY_GOAL_MB} MB)")
    emit(f"Celery worker RSS after {TASKS:,} tasks (notify_events)",
         goal=f"≤ {CELERY_GOAL_MB} MB", measured=f"{end:.0f} MB ({warm:.0f} MB after {WARM})",
         met=end <= CELERY_GOAL_MB)


def main() -> None:
    redis, redis_url = bench_lookup.start_redis()
    # The bench's own Celery client publishes to this Redis (read when Django is set up).
    os.environ.update(REDIS_URL=redis_url, CELERY_TASK_ALWAYS_EAGER="0", DEBUG="0",
                      SECRET_KEY="bench-memory-only")
    try:
        with bench_lookup.site_modules() as folder, contextlib.ExitStack() as stack:
            sys.path.insert(0, str(folder))
            os.environ["DJANGO_SETTINGS_MODULE"] = "_bench_lookup_settings"
            stack.enter_context(bench_lookup.throwaway_database("thanhsen_bench_memory"))
            start = bench_lookup.seed(DOSSIERS)
            web(folder, redis_url, start)
            celery(redis_url)
    finally:
        redis.terminate()
        redis.wait(timeout=10)


if __name__ == "__main__":
    main()
