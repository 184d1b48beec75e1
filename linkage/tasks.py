"""Celery tasks: they load a step by id, claim it, call the agency and record the outcome.

No long ETA/countdown tasks and no chords: what is due is in the database (``next_attempt_at``)
and the beat-driven ``sweep`` queues it.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from linkage.adapters import AgencyAdapter, AgencyError
from linkage.framework.outbound import TransportError, stream_deliver, streams_sweep
from linkage.models import StepState
from linkage.portal.coordination import bundle_adapter
from linkage.portal.reconciliation import reconciliation_run
from linkage.portal.services import enabled as portal_enabled
from linkage.portal.sweep import portal_sweep
from linkage.services import (
    bundle_sweep,
    step_claim,
    step_record_failure,
    step_record_reply,
)

log = logging.getLogger(__name__)


def step_run(step_id: int, *, adapter: AgencyAdapter | None = None) -> str:
    """One attempt at a step; returns what happened (for logs and tests)."""
    step = step_claim(step_id)
    if step is None:
        return "skipped"
    adapter = adapter or bundle_adapter(step.bundle_id)
    try:
        if step.state == StepState.POLLING:
            reply = adapter.status(agency=step.agency_code, reference=step.external_reference)
        else:
            reply = adapter.submit(
                agency=step.agency_code,
                idempotency_key=step.idempotency_key,
                payload=step.payload,
            )
    except AgencyError as exc:
        step_record_failure(step=step, error=str(exc))
        return "failed"
    step_record_reply(step=step, reply=reply)
    return reply.status


@shared_task(name="linkage.tasks.run_step", ignore_result=True)
def run_step(step_id: int) -> str:
    return step_run(step_id)


@shared_task(name="linkage.tasks.deliver_stream", ignore_result=True)
def deliver_stream(stream_id: int) -> str:
    """Send one dossier's pending messages to its system, in order."""
    return stream_deliver(stream_id)


@shared_task(name="linkage.tasks.sweep", ignore_result=True)
def sweep() -> dict:
    now = timezone.now()
    return {**bundle_sweep(now=now), **streams_sweep(now=now), **portal_sweep(now=now)}


@shared_task(name="linkage.tasks.portal_reconcile", ignore_result=True)
def portal_reconcile() -> int:
    """Daily: reconcile yesterday with the portal; returns the number of mismatches."""
    if not portal_enabled():
        return 0
    yesterday = timezone.localdate() - timedelta(days=1)
    try:
        run = reconciliation_run(start=yesterday, end=yesterday)
    except TransportError as exc:
        log.warning("portal reconciliation %s: portal unreachable (%s)", yesterday, exc)
        return 0
    if run.mismatches:
        log.warning("portal reconciliation %s: %d mismatch(es)", yesterday, len(run.mismatches))
    return len(run.mismatches)
