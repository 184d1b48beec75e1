"""The portal connector's writes: the outbox recorder, acknowledgements, warnings, staff actions.

Every dossier change the portal must hear of (creation, each status change, processing steps,
appointment changes, payments, the result, the stop) is written to the outbox by
``record_events``, which ``cases`` calls inside the change's own transaction: the change and its
message commit together or not at all. With ``PORTAL_BASE_URL`` empty the messages are still
written and simply wait, so nothing is lost when the portal is configured later.
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial
from itertools import groupby
from operator import attrgetter

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Dossier, DossierEvent
from cases.policy import sync_denial_reason
from linkage.framework import outbound, publish, service_levels
from linkage.framework.models import (
    MessageState,
    OutboundMessage,
    SyncCursor,
    SyncStream,
)
from linkage.portal import SYSTEM, mapping
from linkage.portal.contract import ACKNOWLEDGEMENT, CONTRACT, schema_for
from thanhsen.errors import ApplicationError, ErrorKind

log = logging.getLogger(__name__)

#: The wire speaks Vietnamese whatever the officer reads.
RESYNC_NOTE = "Đồng bộ lại theo yêu cầu"


def enabled() -> bool:
    return bool(settings.PORTAL_BASE_URL)


def envelope(message: OutboundMessage, code: str) -> dict:
    return {**outbound.envelope_head(message, code, version=CONTRACT.version), **message.body}


def portal_adapter():
    from linkage.portal.adapter import default_adapter

    return default_adapter()


CONNECTOR = outbound.Connector(
    system=SYSTEM,
    contract=CONTRACT,
    schema_for=schema_for,
    adapter=portal_adapter,
    enabled=enabled,
    envelope=envelope,
)


def record_events(events: list[DossierEvent]) -> None:
    """The in-transaction recorder ``cases.hooks`` calls with the synced events of one write:
    each dossier's messages are appended together, in order (a creation received at once is
    one statement, not two)."""
    for dossier_id, dossier_events in groupby(events, key=attrgetter("dossier_id")):
        dossier_events = list(dossier_events)
        messages = []
        for event in dossier_events:
            mapped = mapping.message_for(event)
            if mapped is not None:
                kind, body = mapped
                messages.append(OutboundMessage(kind=kind, body=body, created_at=event.at,
                                                event_id=event.pk))
        if not messages:
            continue
        outbound.messages_append(
            system=SYSTEM, dossier_id=dossier_id, messages=messages,
            # A creation is its stream's opening itself: no other is owed before it.
            opening=None if messages[0].kind == mapping.OPENING
            else partial(_opening, dossier_events[0].dossier),
        )


def _opening(dossier: Dossier) -> tuple[str, dict]:
    """The creation a dossier from before the sync began owes the portal, from its record."""
    return mapping.OPENING, mapping.creation(dossier)


# --- acknowledgements ----------------------------------------------------------------------
def acknowledgements_pull(*, adapter=None, pages: int = 20) -> dict:
    """Fetch the portal's acknowledgements since the stored cursor and record each.

    Each is validated on arrival; one that does not conform is logged and skipped, the rest of
    the page still counts. Duplicates and any order are fine (``acknowledgement_record``).
    """
    counts = {"acknowledged": 0, "rejected": 0, "duplicate": 0, "unknown": 0, "invalid": 0}
    if not enabled():
        return counts
    adapter = adapter or portal_adapter()
    cursor, _created = SyncCursor.objects.get_or_create(system=SYSTEM, name="acknowledgements")
    for _page in range(pages):
        items, next_cursor = adapter.acknowledgements(cursor.value)
        for item in items:
            errors = CONTRACT.errors(ACKNOWLEDGEMENT, item)
            if errors:
                counts["invalid"] += 1
                log.warning("portal acknowledgement not per contract: %s", "; ".join(errors))
                continue
            verdict = outbound.acknowledgement_record(
                message_id=item["MaThongDiep"], accepted=item["KetQua"] == "DaXuLy",
                reason=item.get("LyDo", ""),
            )
            counts[verdict] += 1
        if next_cursor == cursor.value:
            break
        cursor.value = next_cursor
        cursor.updated_at = timezone.now()
        cursor.save(update_fields=["value", "updated_at"])
        if not items:
            break
    return counts


# --- service levels ------------------------------------------------------------------------
def warnings_raise(*, now: datetime) -> int:
    """Mark what breaks the service levels; the "cần xử lý" queue lists what is marked."""
    return service_levels.warnings_raise(system=SYSTEM, now=now)


# --- staff actions -------------------------------------------------------------------------
def sync_check(actor, action: str) -> None:
    reason = sync_denial_reason(actor, action)
    if reason:
        raise ApplicationError(reason, kind=ErrorKind.FORBIDDEN)


def stream_retry_now(*, stream: SyncStream, actor, at: datetime | None = None) -> SyncStream:
    """Send again at once: a rejected message goes once more (the portal may have been fixed),
    a stream waiting out its back-off stops waiting."""
    at = at or timezone.now()
    sync_check(actor, "retry")
    with transaction.atomic():
        stream = SyncStream.objects.select_for_update().get(pk=stream.pk)
        rejected = stream.messages.filter(
            state=MessageState.REJECTED, sequence__gt=stream.delivered_sequence
        )
        if not stream.blocked and stream.delivered_sequence >= stream.last_sequence:
            raise ApplicationError(
                _("Hồ sơ này không còn thông điệp nào chờ gửi."), kind=ErrorKind.CONFLICT
            )
        rejected.update(state=MessageState.PENDING, warning="")
        stream.blocked = False
        stream.attempts = 0
        stream.next_attempt_at = at
        stream.claimed_at = None
        stream.save(update_fields=["blocked", "attempts", "next_attempt_at", "claimed_at"])
        if outbound.connector_for(stream.system).enabled():
            publish.on_commit([stream.pk], outbound.streams_publish)
    return stream


def message_mark_corrected(
    *, message: OutboundMessage, actor, note: str, at: datetime | None = None
) -> OutboundMessage:
    """Staff fixed what the portal refused (on the portal or in our data): the message is set
    aside, the dossier's later messages go on, and a resync with its current state follows."""
    at = at or timezone.now()
    sync_check(actor, "correct")
    note = (note or "").strip()
    if not note:
        raise ApplicationError(
            _("Dữ liệu không hợp lệ."), kind=ErrorKind.INVALID,
            fields={"note": [_("Cần ghi rõ đã sửa gì.")]},
        )
    with transaction.atomic():
        stream = SyncStream.objects.select_for_update().get(pk=message.stream_id)
        message = OutboundMessage.objects.select_for_update().get(pk=message.pk)
        if message.state != MessageState.REJECTED:
            raise ApplicationError(
                _("Chỉ thông điệp bị từ chối mới được đánh dấu đã xử lý."),
                kind=ErrorKind.CONFLICT,
            )
        message.state = MessageState.CORRECTED
        message.resolved_by = actor
        message.resolved_note = note[:2000]
        message.warning = ""
        message.save(update_fields=["state", "resolved_by", "resolved_note", "warning"])
        still_rejected = stream.messages.filter(state=MessageState.REJECTED).exists()
        stream.blocked = still_rejected
        stream.next_attempt_at = at
        stream.attempts = 0
        stream.save(update_fields=["blocked", "next_attempt_at", "attempts"])
        if stream.system == SYSTEM:
            dossier_resync(dossier=Dossier.objects.get(pk=stream.dossier_id), actor=actor,
                           at=at, note=note, checked=True)
    return message


def dossier_resync(*, dossier: Dossier, actor, note: str = "", at: datetime | None = None,
                   checked: bool = False) -> OutboundMessage:
    """Queue the dossier's current state as one message (reconciliation's one-click fix)."""
    at = at or timezone.now()
    if not checked:
        sync_check(actor, "retry")
    kind, body = mapping.snapshot(dossier, actor=actor, at=at, note=note or RESYNC_NOTE)
    with transaction.atomic():
        return outbound.message_append(
            system=SYSTEM, dossier_id=dossier.pk, kind=kind, body=body, at=at, event_id=None,
            opening=partial(_opening, dossier),
        )
