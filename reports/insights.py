"""Insights for leadership: where dossiers stall, why they come back, what is at risk, and
which procedures are handled far faster than the law allows. All in SQL."""

from __future__ import annotations

from django.db import connection
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.calendar import working_calendar
from cases.deadlines import Classification
from cases.models import Department, Dossier, DossierEvent, Procedure, Status
from cases.periods import Period
from cases.selectors import handover_at_risk, open_within, waiting_at
from cases.step_selectors import steps_of_dossiers
from cases.steps import Step
from reports.models import DailyRollup

#: Transitions that move a dossier from one step to the next (views and notes do not).
STEP_ACTIONS = (
    "receive", "assign", "request_supplement", "supplement", "request_payment",
    "confirm_payment", "submit_for_approval", "send_back", "approve", "refuse", "return_result",
)
REASON_ACTIONS = {
    "request_supplement": "supplement", "refuse": "refusal", "refuse_intake": "refusal_intake",
}
#: A procedure is a candidate for a shorter limit when its average is at most this share of it.
FAST_SHARE = 0.5
FAST_MIN_RESOLVED = 5


def _hours(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 3600.0)"
    return f"((julianday({later}) - julianday({earlier})) * 24.0)"


def step_durations(*, period: Period, by_department: bool) -> list[dict]:
    """Median and 90th percentile (nearest rank) of the hours spent in each step started in
    the period, per step and optionally per department, from the event history."""
    group = "step, dept" if by_department else "step"
    dept = "COALESCE(x.department_id, p.department_id)" if by_department else "0"
    actions = ", ".join(f"'{a}'" for a in STEP_ACTIONS)
    sql = f"""
    WITH steps AS (
      SELECT e.to_status AS step, {dept} AS dept, e.at AS started,
             LEAD(e.at) OVER (PARTITION BY e.dossier_id ORDER BY e.at, e.id) AS ended
      FROM {DossierEvent._meta.db_table} e
      JOIN {Dossier._meta.db_table} x ON x.id = e.dossier_id
      JOIN {Procedure._meta.db_table} p ON p.id = x.procedure_id
      WHERE e.action IN ({actions})
        -- only dossiers that can have a step starting in the period
        AND x.created_at < %s
        AND (x.returned_at IS NULL OR x.returned_at >= %s)
        AND (x.stopped_at IS NULL OR x.stopped_at >= %s)
    ), durations AS (
      SELECT step, dept, {_hours('ended', 'started')} AS hours
      FROM steps WHERE ended IS NOT NULL AND started >= %s AND started < %s
    ), ranked AS (
      SELECT step, dept, hours,
             ROW_NUMBER() OVER (PARTITION BY {group} ORDER BY hours) AS rn,
             COUNT(*) OVER (PARTITION BY {group}) AS n
      FROM durations
    )
    SELECT step, MIN(dept), MAX(n),
           MIN(CASE WHEN rn * 2 >= n THEN hours END),
           MIN(CASE WHEN rn * 10 >= n * 9 THEN hours END)
    FROM ranked GROUP BY {group} ORDER BY 5 DESC
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [period.end_at, period.start_at, period.start_at,
                             period.start_at, period.end_at])
        rows = cursor.fetchall()
    names = dict(Department.objects.values_list("pk", "name")) if by_department else {}
    labels = dict(Status.choices)
    return [
        {"step": step, "step_label": labels.get(step, step), "department": names.get(dept, ""),
         "count": n, "median_hours": round(float(median), 1), "p90_hours": round(float(p90), 1)}
        for step, dept, n, median, p90 in rows
    ]


STEP_LABELS = {
    Step.COUNTER: _("Tiếp nhận, chuyển hồ sơ"),
    Step.DEPARTMENT: _("Thẩm định, xử lý hồ sơ"),
    Step.APPROVAL: _("Phê duyệt, ký kết quả"),
    Step.RETURN: _("Trả kết quả"),
}


def _lateness_row(label: str, steps: list, **extra) -> dict | None:
    if not steps:
        return None
    late = [s for s in steps if s.result == Classification.OVERDUE]
    return {"label": label, "count": len(steps), "late": len(late),
            "late_share": round(100 * len(late) / len(steps)),
            "allotted_hours": round(sum(s.allotted for s in steps) / len(steps) / 3600, 1),
            "used_hours": round(sum(s.used for s in steps) / len(steps) / 3600, 1),
            "over_hours": round(sum(s.used - s.allotted for s in late) / len(late) / 3600, 1)
            if late else 0.0, **extra}


def step_lateness(*, period: Period, now=None) -> dict[str, list[dict]]:
    """Steps and departments ranked by how often a step finished in the period took longer
    than the working hours its procedure's internal process allots it (``cases.steps``), the
    most often late first: the hand-over by its own deadline, the department's handling, the signature
    and the return each by their share, not by the dossier's due date."""
    now = min(now or timezone.now(), period.end_at)
    changed = (DossierEvent.objects.filter(at__gte=period.start_at, at__lt=period.end_at)
               .exclude(to_status="").values("dossier_id"))
    dossiers = Dossier.objects.filter(pk__in=changed)
    names = dict(Department.objects.values_list("pk", "name"))
    departments = dict(dossiers.annotate(dept=Coalesce("department_id", "procedure__department_id"))
                       .values_list("pk", "dept"))
    by_step: dict[Step, list] = {step: [] for step in Step}
    by_department: dict[str, list] = {}
    for pk, steps in steps_of_dossiers(dossiers, now=now).items():
        for step in steps:
            if step.ended_at is None or not period.start_at <= step.ended_at < period.end_at:
                continue
            by_step[step.step].append(step)
            if step.step is Step.DEPARTMENT:
                by_department.setdefault(names[departments[pk]], []).append(step)

    def ranked(rows):
        return sorted((r for r in rows if r is not None),
                      key=lambda r: (-r["late_share"], -r["over_hours"], r["label"]))

    return {
        "steps": ranked(_lateness_row(str(STEP_LABELS[step]), steps, step=step.value)
                        for step, steps in by_step.items()),
        "departments": ranked(_lateness_row(name, steps) for name, steps in by_department.items()),
    }


