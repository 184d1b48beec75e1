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
from cases.models import CopyCertification, Dossier, DossierEvent, Procedure
from cases.periods import local_midnight
from cases.synthetic import SYNTHETIC_WITHDRAWAL_REASON
from intake.models import Complaint, OnlineSubmission, Payment, Rating
from reports.models import DailyRollup, MonthlyRollup, ReportDay, RollupState

#: Events are numbered when inserted but may commit out of order; look this far back.
EVENT_ID_MARGIN = 1000

_T = {
    "dossier": Dossier._meta.db_table,
    "event": DossierEvent._meta.db_table,
    "procedure": "cases_procedure",
    "document": "cases_dossierdocument",
    "pause": "cases_dossierpause",
    "certification": CopyCertification._meta.db_table,
    "payment": Payment._meta.db_table,
    "rating": Rating._meta.db_table,
    "complaint": Complaint._meta.db_table,
    "submission": OnlineSubmission._meta.db_table,
    "day": ReportDay._meta.db_table,
    "rollup": DailyRollup._meta.db_table,
    "month": MonthlyRollup._meta.db_table,
}

_KEY = "x.procedure_id, COALESCE(x.department_id, p.department_id), x.handler_id, x.channel"
#: The same, named: the union of ``_rebuild_sql`` takes its column names from the first part.
_KEY_AS = ("d.day AS day, x.procedure_id AS procedure_id, "
           "COALESCE(x.department_id, p.department_id) AS department_id, "
           "x.handler_id AS handler_id, x.channel AS channel")

#: Columns of a rollup row, in the order of every ``INSERT`` below; the snapshots are the
#: ``open_*_end`` ones, all others are the day's counts that ``MonthlyRollup`` sums.
_COUNTS = (
    "received", "resolved_early", "resolved_on_time", "resolved_overdue",
    "resolved_working_days", "stopped", "not_accepted", "open_end", "open_overdue_end",
    "digitised", "reused", "fee_bearing_received", "paid_online", "vneid_received",
    "with_result_document", "e_result", "resolved_complained", "resolved_rated",
    "open_complained_end", "open_rated_end", "e_certified", "fee_paid_online",
    "end_to_end_online", "stopped_synthetic",
)
_COLUMNS = "day, procedure_id, department_id, handler_id, channel, " + ", ".join(_COUNTS)


def _only(**values: str) -> str:
    """The select list of an ``INSERT`` that fills the named counts and zeroes the rest."""
    unknown = set(values) - set(_COUNTS)
    if unknown:
        raise KeyError(unknown)
    return ", ".join(f"{values.get(name, '0')} AS {name}" for name in _COUNTS)


_SNAPSHOTS = ("open_end", "open_overdue_end", "open_complained_end", "open_rated_end")
DAY_COUNTS = tuple(name for name in _COUNTS if name not in _SNAPSHOTS)


def _month_of(expr: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {expr}) AS date)"
    return f"date({expr}, 'start of month')"


def _day_before(expr: str) -> str:
    if connection.vendor == "postgresql":
        return f"({expr} - interval '1 day')"
    return f"datetime({expr}, '-1 day')"


def _fee_bearing_ids() -> str:
    """The fee-bearing procedures as an SQL list: ``Procedure.is_fee_bearing`` reads the fee
    rule's JSON, which the two databases spell differently; the catalogue is small."""
    ids = [p.pk for p in Procedure.objects.only("id", "fee") if p.is_fee_bearing]
    return "(" + ", ".join(str(int(pk)) for pk in ids or [-1]) + ")"


