"""Reports at scale: the leadership dashboard vs a raw SQL aggregate over the dossier table.

Creates a throwaway PostgreSQL database, seeds N dossiers with ``seed_history --dossiers``
(bulk COPY), builds the daily rollup, then times, in the same run:
  - the dashboard endpoint (Biểu 06 by field, department and officer, the 766 indicators,
    trends, at-risk list) for the last 12 months (the dashboard's one-year quick link), as a
    ward leader sees it;
  - a raw SQL aggregate computing the same Biểu 06 totals straight from ``cases_dossier``.
The dashboard is timed warm (its figures cached for the current refresh, as leaders see it
between refreshes), after a refresh (the first request after each run of the beat task
``rollup_refresh``, which computes the quick periods' figures itself: what a leader meets),
and uncached (cache cleared before each request: what the task pays per period, and what a
leader pays for a period of their own the first time after a refresh).
Prints p50/p95 and their ratio, seeding, rollup and task times, and the process's peak memory.
The database is dropped at the end. Nothing is asserted.

    python bench/bench_reports.py                 # 1,000,000 dossiers
    BENCH_REPORTS_DOSSIERS=200000 python bench/bench_reports.py
    BENCH_REPORTS_10M=1 python bench/bench_reports.py   # 10,000,000 (takes long)
    BENCH_REPORTS_DOSSIERS=3000 BENCH_REPORTS_COPIES=3 python bench/bench_reports.py  # a quick look

10,000,000 is the seeded 1,000,000 and nine copies made on the database side (codes suffixed
``/1`` … ``/9``, same dates, procedures, channels, people and outcomes; their fee payments copied
too), because seeding row by row runs at about 1,500 dossiers/s. The copies have no events,
documents or certifications: the dashboard reads the dossiers, the rollup and the payments, and
the rollup is rebuilt in full from the dossiers after copying.

PostgreSQL comes from BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres,
used only to create and drop the throwaway database).
"""

import os
import resource
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ADMIN_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DB_NAME = f"thanhsen_bench_reports_{os.getpid()}"
TEN_MILLION = os.environ.get("BENCH_REPORTS_10M") == "1"
COPIES = int(os.environ.get("BENCH_REPORTS_COPIES", "10" if TEN_MILLION else "1"))
SEEDED = 1_000_000 if TEN_MILLION else int(os.environ.get("BENCH_REPORTS_DOSSIERS", "1000000"))
N = SEEDED * COPIES
REQUESTS = int(os.environ.get("BENCH_REPORTS_REQUESTS", "30"))


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]
    return statistics.median(ordered), p95


RAW_SQL = """
SELECT
  COUNT(*) FILTER (WHERE received_at >= %(s)s AND channel = 'online'),
  COUNT(*) FILTER (WHERE received_at >= %(s)s AND channel <> 'online'),
  COUNT(*) FILTER (WHERE received_at < %(s)s),
  COUNT(*) FILTER (WHERE resolved_at >= %(s)s AND resolved_at < %(e)s
                   AND result_classification = 'early'),
  COUNT(*) FILTER (WHERE resolved_at >= %(s)s AND resolved_at < %(e)s
                   AND result_classification = 'on_time'),
  COUNT(*) FILTER (WHERE resolved_at >= %(s)s AND resolved_at < %(e)s
                   AND result_classification = 'overdue'),
  COUNT(*) FILTER (WHERE (resolved_at IS NULL OR resolved_at >= %(e)s)
                   AND (stopped_at IS NULL OR stopped_at >= %(e)s)),
  COUNT(*) FILTER (WHERE (resolved_at IS NULL OR resolved_at >= %(e)s)
                   AND (stopped_at IS NULL OR stopped_at >= %(e)s) AND due_at < %(t)s),
  COUNT(*) FILTER (WHERE stopped_at >= %(s)s AND stopped_at < %(e)s)
FROM cases_dossier
WHERE received_at < %(e)s
  AND (resolved_at IS NULL OR resolved_at >= %(s)s)
  AND (stopped_at IS NULL OR stopped_at >= %(s)s)
"""


