"""What the seeded ``thanhsen-2025`` scenario needs besides its dossiers: the birth and death
registrations as the bundles they were filed as, and its invented withdrawals labelled.

``seed_history`` calls ``complete_scenario`` after the dossiers are written (however they are
written): this reads the dossiers back, so it stays apart from how the bulk seeding works.

- The center published 697 birth and 221 death bundles (Decree 63/2024/NĐ-CP): each seeded
  root registration becomes a completed ``linkage.Bundle`` of the kind in force the day it was
  received, with its agency steps (police, social insurance, the labour-social line) sent
  within minutes of the registration, acknowledged within two working hours and finished
  inside their limits, as the interlink rules ask. The bundle is dated by the receipt, since
  the published figures count the bundles received in the period.
- The published figures leave 57 dossiers neither resolved nor in progress; the scenario fills
  the residual with withdrawals. They get ``cases.synthetic.SYNTHETIC_WITHDRAWAL_REASON`` so
  Biểu 06, the dashboard and the dossier page say they are invented.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from cases.calendar import working_calendar
from cases.deadlines import VIETNAM_TZ, TimeUnit, classify, due_at
from cases.models import Dossier, Procedure, Status
from cases.synthetic import SYNTHETIC_WITHDRAWAL_REASON
from linkage.bundles import bundle_limit
from linkage.kinds import bundle_kinds_import
from linkage.models import Bundle, BundleKind, BundleState, BundleStep, StepState
from linkage.selectors import bundle_kind_in_force

BUNDLE_GROUPS = ("birth", "death")
#: Passing a finished step on takes the systems minutes; an agency acknowledges within two
#: working hours (Decree 63/2024 art. 7(4)); seeded steps stay well inside both.
SEND_MINUTES = (1, 9)
ACKNOWLEDGE_SECONDS = (5 * 60, 90 * 60)
#: A step finishes after this share of its working time at most (the published bundles were
#: all on time), at least an hour after it was acknowledged.
FINISH_SHARE = 0.5


def complete_scenario(*, first: date, last: date, rng: random.Random) -> dict[str, int]:
    """Bundles for the period's birth and death registrations, and the residual labelled."""
    with transaction.atomic():
        return {
            "bundles": seed_bundles(first=first, last=last, rng=rng),
            "synthetic_withdrawals": label_residual_withdrawals(first=first, last=last),
        }


def _window(first: date, last: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(first, time(0), VIETNAM_TZ),
        datetime.combine(last + timedelta(days=1), time(0), VIETNAM_TZ),
    )


def label_residual_withdrawals(*, first: date, last: date) -> int:
    """The scenario's withdrawals all fill the published residual: label them."""
    start, end = _window(first, last)
    return Dossier.objects.filter(
        status=Status.STOPPED, received_at__gte=start, received_at__lt=end
    ).update(stop_reason=SYNTHETIC_WITHDRAWAL_REASON)


def seed_bundles(*, first: date, last: date, rng: random.Random) -> int:
    """A completed bundle for every birth or death registration received in the period and
    resolved, that has none yet; returns how many were written."""
    if not BundleKind.objects.exists():
        bundle_kinds_import()
    start, end = _window(first, last)
    cal = working_calendar()
    kinds: dict[tuple[str, date], BundleKind] = {}
    procedures = {
        p.code: p for p in Procedure.objects.filter(is_current=True).select_related("agency")
    }
    written = 0
    for group in BUNDLE_GROUPS:
        roots = set(
            BundleKind.objects.filter(code=group).values_list("root_procedure_code", flat=True)
        )
        dossiers = Dossier.objects.filter(
            procedure__code__in=roots,
            received_at__gte=start,
            received_at__lt=end,
            resolved_at__isnull=False,
            bundle__isnull=True,
        ).order_by("received_at", "id")
        for dossier in dossiers.iterator():
            day = timezone.localdate(dossier.received_at)
            if (group, day) not in kinds:
                kinds[group, day] = bundle_kind_in_force(group, on=day)
            _write_bundle(dossier, kinds[group, day], procedures, cal=cal, rng=rng)
            written += 1
    return written


def _write_bundle(dossier: Dossier, kind: BundleKind, procedures: dict, *, cal, rng) -> None:
    kind_steps = list(kind.steps.all())
    optional = [s for s in kind_steps if s.optional]
    # The death bundle: the applicant picks one benefit; the birth bundle has no choice.
    chosen = {rng.choice(optional).procedure_code} if optional else set()
    selected = [s for s in kind_steps if not s.optional or s.procedure_code in chosen]
    limit = bundle_limit(kind, selected, needs_verification=False, elderly=False)
    bundle_due = due_at(cal, start=dossier.received_at, limit=limit, unit=TimeUnit.WORKING_DAYS)
    registered = dossier.resolved_at
    steps = []
    for position, kind_step in enumerate(selected):
        procedure = procedures[kind_step.procedure_code]
        is_root = kind_step.procedure_code == kind.root_procedure_code
        if is_root:
            times = {"ready_at": dossier.received_at, "completed_at": registered}
            step_due = dossier.due_at
        else:
            times = _agency_times(registered, kind_step.time_limit, cal=cal, rng=rng)
            step_due = due_at(
                cal, start=registered, limit=kind_step.time_limit, unit=TimeUnit.WORKING_DAYS
            )
        steps.append(
            BundleStep(
                position=position,
                procedure=procedure,
                agency=None if is_root else procedure.agency,
                is_root=is_root,
                awaits_relatives=kind_step.awaits_relatives,
                state=StepState.DONE,
                time_limit=kind_step.time_limit,
                due_at=step_due,
                **times,
            )
        )
    completed = max(s.completed_at for s in steps)
    bundle = Bundle.objects.create(
        dossier=dossier,
        kind=kind,
        state=BundleState.COMPLETED,
        time_limit=limit,
        due_at=bundle_due,
        created_at=dossier.received_at,
        completed_at=completed,
        classification=classify(due_at=bundle_due, finished_at=completed, now=completed).value,
    )
    for step in steps:
        step.bundle = bundle
    BundleStep.objects.bulk_create(steps)


def _agency_times(ready: datetime, limit: int, *, cal, rng) -> dict[str, datetime]:
    sent = ready + timedelta(minutes=rng.randint(*SEND_MINUTES))
    acknowledged = cal.add_working_seconds(sent, rng.randint(*ACKNOWLEDGE_SECONDS))
    longest = max(3600, int(limit * 8 * 3600 * FINISH_SHARE))
    completed = cal.add_working_seconds(acknowledged, rng.randint(3600, longest))
    return {
        "ready_at": ready,
        "sent_at": sent,
        "acknowledged_at": acknowledged,
        "completed_at": completed,
    }