def _dossier_days_sql() -> str:
    t = _T
    resolved_today = "x.resolved_at >= d.start_at AND x.resolved_at < d.end_at"
    open_at_end = (
        "(x.resolved_at IS NULL OR x.resolved_at >= d.end_at) "
        "AND (x.stopped_at IS NULL OR x.stopped_at >= d.end_at)"
    )
    received_today = "x.received_at >= d.start_at"
    stopped_today = "x.stopped_at >= d.start_at AND x.stopped_at < d.end_at"
    fee_bearing = f"x.procedure_id IN {_fee_bearing_ids()}"
    # ``cases.quality_flags.electronic_result``: a result file, or a signed certification PDF.
    electronic_result = (
        f"(x.result_file <> '' OR EXISTS (SELECT 1 FROM {t['certification']} c "
        "WHERE c.dossier_id = x.id AND c.certified_pdf <> ''))"
    )
    # ``reports.cells._e_result_missing``: resolved, a result document is due, none electronic.
    e_result_missing = (
        f"(x.resolved_at IS NOT NULL AND p.has_result_document AND NOT {electronic_result})"
    )
    # ``reports.cells._complained_or_disliked``, as the same two uncorrelated lists (small
    # tables, hashed once), and the rated dossiers the satisfaction indicator needs.
    complained = (
        f"(x.code IN (SELECT dossier_code FROM {t['complaint']} WHERE dossier_code <> '') "
        f"OR x.id IN (SELECT dossier_id FROM {t['rating']} WHERE overall_score = 0))"
    )
    rated = f"x.id IN (SELECT dossier_id FROM {t['rating']})"
    paid_online = (
        f"EXISTS (SELECT 1 FROM {t['payment']} pay WHERE pay.dossier_id = x.id "
        "AND pay.purpose = 'fee' AND pay.status = 'paid' AND pay.method = 'online')"
    )
    # ``cases.quality_flags.reused_component``: a component reused from the data store, or an
    # electronic copy certified at the center reused as the component.
    reused = (
        f"EXISTS (SELECT 1 FROM {t['document']} doc WHERE doc.dossier_id = x.id "
        "AND (doc.reused OR doc.certified_copy_id IS NOT NULL))"
    )
    # ``cases.quality_flags.end_to_end_online``: filed online for a procedure offered
    # end-to-end, the fee not paid in cash, the result not collected in person (both columns
    # are blank, never NULL, when unset).
    end_to_end = (
        "x.channel = 'online' AND p.online_level = 'full' "
        "AND x.fee_paid_via <> 'cash' AND x.return_method <> 'in_person'"
    )
    vneid = (
        f"EXISTS (SELECT 1 FROM {t['submission']} s WHERE s.dossier_id = x.id "
        "AND s.signed_in_with_vneid)"
    )
    # ``cases.selectors.waiting_at`` at the day's last instant (``Period.snapshot_moment``):
    # started before the day's end and not ended before it. A dossier waiting on someone else
    # then is within its deadline (NULLs spelt out: NOT over a NULL would drop the row).
    waiting_at_end = (
        "((x.supplement_requested_at IS NOT NULL AND x.supplement_requested_at < d.end_at "
        "AND (x.supplemented_at IS NULL OR x.supplemented_at >= d.end_at)) "
        f"OR EXISTS (SELECT 1 FROM {t['pause']} w WHERE w.dossier_id = x.id "
        "AND w.started_at < d.end_at AND (w.ended_at IS NULL OR w.ended_at >= d.end_at)))"
    )

    def count(condition: str) -> str:
        return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"

    resolved_as = "{} AND x.result_classification = '{}'".format
    counts = _only(
        received=count(received_today),
        resolved_early=count(resolved_as(resolved_today, "early")),
        resolved_on_time=count(resolved_as(resolved_today, "on_time")),
        resolved_overdue=count(resolved_as(resolved_today, "overdue")),
        resolved_working_days=f"""SUM(CASE WHEN {resolved_today} THEN (
            SELECT COUNT(*) FROM {t['day']} w
            WHERE w.is_working_day AND w.start_at > x.received_at AND w.start_at <= x.resolved_at
          ) ELSE 0 END)""",
        stopped=count(stopped_today),
        stopped_synthetic=count(f"{stopped_today} AND x.stop_reason = %(synthetic_reason)s"),
        open_end=count(open_at_end),
        open_overdue_end=count(f"{open_at_end} AND x.due_at < d.start_at AND NOT {waiting_at_end}"),
        digitised=count(
            f"{received_today} AND EXISTS (SELECT 1 FROM {t['document']} doc "
            "WHERE doc.dossier_id = x.id AND (doc.file <> '' OR doc.copy_type = 'electronic')) "
            f"AND NOT {e_result_missing}"),
        reused=count(f"{received_today} AND {reused}"),
        end_to_end_online=count(f"{received_today} AND {end_to_end}"),
        fee_bearing_received=count(f"{received_today} AND {fee_bearing}"),
        paid_online=count(f"{received_today} AND {fee_bearing} AND {paid_online}"),
        vneid_received=count(f"{received_today} AND {vneid}"),
        with_result_document=count(f"{resolved_today} AND p.has_result_document"),
        e_result=count(f"{resolved_today} AND p.has_result_document AND {electronic_result}"),
        resolved_complained=count(f"{resolved_today} AND {complained}"),
        resolved_rated=count(f"{resolved_today} AND {rated}"),
        open_complained_end=count(f"{open_at_end} AND {complained}"),
        open_rated_end=count(f"{open_at_end} AND {rated}"),
    )
    return f"""
    SELECT {_KEY_AS}, {counts}
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
    GROUP BY d.day, {_KEY}
    """