def replicate(copies: int) -> None:
    """Copy every dossier (and its fee payments) ``copies - 1`` times in SQL; see the docstring.

    The copies take ids above the seeded ones (id + k × max id), so payments follow their
    dossier by arithmetic. Secondary indexes are dropped for the copy and built again after,
    and triggers (foreign-key checks) are off for it: the rows are copies of checked rows.
    """
    from django.db import connection

    from cases.models import Dossier
    from intake.models import Payment

    def columns(model, **replace):
        names = [f.column for f in model._meta.concrete_fields if replace.get(f.column) != ""]
        return ", ".join(names), ", ".join(replace.get(n, n) for n in names)

    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM cases_dossier")
        top = cursor.fetchone()[0]
        cursor.execute("""
            SELECT indexname, indexdef FROM pg_indexes
             WHERE tablename IN ('cases_dossier', 'intake_payment')
               AND indexname NOT IN (SELECT conname FROM pg_constraint)""")
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")
        target, source = columns(Dossier, id=f"id + k * {top}", code="code || '/' || k")
        cursor.execute(f"INSERT INTO cases_dossier ({target}) SELECT {source} "
                       f"FROM cases_dossier, generate_series(1, {copies - 1}) AS k WHERE id <= {top}")
        target, source = columns(
            Payment, id="", dossier_id=f"dossier_id + k * {top}",
            reference="reference || '/' || k", event_id="NULL",
            provider_transaction="CASE WHEN provider_transaction = '' THEN '' "
                                 "ELSE provider_transaction || '/' || k END")
        cursor.execute(f"INSERT INTO intake_payment ({target}) SELECT {source} "
                       f"FROM intake_payment, generate_series(1, {copies - 1}) AS k")
        cursor.execute("SET session_replication_role = DEFAULT")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SELECT setval(pg_get_serial_sequence('cases_dossier', 'id'), "
                       "(SELECT max(id) FROM cases_dossier))")


