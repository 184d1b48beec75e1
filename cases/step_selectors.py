"""Each dossier's steps against the allotments of its procedure version (``cases.steps``).

The control sheet (Mẫu 06) and the insights page read the same numbers from here: the
transitions come from the dossier's history, the allotments from the procedure version the
dossier was received under.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from cases.calendar import working_calendar
from cases.models import Dossier, DossierEvent, Procedure
from cases.steps import Step, StepTime, allotments, legal_hours, step_times


def procedure_allotments(procedure: Procedure) -> dict[Step, float]:
    """The working hours each step is allotted under this procedure version."""
    total = legal_hours(
        limit=procedure.time_limit, unit=procedure.time_unit, cal=working_calendar()
    )
    return allotments(configured=procedure.step_allotments, total_hours=total)


def transitions_of(events) -> list[tuple[datetime, str]]:
    """(when, state entered) of the history's state changes, in the history's order (two
    changes at the same moment, a counter's creation and receipt, keep theirs)."""
    return [(e.at, e.to_status) for e in events if e.to_status]


def _handover(due: datetime | None, handed_over_at: datetime | None):
    return (due, handed_over_at) if due else None


def dossier_steps(dossier: Dossier, *, events=None, now: datetime | None = None) -> list[StepTime]:
    """The dossier's steps so far; reads its (prefetched) events unless given them."""
    if dossier.received_at is None:
        return []
    events = dossier.events.all() if events is None else events
    return step_times(
        transitions_of(events),
        allotted=procedure_allotments(dossier.procedure),
        now=now or timezone.now(),
        cal=working_calendar(),
        handover=_handover(dossier.handover_due_at, dossier.handed_over_at),
    )


def steps_of_dossiers(dossiers: QuerySet[Dossier], *, now: datetime) -> dict[int, list[StepTime]]:
    """The steps of many received dossiers, in three queries and without building model
    instances (a month of the center's dossiers is thousands of them and their events)."""
    rows = list(
        dossiers.filter(received_at__isnull=False)
        .order_by()
        .values_list("pk", "procedure_id", "handover_due_at", "handed_over_at")
    )
    procedures = Procedure.objects.filter(pk__in={row[1] for row in rows})
    allotted = {p.pk: procedure_allotments(p) for p in procedures}
    transitions: dict[int, list] = {row[0]: [] for row in rows}
    events = (
        DossierEvent.objects.filter(dossier_id__in=list(transitions))
        .exclude(to_status="")
        .order_by("dossier_id", "at", "id")
        .values_list("dossier_id", "at", "to_status")
    )
    for dossier_id, at, state in events:
        transitions[dossier_id].append((at, state))
    cal = working_calendar()
    return {
        pk: step_times(
            transitions[pk],
            allotted=allotted[procedure_id],
            now=now,
            cal=cal,
            handover=_handover(due, handed_over_at),
        )
        for pk, procedure_id, due, handed_over_at in rows
    }
