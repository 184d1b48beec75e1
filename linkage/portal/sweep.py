"""Beat's pass over the portal: acknowledgements in, offered dossiers in, service levels.

Each part runs even when another fails (the portal answers acknowledgements but not the
dossier list, say); what could not be fetched is fetched on the next pass from the cursor.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone

from linkage.framework.outbound import TransportError
from linkage.portal.inbound import inbound_pull
from linkage.portal.services import acknowledgements_pull, warnings_raise

log = logging.getLogger(__name__)


def portal_sweep(*, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    counts: dict = {}
    for name, pull in (("acknowledgements", acknowledgements_pull), ("dossiers", inbound_pull)):
        try:
            counts[name] = pull()
        except TransportError as exc:
            log.warning("portal: could not fetch %s (%s)", name, exc)
    counts["warned"] = warnings_raise(now=now)
    return counts
