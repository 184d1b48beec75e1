"""Intake throughput on PostgreSQL: 16 concurrent clients creating and receiving dossiers
through the service layer, against plain ORM inserts of the same rows in the same run.

Clients run both as threads of one process and as separate processes. Celery tasks
queued on commit (notifications) go to a scratch Redis database when Redis answers, as in
production, and are purged afterwards.

Goal (issue #17): ≥ 0.5 × the baseline (separate processes, as server workers are). Prints
figures and result rows (``_results``), asserts nothing. The residents' messages are queued
on commit and written by a worker (none runs here): the request path is what is timed.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time

import redis

SCRATCH_REDIS = "redis://127.0.0.1:6379/14"
try:
    redis.Redis.from_url(SCRATCH_REDIS, socket_timeout=1).ping()
    os.environ["REDIS_URL"] = SCRATCH_REDIS
except redis.RedisError:
    pass

from _pg import throwaway_database  # noqa: E402  (sets Django up after the environment)
from _results import emit, size  # noqa: E402

CLIENTS = 16
PER_CLIENT = size("BENCH_PER_CLIENT", 40, 4)
GOAL = 0.5


#: CPU seconds this process used in the last threads run: what a dossier costs the web
#: worker, which load on a shared machine inflates much less than it does throughput.
last_cpu = {"seconds": 0.0}


def _run_threads(work) -> float:
    """CLIENTS threads in this process released together: the GIL caps Python work at one core."""
    from django.db import connection

    barrier = threading.Barrier(CLIENTS + 1)

    def client(index: int):
        barrier.wait()
        try:
            for i in range(PER_CLIENT):
                work(index, i)
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started, cpu = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.join()
    last_cpu["seconds"] = time.process_time() - cpu
    return time.perf_counter() - started


def _run_processes(work) -> float:
    """CLIENTS forked processes released together, as separate server workers would be."""
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    start = context.Barrier(CLIENTS + 1)

    def client(index: int):
        start.wait()
        for i in range(PER_CLIENT):
            work(index, i)
        connections.close_all()

    processes = [context.Process(target=client, args=(n,)) for n in range(CLIENTS)]
    for process in processes:
        process.start()
    start.wait()
    started = time.perf_counter()
    for process in processes:
        process.join()
    return time.perf_counter() - started


def main() -> None:
    with throwaway_database("thanhsen_bench_intake"):
        from django.db import transaction
        from django.utils import timezone

        from cases import actions
        from cases.catalogue_import import catalogue_import, catalogue_load
        from cases.models import Dossier, DossierDocument, DossierEvent, Procedure
        from thanhsen.models import User
        from thanhsen.roles import Role

        catalogue_import(data=catalogue_load())
        counter = User.objects.create(username="bench-counter", role=Role.COUNTER_OFFICER)
        procedure = Procedure.objects.get(code__startswith="1.000894", is_current=True)
        documents = list(procedure.documents.all())
        applicant = actions.Applicant(
            name="Nguyễn Văn An", id_number="042090001234", phone="0912345678",
            address="Phường Thành Sen, Hà Tĩnh",
        )

        def through_services(client: int, i: int) -> None:
            actions.dossier_create(
                procedure_code=procedure.code, applicant=applicant, channel="direct",
                actor=counter, receive=True,
                documents=[actions.SubmittedDocument(name=d.name, copy_type=d.copy_type)
                           for d in documents],
            )

        runs = iter(range(1, 100))
        run_tag = {"value": 0}

        def plain_orm(client: int, i: int) -> None:
            now = timezone.now()
            with transaction.atomic():
                dossier = Dossier.objects.create(
                    code=f"BASE{run_tag['value']}-{client:02d}-{i:06d}",
                    procedure=procedure, channel="direct",
                    applicant_name=applicant.name, applicant_id_number=applicant.id_number,
                    applicant_phone=applicant.phone, applicant_address=applicant.address,
                    received_at=now, received_by=counter, initial_due_at=now, due_at=now,
                    quality_due_at=now,
                )
                DossierDocument.objects.bulk_create(
                    DossierDocument(dossier=dossier, name=d.name, copy_type=d.copy_type)
                    for d in documents
                )
                DossierEvent.objects.create(dossier=dossier, actor=counter, action="create",
                                            to_status="submitted")
                DossierEvent.objects.create(dossier=dossier, actor=counter, action="receive",
                                            from_status="submitted", to_status="received")

        total = CLIENTS * PER_CLIENT
        print(f"intake: {CLIENTS} clients × {PER_CLIENT} dossiers on PostgreSQL, create + receive")
        for label, run in (("threads", _run_threads), ("processes", _run_processes)):
            run_tag["value"] = next(runs)
            run(plain_orm)  # warm-up: connections, caches, first-use imports
            run_tag["value"] = next(runs)
            baseline = run(plain_orm)
            baseline_cpu = last_cpu["seconds"]
            service = run(through_services)
            service_cpu = last_cpu["seconds"]
            base_rate, service_rate = total / baseline, total / service
            print(f"  as {label}:")
            print(f"    plain ORM inserts : {base_rate:8.1f} dossiers/s ({baseline:.2f} s)")
            print(f"    service layer     : {service_rate:8.1f} dossiers/s ({service:.2f} s)")
            ratio = service_rate / base_rate
            print(f"    ratio service/ORM : {ratio:8.2f}  (goal ≥ {GOAL})")
            if label == "threads":
                print(f"    CPU per dossier in this process: service {service_cpu / total * 1000:.1f} ms,"
                      f" plain ORM {baseline_cpu / total * 1000:.1f} ms")
                emit("intake: CPU per dossier in the web process (threads)", goal="—",
                     measured=f"{service_cpu / total * 1000:.1f} ms vs plain ORM "
                              f"{baseline_cpu / total * 1000:.1f} ms",
                     ratio=service_cpu / baseline_cpu)
            emit(f"intake through the services, {CLIENTS} clients as {label}",
                 goal=f"≥ {GOAL} × plain ORM inserts" if label == "processes" else "—",
                 measured=f"{service_rate:.0f} vs {base_rate:.0f} dossiers/s", ratio=ratio,
                 met=ratio >= GOAL if label == "processes" else None)
        assert Dossier.objects.filter(status="received").count() >= 2 * total
        if os.environ.get("REDIS_URL") == SCRATCH_REDIS:
            redis.Redis.from_url(SCRATCH_REDIS).flushdb()


if __name__ == "__main__":
    main()
