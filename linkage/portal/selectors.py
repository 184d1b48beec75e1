"""What staff read about the portal sync: health, the "cần xử lý" queue, a dossier's timeline.

Figures are SQL aggregates over the sync log (the outbox rows themselves): the lag of a message
is the time from the change being written to the portal accepting it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Case, Count, Max, Min, Q, QuerySet, When
from django.utils import timezone

from linkage.framework.models import InboundItem, MessageState, OutboundMessage, SyncStream
from linkage.framework.outbound import connector_for
from linkage.portal import SYSTEM


@dataclass(frozen=True)
class LagDay:
    day: object
    messages: int
    p50: float | None
    p95: float | None


@dataclass(frozen=True)
class SyncHealth:
    enabled: bool
    backlog: int
    oldest_pending_at: datetime | None
    awaiting_ack: int
    rejected: int
    blocked_dossiers: int
    warnings: int
    last_success_at: datetime | None
    lag_p50: float | None
    lag_p95: float | None
    days: list[LagDay] = field(default_factory=list)


def _messages(system: str = SYSTEM) -> QuerySet[OutboundMessage]:
    return OutboundMessage.objects.filter(stream__system=system)


_LAG_SQL = """
SELECT {day} AS day, COUNT(*),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM m.sent_at - m.created_at)),
       percentile_cont(0.95) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM m.sent_at - m.created_at))
  FROM {message} m JOIN {stream} s ON s.id = m.stream_id
 WHERE s.system = %s AND m.sent_at IS NOT NULL AND m.sent_at >= %s
 GROUP BY 1 ORDER BY 1 DESC
"""


def _lags(*, since: datetime, per_day: bool, system: str = SYSTEM) -> list[tuple]:
    """(day, count, p50, p95) of sync lag in seconds; PostgreSQL computes the percentiles."""
    day = "(m.sent_at AT TIME ZONE %s)::date" if per_day else "NULL::date"
    sql = _LAG_SQL.format(day=day, message=OutboundMessage._meta.db_table,
                          stream=SyncStream._meta.db_table)
    params = ([timezone.get_current_timezone_name()] if per_day else []) + [system, since]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(d, n, p50, p95) for d, n, p50, p95 in cursor.fetchall()]
    rows: dict = {}
    for created, sent in _messages(system).filter(sent_at__gte=since).values_list("created_at",
                                                                            "sent_at"):
        key = timezone.localdate(sent) if per_day else None
        rows.setdefault(key, []).append((sent - created).total_seconds())
    return [(key, len(v), _percentile(v, 0.5), _percentile(v, 0.95))
            for key, v in sorted(rows.items(), key=lambda kv: str(kv[0]), reverse=True)]


def _percentile(values: list[float], share: float) -> float:
    """Linear interpolation, as PostgreSQL's ``percentile_cont`` (the SQLite fallback)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def sync_health(*, now: datetime | None = None, days: int = 7, system: str = SYSTEM) -> SyncHealth:
    """The health of one connector's sync (the portal's unless ``system`` says another)."""
    now = now or timezone.now()
    totals = _messages(system).aggregate(
        backlog=Count("pk", filter=Q(state=MessageState.PENDING)),
        oldest=Min("created_at", filter=Q(state=MessageState.PENDING)),
        awaiting=Count("pk", filter=Q(state=MessageState.SENT)),
        rejected=Count("pk", filter=Q(state=MessageState.REJECTED)),
        warnings=Count("pk", filter=~Q(warning="")),
        last=Max("sent_at"),
    )
    recent = _lags(since=now - timedelta(hours=24), per_day=False, system=system)
    _day, _n, p50, p95 = recent[0] if recent else (None, 0, None, None)
    return SyncHealth(
        enabled=connector_for(system).enabled(),
        backlog=totals["backlog"],
        oldest_pending_at=totals["oldest"],
        awaiting_ack=totals["awaiting"],
        rejected=totals["rejected"],
        blocked_dossiers=SyncStream.objects.filter(system=system, blocked=True).count(),
        warnings=totals["warnings"],
        last_success_at=totals["last"],
        lag_p50=p50,
        lag_p95=p95,
        days=[LagDay(d, n, a, b) for d, n, a, b in _lags(since=now - timedelta(days=days),
                                                            per_day=True, system=system)],
    )


def attention_queue(*systems: str) -> QuerySet[OutboundMessage]:
    """The "cần xử lý" queue: refused messages and every service-level warning, oldest first
    (the portal's, or the named systems')."""
    return (
        OutboundMessage.objects.filter(stream__system__in=systems or (SYSTEM,))
        .filter(~Q(warning="") | Q(state=MessageState.REJECTED))
        .select_related("stream__dossier")
        .order_by("created_at", "pk")
    )


def dossier_sync_timeline(dossier_id: int) -> list[OutboundMessage]:
    return list(
        OutboundMessage.objects.filter(stream__dossier_id=dossier_id)
        .select_related("stream")
        .order_by("stream__system", "sequence")
    )


def dossier_sync_state(dossier_id: int) -> list[dict]:
    """Per system: how far the dossier's messages got (the API's ``sync``)."""
    streams = SyncStream.objects.filter(dossier_id=dossier_id).annotate(
        acknowledged=Count("messages", filter=Q(messages__state=MessageState.ACKNOWLEDGED)),
        pending=Count("messages", filter=Q(messages__state=MessageState.PENDING)),
        rejected=Count("messages", filter=Q(messages__state=MessageState.REJECTED)),
        corrected=Count("messages", filter=Q(messages__state=MessageState.CORRECTED)),
        last_acknowledged_at=Max("messages__acknowledged_at"),
    )
    return [
        {
            "system": s.system,
            "messages": s.last_sequence,
            "sent": s.delivered_sequence,
            "acknowledged": s.acknowledged,
            "pending": s.pending,
            "rejected": s.rejected,
            "blocked": s.blocked,
            "last_error": s.last_error,
            "last_sent_at": s.last_success_at,
            "last_acknowledged_at": s.last_acknowledged_at,
            "in_sync": s.acknowledged + s.corrected == s.last_sequence and not s.blocked,
        }
        for s in streams
    ]


def inbound_refused() -> QuerySet[InboundItem]:
    """Offers from the portal that made no dossier (not per contract, or a file not what it
    claims), newest first, with the reason."""
    return InboundItem.objects.filter(system=SYSTEM, dossier__isnull=True).exclude(
        error=""
    ).order_by("-received_at", "-pk")


@dataclass(frozen=True)
class Transfer:
    """A dossier received here for another unit's competence, and how far its transfer got."""

    message: OutboundMessage
    code: str
    procedure: str
    unit: str
    transferred_at: datetime

    @property
    def acknowledged(self) -> bool:
        return self.message.state == MessageState.ACKNOWLEDGED


def transfer_list(*, waiting_only: bool = False, limit: int = 200) -> list[Transfer]:
    """Transfers to the competent unit, those the unit has not acknowledged first; the
    acknowledgement of the transfer message is the unit's."""
    rows = _messages().filter(kind="ChuyenHoSo").select_related(
        "stream__dossier__procedure"
    )
    if waiting_only:
        rows = rows.exclude(state=MessageState.ACKNOWLEDGED)
    acknowledged_last = Case(When(state=MessageState.ACKNOWLEDGED, then=1), default=0)
    rows = rows.order_by(acknowledged_last, "-created_at")[:limit]
    return [
        Transfer(
            message=m, code=m.stream.dossier.code, procedure=m.stream.dossier.procedure.name,
            unit=m.body.get("TenDonViNhan", ""), transferred_at=m.created_at,
        )
        for m in rows
    ]
