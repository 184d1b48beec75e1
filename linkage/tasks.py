"""Celery tasks: they load a step by id, claim it, call the agency and record the outcome.

No long ETA/countdown tasks and no chords: what is due is in the database (``next_attempt_at``)
and the beat-driven ``sweep`` queues it.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from linkage.adapters import AgencyAdapter, AgencyError
from linkage.civil_status import reconciliation as civil_status_reconciliation
from linkage.civil_status.services import enabled as civil_status_enabled
from linkage.civil_status.sweep import civil_status_sweep
from linkage.framework.outbound import TransportError, stream_deliver, streams_sweep
from linkage.land.reconciliation import land_reconcile, tax_reconcile
from linkage.land.services import land_enabled, tax_enabled
from linkage.land.sweep import land_sweep
from linkage.models import StepState
from linkage.pipeline import step_claim, step_record_failure, step_record_reply
from linkage.portal.coordination import bundle_adapter
from linkage.portal.reconciliation import reconciliation_run
from linkage.portal.services import enabled as portal_enabled
from linkage.portal.sweep import portal_sweep
from linkage.sweep import bundle_sweep

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
    return {**bundle_sweep(now=now), **streams_sweep(now=now), **portal_sweep(now=now),
            "civil_status": civil_status_sweep(now=now), **land_sweep(now=now)}


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


@shared_task(name="linkage.tasks.civil_status_reconcile", ignore_result=True)
def civil_status_reconcile() -> int:
    """Daily: reconcile yesterday's registrations with the registry; returns the mismatches."""
    if not civil_status_enabled():
        return 0
    yesterday = timezone.localdate() - timedelta(days=1)
    try:
        run = civil_status_reconciliation.reconciliation_run(start=yesterday, end=yesterday)
    except TransportError as exc:
        log.warning("civil-status reconciliation %s: registry unreachable (%s)", yesterday, exc)
        return 0
    if run.mismatches:
        log.warning("civil-status reconciliation %s: %d mismatch(es)", yesterday,
                    len(run.mismatches))
    return len(run.mismatches)


@shared_task(name="linkage.tasks.land_reconcile", ignore_result=True)
def land_reconcile_daily() -> int:
    """Daily: compare every transferred dossier's step with the land office's; mismatches."""
    if not land_enabled():
        return 0
    try:
        run = land_reconcile()
    except TransportError as exc:
        log.warning("land reconciliation: office unreachable (%s)", exc)
        return 0
    if run.mismatches:
        log.warning("land reconciliation: %d mismatch(es)", len(run.mismatches))
    return len(run.mismatches)


@shared_task(name="linkage.tasks.tax_reconcile", ignore_result=True)
def tax_reconcile_daily() -> int:
    """Daily: compare every tax notice (amount, paid) with the tax authority's; mismatches."""
    if not tax_enabled():
        return 0
    try:
        run = tax_reconcile()
    except TransportError as exc:
        log.warning("tax reconciliation: tax authority unreachable (%s)", exc)
        return 0
    if run.mismatches:
        log.warning("tax reconciliation: %d mismatch(es)", len(run.mismatches))
    return len(run.mismatches)
