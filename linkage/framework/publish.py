"""Handing work items to Celery: right after commit, and from the sweep when that failed.

The database decides what runs; a message on the broker only says "look at item N". So a
publish may fail (Redis down) or happen twice without harm: the item's conditional claim lets
one worker through, and the sweep re-publishes whatever is due and was not queued.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial

from django.db import transaction
from django.db.models import F, Q

log = logging.getLogger(__name__)


def send_in_order(ids: Sequence[int], enqueue: Callable[[int], None], *, what: str) -> int:
    """Publish in order until the broker fails; returns how many went."""
    sent = 0
    for item_id in ids:
        try:
            enqueue(item_id)
        except Exception as exc:  # noqa: BLE001 — any broker failure means "publish later"
            log.warning("linkage: could not publish %s %s (%s); the sweep will", what, item_id, exc)
            break
        sent += 1
    return sent


def on_commit(ids: Sequence[int], publish: Callable[[list[int]], object]) -> None:
    """Publish once the surrounding transaction commits (never for a rolled-back change)."""
    if ids:
        transaction.on_commit(partial(publish, list(ids)), robust=True)


def needs_publishing(now: datetime, requeue_after) -> Q:
    """Due items the broker may not hold: never queued, queued before they became due again,
    or queued so long ago that the message must have been lost."""
    return (
        Q(queued_at__isnull=True)
        | Q(queued_at__lt=F("next_attempt_at"))
        | Q(queued_at__lt=now - requeue_after)
    )
