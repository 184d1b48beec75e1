"""Benchmark: the portal sync's three goals, with 2 worker processes and the simulated portal.

1. Throughput: BENCH_MESSAGES (10,000) changes at BENCH_LATENCY (50 ms): total time against
   the floor (latency × messages ÷ concurrent slots), goal ≤ 1.5 ×; with the lag p50/p95
   (change written → portal accepted), the workers' CPU per message.
2. Steady load: BENCH_STEADY_RATE (20) changes a second for BENCH_STEADY_SECONDS, each written
   in its own transaction as the services' recorder writes it and published on commit: sync
   lag p95, goal ≤ 10 s.
3. Catch-up: the portal down (the simulator's outage) while BENCH_CATCHUP messages queue (the
   issue's one-hour outage is 72,000; the default here is smaller, say which in the report),
   then up: time to drain, in order per dossier, 0 lost, 0 duplicated, worker peak RSS
   (goal ≤ 200 MB).

Each goal ends in one ``emit`` row (``bench/_results.py``) for the table
runner. Uses its own PostgreSQL database, its own Redis (a spare port) and its own
`run_simulators` process; removes them all when it ends.

For (1) and (3) one dossier is walked from receipt to return through the services (its
messages are real ones, checked against the contract), then cloned so that the outbox holds
the messages in dossiers of BENCH_PER_DOSSIER, as the services leave them; timing starts when
the streams are published.
"""

from __future__ import annotations

import itertools
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
DB_NAME = os.environ.get("BENCH_DB_NAME", "thanhsen_bench_portal")
STEADY_RATE = float(os.environ.get("BENCH_STEADY_RATE", 20))
STEADY_SECONDS = float(size("BENCH_STEADY_SECONDS", 60, 5))
CATCHUP = size("BENCH_CATCHUP", 20000, 200)
SCENARIOS = os.environ.get("BENCH_SCENARIOS", "throughput,steady,catchup").split(",")


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
        # run_simulators is a development tool: installed only with DEVTOOLS (or DEBUG).
        "DEVTOOLS": "1",
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

    from cases import actions
    from linkage.framework.models import OutboundMessage
    from linkage.portal import mapping

    papers = [
        actions.SubmittedDocument(name=doc.name, copy_type=doc.copy_type, quantity=doc.quantity,
                                   required_document_id=doc.pk)
        for doc in procedure.documents.filter(mandatory=True)
    ]
    dossier = actions.dossier_create(
        procedure_code=procedure.code, channel="direct", actor=counter, receive=True,
        documents=papers,
        applicant=actions.Applicant(name="Nguyễn Văn An", id_number="042090001234",
                                     phone="0912345678", address="Phường Thành Sen"),
    )
    dossier = actions.dossier_assign(dossier=dossier, actor=counter, handler=handler)
    dossier = actions.dossier_submit_for_approval(dossier=dossier, actor=handler)
    dossier = actions.dossier_approve(dossier=dossier, actor=signer)
    dossier = actions.dossier_return_result(dossier=dossier, actor=counter)
    bodies = [(m.kind, m.body) for m in
              OutboundMessage.objects.filter(stream__dossier=dossier).order_by("sequence")]
    while len(bodies) < PER_DOSSIER:
        bodies.append(mapping.snapshot(dossier, actor=counter, at=timezone.now(),
                                       note="Đồng bộ lại (bench)"))
    return bodies[:PER_DOSSIER]


def _stats(portal_url: str) -> dict:
    with urllib.request.urlopen(portal_url + "/_stats") as response:
        return json.loads(response.read())


def _configure(portal_url: str, **config) -> None:
    request = urllib.request.Request(
        portal_url + "/_config", data=json.dumps(config).encode(), method="POST",
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request).close()


def _lags(stream_ids: list[int]) -> tuple[float, float]:
    """p50 and p95 of written → accepted, in seconds, over these streams' messages."""
    from django.db import connection

    from linkage.framework.models import OutboundMessage

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM sent_at - "
            "created_at)), percentile_cont(0.95) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM "
            f"sent_at - created_at)) FROM {OutboundMessage._meta.db_table}"
            " WHERE sent_at IS NOT NULL AND stream_id = ANY(%s)",
            [stream_ids],
        )
        return cursor.fetchone()


