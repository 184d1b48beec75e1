"""Reconciliation with the portal: what we hold against what it holds, per dossier.

Daily from beat (yesterday) and on demand for any period (whole local days, as the reports
count them). A dossier whose messages are still on their way is not a mismatch; one the portal
does not hold, or holds with another status once everything was acknowledged, is listed with a
one-click resync. The 766 "dossiers synced" indicator is computed from the same sync log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cases.models import Dossier
from linkage.framework.models import MessageState, OutboundMessage, ReconciliationRun
from linkage.portal import SYSTEM
from linkage.portal.mapping import portal_time
from linkage.portal.services import portal_adapter, sync_check

#: Mismatch kinds, with what staff read.
MISSING = "missing"  # we hold it, the portal does not
STATUS = "status"  # both hold it, with different statuses
UNKNOWN = "unknown"  # the portal holds a dossier of ours we do not know
IN_FLIGHT = (MessageState.PENDING, MessageState.SENT)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (datetime.combine(start, time.min, tzinfo=tz),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz))


def _ours(since: datetime, until: datetime) -> dict[str, dict]:
    """Per dossier code of the period: the status our last applied message told the portal."""
    rows = (
        OutboundMessage.objects.filter(stream__system=SYSTEM)
        .filter(Q(stream__dossier__created_at__gte=since, stream__dossier__created_at__lt=until)
                | Q(stream__dossier__received_at__gte=since,
                    stream__dossier__received_at__lt=until))
        .order_by("stream_id", "sequence")
        .values_list("stream__dossier__code", "sequence", "state", "body")
    )
    ours: dict[str, dict] = {}
    for code, sequence, state, body in rows.iterator(chunk_size=2000):
        entry = ours.setdefault(code, {"status": None, "sequence": 0, "in_flight": False,
                                       "acknowledged": 0})
        if state in IN_FLIGHT:
            entry["in_flight"] = True
        if state == MessageState.ACKNOWLEDGED:
            entry["acknowledged"] += 1
        if state not in (MessageState.REJECTED, MessageState.CORRECTED) and body.get(
            "TrangThaiHoSo"
        ):
            entry["status"] = body["TrangThaiHoSo"]
            entry["sequence"] = sequence
    return ours


def reconciliation_run(*, start: date, end: date, actor=None, adapter=None,
                       now: datetime | None = None) -> ReconciliationRun:
    """Compare and store the result; ``actor`` is the officer asking (None: beat)."""
    if actor is not None:
        sync_check(actor, "retry")
    now = now or timezone.now()
    since, until = _bounds(start, end)
    adapter = adapter or portal_adapter()
    answer = adapter.reconciliation(start=portal_time(since),
                                    end=portal_time(until - timedelta(seconds=1)))
    theirs = {entry["MaHoSo"]: entry for entry in answer["HoSo"]}
    ours = _ours(since, until)
    mismatches = []
    for code, mine in sorted(ours.items()):
        held = theirs.get(code)
        if mine["in_flight"]:
            continue
        if held is None:
            mismatches.append({"code": code, "kind": MISSING, "ours": mine["status"],
                               "theirs": None})
        elif held["TrangThaiHoSo"] != mine["status"]:
            mismatches.append({"code": code, "kind": STATUS, "ours": mine["status"],
                               "theirs": held["TrangThaiHoSo"]})
    since_text, until_text = portal_time(since), portal_time(until)
    received_there = 0
    known = set(Dossier.objects.filter(code__in=list(theirs)).values_list("code", flat=True))
    for code, held in sorted(theirs.items()):
        received = held.get("NgayTiepNhan")
        if received and since_text <= received < until_text:
            received_there += 1
            if code not in known:
                mismatches.append({"code": code, "kind": UNKNOWN, "ours": None,
                                   "theirs": held["TrangThaiHoSo"]})
    return ReconciliationRun.objects.create(
        system=SYSTEM, period_start=start, period_end=end, ran_at=now, ran_by=actor,
        checked=len(ours), held_by_them=received_there, mismatches=mismatches,
    )


@dataclass(frozen=True)
class SyncedIndicator:
    """Decision 766, transparency: synced with a receipt date in the period ÷
    max(received here, received per the portal)."""

    synced: int
    received_here: int
    received_there: int | None  # from a reconciliation of exactly this period, if one ran

    @property
    def denominator(self) -> int:
        return max(self.received_here, self.received_there or 0)

    @property
    def ratio(self) -> float | None:
        return self.synced / self.denominator if self.denominator else None


def synced_receipt() -> Exists:
    """Over dossiers (``OuterRef("pk")``): the portal acknowledged the message of its receipt.

    What makes a dossier count as synced, here and in the reports' drill-down list."""
    return Exists(OutboundMessage.objects.filter(
        stream__system=SYSTEM, stream__dossier=OuterRef("pk"), event__action="receive",
        state=MessageState.ACKNOWLEDGED,
    ))


def sync_recorded() -> bool:
    """Whether the portal ever acknowledged anything: before that the indicator has no data."""
    return OutboundMessage.objects.filter(
        stream__system=SYSTEM, state=MessageState.ACKNOWLEDGED
    ).exists()


def synced_indicator(*, start: date, end: date) -> SyncedIndicator:
    """A dossier counts as synced when the portal acknowledged the message of its receipt."""
    since, until = _bounds(start, end)
    received = Dossier.objects.filter(received_at__gte=since, received_at__lt=until)
    run = ReconciliationRun.objects.filter(system=SYSTEM, period_start=start,
                                           period_end=end).first()
    return SyncedIndicator(
        synced=received.filter(synced_receipt()).count(),
        received_here=received.count(),
        received_there=run.held_by_them if run else None,
    )
