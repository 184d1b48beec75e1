"""Benchmark: 1,000 birth bundles through the agency simulator with 2 worker processes.

Prints total time against the floor (simulator latency × agency calls ÷ concurrent slots),
the overhead per step, and each worker's peak RSS. Uses its own PostgreSQL database, its own
Redis (a spare port) and its own simulator process; removes them all when it ends.

Only the linkage pipeline is timed: one bundle is filed and approved through the services,
then cloned to 1,000 with its steps ready and outbox rows written, as the approval hook
leaves them; timing starts when the outbox is published.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _results import emit, size  # noqa: E402  (bench/ is this script's folder)

BUNDLES = size("BENCH_BUNDLES", 1000, 50)
LATENCY = float(os.environ.get("BENCH_LATENCY", 0.05))
WORKERS = 2
THREADS = int(os.environ.get("BENCH_THREADS", 2))
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "thanhsen_bench_linkage"
#: Total time ÷ the floor (issue #17).
GOAL = 1.3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {port}")


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(SERVER + "/postgres", autocommit=True) as conn:
        conn.execute(sql)


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used: the overhead measure that load does not inflate."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    processes: list[subprocess.Popen] = []
    redis_port, sim_port = free_port(), free_port()
    admin(f"DROP DATABASE IF EXISTS {DB_NAME}")
    admin(f"CREATE DATABASE {DB_NAME}")
    env = {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{DB_NAME}",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "AGENCY_BASE_URL": f"http://127.0.0.1:{sim_port}/agencies",
        "LOG_LEVEL": "WARNING",
        # As in production: with DEBUG on, Django keeps every query of a worker in memory.
        "DEBUG": "0",
        "SECRET_KEY": "bench-linkage-only",
        # The agency simulator is a development tool (the devtools app).
        "DEVTOOLS": "1",
    }
    os.environ.update(env)
    try:
        processes.append(
            subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(redis_port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=subprocess.DEVNULL,
            )
        )
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "run_simulators",
                    "--port",
                    str(sim_port),
                    "--agency-latency",
                    str(LATENCY),
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
            )
        )
        wait_port(redis_port)
        wait_port(sim_port)
        run(env, processes)
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


def run(env: dict, processes: list) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thanhsen.settings")
    django.setup()
    from django.core.management import call_command
    from django.db.models import Max, Min
    from django.utils import timezone

    from cases import actions as case_actions
    from cases.catalogue_import import catalogue_import, catalogue_load
    from cases.models import Department, Dossier, DossierEvent, Procedure
    from intake.models import DeliveryStatus, Notification
    from linkage import outbox
    from linkage.bundles import bundle_submit
    from linkage.kinds import bundle_kinds_import
    from linkage.models import Bundle, BundleState, BundleStep, Outbox, StepState
    from linkage.selectors import bundle_kind_in_force
    from thanhsen.models import User
    from thanhsen.roles import Role

    call_command("migrate", verbosity=0)
    catalogue_import(data=catalogue_load())
    bundle_kinds_import()
    civil = Department.objects.get(code="VHXH")
    counter = User.objects.create(username="b-counter", role=Role.COUNTER_OFFICER)
    handler = User.objects.create(
        username="b-handler", role=Role.HANDLING_OFFICER, department=civil
    )

    # One bundle through the real services, up to the signature (not signed: no steps sent).
    # It is received, so it carries the root procedure's papers (receipt refuses without them).
    root = bundle_kind_in_force("birth", on=timezone.localdate()).root_procedure_code
    papers = Procedure.objects.get(code=root, is_current=True).documents.all()
    template = bundle_submit(
        kind_code="birth",
        actor=counter,
        channel="direct",
        receive=True,
        documents=[
            case_actions.SubmittedDocument(name=d.name, copy_type=d.copy_type) for d in papers
        ],
        applicant=case_actions.Applicant(
            name="Nguyễn Văn An",
            id_number="042090001234",
            phone="0912345678",
            address="Phường Thành Sen",
        ),
    )
    dossier = case_actions.dossier_assign(dossier=template.dossier, actor=counter, handler=handler)
    dossier = case_actions.dossier_submit_for_approval(dossier=dossier, actor=handler)

    now = timezone.now()
    base = Dossier.objects.get(pk=dossier.pk)
    clones = []
    for index in range(BUNDLES):
        base.pk = None
        base.code = f"BENCH-{index:06d}"
        clones.append(
            Dossier(**{f.attname: getattr(base, f.attname) for f in Dossier._meta.concrete_fields})
        )
    dossiers = Dossier.objects.bulk_create(clones, batch_size=500)
    bundles = Bundle.objects.bulk_create(
        [
            Bundle(
                dossier=d,
                kind=template.kind,
                state=BundleState.IN_PROGRESS,
                time_limit=3,
                due_at=template.due_at,
                created_at=now,
            )
            for d in dossiers
        ],
        batch_size=500,
    )
    model_steps = list(BundleStep.objects.filter(bundle=template).order_by("position"))
    steps = []
    for bundle in bundles:
        for model in model_steps:
            dependent = not model.is_root
            steps.append(
                BundleStep(
                    bundle=bundle,
                    position=model.position,
                    procedure_id=model.procedure_id,
                    agency_id=model.agency_id,
                    is_root=model.is_root,
                    time_limit=model.time_limit,
                    state=StepState.READY if dependent else StepState.DONE,
                    idempotency_key=uuid.uuid4(),
                    ready_at=now,
                    next_attempt_at=now if dependent else None,
                    completed_at=None if dependent else now,
                )
            )
    BundleStep.objects.bulk_create(steps, batch_size=1000)
    dependent = BundleStep.objects.filter(bundle__in=bundles, is_root=False)
    calls = dependent.count()
    rows = Outbox.objects.bulk_create(
        [Outbox(step_id=pk, created_at=now) for pk in dependent.values_list("pk", flat=True)],
        batch_size=1000,
    )

    workers = []
    for index in range(WORKERS):
        workers.append(
            subprocess.Popen(
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
                    str(THREADS),
                    "-l",
                    "warning",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "-n",
                    f"bench-{index}@%h",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    processes.extend(workers)
    from thanhsen.celery import app

    deadline = time.monotonic() + 60
    while len(app.control.ping(timeout=0.5) or []) < WORKERS and time.monotonic() < deadline:
        time.sleep(0.2)

    cpu_before = sum(cpu_seconds(w.pid) for w in workers)
    started = time.monotonic()
    outbox.publish([row.pk for row in rows])
    published = time.monotonic() - started
    while dependent.filter(state=StepState.DONE).count() < calls:
        if time.monotonic() - started > 600:
            raise SystemExit("bench: steps did not finish in 10 minutes")
        time.sleep(0.2)
    wall = time.monotonic() - started
    span = dependent.aggregate(first=Min("sent_at"), last=Max("completed_at"))
    cpu_ms = (sum(cpu_seconds(w.pid) for w in workers) - cpu_before) / calls * 1000
    slots = WORKERS * THREADS
    floor = calls * LATENCY / slots
    overhead_ms = (wall * slots - calls * LATENCY) / calls * 1000
    complete = Bundle.objects.filter(
        pk__in=[b.pk for b in bundles], state=BundleState.COMPLETED
    ).count()
    # The steps' reactions run after them (the resident's messages): the run is over when the
    # last of those is sent too. Each step and completion event gets an SMS (no e-mail given).
    told = DossierEvent.objects.filter(
        dossier__in=dossiers, action__in=("bundle_step_done", "bundle_complete")
    ).count()
    sent = Notification.objects.filter(dossier__in=dossiers, status=DeliveryStatus.SENT)
    while sent.count() < told:
        if time.monotonic() - started > 900:
            raise SystemExit("bench: messages were not all sent in 15 minutes")
        time.sleep(0.2)
    drained = time.monotonic() - started
    drained_cpu_ms = (sum(cpu_seconds(w.pid) for w in workers) - cpu_before) / calls * 1000
    rss = [peak_rss_mb(w.pid) for w in workers]

    print(f"bundles {BUNDLES} (birth: 2 agency steps each, in parallel), agency calls {calls}")
    print(
        f"simulator latency {LATENCY * 1000:.0f} ms; "
        f"{WORKERS} worker processes × {THREADS} threads "
        f"= {slots} slots"
    )
    print(f"publish of the outbox: {published:.2f} s")
    print(
        f"total {wall:.2f} s; floor (latency × calls ÷ slots) {floor:.2f} s; "
        f"ratio {wall / floor:.2f} × floor (goal ≤ {GOAL})"
    )
    print(
        f"overhead per step {overhead_ms:.1f} ms (= {overhead_ms / (LATENCY * 1000):.2f} × latency)"
    )
    worker_span = (span["last"] - span["first"]).total_seconds()
    print(
        f"workers' span (first reply → last step done) {worker_span:.2f} s = "
        f"{worker_span / floor:.2f} × floor"
    )
    print(f"worker CPU per step {cpu_ms:.1f} ms (claim, call, record, event, hooks)")
    print(
        f"bundles completed {complete}/{BUNDLES}; machine: {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"every resident message sent ({told}) after {drained:.2f} s; "
          f"worker CPU per step with them {drained_cpu_ms:.1f} ms")
    print("worker peak RSS " + ", ".join(f"{r:.0f} MB" for r in rss))
    name = f"agency bundles: {BUNDLES:,} through the simulator, {LATENCY * 1000:.0f} ms, {slots} slots"
    emit(name, goal=f"≤ {GOAL} × the floor", measured=f"{wall:.1f} s vs floor {floor:.1f} s",
         ratio=wall / floor, met=wall / floor <= GOAL)
    emit("agency bundles: worker CPU per step", goal="—",
         measured=f"{cpu_ms:.1f} ms; peak RSS {max(rss):.0f} MB")
    emit("agency bundles: until every resident message is sent", goal="—",
         measured=f"{drained:.1f} s ({drained / floor:.2f} × the floor); "
                  f"worker CPU {drained_cpu_ms:.1f} ms per step with the messages")


if __name__ == "__main__":
    main()