def _clone_queue(base, bodies: list, count: int, prefix: str) -> list:
    """``count`` messages in cloned dossiers of PER_DOSSIER, queued as the services leave them."""
    from django.utils import timezone

    from cases.models import Dossier
    from linkage.framework.models import OutboundMessage, SyncStream
    from linkage.portal import SYSTEM

    now = timezone.now()
    clones = []
    for index in range(count // PER_DOSSIER):
        clones.append(Dossier(**{
            **{f.attname: getattr(base, f.attname) for f in Dossier._meta.concrete_fields},
            "id": None, "code": f"{prefix}-{index:06d}",
        }))
    dossiers = Dossier.objects.bulk_create(clones, batch_size=500)
    streams = SyncStream.objects.bulk_create(
        [SyncStream(system=SYSTEM, dossier=d, last_sequence=PER_DOSSIER, next_attempt_at=now)
         for d in dossiers],
        batch_size=1000,
    )
    for chunk in itertools.batched(streams, 500):
        OutboundMessage.objects.bulk_create(
            [OutboundMessage(stream=s, sequence=n, kind=kind, body=body, created_at=now)
             for s in chunk for n, (kind, body) in enumerate(bodies, start=1)],
            batch_size=2000,
        )
    return streams


def _drain(streams: list, *, limit: float) -> float:
    """Publish the streams (as the sweep would once they are due) and wait until all is sent."""
    from linkage.framework import outbound
    from linkage.framework.models import MessageState, OutboundMessage

    ids = [s.pk for s in streams]
    started = time.monotonic()
    outbound.streams_publish(ids)
    pending = OutboundMessage.objects.filter(stream_id__in=ids, state=MessageState.PENDING)
    while pending.exists():
        if time.monotonic() - started > limit:
            raise SystemExit(f"bench: messages not sent in {limit:.0f} s")
        time.sleep(0.5)
    return time.monotonic() - started


def throughput(ctx) -> None:
    from django.utils import timezone

    from linkage.framework.models import OutboundMessage

    streams = _clone_queue(ctx.base, ctx.bodies, MESSAGES, "BENCH")
    ids = [s.pk for s in streams]
    total = OutboundMessage.objects.filter(stream_id__in=ids).count()
    before = _stats(ctx.portal_url)
    # Timing starts now: the lag is measured from here (the messages were all "written" now).
    OutboundMessage.objects.filter(stream_id__in=ids).update(created_at=timezone.now())
    cpu_before = sum(cpu_seconds(w.pid) for w in ctx.workers)
    wall = _drain(streams, limit=3600)
    cpu_ms = (sum(cpu_seconds(w.pid) for w in ctx.workers) - cpu_before) / total * 1000
    p50, p95 = _lags(ids)
    stats = _stats(ctx.portal_url)
    floor = total * LATENCY / ctx.slots
    print(f"[throughput] messages {total} in {len(streams)} dossiers of {PER_DOSSIER}")
    print(f"[throughput] simulator latency {LATENCY * 1000:.0f} ms; {WORKERS} worker processes "
          f"× {THREADS} threads = {ctx.slots} slots")
    print(f"[throughput] total {wall:.2f} s; floor (latency × messages ÷ slots) {floor:.2f} s; "
          f"ratio {wall / floor:.2f} × floor (goal ≤ 1.5)")
    print(f"[throughput] lag (written → accepted) p50 {p50:.1f} s, p95 {p95:.1f} s "
          "(a backlog drained at once)")
    print(f"[throughput] worker CPU per message {cpu_ms:.1f} ms (claim, contract check, call, "
          "record)")
    print(f"[throughput] simulator: accepted {stats['accepted'] - before['accepted']}, "
          f"duplicates {stats['duplicates']}, out of order {stats['out_of_order']}")
    wrong = stats["duplicates"] + stats["out_of_order"]
    emit(f"portal sync: {total:,} messages through the simulator, {LATENCY * 1000:.0f} ms, "
         f"{ctx.slots} slots", goal="≤ 1.5 × the floor, none duplicated or out of order",
         measured=f"{wall:.0f} s vs floor {floor:.0f} s; {cpu_ms:.1f} ms CPU per message; "
                  f"{stats['duplicates']} duplicates, {stats['out_of_order']} out of order",
         ratio=wall / floor, met=wall / floor <= 1.5 and not wrong)


def steady(ctx) -> None:
    """Changes written one by one at a steady rate, each published on its commit."""
    from django.db import transaction
    from django.utils import timezone

    from cases.models import Dossier
    from linkage.framework import outbound
    from linkage.framework.models import MessageState, OutboundMessage, SyncStream
    from linkage.portal import SYSTEM

    dossiers = Dossier.objects.bulk_create([
        Dossier(**{**{f.attname: getattr(ctx.base, f.attname)
                      for f in Dossier._meta.concrete_fields},
                   "id": None, "code": f"STEADY-{index:05d}"})
        for index in range(50)
    ])
    kind, body = ctx.bodies[1]
    opening = ctx.bodies[0]
    count = int(STEADY_RATE * STEADY_SECONDS)
    started = time.monotonic()
    late = 0.0
    for number in range(count):
        due = started + number / STEADY_RATE
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        else:
            late = max(late, -pause)
        dossier = dossiers[number % len(dossiers)]
        with transaction.atomic():
            outbound.message_append(
                system=SYSTEM, dossier_id=dossier.pk, kind=kind, body=body,
                at=timezone.now(), event_id=None, opening=lambda: opening,
            )
    written = time.monotonic() - started
    streams = list(SyncStream.objects.filter(dossier__in=dossiers).values_list("pk", flat=True))
    pending = OutboundMessage.objects.filter(stream_id__in=streams, state=MessageState.PENDING)
    while pending.exists():
        if time.monotonic() - started > STEADY_SECONDS + 600:
            raise SystemExit("bench: steady messages not sent 10 minutes after the last")
        time.sleep(0.5)
    p50, p95 = _lags(streams)
    total = OutboundMessage.objects.filter(stream_id__in=streams).count()
    print(f"[steady] {count} changes at {STEADY_RATE:.0f}/s over {written:.1f} s "
          f"({total} messages with the creations; the writer fell behind by at most "
          f"{late:.2f} s)")
    print(f"[steady] lag (written → accepted) p50 {p50:.2f} s, p95 {p95:.2f} s (goal ≤ 10 s)")
    emit(f"portal sync: steady {STEADY_RATE:.0f} changes/s for {STEADY_SECONDS:.0f} s",
         goal="lag p95 ≤ 10 s", measured=f"p95 {p95:.2f} s, p50 {p50:.2f} s",
         ratio=p95 / 10, met=p95 <= 10)


def catchup(ctx) -> None:
    from linkage.framework.models import MessageState, OutboundMessage

    _configure(ctx.portal_url, outage=True)
    streams = _clone_queue(ctx.base, ctx.bodies, CATCHUP, "CATCHUP")
    ids = [s.pk for s in streams]
    total = OutboundMessage.objects.filter(stream_id__in=ids).count()
    before = _stats(ctx.portal_url)
    _configure(ctx.portal_url, outage=False)
    wall = _drain(streams, limit=4 * 3600)
    stats = _stats(ctx.portal_url)
    accepted = stats["accepted"] - before["accepted"]
    lost = total - OutboundMessage.objects.filter(
        stream_id__in=ids, state__in=(MessageState.SENT, MessageState.ACKNOWLEDGED)
    ).count()
    rss = max(peak_rss_mb(w.pid) for w in ctx.workers)
    print(f"[catch-up] {total} messages queued during the outage, drained in {wall:.1f} s "
          f"({total / wall:.0f} messages/s)")
    print(f"[catch-up] accepted {accepted}, lost {lost}, duplicates {stats['duplicates']}, "
          f"out of order {stats['out_of_order']}; worker peak RSS {rss:.0f} MB (goal ≤ 200 MB)")
    wrong = stats["out_of_order"] + lost + stats["duplicates"]
    emit(f"portal sync: catch-up of {total:,} messages queued in an outage",
         goal="in order, 0 lost, 0 duplicated; worker RSS ≤ 200 MB",
         measured=f"{wall:.0f} s; {stats['out_of_order']} out of order, {lost} lost, "
                  f"{stats['duplicates']} duplicated; RSS {rss:.0f} MB",
         ratio=rss / 200, met=not wrong and rss <= 200)


class _Context:
    pass


def run(env: dict, processes: list, portal_url: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thanhsen.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from cases.catalogue_import import catalogue_import, catalogue_load
    from cases.models import Department, Dossier, Procedure
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
    ctx = _Context()
    ctx.bodies = _template_bodies(counter, handler, signer, procedure)
    settings.PORTAL_BASE_URL = portal_url
    ctx.base = Dossier.objects.get()
    ctx.portal_url = portal_url
    ctx.slots = WORKERS * THREADS
    ctx.workers = []
    for index in range(WORKERS):
        ctx.workers.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "thanhsen", "worker", "-P", "threads",
             "-c", str(THREADS), "-l", "warning", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-n", f"bench-portal-{index}@%h"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))
    processes.extend(ctx.workers)
    from thanhsen.celery import app

    deadline = time.monotonic() + 60
    while len(app.control.ping(timeout=0.5) or []) < WORKERS and time.monotonic() < deadline:
        time.sleep(0.2)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    for name in SCENARIOS:
        {"throughput": throughput, "steady": steady, "catchup": catchup}[name.strip()](ctx)
    print(f"machine after: load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
