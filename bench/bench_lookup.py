"""Public status lookup under load: 16 concurrent clients against gunicorn (2 workers) over
1,000,000 dossiers in PostgreSQL, against a bare Django view on the same server in the same run.

Goal (issue #17): lookup throughput ≥ 0.6 × the bare view's, and p99 ≤ 50 ms. Prints figures
and result rows (``_results``), asserts nothing. Creates its own database (seeded with COPY) and drops it; talks to loopback only.
As in production the server's cache (the lookup's rate limits) is Redis: a private
``redis-server`` on a spare port, stopped at the end.
``BENCH_DOSSIERS`` and ``BENCH_REQUESTS`` shrink the run for a quick look.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from _pg import ROOT, throwaway_database
from _results import emit, size

DOSSIERS = size("BENCH_DOSSIERS", 1_000_000, 20_000)
CLIENTS = 16
REQUESTS_PER_CLIENT = size("BENCH_REQUESTS", 250, 20)
WORKERS = 2
#: Lookup phases, each between two bare phases.
ROUNDS = size("BENCH_ROUNDS", 3, 1)
RATIO_GOAL, P99_GOAL_MS = 0.6, 50
HOST = "127.0.0.1"
PER_DAY = 2_000


# --- seeding ---------------------------------------------------------------------------------
def _code(n: int, start: datetime) -> str:
    day = start + timedelta(days=n // PER_DAY)
    return f"TSHT-{day:%y%m%d}-{n % PER_DAY + 1:04d}"


def _phone(n: int) -> str:
    return f"09{n * 7919 % 100_000_000:08d}"


def seed(count: int) -> datetime:
    """COPY ``count`` dossiers straight into the table; returns the first day used."""
    from django.db import connection

    from cases.catalogue_import import catalogue_import, catalogue_load
    from cases.models import Dossier, Procedure

    catalogue_import(data=catalogue_load())
    procedures = list(Procedure.objects.filter(is_current=True).values_list("pk", flat=True))
    start = datetime(2024, 1, 1)
    statuses = ["returned"] * 8 + ["in_progress", "received"]
    columns, fixed = [], {}
    for field in Dossier._meta.concrete_fields:
        if field.primary_key or field.null:
            continue
        columns.append(field.column)
        kind = field.get_internal_type()
        if kind == "JSONField":
            fixed[field.column] = json.dumps(field.get_default())
        elif kind == "BooleanField":
            fixed[field.column] = "t" if field.get_default() else "f"
        else:
            fixed[field.column] = "0" if kind.endswith("IntegerField") else ""
    varying = ["code", "procedure_id", "status", "channel", "applicant_name",
               "applicant_id_number", "applicant_phone", "applicant_address", "created_at"]
    columns += ["received_at", "due_at", "returned_at"]

    def row(n: int) -> str:
        created = start + timedelta(days=n // PER_DAY, minutes=n % 480)
        status = statuses[n % len(statuses)]
        values = dict(fixed)
        values.update(
            code=_code(n, start), procedure_id=str(procedures[n % len(procedures)]), status=status,
            channel="online", applicant_name="Nguyễn Văn An",
            applicant_id_number=f"042{n:09d}", applicant_phone=_phone(n),
            applicant_address="Phường Thành Sen, Hà Tĩnh", created_at=f"{created.isoformat()}+07",
        )
        due = f"{(created + timedelta(days=5)).isoformat()}+07"
        extra = [f"{created.isoformat()}+07", due, due if status == "returned" else r"\N"]
        return "\t".join([values[c] for c in columns[:-3]] + extra) + "\n"

    assert set(varying) <= set(columns)
    with connection.cursor() as cursor:
        copy_sql = f"COPY cases_dossier ({', '.join(columns)}) FROM STDIN"
        with cursor.copy(copy_sql) as copy:
            batch = []
            for n in range(count):
                batch.append(row(n))
                if len(batch) == 20_000:
                    copy.write("".join(batch))
                    batch = []
            copy.write("".join(batch))
        cursor.execute("ANALYZE cases_dossier")
    return start


# --- the server --------------------------------------------------------------------------------
SITE = '''
from thanhsen.settings import *  # noqa: F401,F403
ROOT_URLCONF = "_bench_lookup_urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
# The bench speaks plain http to gunicorn, as the TLS proxy in front does in production.
SECURE_SSL_REDIRECT = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
'''
URLS = '''
from django.http import HttpResponse
from django.urls import path
from thanhsen.urls import urlpatterns as site


def bare(request):
    return HttpResponse("ok")


urlpatterns = [path("bare/", bare), *site]
'''


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_redis() -> tuple[subprocess.Popen, str]:
    port = _free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, port), timeout=0.2).close()
            return redis, f"redis://{HOST}:{port}/0"
        except OSError:
            time.sleep(0.05)
    redis.terminate()
    raise RuntimeError("redis-server did not start")


@contextlib.contextmanager
def site_modules():
    """A folder holding the bench's settings and URL modules (the site plus ``/bare/``),
    removed afterwards; put it on the import path of whatever serves the site."""
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench_lookup_{os.getpid()}"
    folder.mkdir(exist_ok=True)
    (folder / "_bench_lookup_settings.py").write_text(SITE)
    (folder / "_bench_lookup_urls.py").write_text(URLS)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def start_server(folder: Path, redis_url: str, workers: int = WORKERS) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "_bench_lookup_settings",
           "PYTHONPATH": f"{folder}:{ROOT}", "DEBUG": "0", "SECRET_KEY": "bench-lookup-only",
           "REDIS_URL": redis_url}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "thanhsen.wsgi", "-b", f"{HOST}:{port}", "-w", str(workers),
         "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/bare/")
            if conn.getresponse().status == 200:
                return server, port
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=15)


# --- the clients ------------------------------------------------------------------------------
def _csrf(port: int) -> tuple[str, str]:
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    conn.request("GET", "/tra-cuu/")
    response = conn.getresponse()
    response.read()
    cookie = response.getheader("Set-Cookie", "")
    token = re.search(r"csrftoken=([^;]+)", cookie).group(1)
    return token, f"csrftoken={token}"


def cpu_seconds() -> dict[str, float]:
    """CPU time used so far by the server's workers, PostgreSQL and this client (Linux /proc).

    Throughput on a shared machine moves with the neighbours' load; the CPU each request
    costs each process moves much less, and says where a request's time goes.
    """
    tick = os.sysconf("SC_CLK_TCK")
    used = {"workers": 0.0, "postgres": 0.0, "client": 0.0}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds = (int(fields[11]) + int(fields[12])) / tick
        if int(pid) == os.getpid():
            used["client"] += seconds
        elif b"thanhsen.wsgi" in command:
            used["workers"] += seconds
        elif command[0].startswith(b"postgres"):
            used["postgres"] += seconds
    return used


def run(port: int, make_request, label: str) -> dict:
    """Every client sends REQUESTS_PER_CLIENT requests as fast as answers come."""
    latencies: list[float] = []
    errors = []
    lock = threading.Lock()
    barrier = threading.Barrier(CLIENTS + 1)

    def client(index: int):
        rng = random.Random(index)
        # Built before the clock starts: picking a dossier and encoding the form is the load
        # generator's work, not the server's, and it ran on the same two cores.
        requests = [make_request(rng) for _ in range(REQUESTS_PER_CLIENT)]
        mine = []
        barrier.wait()
        for method, path, body, headers, expect in requests:
            began = time.perf_counter()
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
            mine.append(time.perf_counter() - began)
            conn.close()
            if response.status != 200 or expect not in content:
                errors.append(response.status)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    cpu_before = cpu_seconds()
    barrier.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    cpu_after = cpu_seconds()
    latencies.sort()
    return {
        "label": label, "rps": len(latencies) / elapsed, "latencies": latencies,
        "cpu_ms": {name: (cpu_after[name] - cpu_before[name]) * 1000 / len(latencies)
                   for name in cpu_before},
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000, "errors": len(errors),
    }


def main() -> None:
    print(f"Seeding {DOSSIERS:,} dossiers with COPY …", flush=True)
    with throwaway_database("thanhsen_bench_lookup"), contextlib.ExitStack() as stack:
        began = time.perf_counter()
        start = seed(DOSSIERS)
        print(f"  seeded in {time.perf_counter() - began:.1f} s", flush=True)
        from django.db import connections

        connections.close_all()
        folder = stack.enter_context(site_modules())
        redis, redis_url = start_redis()
        server, port = start_server(folder, redis_url)
        try:
            token, cookie = _csrf(port)
            lookup_headers = {"Content-Type": "application/x-www-form-urlencoded",
                              "Cookie": cookie, "X-CSRFToken": token, "HX-Request": "true"}

            def lookup(rng):
                n = rng.randrange(DOSSIERS)
                body = urlencode({"code": _code(n, start), "factor": _phone(n)[-4:]})
                return "POST", "/tra-cuu/", body, lookup_headers, b"status-card"

            def bare(rng):
                return "GET", "/bare/", None, {}, b"ok"

            # Both endpoints once before measuring: a worker's first cache call imports
            # the Redis client and its first lookup prepares the statement.
            run(port, bare, "warm-up")
            run(port, lookup, "warm-up")
            # Short phases, alternated: bare, lookup, bare, lookup, … bare. Each lookup phase is
            # compared with the bare phases on either side of it, so a neighbour's load that
            # comes and goes on a shared machine touches both sides of a ratio alike.
            bares = [run(port, bare, "bare Django view")]
            lookups = []
            for _ in range(ROUNDS):
                lookups.append(run(port, lookup, "status lookup"))
                bares.append(run(port, bare, "bare Django view"))
        finally:
            stop_server(server)
            redis.terminate()
            redis.wait(timeout=10)
    print(f"{CLIENTS} clients × {REQUESTS_PER_CLIENT} requests per phase, gunicorn {WORKERS} workers, "
          f"{DOSSIERS:,} dossiers")
    print(f"{'':24} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6}   "
          "CPU ms per request: workers, PostgreSQL, client")
    for r in [phase for pair in zip(bares, lookups, strict=False) for phase in pair] + bares[-1:]:
        cpu = r["cpu_ms"]
        print(f"{r['label']:24} {r['rps']:7.0f} {r['p50']:7.1f} {r['p99']:7.1f} {r['errors']:6d}   "
              f"{cpu['workers']:.2f}, {cpu['postgres']:.2f}, {cpu['client']:.2f}")
    ratios = [lookups[i]["rps"] / ((bares[i]["rps"] + bares[i + 1]["rps"]) / 2) for i in range(ROUNDS)]
    latencies = sorted(latency for r in lookups for latency in r["latencies"])
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    bare_cpu = statistics.median(sum(r["cpu_ms"].values()) for r in bares)
    lookup_cpu = statistics.median(sum(r["cpu_ms"].values()) for r in lookups)
    print(f"CPU per request, all three: bare {bare_cpu:.2f} ms, lookup {lookup_cpu:.2f} ms "
          f"(bare / lookup {bare_cpu / lookup_cpu:.2f}×)")
    print("lookup / bare throughput per round: " + ", ".join(f"{ratio:.2f}×" for ratio in ratios))
    ratio = statistics.median(ratios)
    print(f"lookup / bare throughput: {ratio:.2f}× median of {ROUNDS} rounds "
          f"(goal ≥ {RATIO_GOAL}×); lookup p50 {p50:.1f} ms, p99 {p99:.1f} ms over all rounds "
          f"(goal ≤ {P99_GOAL_MS} ms)")
    name = f"status lookup, {DOSSIERS:,} dossiers, {CLIENTS} clients"
    errors = sum(r["errors"] for r in lookups)
    emit(f"{name}: throughput", goal=f"≥ {RATIO_GOAL} × a bare view",
         measured=f"{statistics.median(r['rps'] for r in lookups):.0f} req/s, median of {ROUNDS}"
                  + (f", {errors} errors" if errors else ""),
         ratio=ratio, met=ratio >= RATIO_GOAL and not errors)
    emit(f"{name}: latency", goal=f"p99 ≤ {P99_GOAL_MS} ms", measured=f"p50 {p50:.0f} ms, p99 {p99:.0f} ms",
         met=p99 <= P99_GOAL_MS)


if __name__ == "__main__":
    main()
