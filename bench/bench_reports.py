"""Reports at scale: the leadership dashboard vs a raw SQL aggregate over the dossier table.

Creates a throwaway PostgreSQL database and measures at each size in turn (by default
1,000,000 then 10,000,000 dossiers: the history grows by ``seed_history --dossiers``, generated
on the database side by as many sessions as there are cores, over the same year). At each
size it builds the daily and monthly rollups, then times, in the same run:
  - the dashboard endpoint (Biểu 06 by field, department and officer, the 766 indicators,
    trends, at-risk list) for the last 12 months (the dashboard's one-year quick link), as a
    ward leader sees it;
  - the dashboard for a period of the leader's own (from the 3rd of the month eleven months
    back to yesterday: no quick link, so the refresh task never computed it), with the
    cache cleared before each request: every figure read from the rollups;
  - a raw SQL aggregate computing the same Biểu 06 totals straight from ``cases_dossier``.
The dashboard is also timed warm (its figures cached for the current refresh), after a refresh
(the first request after each run of the beat task ``rollup_refresh``) and uncached for the
quick period. Prints p50/p95 and their ratio to the raw aggregate (goal for the leader's own
period: ≤ 0.25 ×, at every size), seeding (goal: 10,000,000 in ≤ 10 minutes), rollup and task
times, and the process's peak memory. The database is dropped at the end. Nothing is asserted.

    python bench/bench_reports.py                 # 1,000,000, then 10,000,000 (about 30 min)
    BENCH_REPORTS_SIZES=200000 python bench/bench_reports.py
    BENCH_REPORTS_SIZES=1000000,10000000 BENCH_REPORTS_REQUESTS=15 python bench/bench_reports.py

PostgreSQL comes from BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres,
used only to create and drop the throwaway database).
"""

import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _results import emit, quick  # noqa: E402  (bench/ is this script's folder)

ADMIN_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DB_NAME = f"thanhsen_bench_reports_{os.getpid()}"
SIZES = [int(n) for n in os.environ.get("BENCH_REPORTS_SIZES", "").split(",") if n] or (
    [20_000] if quick() else [1_000_000, 10_000_000])
REQUESTS = int(os.environ.get("BENCH_REPORTS_REQUESTS", "30"))
SEED_GOAL_DOSSIERS, SEED_GOAL_SECONDS = 10_000_000, 600


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


