"""Benchmark: 10,000 dossier changes to the simulated national portal with 2 worker processes.

Prints total time against the floor (simulator latency × messages ÷ concurrent slots), the
lag p50/p95 (change written → portal accepted), the workers' CPU per message and peak RSS, and
what the simulator saw (accepted, duplicates, out of order). Uses its own PostgreSQL database,
its own Redis (a spare port) and its own `run_simulators` process; removes them all when it ends.

Only the delivery pipeline is timed: one dossier is walked from receipt to return through the
services (its messages are real ones, checked against the contract), then cloned so that the
outbox holds BENCH_MESSAGES messages in dossiers of BENCH_PER_DOSSIER, as the services leave
them; timing starts when the streams are published.

Not measured here (the issue's other two figures): the steady 20 changes/s lag and the catch-up
of 72,000 queued messages after a one-hour outage.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _results import emit, size  # noqa: E402

from bench.bench_linkage import admin, cpu_seconds, free_port, peak_rss_mb, wait_port  # noqa: E402

MESSAGES = size("BENCH_MESSAGES", 10000, 200)
PER_DOSSIER = int(os.environ.get("BENCH_PER_DOSSIER", 10))
LATENCY = float(os.environ.get("BENCH_LATENCY", 0.05))
WORKERS = 2
THREADS = int(os.environ.get("BENCH_THREADS", 2))
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "thanhsen_bench_portal"


def main() -> None:
    processes: list[subprocess.Popen] = []
    redis_port, sim_port = free_port(), free_port()
    admin(f"DROP DATABASE IF EXISTS {DB_NAME}")
    admin(f"CREATE DATABASE {DB_NAME}")
    portal_url = f"http://127.0.0.1:{sim_port}/portal"
    env = {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{DB_NAME}",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "PORTAL_BASE_URL": portal_url,
        "LOG_LEVEL": "WARNING",
        "DEBUG": "0",
        "SECRET_KEY": "bench-portal-only",
    }
    os.environ.update(env)
    try:
        processes.append(subprocess.Popen(
            ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        ))
        processes.append(subprocess.Popen(
            [sys.executable, "manage.py", "run_simulators", "--port", str(sim_port),
             "--portal-latency", str(LATENCY), "--portal-ack-delay", "0"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        ))
        wait_port(redis_port)
        wait_port(sim_port)
        run(env, processes, portal_url)
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        from django.db import connections

        connections.close_all()
        admin(f"DROP DATABASE IF EXISTS {DB_NAME}")


def _template_bodies(counter, handler, signer, procedure) -> list[tuple[str, dict]]:
    """The messages a real dossier writes from creation to return, padded to PER_DOSSIER."""
    from django.utils import timezone

    from cases import services
    from linkage.framework.models import OutboundMessage
    from linkage.portal import mapping

    dossier = services.dossier_create(
        procedure_code=procedure.code, channel="direct", actor=counter, receive=True,
        applicant=services.Applicant(name="Nguyễn Văn An", id_number="042090001234",
                                     phone="0912345678", address="Phường Thành Sen"),
    )
    dossier = services.dossier_assign(dossier=dossier, actor=counter, handler=handler)
    dossier = services.dossier_submit_for_approval(dossier=dossier, actor=handler)
    dossier = services.dossier_approve(dossier=dossier, actor=signer)
    dossier = services.dossier_return_result(dossier=dossier, actor=counter)
    bodies = [(m.kind, m.body) for m in
              OutboundMessage.objects.filter(stream__dossier=dossier).order_by("sequence")]
    while len(bodies) < PER_DOSSIER:
        bodies.append(mapping.snapshot(dossier, actor=counter, at=timezone.now(),
                                       note="Đồng bộ lại (bench)"))
    return bodies[:PER_DOSSIER]


def run(env: dict, processes: list, portal_url: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thanhsen.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from cases.catalogue_import import catalogue_import, catalogue_load
    from cases.models import Department, Dossier, Procedure
    from linkage.framework import outbound
    from linkage.framework.models import MessageState, OutboundMessage, SyncStream
    from linkage.portal import SYSTEM
    from thanhsen.models import User
    from thanhsen.roles import Role

    call_command("migrate", verbosity=0)
    catalogue_import(data=catalogue_load())
    procedure = Procedure.objects.filter(is_current=True, time_limit__gt=0,
                                         competent_authority="ward_leader").first()
    department = procedure.department or Department.objects.first()
    counter = User.objects.create(username="b-counter", role=Role.COUNTER_OFFICER)
    handler = User.objects.create(username="b-handler", role=Role.HANDLING_OFFICER,
                                  department=department)
    signer = User.objects.create(username="b-signer", role=Role.WARD_LEADER,
                                 department=department)
    # The template's own messages are written but not published (sync off while it is made).
    settings.PORTAL_BASE_URL = ""
    bodies = _template_bodies(counter, handler, signer, procedure)
    settings.PORTAL_BASE_URL = portal_url
    dossiers_needed = MESSAGES // PER_DOSSIER
    base = Dossier.objects.exclude(code__startswith="BENCH-").get()
    now = timezone.now()
    clones = []
    for index in range(dossiers_needed):
        base.pk = None
        base.code = f"BENCH-{index:06d}"
        clones.append(
            Dossier(**{f.attname: getattr(base, f.attname) for f in Dossier._meta.concrete_fields})
        )
    dossiers = Dossier.objects.bulk_create(clones, batch_size=500)
    streams = SyncStream.objects.bulk_create(
        [SyncStream(system=SYSTEM, dossier=d, last_sequence=PER_DOSSIER, next_attempt_at=now)
         for d in dossiers],
        batch_size=1000,
    )
    OutboundMessage.objects.bulk_create(
        [OutboundMessage(stream=s, sequence=n, kind=kind, body=body, created_at=now)
         for s in streams for n, (kind, body) in enumerate(bodies, start=1)],
        batch_size=2000,
    )
    messages = OutboundMessage.objects.filter(stream__in=streams)
    total = messages.count()

    workers = []
    for index in range(WORKERS):
        workers.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "thanhsen", "worker", "-P", "threads",
             "-c", str(THREADS), "-l", "warning", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-n", f"bench-portal-{index}@%h"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))
    processes.extend(workers)
    from thanhsen.celery import app

    deadline = time.monotonic() + 60
    while len(app.control.ping(timeout=0.5) or []) < WORKERS and time.monotonic() < deadline:
        time.sleep(0.2)

    # Timing starts now: the lag is measured from here (the messages were all "written" now).
    OutboundMessage.objects.filter(stream__in=streams).update(created_at=timezone.now())
    cpu_before = sum(cpu_seconds(w.pid) for w in workers)
    started = time.monotonic()
    published = outbound.streams_publish([s.pk for s in streams])
    while messages.filter(state=MessageState.PENDING).count():
        if time.monotonic() - started > 1200:
            raise SystemExit("bench: messages not sent in 20 minutes")
        time.sleep(0.5)
    wall = time.monotonic() - started
    rss = [peak_rss_mb(w.pid) for w in workers]
    cpu_ms = (sum(cpu_seconds(w.pid) for w in workers) - cpu_before) / total * 1000
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM sent_at - "
            "created_at)), percentile_cont(0.95) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM "
            f"sent_at - created_at)) FROM {OutboundMessage._meta.db_table}"
            " WHERE sent_at IS NOT NULL"
        )
        p50, p95 = cursor.fetchone()
    with urllib.request.urlopen(portal_url + "/_stats") as response:
        stats = json.loads(response.read())
    slots = WORKERS * THREADS
    floor = total * LATENCY / slots
    print(f"messages {total} in {len(streams)} dossiers of {PER_DOSSIER} (published {published})")
    print(f"simulator latency {LATENCY * 1000:.0f} ms; {WORKERS} worker processes × {THREADS} "
          f"threads = {slots} slots")
    print(f"total {wall:.2f} s; floor (latency × messages ÷ slots) {floor:.2f} s; "
          f"ratio {wall / floor:.2f} × floor (goal ≤ 1.5)")
    print(f"lag (written → accepted) p50 {p50:.1f} s, p95 {p95:.1f} s (a backlog drained at once)")
    print(f"worker CPU per message {cpu_ms:.1f} ms (claim, contract check, call, record)")
    print(f"simulator: accepted {stats['accepted']}, duplicates {stats['duplicates']}, "
          f"out of order {stats['out_of_order']}, refused {stats['rejected']}")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print("worker peak RSS " + ", ".join(f"{r:.0f} MB" for r in rss) + " (goal ≤ 200 MB)")
    wrong = stats["duplicates"] + stats["out_of_order"]
    emit(f"portal sync: {total:,} messages through the simulator, {LATENCY * 1000:.0f} ms, "
         f"{slots} slots", goal="≤ 1.5 × the floor, none duplicated or out of order",
         measured=f"{wall:.0f} s vs floor {floor:.0f} s; {cpu_ms:.1f} ms CPU per message; "
                  f"{stats['duplicates']} duplicates, {stats['out_of_order']} out of order",
         ratio=wall / floor, met=wall / floor <= 1.5 and not wrong)


if __name__ == "__main__":
    main()