def _dated_sql(column: str, source: str, at: str, where: str, count: str) -> str:
    """Counts dated by another table's moment (a refusal event, a signature, a payment),
    on the day of that moment, under the dossier's key."""
    t = _T
    return f"""
    SELECT {_KEY_AS}, {_only(**{column: count})}
    FROM {source} e
    JOIN {t['dossier']} x ON x.id = e.dossier_id
    JOIN {t['procedure']} p ON p.id = x.procedure_id
    JOIN {t['day']} d ON {at} >= d.start_at AND {at} < d.end_at
    WHERE {where} AND d.day >= %(first)s AND d.day <= %(last)s
      AND {at} >= %(range_start)s AND {at} < %(range_end)s
    GROUP BY d.day, {_KEY}
    """


def _rebuild_sql() -> str:
    """One ``INSERT``: the dossier-day counts and the dated ones, summed into one row per day
    and key (so a day's refusals, signatures and payments do not add rows of their own)."""
    parts = [_dossier_days_sql(), *_dated_selects()]
    sums = ", ".join(f"SUM({name})" for name in _COUNTS)
    return f"""
    INSERT INTO {_T['rollup']} ({_COLUMNS})
    SELECT day, procedure_id, department_id, handler_id, channel, {sums}
    FROM ({" UNION ALL ".join(parts)}) AS parts
    GROUP BY day, procedure_id, department_id, handler_id, channel
    """


def _months_sql() -> str:
    """The months of [first, last], summed again from all their days."""
    names = ", ".join(DAY_COUNTS)
    sums = ", ".join(f"SUM({name})" for name in DAY_COUNTS)
    key = "procedure_id, department_id, handler_id, channel"
    return f"""
    INSERT INTO {_T['month']} (month, {key}, {names})
    SELECT {_month_of('day')}, {key}, {sums}
    FROM {_T['rollup']}
    WHERE day >= %(month_first)s AND day <= %(month_last)s
    GROUP BY {_month_of('day')}, {key}
    """


