"""A dossier's history and pauses: ``cases`` is their only writer, and every app calls
these (``record_event``, ``pause_start``, ``pause_end``; ending a pause re-dates the
dossier at once).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from cases import hooks
from cases.actions.dates import _refresh_due_dates
from cases.history import keep_given_event_time
from cases.models import (
    Dossier,
    DossierEvent,
    DossierPause,
)
from thanhsen.inserts import rows_insert


def record_event(
    *,
    dossier_id: int | None = None,
    action: str,
    at: datetime,
    actor=None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    payload: dict | None = None,
    authorisation=None,
    dossier: Dossier | None = None,
) -> DossierEvent:
    """Append one row to a dossier's history and publish it to the hooks once committed.

    Call it inside the transaction that made the change, so the row and the change commit
    together and the reactions (notifications, bundles, the national portal) see both.
    A caller holding the saved dossier passes it as ``dossier`` (instead of ``dossier_id``):
    the in-transaction recorders read it from the event without loading it again.
    """
    event = event_new(
        dossier_id=dossier_id, dossier=dossier, action=action, at=at, actor=actor,
        from_status=from_status, to_status=to_status, note=note, payload=payload,
        authorisation=authorisation,
    )
    events_record([event])
    return event


def event_new(
    *, action: str, at: datetime, dossier: Dossier | None = None, dossier_id: int | None = None,
    actor=None, from_status: str = "", to_status: str = "", note: str = "",
    payload: dict | None = None, authorisation=None,
) -> DossierEvent:
    """An unsaved history row, for ``events_record`` to write with others."""
    return DossierEvent(
        **({"dossier": dossier} if dossier is not None else {"dossier_id": dossier_id}),
        actor=actor, at=at, action=action, from_status=from_status, to_status=to_status,
        note=note, authorisation=authorisation, payload=payload or {},
    )


def events_record(events: list[DossierEvent]) -> None:
    """Write unsaved history rows in one statement, in order, then run the in-transaction
    recorders and publish them once committed, as ``record_event`` does for one.

    A creation received at once writes its two events this way: one insert, and the
    portal's two messages in one more, instead of two each.
    """
    for at in {event.at for event in events}:
        keep_given_event_time(at)
    rows_insert(events)
    hooks.record(events)
    for event in events:
        hooks.publish_on_commit(event)


def pause_start(*, dossier_id: int, kind: str, reason: str, at: datetime) -> DossierPause:
    """Stop the dossier's clock from ``at`` until ``pause_end`` (the deadline moves by it)."""
    return DossierPause.objects.create(
        dossier_id=dossier_id, kind=kind, reason=reason, started_at=at
    )


def pause_end(*, dossier_id: int, kind: str, at: datetime) -> Dossier | None:
    """End the open pause of this kind and re-date the dossier at once (the due dates move by
    the time the pause lasted); None when no such pause was open."""
    with transaction.atomic():
        dossier = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("procedure")
            .get(pk=dossier_id)
        )
        fields = _pause_close(dossier, kind, at)
        if fields is None:
            return None
        if fields:
            dossier.save(update_fields=fields)
    return dossier


def _pause_close(dossier: Dossier, kind: str, at: datetime) -> list[str] | None:
    """Close the open pause of ``kind`` and recompute the due dates on ``dossier`` (unsaved):
    the fields to save, or None when no such pause was open."""
    closed = dossier.pauses.filter(kind=kind, ended_at__isnull=True).update(ended_at=at)
    if not closed:
        return None
    return _refresh_due_dates(dossier, at) if dossier.received_at else []