def frequent_reasons(*, period: Period, limit: int = 8) -> dict[str, list[dict]]:
    """The most frequent supplement and refusal reasons, as officers wrote them."""
    rows = (
        DossierEvent.objects.filter(action__in=REASON_ACTIONS, at__gte=period.start_at,
                                    at__lt=period.end_at)
        .exclude(note="").values("action", "note").annotate(n=Count("id")).order_by("-n", "note")
    )
    out: dict[str, list[dict]] = {kind: [] for kind in REASON_ACTIONS.values()}
    for row in rows:
        bucket = out[REASON_ACTIONS[row["action"]]]
        if len(bucket) < limit:
            bucket.append({"reason": row["note"], "count": row["n"]})
    return out


def dossiers_at_risk(*, now=None):
    """Open, not yet overdue, due by the end of the next working day, not waiting on someone
    else (its date moves when the wait ends) and not at the last step (awaiting the
    signature): the list to act on today, with who holds each dossier."""
    now = now or timezone.now()
    cal = working_calendar()
    horizon = cal.end_of_day(cal.next_working_day(timezone.localdate(now)))
    return (
        Dossier.objects.filter(open_within(now), due_at__lte=horizon)
        .exclude(waiting_at(now))
        .exclude(status=Status.AWAITING_APPROVAL)
        .select_related("procedure", "department", "handler").order_by("due_at", "id")
    )


def fast_procedures(*, period: Period) -> list[dict]:
    """Procedures whose average real processing time is far below the legal limit."""
    rows = (
        DailyRollup.objects.filter(day__gte=period.first, day__lte=period.last)
        .values("procedure__code")
        .annotate(
            days=Sum("resolved_working_days", default=0),
            resolved=Sum("resolved_early", default=0) + Sum("resolved_on_time", default=0)
            + Sum("resolved_overdue", default=0),
        ).filter(resolved__gte=FAST_MIN_RESOLVED).order_by()
    )
    current = {p.code: p for p in Procedure.objects.filter(
        is_current=True, time_unit="working_days", time_limit__gte=2)}
    out = []
    for r in rows:
        procedure = current.get(r["procedure__code"])
        if procedure is None:
            continue
        average = r["days"] / r["resolved"]
        if average <= procedure.time_limit * FAST_SHARE:
            out.append({"procedure": procedure, "resolved": r["resolved"],
                        "average_days": round(average, 1), "limit": procedure.time_limit,
                        "share": round(100 * average / procedure.time_limit),
                        "may_delegate": not procedure.center_may_decide})
    return sorted(out, key=lambda r: r["share"])


def demand_matrix(*, period: Period) -> dict:
    """Fields × months of received dossiers, with each field's total, largest first."""
    from reports.selectors import demand_by_field

    cells = demand_by_field(period=period)
    months = sorted({c["month"] for c in cells})
    fields: dict[int, dict] = {}
    for c in cells:
        row = fields.setdefault(c["field_id"], {"field": c["field"], "field_id": c["field_id"],
                                                "by_month": {}, "total": 0})
        row["by_month"][c["month"]] = c["received"]
        row["total"] += c["received"]
    rows = sorted(fields.values(), key=lambda r: -r["total"])
    for row in rows:
        row["cells"] = [row["by_month"].get(m, 0) for m in months]
        peak = max(row["cells"]) or 1
        # The shade of a cell is one of eleven classes (``heat-0`` … ``heat-10``), not an inline
        # style: the Content-Security-Policy allows no inline styles.
        row["pairs"] = [(v, round(10 * v / peak)) for v in row["cells"]]
    return {"months": months, "rows": rows}


def insight_report(*, period: Period) -> dict:
    return {
        "demand": demand_matrix(period=period),
        "steps": step_durations(period=period, by_department=False),
        "steps_by_department": step_durations(period=period, by_department=True),
        "lateness": step_lateness(period=period),
        "reasons": frequent_reasons(period=period),
        "at_risk": list(dossiers_at_risk()[:50]),
        "handover_risk": list(handover_at_risk()[:50]),
        "now": timezone.now(),
        "fast": fast_procedures(period=period),
    }
