"""Beat's pass over the land office and the tax authority: replies in, service levels.

Each system is pulled even when the other is down; what waited for a reply of the other system
(the office's result waiting for the tax authority's confirmation) is retried after both.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone

from linkage.framework import service_levels
from linkage.framework.outbound import TransportError
from linkage.land import SYSTEM as LAND
from linkage.land.pipeline import replies_pull, waiting_retry
from linkage.tax import SYSTEM as TAX

log = logging.getLogger(__name__)


def land_sweep(*, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    counts: dict = {}
    for system in (LAND, TAX):
        try:
            counts[system] = replies_pull(system)
        except TransportError as exc:
            log.warning("%s: could not fetch replies (%s)", system, exc)
    counts["resumed"] = waiting_retry(LAND) + waiting_retry(TAX)
    counts["land_warned"] = service_levels.warnings_raise(system=LAND, now=now)
    counts["tax_warned"] = service_levels.warnings_raise(system=TAX, now=now)
    return counts