def main() -> None:
    parsed = urlparse(ADMIN_URL)
    os.environ["DATABASE_URL"] = urlunparse(parsed._replace(path=f"/{DB_NAME}"))
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thanhsen.settings")
    # DEBUG off as in production; seed_history is a development tool (the devtools app).
    os.environ.setdefault("SECRET_KEY", "bench-reports-only")
    os.environ.setdefault("DEVTOOLS", "1")
    admin(f'CREATE DATABASE "{DB_NAME}"')
    try:
        run()
    finally:
        from django.db import connections

        connections.close_all()
        admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def run() -> None:
    import django

    django.setup()
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from reports import rollups
    from reports.dashboard import quick_periods
    from reports.selectors import report_table
    from reports.tasks import rollup_refresh
    from thanhsen.models import User
    from thanhsen.roles import Role

    call_command("migrate", verbosity=0)
    call_command("load_catalogue", stdout=StringIO())
    print(f"Seeding {SEEDED:,} dossiers (COPY) into {DB_NAME} …", flush=True)
    t0 = time.perf_counter()
    call_command("seed_history", "--dossiers", str(SEEDED), "--days", "365", "--no-rollup")
    seed_s = time.perf_counter() - t0
    copy_s = 0.0
    if COPIES > 1:
        print(f"seeded in {seed_s:.0f} s; copying to {N:,} …", flush=True)
        t0 = time.perf_counter()
        replicate(COPIES)
        copy_s = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded in {seed_s:.0f} s; building the rollup …", flush=True)
    t0 = time.perf_counter()
    rollups.refresh(full=True)
    rollup_s = time.perf_counter() - t0
    print(f"rollup built in {rollup_s:.0f} s; timing …", flush=True)
    t0 = time.perf_counter()
    rollups.refresh()
    incremental_s = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT COUNT(*) FROM reports_dailyrollup")
        rollup_rows = cursor.fetchone()[0]

    period = quick_periods(timezone.localdate())[-1][1]  # "12 tháng qua"
    leader = User.objects.create(username="bench-leader", role=Role.WARD_LEADER)
    client = Client()
    client.force_login(leader)
    url = f"/bao-cao/?tu={period.first.isoformat()}&den={period.last.isoformat()}"

    def dashboard() -> float:
        t = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - t
        if response.status_code != 200:
            raise SystemExit(f"dashboard answered {response.status_code}")
        return elapsed

    params = {"s": period.start_at, "e": period.end_at, "t": period.overdue_threshold()}

    def raw() -> tuple[float, tuple]:
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(RAW_SQL, params)
            row = cursor.fetchone()
        return time.perf_counter() - t, row

    from django.core.cache import cache

    def uncached() -> float:
        cache.clear()
        return dashboard()

    def after_refresh() -> tuple[float, float]:
        t = time.perf_counter()
        rollup_refresh()  # what beat runs every REPORTS_ROLLUP_SECONDS
        task = time.perf_counter() - t
        return dashboard(), task

    for _ in range(3):
        dashboard()
        raw()
    colds = [uncached() for _ in range(max(5, REQUESTS // 3))]
    refreshes = [after_refresh() for _ in range(max(5, REQUESTS // 6))]
    firsts = [first for first, _task in refreshes]
    tasks = [task for _first, task in refreshes]
    dash = [dashboard() for _ in range(REQUESTS)]
    raws = []
    for _ in range(max(5, REQUESTS // 3)):
        elapsed, row = raw()
        raws.append(elapsed)
    total = report_table(period=period).total
    ours = (total["received_online"], total["received_other"], total["carried_over"],
            total["resolved_early"], total["resolved_on_time"], total["resolved_overdue"],
            total["in_progress"], total["in_progress_overdue"], total["stopped"])

    d50, d95 = percentiles(dash)
    c50, c95 = percentiles(colds)
    f50, f95 = percentiles(firsts)
    r50, r95 = percentiles(raws)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n== reports at {N:,} dossiers, one-year period {period.label}")
    print(f"seed (COPY)            {seed_s:8.1f} s   ({SEEDED / seed_s:,.0f} dossiers/s)")
    if COPIES > 1:
        print(f"copies in SQL          {copy_s:8.1f} s   ({COPIES - 1} copies of each dossier)")
    print(f"rollup full rebuild    {rollup_s:8.1f} s   ({rollup_rows:,} rollup rows)")
    print(f"rollup incremental     {incremental_s:8.2f} s   (no change since the rebuild)")
    print(f"dashboard endpoint     p50 {d50 * 1000:8.1f} ms   p95 {d95 * 1000:8.1f} ms   "
          f"(n={len(dash)})")
    print(f"dashboard, 1st after   p50 {f50 * 1000:8.1f} ms   p95 {f95 * 1000:8.1f} ms   "
          f"(n={len(firsts)}; first request after each rollup_refresh task)")
    print(f"dashboard, uncached    p50 {c50 * 1000:8.1f} ms   p95 {c95 * 1000:8.1f} ms   "
          f"(n={len(colds)}; cache cleared: a period the task did not compute)")
    print(f"rollup_refresh task    p50 {statistics.median(tasks):8.2f} s    "
          f"(incremental refresh + the {len(quick_periods(period.last))} quick periods' figures)")
    print(f"raw SQL aggregate      p50 {r50 * 1000:8.1f} ms   p95 {r95 * 1000:8.1f} ms   "
          f"(n={len(raws)})")
    print(f"ratio dashboard/raw    p50 {d50 / r50:8.3f}      p95 {d95 / r95:8.3f}")
    print(f"ratio 1st after/raw    p50 {f50 / r50:8.3f}      p95 {f95 / r95:8.3f}")
    print(f"ratio uncached/raw     p50 {c50 / r50:8.3f}      p95 {c95 / r95:8.3f}")
    print(f"same Biểu 06 totals    {'yes' if ours == tuple(row) else f'NO {ours} vs {row}'}")
    print(f"peak memory (RSS)      {peak_mb:8.0f} MB")


if __name__ == "__main__":
    main()
