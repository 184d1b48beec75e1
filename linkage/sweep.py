"""The sweep (Celery beat, every minute): re-queue what is due or stuck, publish what the
outbox still holds, follow the parent dossiers a lost hook missed, raise the warnings.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.calendar import working_calendar
from cases.models import (
    Dossier,
    Outcome,
    Status,
)
from cases.selectors import waiting_at
from linkage import outbox
from linkage.bundles import bundle_cancel, bundle_civil_status_done
from linkage.conf import linkage_settings
from linkage.framework import publish
from linkage.models import (
    CLAIMED_STATES,
    Bundle,
    BundleState,
    BundleStep,
    Outbox,
    RegistrationState,
    StepState,
)

log = logging.getLogger(__name__)


WARN_NOT_PASSED_ON = "not_passed_on"
WARN_NOT_ACKNOWLEDGED = "not_acknowledged"
WARN_OVERDUE = "overdue"
PASS_ON_LIMIT = timedelta(minutes=10)
ACK_LIMIT_SECONDS = 2 * 3600


def bundle_sweep(*, now: datetime | None = None, batch: int = 500) -> dict:
    """Re-queue what is due or stuck, publish what the outbox still holds, raise warnings.

    The database decides what runs: a lost message, a dead worker or a lost hook only delays a
    step until the next sweep.
    """
    now = now or timezone.now()
    conf = linkage_settings()
    counts = {"reconciled": 0, "stale": 0, "published": 0, "requeued": 0, "warned": 0}
    for bundle in Bundle.objects.filter(
        state=BundleState.CIVIL_STATUS,
        dossier__outcome=Outcome.APPROVED,
        dossier__status__in=(Status.RESOLVED, Status.RETURNED),
    ).exclude(
        # Still with the civil-status registry: its answer releases the bundle.
        dossier__civil_registration__state__in=(
            RegistrationState.AWAITING, RegistrationState.CORRECTION
        )
    )[:batch]:
        bundle_civil_status_done(bundle=bundle, at=now)
        counts["reconciled"] += 1
    for bundle in Bundle.objects.filter(
        state__in=(BundleState.CIVIL_STATUS, BundleState.IN_PROGRESS, BundleState.CORRECTION),
    ).filter(
        Q(dossier__status__in=(Status.STOPPED, Status.NOT_ACCEPTED))
        | Q(dossier__outcome=Outcome.REFUSED)
    )[:batch]:
        bundle_cancel(bundle=bundle, at=now)
        counts["reconciled"] += 1
    stale = now - conf.claim_timeout
    counts["stale"] = BundleStep.objects.filter(
        state__in=CLAIMED_STATES, claimed_at__lt=stale
    ).update(
        state=Case(
            When(state=StepState.POLLING, then=Value(StepState.SENT)),
            default=Value(StepState.RETRYING),
        ),
        claimed_at=None,
        next_attempt_at=now,
        last_error=Value(_("Tiến trình xử lý bị gián đoạn; sẽ gửi lại.")),
    )
    pending = Outbox.objects.filter(
        published_at__isnull=True, created_at__lt=now - conf.outbox_grace
    ).values_list("pk", flat=True)
    counts["published"] = outbox.publish(list(pending[:batch]))
    due = (
        BundleStep.objects.filter(
            state__in=(StepState.READY, StepState.RETRYING, StepState.SENT),
            next_attempt_at__lte=now,
            bundle__state=BundleState.IN_PROGRESS,
        )
        .filter(publish.needs_publishing(now, conf.requeue_after))
        .values_list("pk", flat=True)
    )
    counts["requeued"] = outbox.send_steps(list(due[:batch]))
    counts["warned"] = _raise_warnings(now)
    return counts


def _raise_warnings(now: datetime) -> int:
    cal = working_calendar()
    open_steps = (
        BundleStep.objects.filter(is_root=False, ready_at__isnull=False)
        .exclude(state__in=(StepState.DONE, StepState.CANCELLED, StepState.WAITING))
        .filter(Q(ready_at__lt=now - PASS_ON_LIMIT) | Q(due_at__lt=now) | ~Q(warnings=[]))
    )
    steps = list(open_steps.only(
        "pk", "ready_at", "sent_at", "acknowledged_at", "due_at", "warnings", "bundle__dossier"
    ).select_related("bundle"))
    # A step whose bundle waits on someone else (the relatives' confirmations) is not overdue.
    waiting = set(Dossier.objects.filter(
        pk__in={step.bundle.dossier_id for step in steps}).filter(waiting_at(now))
        .values_list("pk", flat=True))
    changed = 0
    for step in steps:
        warnings = []
        if step.sent_at is None and step.ready_at < now - PASS_ON_LIMIT:
            warnings.append(WARN_NOT_PASSED_ON)
        if (
            step.sent_at
            and step.acknowledged_at is None
            and cal.working_seconds_between(step.sent_at, now) > ACK_LIMIT_SECONDS
        ):
            warnings.append(WARN_NOT_ACKNOWLEDGED)
        if step.due_at and step.due_at < now and step.bundle.dossier_id not in waiting:
            warnings.append(WARN_OVERDUE)
        if warnings != step.warnings:
            if warnings:
                log.warning("bundle step %s: %s", step.pk, ", ".join(warnings))
            BundleStep.objects.filter(pk=step.pk).update(warnings=warnings)
            changed += 1
    return changed