def _month_bounds(first: date, last: date) -> tuple[date, date]:
    """The first day of ``first``'s month and the last day of ``last``'s."""
    following = date(last.year + last.month // 12, last.month % 12 + 1, 1)
    return first.replace(day=1), following - timedelta(days=1)


def _dated_selects() -> list[str]:
    t = _T
    return [
        _dated_sql("not_accepted", t["event"], "e.at",
                   "e.action = 'refuse_intake' AND x.status = 'not_accepted'",
                   "COUNT(DISTINCT x.id)"),
        # ``reports.cells._certified_in``: a dossier has at most one certification.
        _dated_sql("e_certified", t["certification"], "e.certified_at",
                   "e.certified_at IS NOT NULL", "COUNT(DISTINCT x.id)"),
        _dated_sql("fee_paid_online", t["payment"], "e.paid_at",
                   "e.purpose = 'fee' AND e.status = 'paid' AND e.method = 'online'",
                   "COUNT(DISTINCT x.id)"),
    ]


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

    The months the range touches are summed again from their days, all of them (a range
    may end mid-month, with the month's later days already rolled up).
    """
    DailyRollup.objects.filter(day__gte=first, day__lte=last).delete()
    adapt = connection.ops.adapt_datetimefield_value
    params = {
        "first": first, "last": last,
        "range_start": adapt(local_midnight(first)),
        "range_end": adapt(local_midnight(last + timedelta(days=1))),
        "synthetic_reason": SYNTHETIC_WITHDRAWAL_REASON,
    }
    month_first, month_last = _month_bounds(first, last)
    MonthlyRollup.objects.filter(month__gte=month_first, month__lte=last).delete()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and (last - first).days > 31:
            # A long range groups hundreds of thousands of day rows: in memory, not spilled
            # to temporary files (a third faster at 1,000,000 dossiers). Only the beat task
            # and a full rebuild rewrite such ranges.
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(_rebuild_sql(), params)
        cursor.execute(_months_sql(), {"month_first": month_first, "month_last": month_last})


def _marks() -> tuple[int, int, int]:
    """The highest event, rating and complaint ids now: the next refresh looks past them."""
    return tuple(model.objects.aggregate(m=Max("id"))["m"] or 0
                 for model in (DossierEvent, Rating, Complaint))


def _first_touched(state: RollupState):
    """When the earliest dossier with an event, a rating or a complaint newer than the last
    refresh's marks was created (less a margin: ids are taken at insert but may commit out
    of order). Three narrow queries, each led by its id index, rather than one ``OR``."""

    def since(mark: int) -> int:
        return max(mark - EVENT_ID_MARGIN, 0)

    complained = Complaint.objects.filter(id__gt=since(state.last_complaint_id)) \
        .exclude(dossier_code="").values("dossier_code")
    touched = [
        Dossier.objects.filter(events__id__gt=since(state.last_event_id)),
        Dossier.objects.filter(pk__in=Rating.objects.filter(
            id__gt=since(state.last_rating_id)).values("dossier_id")),
        Dossier.objects.filter(code__in=complained),
    ]
    moments = [qs.aggregate(first=Min("created_at"))["first"] for qs in touched]
    return min((m for m in moments if m is not None), default=None)


def _first_dossier_day() -> date | None:
    first = Dossier.objects.aggregate(first=Min("created_at"))["first"]
    return timezone.localdate(first) if first else None


def refresh(*, full: bool = False, today: date | None = None) -> tuple[date, date] | None:
    """Bring the rollup up to date; returns the days rewritten (None when there is no data).

    Incremental by default: only days from the earliest creation day among dossiers touched
    since the last refresh (and from the last refresh's day, since an open dossier's overdue
    status changes with the date) are rewritten. Touched means a new event, or a rating or a
    complaint naming the dossier: those are not events, yet they change the complaint and
    satisfaction counts of every day the dossier was open or resolved on, however long ago.
    """
    today = today or timezone.localdate()
    first_day = _first_dossier_day()
    if first_day is None:
        return None
    with transaction.atomic():
        state, _created = RollupState.objects.select_for_update().get_or_create(pk=1)
        marks = _marks()
        if full or state.refreshed_at is None or state.first_day is None \
                or first_day < state.first_day:
            start = first_day
        else:
            changed = _first_touched(state)
            start = min(timezone.localdate(state.refreshed_at), today)
            if changed is not None:
                start = min(start, timezone.localdate(changed))
        last = max(today, start)
        ensure_days(first_day, last)
        rebuild_days(start, last)
        state.last_event_id, state.last_rating_id, state.last_complaint_id = marks
        state.refreshed_at = timezone.now()
        state.first_day = first_day
        state.save()
    return start, last


def refreshed_at():
    state = RollupState.objects.filter(pk=1).first()
    return state.refreshed_at if state else None
