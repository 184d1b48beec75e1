"""Ordered, idempotent delivery of the outbox, for every connector.

Writing: ``message_append`` runs inside the transaction of the dossier change. One upsert
allocates the next sequence of the (system, dossier) stream (the row lock it takes orders
concurrent writers of the same dossier) and one insert stores the message.

Delivering: a worker claims the stream with a conditional UPDATE (so a duplicate task does
nothing), then sends its messages one by one in sequence order until none is left, the other
side is unreachable (back off, capped and jittered, and try again later: an outage of hours
ends in an in-order catch-up), or it rejects one (the message parks with the reason and the
stream is blocked: only that dossier's later messages wait). Every write of a claimed stream
checks the claim is still this worker's, so a stale claim handed back by the sweep cannot
produce two senders. A message whose reply was lost is sent again with the same message id,
which the other side deduplicates.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from linkage.conf import linkage_settings
from linkage.framework import publish, retry
from linkage.framework.contract import Contract, ContractError
from linkage.framework.models import MessageState, OutboundMessage, SyncStream

log = logging.getLogger(__name__)

#: The Celery task that delivers one stream's pending messages (``linkage.tasks``).
DELIVER_STREAM = "linkage.tasks.deliver_stream"


class TransportError(Exception):
    """The other side could not be reached or answered nonsense: try again later."""


@dataclass(frozen=True)
class Delivery:
    accepted: bool
    reason: str = ""


class Adapter(Protocol):
    def send(self, message: dict) -> Delivery: ...


@dataclass(frozen=True)
class Connector:
    """What a connector gives the framework."""

    system: str
    contract: Contract
    schema_for: Callable[[str], str]
    adapter: Callable[[], Adapter]
    #: Sending is configured. When not, messages are still written (nothing is lost) and wait.
    enabled: Callable[[], bool]
    #: The full message from the stored body: the envelope is added when it leaves.
    envelope: Callable[[OutboundMessage, str], dict]


def envelope_head(message: OutboundMessage, code: str, *, version: str) -> dict:
    """The fields every connector's message starts with: contract version, message id (what
    the other side deduplicates by), the dossier's order, kind, code, our unit and the time of
    the change (``yyyyMMddHHmmss``, Vietnamese time)."""
    return {
        "PhienBan": version,
        "MaThongDiep": str(message.message_id),
        "SoThuTu": message.sequence,
        "LoaiThongDiep": message.kind,
        "MaHoSo": code,
        "MaDonVi": settings.UNIT_CODE,
        "ThoiDiem": timezone.localtime(message.created_at).strftime("%Y%m%d%H%M%S"),
    }


_connectors: dict[str, Connector] = {}


def register(connector: Connector) -> None:
    _connectors[connector.system] = connector


def connector_for(system: str) -> Connector:
    return _connectors[system]


def connectors() -> list[Connector]:
    return list(_connectors.values())


# --- writing (inside the change's transaction) ---------------------------------------------
_STREAM = SyncStream._meta.db_table
_MESSAGE = OutboundMessage._meta.db_table
_UPSERT_SQL = f"""
INSERT INTO {_STREAM} (system, dossier_id, last_sequence, delivered_sequence, blocked,
                       attempts, next_attempt_at, last_error)
VALUES (%s, %s, %s, 0, FALSE, 0, %s, '')
ON CONFLICT (system, dossier_id) DO UPDATE
   SET last_sequence = {_STREAM}.last_sequence + EXCLUDED.last_sequence,
       next_attempt_at = COALESCE({_STREAM}.next_attempt_at, EXCLUDED.next_attempt_at)
RETURNING id, last_sequence
"""
#: The message's own columns (all but the stream and the sequence), with their defaults taken
#: from a model instance, so the statement below cannot drift from the model.
_MESSAGE_FIELDS = [
    f for f in OutboundMessage._meta.concrete_fields
    if not f.primary_key and f.attname not in ("stream_id", "sequence")
]
#: The upsert (which moves the stream on by ``n``) and the ``n`` messages in one statement.
#: The messages are left out (no row returned) when the stream is new and owes an opening
#: first: ``messages_append`` then writes them after it.
_APPEND_SQL = f"""
WITH stream AS ({_UPSERT_SQL})
INSERT INTO {_MESSAGE} (stream_id, sequence, {", ".join(f.column for f in _MESSAGE_FIELDS)})
SELECT stream.id, stream.last_sequence - %s + m.position, {{columns}}
  FROM stream, (VALUES {{rows}}) AS m(position, {{columns}})
 WHERE stream.last_sequence > %s OR NOT %s
 ORDER BY m.position
