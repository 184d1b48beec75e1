"""The staff workspace on PostgreSQL (issue #3).

1. Mẫu 01 receipt PDF (with its QR code) against a bare WeasyPrint page of the same size, in the
   same run (goal ≤ 1.5×), and against the same text as one paragraph (see ``bare_pages``).
2. The busiest queue page of the center director with 100,000 dossiers (seeded with bulk
   inserts, not services): server time and query count, against the same page with 1,000.

Runs in its own throwaway database, dropped afterwards. Prints figures, asserts nothing.
"""

from __future__ import annotations

import random
import re
import statistics
import time
from datetime import timedelta

from _pg import throwaway_database
from _results import emit, size

ROUNDS = size("BENCH_ROUNDS", 15, 2)
TOTAL = size("BENCH_DOSSIERS", 100_000, 3_000)
BATCH = 5_000


def median_ms(fn, rounds=ROUNDS) -> float:
    fn()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


class Timer:
    """Wall and CPU medians of a callable; the first run (imports, font loading) is dropped."""

    def __init__(self, fn):
        self.fn, self.walls, self.cpus = fn, [], []

    def run(self):
        wall, cpu = time.perf_counter(), time.process_time()
        self.fn()
        self.walls.append((time.perf_counter() - wall) * 1000)
        self.cpus.append((time.process_time() - cpu) * 1000)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls[1:])

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus[1:])


def bare_pages(dossier) -> tuple[str, str]:
    """The two bare WeasyPrint pages the receipt is measured against.

    The goal's baseline, "a bare WeasyPrint page of similar size", is the receipt's own markup
    (the same heading, paragraphs, table and columns) laid out by WeasyPrint with its defaults:
    no forms stylesheet, no QR code, none of the app's queries or template. So the ratio is
    what the receipt adds to WeasyPrint's own work on a page of that size. The same text as
    one paragraph in one face is printed beside it: the least WeasyPrint can do with the
    text, which no form with a table and signature columns can approach.
    """
    from django.template.loader import render_to_string

    from intake.documents.render import FORMS, unit_context

    markup = render_to_string("documents/mau_01.html", {
        **unit_context(), "dossier": dossier, "form": FORMS["mau-01"], "qr": "", "entry": 1,
    })
    markup = re.sub(r'<div class="qr-box">.*?</div>', "", markup, flags=re.S)
    page = "<style>@page { size: A5 } body { font-family: 'Noto Serif' }</style>"
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<(title|style)>.*?</\1>", "", markup, flags=re.S)))
    return (markup.replace("</head>", page + "</head>"),
            f"<html><head>{page}</head><body><p>{words}</p></body></html>")


def seed_dossiers(count: int, *, procedures, departments, handlers, counter, start_index: int):
    """Dossiers in every state, spread over a year, written with bulk inserts."""
    from django.utils import timezone

    from cases.models import Dossier, Status
    from cases.search import fold

    rng = random.Random(start_index)
    now = timezone.now()
    states = [s.value for s in Status]
    weights = [3, 4, 1, 10, 2, 2, 3, 3, 70, 2]
    batch = []
    for i in range(start_index, start_index + count):
        procedure = rng.choice(procedures)
        state = rng.choices(states, weights)[0]
        created = now - timedelta(days=rng.uniform(0, 365))
        received = created + timedelta(minutes=20) if state not in ("submitted", "not_accepted") else None
        due = received + timedelta(days=rng.randint(0, 20)) if received else None
        name = f"Nguyễn Văn Thử {i}"
        batch.append(Dossier(
            code=f"BENCH-{created:%y%m%d}-{i:07d}", procedure=procedure, status=state,
            channel=rng.choice(["online", "direct", "postal"]), applicant_name=name,
            applicant_name_search=fold(name), applicant_id_number=f"{i:012d}",
            applicant_phone=f"09{i % 100_000_000:08d}", applicant_address="Thành Sen",
            created_at=created, received_at=received, received_by=counter if received else None,
            initial_due_at=due, due_at=due, quality_due_at=due,
            department=rng.choice(departments) if received else None,
            handler=rng.choice(handlers) if state not in ("submitted", "received", "not_accepted") else None,
        ))
        if len(batch) == BATCH:
            Dossier.objects.bulk_create(batch)
            batch = []
    if batch:
        Dossier.objects.bulk_create(batch)


def queue_figures(client, director):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases import selectors

    counts = selectors.dossier_queue_counts(director)
    busiest = max(counts, key=lambda c: c.count)
    url = f"/lam-viec/?hang={busiest.queue.key}"

    def get():
        response = client.get(url, secure=True)  # production settings redirect to HTTPS
        assert response.status_code == 200, (response.status_code, response.get("Location"))

    with CaptureQueriesContext(connection) as queries:
        get()
    count = len(queries.captured_queries)
    slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
    return busiest, median_ms(get, rounds=7), count, float(slowest["time"]) * 1000


