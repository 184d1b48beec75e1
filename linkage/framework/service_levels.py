"""The service levels every connector's messages are held to (Decree 63/2024 art. 7(4)).

A change is passed on within 10 minutes and acknowledged within 2 working hours. Beat marks
each message that breaks one (or was refused, or waits behind a refused one) with a warning;
the connector's "cần xử lý" queue lists what is marked, and an acknowledgement clears it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from cases.calendar import working_calendar
from linkage.framework.models import MessageState, OutboundMessage, SyncWarning

log = logging.getLogger(__name__)

PASS_ON_LIMIT = timedelta(minutes=10)
ACK_LIMIT_SECONDS = 2 * 3600


def warnings_raise(*, system: str, now: datetime) -> int:
    """Mark what breaks the service levels for one system; returns how many changed."""
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