def main() -> None:
    """Each size in its own process and database: Django reads the database once, at setup."""
    one = os.environ.get("BENCH_REPORTS_ONE")
    if not one:
        for n in SIZES:
            subprocess.run([sys.executable, __file__], check=True,
                           env={**os.environ, "BENCH_REPORTS_ONE": str(n)})
        return
    parsed = urlparse(ADMIN_URL)
    os.environ["DATABASE_URL"] = urlunparse(parsed._replace(path=f"/{DB_NAME}"))
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thanhsen.settings")
    # DEBUG off as in production; seed_history is a development tool (the devtools app).
    os.environ.setdefault("SECRET_KEY", "bench-reports-only")
    os.environ.setdefault("DEVTOOLS", "1")
    admin(f'CREATE DATABASE "{DB_NAME}"')
    try:
        run(int(one))
    finally:
        from django.db import connections

        connections.close_all()
        admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def run(count: int) -> None:
    import django

    django.setup()
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from cases.periods import Period
    from reports import rollups
    from reports.dashboard import quick_periods
    from reports.selectors import report_table
    from reports.tasks import rollup_refresh
    from thanhsen.models import User
    from thanhsen.roles import Role

    call_command("migrate", verbosity=0)
    call_command("load_catalogue", stdout=StringIO())
    print(f"Seeding {count:,} dossiers (generated by PostgreSQL) into {DB_NAME} …", flush=True)
    t0 = time.perf_counter()
    call_command("seed_history", "--dossiers", str(count), "--days", "365", "--no-rollup")
    seed_s = time.perf_counter() - t0
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
    today = timezone.localdate()
    own = Period(quick_periods(today)[-1][1].first.replace(day=3), today - timedelta(days=1))

    def url_of(p) -> str:
        return f"/bao-cao/?tu={p.first.isoformat()}&den={p.last.isoformat()}"

    url = url_of(period)

    def dashboard(address: str = url) -> float:
        t = time.perf_counter()
        response = client.get(address, secure=True)  # production settings redirect to HTTPS
        elapsed = time.perf_counter() - t
        if response.status_code != 200:
            raise SystemExit(f"dashboard answered {response.status_code}")
        return elapsed

    def raw(p=period) -> tuple[float, tuple]:
        params = {"s": p.start_at, "e": p.end_at, "t": p.overdue_threshold()}
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(RAW_SQL, params)
            row = cursor.fetchone()
        return time.perf_counter() - t, row

    from django.core.cache import cache

    def uncached(address: str = url) -> float:
        cache.clear()
        return dashboard(address)

    def after_refresh() -> tuple[float, float]:
        t = time.perf_counter()
        rollup_refresh()  # what beat runs every REPORTS_ROLLUP_SECONDS
        task = time.perf_counter() - t
        return dashboard(), task

    for _ in range(3):
        dashboard()
        raw()
    colds = [uncached() for _ in range(max(5, REQUESTS // 3))]
    owns = [uncached(url_of(own)) for _ in range(max(5, REQUESTS // 3))]
    own_raws = [raw(own)[0] for _ in range(max(5, REQUESTS // 3))]
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
    o50, o95 = percentiles(owns)
    or50, or95 = percentiles(own_raws)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n== reports at {count:,} dossiers, one-year period {period.label}")
    print(f"seed (in PostgreSQL)   {seed_s:8.1f} s   ({count / seed_s:,.0f} dossiers/s)")
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
    print(f"own period {own.first:%d/%m/%Y}–{own.last:%d/%m/%Y}, uncached: p50 {o50 * 1000:8.1f} ms"
          f"   p95 {o95 * 1000:8.1f} ms   (n={len(owns)}; every figure from the rollups)")
    print(f"raw SQL, own period    p50 {or50 * 1000:8.1f} ms   p95 {or95 * 1000:8.1f} ms")
    print(f"ratio own period/raw   p50 {o50 / or50:8.3f}      p95 {o95 / or95:8.3f}"
          "   (goal ≤ 0.25)")
    print(f"same Biểu 06 totals    {'yes' if ours == tuple(row) else f'NO {ours} vs {row}'}")
    print(f"peak memory (RSS)      {peak_mb:8.0f} MB")
    same = ours == tuple(row)
    emit(f"dashboard, a leader's own period (never precomputed, cache cleared), {count:,} dossiers",
         goal="≤ 0.25 × the raw SQL aggregate, same Biểu 06 totals",
         measured=f"p50 {o50 * 1000:.0f} ms, p95 {o95 * 1000:.0f} ms vs raw p50 "
                  f"{or50 * 1000:.0f} ms" + ("" if same else "; totals DIFFER"),
         ratio=o50 / or50, met=o50 / or50 <= 0.25 and same)
    emit(f"dashboard, a precomputed period, {count:,} dossiers", goal="keep",
         measured=f"p50 {d50 * 1000:.0f} ms, p95 {d95 * 1000:.0f} ms", ratio=d50 / r50)
    at_goal = count >= SEED_GOAL_DOSSIERS
    emit(f"seed_history --dossiers {count:,} (generated by PostgreSQL, {os.cpu_count()} sessions)",
         goal="10,000,000 in ≤ 10 min" if at_goal else "—",
         measured=f"{seed_s:.0f} s ({count / seed_s:,.0f} dossiers/s); rollup built in "
                  f"{rollup_s:.0f} s",
         met=(seed_s <= SEED_GOAL_SECONDS) if at_goal else None)


if __name__ == "__main__":
    main()
