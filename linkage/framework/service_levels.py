"""The service levels every connector is held to, as warnings on its outbox messages.

Decree 63/2024 art. 7(4): a change is passed on within 10 minutes and acknowledged within 2
working hours. A message that breaks either, or that the other side refused, is marked; each
connector's "cần xử lý" list and the sync health page read the marks.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from cases.calendar import working_calendar
from linkage.framework.models import MessageState, OutboundMessage, SyncWarning

log = logging.getLogger(__name__)

PASS_ON_LIMIT = timedelta(minutes=10)
ACK_LIMIT_SECONDS = 2 * 3600


def warnings_raise(system: str, *, now: datetime) -> int:
    """Mark (and unmark) the system's messages by the service levels; returns how many changed."""
    mine = OutboundMessage.objects.filter(stream__system=system)
    changed = mine.filter(state__in=(MessageState.ACKNOWLEDGED, MessageState.CORRECTED)).exclude(
        warning=""
    ).update(warning="")
    changed += mine.filter(state=MessageState.REJECTED).exclude(
        warning=SyncWarning.REJECTED
    ).update(warning=SyncWarning.REJECTED)
    late = mine.filter(state=MessageState.PENDING, created_at__lt=now - PASS_ON_LIMIT)
    changed += late.filter(stream__blocked=True).exclude(warning=SyncWarning.BLOCKED).update(
        warning=SyncWarning.BLOCKED
    )
    changed += late.filter(stream__blocked=False).exclude(
        warning=SyncWarning.NOT_SYNCED
    ).update(warning=SyncWarning.NOT_SYNCED)
    cal = working_calendar()
    unacknowledged = []
    for pk, sent_at in mine.filter(
        state=MessageState.SENT, sent_at__lt=now - timedelta(seconds=ACK_LIMIT_SECONDS)
    ).exclude(warning=SyncWarning.NOT_ACKNOWLEDGED).values_list("pk", "sent_at")[:5000]:
        if cal.working_seconds_between(sent_at, now) > ACK_LIMIT_SECONDS:
            unacknowledged.append(pk)
    changed += OutboundMessage.objects.filter(pk__in=unacknowledged).update(
        warning=SyncWarning.NOT_ACKNOWLEDGED
    )
    if changed:
        log.warning("%s sync: %d message(s) changed warning; see the cần xử lý queue", system,
                    changed)
    return changed