RETURNING id, stream_id, sequence
"""


@functools.cache
def _append_sql(count: int) -> str:
    # Typed placeholders: a literal in a VALUES list is text unless cast.
    row = ", ".join(f"%s::{f.cast_db_type(connection)}" for f in _MESSAGE_FIELDS)
    return _APPEND_SQL.format(
        columns=", ".join(f"c{n}" for n in range(len(_MESSAGE_FIELDS))),
        rows=", ".join(f"({position}, {row})" for position in range(1, count + 1)),
    )


def _db(value: datetime | None):
    return connection.ops.adapt_datetimefield_value(value) if value is not None else None


def message_append(
    *, system: str, dossier_id: int, kind: str, body: dict, at: datetime, event_id: int | None,
    opening: Callable[[], tuple[str, dict]] | None = None,
) -> OutboundMessage:
    """One outbox row, in the caller's transaction; published to a worker on commit.

    ``opening`` gives the message a stream must start with (the portal's dossier creation):
    a dossier that existed before its system was connected gets it first, then this one.
    """
    message = OutboundMessage(kind=kind, body=body, created_at=at, event_id=event_id)
    messages_append(system=system, dossier_id=dossier_id, messages=[message], opening=opening)
    return message


def messages_append(
    *, system: str, dossier_id: int, messages: list[OutboundMessage],
    opening: Callable[[], tuple[str, dict]] | None = None,
) -> None:
    """Append unsaved ``messages`` to the dossier's stream in their order, in the caller's
    transaction; each gets its id and sequence. Published to a worker on commit.

    A step that writes several (a creation received at once) writes them together. On
    PostgreSQL the stream's upsert and the messages are one statement; on the embedded SQLite
    (no data-modifying ``WITH``), and for a stream that owes its opening, they follow it.
    """
    count = len(messages)
    at = messages[0].created_at
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            params = [system, dossier_id, count, _db(at), count]
            for message in messages:
                params += [f.get_db_prep_save(getattr(message, f.attname), connection)
                           for f in _MESSAGE_FIELDS]
            params += [count, opening is not None]
            cursor.execute(_append_sql(count), params)
            rows = sorted(cursor.fetchall(), key=lambda row: row[2])  # by sequence
            if not rows:  # a new stream that owes its opening: the upsert has run
                cursor.execute(f"SELECT id, last_sequence FROM {_STREAM} "
                               f"WHERE system = %s AND dossier_id = %s", [system, dossier_id])
                stream = cursor.fetchone()
        else:
            cursor.execute(_UPSERT_SQL, [system, dossier_id, count, _db(at)])
            stream, rows = cursor.fetchone(), []
        for message, (pk, stream_id, sequence) in zip(messages, rows, strict=False):
            message.pk, message.stream_id, message.sequence = pk, stream_id, sequence
            message._state.adding, message._state.db = False, connection.alias
        if not rows:
            stream_id, last = stream
            first = last - count + 1
            if first == 1 and opening is not None:
                first = _open(cursor, stream_id, messages[0], opening, count)
            for sequence, message in enumerate(messages, start=first):
                message.stream_id, message.sequence = stream_id, sequence
                message.save(force_insert=True)
    if _connectors[system].enabled():
        publish.on_commit([messages[0].stream_id], streams_publish)


def _open(cursor, stream_id: int, first: OutboundMessage,
          opening: Callable[[], tuple[str, dict]], count: int) -> int:
    """Write the opening a new stream owes before its ``count`` messages from ``first`` on;
    the sequence the first of them takes."""
    opening_kind, opening_body = opening()
    if opening_kind == first.kind:
        return 1
    OutboundMessage.objects.create(
        stream_id=stream_id, sequence=1, kind=opening_kind, body=opening_body,
        created_at=first.created_at,
    )
    cursor.execute(f"UPDATE {_STREAM} SET last_sequence = %s WHERE id = %s",
                   [count + 1, stream_id])
    return 2


# --- publishing ----------------------------------------------------------------------------
def streams_publish(stream_ids: list[int]) -> int:
    sent = publish.send_in_order(stream_ids, _enqueue, what="sync stream")
    if sent:
        SyncStream.objects.filter(pk__in=stream_ids[:sent]).update(queued_at=timezone.now())
    return sent


def _enqueue(stream_id: int) -> None:
    # Sent by name: the task module imports this one (``LinkageConfig.ready`` registers it).
    current_app.tasks[DELIVER_STREAM].apply_async((stream_id,), retry=False)


# --- delivering ----------------------------------------------------------------------------
_CLAIM_SQL = f"""
UPDATE {_STREAM}
   SET claimed_at = %(now)s, attempts = attempts + 1
 WHERE id = %(id)s AND claimed_at IS NULL AND NOT blocked
   AND delivered_sequence < last_sequence AND next_attempt_at <= %(now)s
RETURNING system, dossier_id, attempts, delivered_sequence
"""
#: Hand the stream back when nothing is left; fails (0 rows) if a message arrived meanwhile.
_RELEASE_IDLE_SQL = f"""
UPDATE {_STREAM}
   SET claimed_at = NULL, attempts = 0, next_attempt_at = NULL, last_error = ''
 WHERE id = %(id)s AND claimed_at = %(claim)s AND delivered_sequence >= last_sequence
"""
_ADVANCE_SQL = f"""
UPDATE {_STREAM}
   SET delivered_sequence = %(sequence)s, last_success_at = %(now)s, attempts = 0,
       last_error = ''
 WHERE id = %(id)s AND claimed_at = %(claim)s
"""
_BACK_OFF_SQL = f"""
UPDATE {_STREAM}
   SET claimed_at = NULL, next_attempt_at = %(next)s, last_error = %(error)s
 WHERE id = %(id)s AND claimed_at = %(claim)s
"""
_UNCLAIM_SQL = f"""
UPDATE {_STREAM} SET claimed_at = NULL, attempts = attempts - 1
 WHERE id = %(id)s AND claimed_at = %(claim)s
"""
_BLOCK_SQL = f"""
UPDATE {_STREAM}
   SET claimed_at = NULL, blocked = TRUE, last_error = %(error)s
 WHERE id = %(id)s AND claimed_at = %(claim)s
"""


@dataclass
class _Claim:
    stream_id: int
    system: str
    dossier_id: int
    attempts: int
    delivered: int
    at: datetime

    def params(self, **more) -> dict:
        return {"id": self.stream_id, "claim": _db(self.at), **more}


def _execute(sql: str, params: dict) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def stream_claim(stream_id: int, *, now: datetime | None = None) -> _Claim | None:
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_SQL, {"id": stream_id, "now": _db(now)})
        row = cursor.fetchone()
    if row is None:
        return None
    return _Claim(stream_id, row[0], row[1], row[2], row[3], now)


def stream_deliver(stream_id: int, *, adapter: Adapter | None = None) -> str:
    """Send what the stream holds, in order; returns what happened (logs and tests)."""
    claim = stream_claim(stream_id)
    if claim is None:
        return "skipped"
    connector = _connectors[claim.system]
    if not connector.enabled():
        _execute(_UNCLAIM_SQL, claim.params())
        return "disabled"
    adapter = adapter or connector.adapter()
    code = _dossier_code(claim.dossier_id)
    sent = 0
    while True:
        message = (
            OutboundMessage.objects.filter(stream_id=stream_id, sequence__gt=claim.delivered)
            .order_by("sequence")
            .first()
        )
        if message is None:
            if _execute(_RELEASE_IDLE_SQL, claim.params()):
                return f"sent {sent}"
            if not _still_ours(claim):
                return "lost claim"
            continue
        if message.state == MessageState.PENDING:
            outcome = _send_one(connector, adapter, claim, message, code)
            if outcome != "sent":
                return outcome
            sent += 1
        elif not _execute(_ADVANCE_SQL, claim.params(sequence=message.sequence,
                                                     now=_db(timezone.now()))):
            # Acknowledged before we recorded sending it, or set aside by staff: move past it.
            return "lost claim"
        claim.delivered = message.sequence


def _still_ours(claim: _Claim) -> bool:
    return SyncStream.objects.filter(pk=claim.stream_id, claimed_at=claim.at).exists()


def _dossier_code(dossier_id: int) -> str:
    from cases.models import Dossier

    return Dossier.objects.filter(pk=dossier_id).values_list("code", flat=True).get()


def _send_one(connector: Connector, adapter: Adapter, claim: _Claim, message: OutboundMessage,
              code: str) -> str:
    wire = connector.envelope(message, code)
    now = timezone.now()
    try:
        connector.contract.check(connector.schema_for(message.kind), wire)
    except ContractError as exc:
        return _reject(claim, message, reason=f"Không đúng hợp đồng: {exc.reason}", at=now)
    try:
        delivery = adapter.send(wire)
    except TransportError as exc:
        error = str(exc)[:2000]
        OutboundMessage.objects.filter(pk=message.pk).update(
            attempts=message.attempts + 1, last_error=error
        )
        conf = linkage_settings()
        wait = retry.backoff(claim.attempts, base=conf.retry_base, cap=conf.retry_cap)
        _execute(_BACK_OFF_SQL, claim.params(next=_db(now + wait), error=error))
        return "failed"
    now = timezone.now()
    if not delivery.accepted:
        return _reject(claim, message, reason=delivery.reason or "(không có lý do)", at=now)
    OutboundMessage.objects.filter(pk=message.pk, state=MessageState.PENDING).update(
        state=MessageState.SENT, sent_at=now, attempts=message.attempts + 1, last_error=""
    )
    if not _execute(_ADVANCE_SQL, claim.params(sequence=message.sequence, now=_db(now))):
        return "lost claim"
    return "sent"


def _reject(claim: _Claim, message: OutboundMessage, *, reason: str, at: datetime) -> str:
    reason = reason[:2000]
    with transaction.atomic():
        OutboundMessage.objects.filter(pk=message.pk).update(
            state=MessageState.REJECTED, reason=reason, attempts=message.attempts + 1,
            sent_at=message.sent_at or at,
        )
        _execute(_BLOCK_SQL, claim.params(error=reason))
    log.warning("linkage %s: message %s rejected: %s", claim.system, message.message_id, reason)
    return "rejected"


# --- acknowledgements ----------------------------------------------------------------------
def acknowledgement_record(*, message_id: str, accepted: bool, reason: str = "",
                           at: datetime | None = None) -> str:
    """Record the other side's verdict on one message; idempotent, any order.

    A duplicate only counts; a late rejection of a message already acknowledged is ignored
    (the first verdict stands); a rejection blocks the stream's later messages.
    """
    at = at or timezone.now()
    with transaction.atomic():
        message = (
            OutboundMessage.objects.select_for_update().filter(message_id=message_id).first()
        )
        if message is None:
            return "unknown"
        if message.state in (MessageState.ACKNOWLEDGED, MessageState.REJECTED,
                             MessageState.CORRECTED):
            OutboundMessage.objects.filter(pk=message.pk).update(
                acknowledgements=message.acknowledgements + 1
            )
            return "duplicate"
        if accepted:
            OutboundMessage.objects.filter(pk=message.pk).update(
                state=MessageState.ACKNOWLEDGED, acknowledged_at=at,
                sent_at=message.sent_at or at, acknowledgements=message.acknowledgements + 1,
                warning="",
            )
            return "acknowledged"
        OutboundMessage.objects.filter(pk=message.pk).update(
            state=MessageState.REJECTED, reason=reason[:2000], acknowledged_at=at,
            acknowledgements=message.acknowledgements + 1,
        )
        SyncStream.objects.filter(pk=message.stream_id).update(blocked=True, last_error=reason[:2000])
        return "rejected"


# --- the sweep -----------------------------------------------------------------------------
def streams_sweep(*, now: datetime, batch: int = 500) -> dict:
    """Hand back stale claims and publish what is due for every enabled connector."""
    conf = linkage_settings()
    stale = SyncStream.objects.filter(
        claimed_at__isnull=False, claimed_at__lt=now - conf.claim_timeout
    ).update(claimed_at=None, next_attempt_at=now)
    published = 0
    for connector in connectors():
        if not connector.enabled():
            continue
        due = list(
            SyncStream.objects.filter(
                system=connector.system, blocked=False, claimed_at__isnull=True,
                next_attempt_at__lte=now,
            )
            .filter(publish.needs_publishing(now, conf.requeue_after))
            .filter(delivered_sequence__lt=F("last_sequence"))
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:batch]
        )
        published += streams_publish(due)
    return {"stale_streams": stale, "streams_published": published}
