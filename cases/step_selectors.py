"""Each dossier's steps against the allotments of its procedure version (``cases.steps``).

The control sheet (Mẫu 06) and the insights page read the same numbers from here: the
transitions come from the dossier's history, the allotments from the procedure version the
dossier was received under.
"""

from __future__ import annotations

from datetime import datetime

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


def dossier_steps(dossier: Dossier, *, events=None, now: datetime | None = None) -> list[StepTime]:
    """The dossier's steps so far; reads its (prefetched) events unless given them."""
    if dossier.received_at is None:
        return []
    events = dossier.events.all() if events is None else events
    handover = None
    if dossier.handover_due_at:
        handover = (dossier.handover_due_at, dossier.handed_over_at)
    return step_times(
        transitions_of(events),
        allotted=procedure_allotments(dossier.procedure),
        now=now or timezone.now(),
        cal=working_calendar(),
        handover=handover,
    )


def steps_of_dossiers(dossiers, *, now: datetime) -> dict[int, list[StepTime]]:
    """The steps of many dossiers with one query for their state changes."""
    dossiers = list(dossiers)
    by_dossier: dict[int, list] = {d.pk: [] for d in dossiers}
    events = (
        DossierEvent.objects.filter(dossier_id__in=list(by_dossier))
        .exclude(to_status="")
        .only("dossier_id", "at", "to_status")
        .order_by("at", "id")
    )
    for event in events:
        by_dossier[event.dossier_id].append(event)
    return {d.pk: dossier_steps(d, events=by_dossier[d.pk], now=now) for d in dossiers}