def main():
    with throwaway_database("thanhsen_bench_workspace"):
        from django.core import signals
        from django.core.management import call_command
        from django.db import close_old_connections, connection
        from django.test import Client
        from django.utils import timezone

        from cases import actions
        from cases.models import Authorisation, Department, Procedure
        from intake.documents.render import dossier_form_pdf, html_to_pdf
        from thanhsen.models import User
        from thanhsen.roles import Role

        call_command("load_catalogue", verbosity=0)
        center = Department.objects.get(kind="center")
        counter = User.objects.create(username="tiepnhan", role=Role.COUNTER_OFFICER, department=center)
        director = User.objects.create(username="giamdoc", role=Role.CENTER_DIRECTOR, department=center)
        leader = User.objects.create(username="chutich", role=Role.WARD_LEADER)
        procedures = list(Procedure.objects.filter(is_current=True).exclude(competent_authority="agency"))
        departments = list({p.department for p in procedures})
        handlers = [User.objects.create(username=f"xuly{i}", role=Role.HANDLING_OFFICER, department=d)
                    for i, d in enumerate(departments)]
        Authorisation.objects.create(
            authoriser=leader, authorised=director, document_number="1/QĐ-UBND",
            procedure_codes=[p.code for p in procedures if p.center_may_decide],
            valid_from=timezone.localdate() - timedelta(days=30),
            valid_until=timezone.localdate() + timedelta(days=30),
        )

        # 1. Receipt PDF vs bare WeasyPrint pages.
        procedure = Procedure.objects.get(code="1.013831.000.00.00.H27")
        dossier = actions.dossier_create(
            procedure_code=procedure.code, channel="direct", actor=counter, receive=True,
            applicant=actions.Applicant(name="Nguyễn Thị Bích Ngọc", id_number="042190000001",
                                         phone="0912345678", address="Số 12, đường Trần Phú, phường Thành Sen"),
            documents=[actions.SubmittedDocument(name=d.name, copy_type=d.copy_type)
                       for d in procedure.documents.all()],
        )
        same_size, one_paragraph = bare_pages(dossier)
        # Interleaved, so all see the same load on a shared machine; CPU time beside wall time.
        receipt = Timer(lambda: dossier_form_pdf(dossier, "mau-01", base_url="https://motcua.example.vn/"))
        bare = Timer(lambda: html_to_pdf(same_size))
        floor = Timer(lambda: html_to_pdf(one_paragraph))
        for _ in range(ROUNDS + 1):
            receipt.run()
            bare.run()
            floor.run()
        print(f"Mẫu 01 receipt PDF:        {receipt.wall:7.1f} ms wall, {receipt.cpu:6.1f} ms CPU (median of {ROUNDS})")
        print(f"bare WeasyPrint, same page: {bare.wall:6.1f} ms wall, {bare.cpu:6.1f} ms CPU "
              "(the receipt's markup, WeasyPrint's defaults, no QR code)")
        print(f"ratio receipt / bare:      {receipt.wall / bare.wall:7.2f}× wall, {receipt.cpu / bare.cpu:.2f}× CPU  (goal ≤ 1.5×)")
        print(f"one paragraph, same text:  {floor.wall:7.1f} ms wall, {floor.cpu:6.1f} ms CPU "
              "(WeasyPrint's floor for this text)")
        print(f"ratio receipt / paragraph: {receipt.wall / floor.wall:7.2f}× wall, {receipt.cpu / floor.cpu:.2f}× CPU")
        emit("Mẫu 01 receipt PDF against a bare WeasyPrint page of its markup", goal="≤ 1.5 ×",
             measured=f"{receipt.cpu:.0f} ms CPU vs {bare.cpu:.0f} ms (CPU ratio)",
             ratio=receipt.cpu / bare.cpu, met=receipt.cpu / bare.cpu <= 1.5)

        # 2. The busiest queue page with 1,000 then 100,000 dossiers.
        # As Django's test runner does: keep one connection across requests, so the queries
        # of a request can be counted on it.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        client = Client()
        client.force_login(director)
        seed_dossiers(1_000, procedures=procedures, departments=departments, handlers=handlers,
                      counter=counter, start_index=0)
        small_queue, small_ms, small_queries, small_slowest = queue_figures(client, director)
        start = time.perf_counter()
        seed_dossiers(TOTAL - 1_000, procedures=procedures, departments=departments,
                      handlers=handlers, counter=counter, start_index=1_000)
        seeded = time.perf_counter() - start
        with connection.cursor() as cursor:
            # What autovacuum does in production (the bench server may run without it): fresh
            # statistics, and a visibility map that lets the queue counts read indexes alone.
            cursor.execute("VACUUM ANALYZE")
        queue, big_ms, big_queries, big_slowest = queue_figures(client, director)
        print(f"seeded {TOTAL:,} dossiers with bulk inserts in {seeded:.1f} s")
        print(f"queue page, 1,000 dossiers:   {small_ms:7.1f} ms, {small_queries} queries, slowest "
              f"{small_slowest:.1f} ms (busiest: {small_queue.queue.key}, {small_queue.count:,})")
        print(f"queue page, 100,000 dossiers: {big_ms:7.1f} ms, {big_queries} queries, slowest "
              f"{big_slowest:.1f} ms (busiest: {queue.queue.key}, {queue.count:,})")
        print(f"ratio 100k / 1k:              {big_ms / small_ms:7.2f}×")
        emit(f"busiest queue page, {TOTAL:,} dossiers", goal="—",
             measured=f"{big_ms:.0f} ms, {big_queries} queries (1,000 dossiers: {small_ms:.0f} ms)")


if __name__ == "__main__":
    main()
