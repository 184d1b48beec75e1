"""Refreshing the daily rollup from the dossier table, in SQL, for a range of days.

A day's row holds what happened that day (received, resolved by classification, stopped,
refused at intake) and the snapshot of dossiers still open at its end. Each dossier joins the
calendar days from its receipt to its result, so the work is proportional to dossier-days, not
to days × dossiers. Everything here is recomputable: a refresh deletes the days it rewrites.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from cases.calendar import working_calendar
from cases.models import Dossier, DossierEvent
from cases.periods import local_midnight
from reports.models import DailyRollup, ReportDay, RollupState

#: Events are numbered when inserted but may commit out of order; look this far back.
EVENT_ID_MARGIN = 1000

_T = {
    "dossier": Dossier._meta.db_table,
    "event": DossierEvent._meta.db_table,
    "procedure": "cases_procedure",
    "document": "cases_dossierdocument",
    "pause": "cases_dossierpause",
    "certification": "cases_copycertification",
    "day": ReportDay._meta.db_table,
    "rollup": DailyRollup._meta.db_table,
}

_COLUMNS = (
    "day, procedure_id, department_id, handler_id, channel, received, resolved_early, "
    "resolved_on_time, resolved_overdue, resolved_working_days, stopped, not_accepted, "
    "open_end, open_overdue_end, digitised, reused"
)


def _day_before(expr: str) -> str:
    if connection.vendor == "postgresql":
        return f"({expr} - interval '1 day')"
    return f"datetime({expr}, '-1 day')"


def _dossier_days_sql() -> str:
    t = _T
    resolved_today = "x.resolved_at >= d.start_at AND x.resolved_at < d.end_at"
    open_at_end = (
        "(x.resolved_at IS NULL OR x.resolved_at >= d.end_at) "
        "AND (x.stopped_at IS NULL OR x.stopped_at >= d.end_at)"
    )
    received_today = "x.received_at >= d.start_at"
    # ``cases.selectors.waiting_at`` at the day's last instant (``Period.snapshot_moment``):
    # started before the day's end and not ended before it. A dossier waiting on someone else
    # then is within its deadline (NULLs spelt out: NOT over a NULL would drop the row).
    # ``reports.cells._e_result_missing``: resolved, a result document is due, none electronic.
    # ``reused`` is ``cases.quality_flags.reused_component``.
    e_result_missing = (
        "(x.resolved_at IS NOT NULL AND p.has_result_document AND x.result_file = '' "
        f"AND NOT EXISTS (SELECT 1 FROM {t['certification']} c WHERE c.dossier_id = x.id "
        "AND c.certified_pdf <> ''))"
    )
    waiting_at_end = (
        "((x.supplement_requested_at IS NOT NULL AND x.supplement_requested_at < d.end_at "
        "AND (x.supplemented_at IS NULL OR x.supplemented_at >= d.end_at)) "
        f"OR EXISTS (SELECT 1 FROM {t['pause']} w WHERE w.dossier_id = x.id "
        "AND w.started_at < d.end_at AND (w.ended_at IS NULL OR w.ended_at >= d.end_at)))"
    )
    return f"""
    INSERT INTO {t['rollup']} ({_COLUMNS})
    SELECT d.day, x.procedure_id, COALESCE(x.department_id, p.department_id), x.handler_id,
           x.channel,
      SUM(CASE WHEN {received_today} THEN 1 ELSE 0 END),
      SUM(CASE WHEN {resolved_today} AND x.result_classification = 'early' THEN 1 ELSE 0 END),
      SUM(CASE WHEN {resolved_today} AND x.result_classification = 'on_time' THEN 1 ELSE 0 END),
      SUM(CASE WHEN {resolved_today} AND x.result_classification = 'overdue' THEN 1 ELSE 0 END),
      SUM(CASE WHEN {resolved_today} THEN (
            SELECT COUNT(*) FROM {t['day']} w
            WHERE w.is_working_day AND w.start_at > x.received_at AND w.start_at <= x.resolved_at
          ) ELSE 0 END),
      SUM(CASE WHEN x.stopped_at >= d.start_at AND x.stopped_at < d.end_at THEN 1 ELSE 0 END),
      0,
      SUM(CASE WHEN {open_at_end} THEN 1 ELSE 0 END),
      SUM(CASE WHEN {open_at_end} AND x.due_at < d.start_at AND NOT {waiting_at_end}
          THEN 1 ELSE 0 END),
      SUM(CASE WHEN {received_today} AND EXISTS (
            SELECT 1 FROM {t['document']} doc WHERE doc.dossier_id = x.id
            AND (doc.file <> '' OR doc.copy_type = 'electronic'))
          AND NOT {e_result_missing} THEN 1 ELSE 0 END),
      SUM(CASE WHEN {received_today} AND EXISTS (
            SELECT 1 FROM {t['document']} doc WHERE doc.dossier_id = x.id
            AND (doc.reused OR doc.certified_copy_id IS NOT NULL))
          THEN 1 ELSE 0 END)
    FROM {t['dossier']} x
    JOIN {t['procedure']} p ON p.id = x.procedure_id
    JOIN {t['day']} d
      ON d.end_at > x.received_at
     AND d.start_at > {_day_before('x.received_at')}
     AND (x.resolved_at IS NULL OR x.resolved_at >= d.start_at)
     AND (x.stopped_at IS NULL OR x.stopped_at >= d.start_at)
    WHERE x.received_at IS NOT NULL AND d.day >= %(first)s AND d.day <= %(last)s
      AND x.received_at < %(range_end)s
      AND (x.resolved_at IS NULL OR x.resolved_at >= %(range_start)s)
      AND (x.stopped_at IS NULL OR x.stopped_at >= %(range_start)s)
    GROUP BY d.day, x.procedure_id, COALESCE(x.department_id, p.department_id), x.handler_id,
             x.channel
    """


def _refusals_sql() -> str:
    t = _T
    return f"""
    INSERT INTO {t['rollup']} ({_COLUMNS})
    SELECT d.day, x.procedure_id, COALESCE(x.department_id, p.department_id), x.handler_id,
           x.channel, 0, 0, 0, 0, 0, 0, COUNT(DISTINCT x.id), 0, 0, 0, 0
    FROM {t['event']} e
    JOIN {t['dossier']} x ON x.id = e.dossier_id
    JOIN {t['procedure']} p ON p.id = x.procedure_id
    JOIN {t['day']} d ON e.at >= d.start_at AND e.at < d.end_at
    WHERE e.action = 'refuse_intake' AND x.status = 'not_accepted'
      AND d.day >= %(first)s AND d.day <= %(last)s
    GROUP BY d.day, x.procedure_id, COALESCE(x.department_id, p.department_id), x.handler_id,
             x.channel
    """


def ensure_days(first: date, last: date) -> None:
    """Calendar rows for every day in [first, last], with the ward's working days."""
    existing = set(
        ReportDay.objects.filter(day__gte=first, day__lte=last).values_list("day", flat=True)
    )
    cal = working_calendar()
    missing = []
    day = first
    while day <= last:
        if day not in existing:
            missing.append(ReportDay(
                day=day, start_at=local_midnight(day),
                end_at=local_midnight(day + timedelta(days=1)),
                is_working_day=cal.is_working_day(day),
            ))
        day += timedelta(days=1)
    ReportDay.objects.bulk_create(missing, batch_size=1000)


