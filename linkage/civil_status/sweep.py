"""Beat's pass over the registry: replies in, then the service levels.

The replies are fetched even when the registry refused some (the rest count); a registry that
cannot be reached is tried on the next pass from the stored cursor.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone

from linkage.civil_status.services import replies_pull, warnings_raise
from linkage.framework.outbound import TransportError

log = logging.getLogger(__name__)


def civil_status_sweep(*, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    counts: dict = {}
    try:
        counts["replies"] = replies_pull()
    except TransportError as exc:
        log.warning("civil-status registry: could not fetch replies (%s)", exc)
    counts["warned"] = warnings_raise(now=now)
    return counts
