"""How a dossier's due dates are recomputed after anything that moves its clock.
"""

from __future__ import annotations

from datetime import datetime

from cases.calendar import working_calendar
from cases.deadlines import (
    Pause,
    TimeUnit,
    quality_due,
    statutory_due,
)
from cases.models import (
    Dossier,
)


def _pauses(dossier: Dossier) -> list[Pause]:
    return [Pause(p.started_at, p.ended_at) for p in dossier.pauses.all()]


def _refresh_due_dates(dossier: Dossier, at: datetime, *, paused: bool = True) -> list[str]:
    """Recompute both due-date views after anything that moves the clock.

    ``paused=False`` says the dossier cannot have pauses yet (at receipt), sparing a query.
    """
    cal = working_calendar()
    procedure = dossier.procedure
    common = dict(
        received_at=dossier.received_at,
        limit=procedure.time_limit,
        unit=TimeUnit(procedure.time_unit),
        pauses=_pauses(dossier) if paused else [],
        now=at,
    )
    dossier.due_at = statutory_due(cal, supplemented_at=dossier.supplemented_at, **common)
    dossier.quality_due_at = quality_due(
        cal,
        supplement_requested_at=dossier.supplement_requested_at,
        supplemented_at=dossier.supplemented_at,
        **common,
    )
    return ["due_at", "quality_due_at"]