def rebuild_days(first: date, last: date) -> None:
    """Rewrite the rollup for [first, last]; call inside a transaction.

    Besides the days, the statement is given the range's bounds as constants: a dossier counts
    on a day of the range only if it was received before the range ends and neither resolved
    nor stopped before it starts. The join says as much day by day, but only constants let
    PostgreSQL find those dossiers by the ``resolved_at`` index; without them, rewriting today
    read every dossier ever received (8 s at 10,000,000).
    """
    DailyRollup.objects.filter(day__gte=first, day__lte=last).delete()
    adapt = connection.ops.adapt_datetimefield_value
    params = {
        "first": first, "last": last,
        "range_start": adapt(local_midnight(first)),
        "range_end": adapt(local_midnight(last + timedelta(days=1))),
    }
    with connection.cursor() as cursor:
        cursor.execute(_dossier_days_sql(), params)
        cursor.execute(_refusals_sql(), {"first": first, "last": last})


def _first_dossier_day() -> date | None:
    first = Dossier.objects.aggregate(first=Min("created_at"))["first"]
    return timezone.localdate(first) if first else None


def refresh(*, full: bool = False, today: date | None = None) -> tuple[date, date] | None:
    """Bring the rollup up to date; returns the days rewritten (None when there is no data).

    Incremental by default: only days from the earliest creation day among dossiers touched
    by events since the last refresh (and from the last refresh's day, since an open
    dossier's overdue status changes with the date) are rewritten.
    """
    today = today or timezone.localdate()
    first_day = _first_dossier_day()
    if first_day is None:
        return None
    with transaction.atomic():
        state, _created = RollupState.objects.select_for_update().get_or_create(pk=1)
        max_event = DossierEvent.objects.aggregate(m=Max("id"))["m"] or 0
        if full or state.refreshed_at is None or state.first_day is None \
                or first_day < state.first_day:
            start = first_day
        else:
            changed = Dossier.objects.filter(
                events__id__gt=max(state.last_event_id - EVENT_ID_MARGIN, 0)
            ).aggregate(first=Min("created_at"))["first"]
            start = min(timezone.localdate(state.refreshed_at), today)
            if changed is not None:
                start = min(start, timezone.localdate(changed))
        last = max(today, start)
        ensure_days(first_day, last)
        rebuild_days(start, last)
        state.last_event_id = max_event
        state.refreshed_at = timezone.now()
        state.first_day = first_day
        state.save()
    return start, last


def refreshed_at():
    state = RollupState.objects.filter(pk=1).first()
    return state.refreshed_at if state else None
