"""Every write to a bundle: one transaction, the bundle row locked, one event on the parent.

Bundle events go into the parent dossier's history (``DossierEvent``) and are published to
``cases.hooks`` on commit, like the dossier core's own: the resident's notifications and the
reports see each step without knowing about this app. The parent dossier's state machine is
not touched; a bundle's own progress lives in ``Bundle`` and ``BundleStep``.

This module holds the bundle's own writes: filing, the reactions to the parent dossier's
steps, the release of steps to the outbox, the return for correction and the staff's
actions. A step's life with its agency is ``linkage.pipeline``; the beat sweep is
``linkage.sweep``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import hooks
from cases.actions import (
    Applicant,
    SubmittedDocument,
    dossier_create,
    pause_end,
    pause_start,
    record_event,
)
from cases.calendar import working_calendar
from cases.deadlines import Pause, TimeUnit, statutory_due
from cases.models import (
    Dossier,
    DossierEvent,
    DossierPause,
    PauseKind,
    Procedure,
)
from cases.policy import bundle_denial_reason
from linkage import outbox
from linkage.models import (
    Bundle,
    BundleKind,
    BundleState,
    BundleStep,
    CivilRegistration,
    Outbox,
    RegistrationState,
    StepState,
)
from linkage.selectors import bundle_kind_in_force
from thanhsen.errors import ApplicationError, ErrorKind, invalid

log = logging.getLogger(__name__)

#: Dependent steps not yet handed to an agency: they wait while the bundle is corrected.
_UNSENT = (StepState.READY, StepState.RETRYING, StepState.NEEDS_ATTENTION)


def _record(
    bundle: Bundle, *, action: str, actor=None, note: str = "", payload=None, at: datetime
) -> DossierEvent:
    """One event in the parent's history, published to the hooks once the transaction commits.

    ``bundle`` comes from ``_locked`` (or the submission), so its dossier's status is current.
    """
    return _append_event(
        bundle.dossier_id,
        bundle.dossier.status,
        action=action,
        actor=actor,
        note=note,
        payload=payload,
        at=at,
    )


def _append_event(
    dossier_id: int,
    status: str,
    *,
    action: str,
    actor=None,
    note: str = "",
    payload=None,
    at: datetime,
) -> DossierEvent:
    return record_event(
        dossier_id=dossier_id,
        actor=actor,
        at=at,
        action=action,
        from_status=status,
        to_status=status,
        note=note,
        payload=payload,
    )


def _locked(bundle_id: int) -> Bundle:
    return (
        Bundle.objects.select_for_update(of=("self",))
        .select_related("kind", "dossier")
        .get(pk=bundle_id)
    )


def _check(actor, bundle: Bundle, action: str) -> None:
    reason = bundle_denial_reason(actor, bundle, action)
    if reason:
        raise ApplicationError(reason, kind=ErrorKind.FORBIDDEN)


def _pauses(dossier_id: int) -> list[Pause]:
    return [
        Pause(p.started_at, p.ended_at) for p in DossierPause.objects.filter(dossier_id=dossier_id)
    ]


def _refresh_due(bundle: Bundle, *, at: datetime) -> None:
    """Bundle and step due dates, with the relatives' confirmations left out of the count."""
    cal = working_calendar()
    pauses = _pauses(bundle.dossier_id)
    received_at = (
        Dossier.objects.filter(pk=bundle.dossier_id).values_list("received_at", flat=True).get()
    )
    if received_at:
        bundle.due_at = statutory_due(
            cal,
            received_at=received_at,
            limit=bundle.time_limit,
            unit=TimeUnit.WORKING_DAYS,
            pauses=pauses,
            now=at,
        )
        bundle.save(update_fields=["due_at"])
    for step in bundle.steps.filter(ready_at__isnull=False).exclude(state=StepState.CANCELLED):
        step.due_at = statutory_due(
            cal,
            received_at=step.ready_at,
            limit=step.time_limit,
            unit=TimeUnit.WORKING_DAYS,
            pauses=pauses,
            now=at,
        )
        step.save(update_fields=["due_at"])


def _relatives_pending(bundle: Bundle) -> bool:
    return DossierPause.objects.filter(
        dossier_id=bundle.dossier_id, kind=PauseKind.VERIFICATION, ended_at__isnull=True
    ).exists()


def bundle_submit(
    *,
    kind_code: str,
    applicant: Applicant,
    actor,
    channel: str,
    chosen_procedures: Iterable[str] = (),
    needs_verification: bool = False,
    deceased_elderly_with_allowance: bool = False,
    documents: Iterable[SubmittedDocument] = (),
    receive: bool = False,
    note: str = "",
    at: datetime | None = None,
) -> Bundle:
    """File a bundle: the parent dossier (root civil-status procedure) and its steps, atomically.

    The bundle follows the kind's version in force on the day it is filed. The applicant
    picks the optional procedures; the total limit follows the beneficiary group they belong
    to (``deceased_elderly_with_allowance``: the deceased was 80 or older and received a
    monthly survivor allowance, which lengthens the social-assistance group's limit).
    """
    at = at or timezone.now()
    kind = bundle_kind_in_force(kind_code, on=timezone.localdate(at))
    if kind is None:
        raise invalid("kind", _("Không có loại liên thông “%(kind)s”.") % {"kind": kind_code})
    chosen = set(chosen_procedures)
    kind_steps = list(kind.steps.all())
    optional = {s.procedure_code for s in kind_steps if s.optional}
    unknown = chosen - optional
    if unknown:
        raise invalid(
            "chosen_procedures",
            _("Thủ tục %(code)s không thuộc nhóm liên thông này.") % {"code": sorted(unknown)[0]},
        )
    selected = [s for s in kind_steps if not s.optional or s.procedure_code in chosen]
    if kind.max_procedures and len(selected) > kind.max_procedures:
        least = len([s for s in kind_steps if not s.optional])
        raise invalid(
            "chosen_procedures",
            _("Nhóm thủ tục này phải gồm %(choices)s thủ tục; bạn đã chọn %(count)d.")
            % {"choices": ", ".join(str(n) for n in range(least, kind.max_procedures + 1)),
               "count": len(selected)},
        )
    time_limit = bundle_limit(kind, selected, needs_verification=needs_verification,
                              elderly=deceased_elderly_with_allowance)
    procedures = {
        p.code: p
        for p in Procedure.objects.filter(
            code__in=[s.procedure_code for s in selected], is_current=True
        ).select_related("agency")
    }
    with transaction.atomic():
        dossier = dossier_create(
            procedure_code=kind.root_procedure_code,
            applicant=applicant,
            channel=channel,
            actor=actor,
            documents=documents,
            receive=receive,
            note=note,
            at=at,
        )
        bundle = Bundle.objects.create(
            dossier=dossier,
            kind=kind,
            needs_verification=needs_verification,
            time_limit=time_limit,
            created_at=at,
        )
        steps = []
        for position, kind_step in enumerate(selected):
            procedure = procedures.get(kind_step.procedure_code)
            if procedure is None:
                raise invalid(
                    "kind",
                    _("Thủ tục %(code)s của nhóm liên thông không còn áp dụng.")
                    % {"code": kind_step.procedure_code},
                )
            is_root = kind_step.procedure_code == kind.root_procedure_code
            limit = kind_step.time_limit
            if needs_verification and kind_step.verification_time_limit is not None:
                limit = kind_step.verification_time_limit
            steps.append(
                BundleStep(
                    bundle=bundle,
                    position=position,
                    procedure=procedure,
                    agency=None if is_root else procedure.agency,
                    is_root=is_root,
                    awaits_relatives=kind_step.awaits_relatives,
                    time_limit=limit,
                )
            )
        BundleStep.objects.bulk_create(steps)
        if dossier.received_at:
            _refresh_due(bundle, at=at)
        _record(
            bundle,
            action="bundle_create",
            actor=actor,
            at=at,
            payload={
                "kind": kind.code,
                "procedures": [s.procedure.code for s in steps],
                "time_limit": time_limit,
                "catalogue_code": kind.catalogue_code,
                "deceased_elderly_with_allowance": deceased_elderly_with_allowance,
            },
        )
    return bundle


def bundle_limit(kind: BundleKind, selected, *, needs_verification: bool, elderly: bool) -> int:
    """The bundle's total: the longest limit of the beneficiary groups its chosen procedures
    belong to (Decree 63/2024), never shorter than the kind's own limit (with verification
    when it is needed). The number of procedures chosen does not matter."""
    base = kind.time_limit or 0
    if needs_verification and kind.verification_time_limit is not None:
        base = kind.verification_time_limit
    groups = kind.time_limit_by_group or {}
    limits = [base]
    for step in selected:
        root = ".".join(step.procedure_code.split(".")[:2])
        limit = groups.get(f"{root}:elderly") if elderly else None
        if limit is None:
            limit = groups.get(root)
        if limit is not None:
            limits.append(limit)
    return max(limits)


#: The parent dossier's own steps a bundle follows.
PARENT_ACTIONS = frozenset({"receive", "approve", "civil_status_registered", "refuse", "stop"})


def on_dossier_events(events: list[hooks.Published]) -> None:
    """React to a commit's steps of parent dossiers (registered in ``LinkageConfig.ready``).

    A receipt in the commit that created its dossier is left out: no bundle existed when it
    was written, and one filed around the dossier (``bundle_submit``) dates itself. So the
    counter's usual creation-and-receipt costs no statement here. One reaction failing
    (logged) leaves the others to run.
    """
    created = {event.dossier_id for event in events if event.action == "create"}
    for event in events:
        if event.action not in PARENT_ACTIONS or (
            event.action == "receive" and event.dossier_id in created
        ):
            continue
        try:
            on_dossier_event(event.id)
        except Exception:
            log.exception("Bundle reaction to dossier event %s failed", event.id)


def on_dossier_event(event_id: int) -> None:
    """React to one of the parent dossier's own steps.

    One statement finds the event and its bundle: most dossiers have none, and this runs on
    the commit of every receipt at the counter.
    """
    event = (
        DossierEvent.objects.filter(
            pk=event_id, action__in=PARENT_ACTIONS, dossier__bundle__isnull=False
        )
        .values("action", "at", "dossier__bundle__pk")
        .first()
    )
    if event is None:
        return
    bundle = Bundle.objects.get(pk=event["dossier__bundle__pk"])
    if event["action"] == "receive":
        with transaction.atomic():
            _refresh_due(_locked(bundle.pk), at=event["at"])
    elif event["action"] in ("approve", "civil_status_registered"):
        bundle_civil_status_done(bundle=bundle, at=event["at"])
    else:
        bundle_cancel(bundle=bundle, at=event["at"])


def bundle_civil_status_done(*, bundle: Bundle, at: datetime | None = None) -> Bundle:
    """The birth or death is registered: the dependent steps go out in parallel.

    With the civil-status registry connected the registration is the registry's: the step
    waits for its answer and starts the agencies from its extract (number, book, page).
    Idempotent, because both the hook and the sweep (for a hook lost with its process) call it.
    """
    at = at or timezone.now()
    with transaction.atomic():
        bundle = _locked(bundle.pk)
        if bundle.state != BundleState.CIVIL_STATUS:
            return bundle
        registry = CivilRegistration.objects.filter(dossier_id=bundle.dossier_id).first()
        if registry is not None and registry.state != RegistrationState.REGISTERED:
            return bundle
        root = bundle.steps.get(is_root=True)
        root.state = StepState.DONE
        root.ready_at = root.ready_at or bundle.dossier.received_at or at
        root.sent_at = root.acknowledged_at = root.completed_at = at
        root.result = {"document": _("Trích lục"), "number": bundle.dossier.code}
        if registry is not None:
            root.external_reference = registry.number
            root.sent_at = registry.created_at
            root.completed_at = registry.registered_at or at
            root.result = {"document": _("Trích lục"), "number": registry.number,
                           "book": registry.book, "page": registry.page}
        root.save(
            update_fields=[
                "state",
                "ready_at",
                "sent_at",
                "acknowledged_at",
                "completed_at",
                "result",
                "external_reference",
            ]
        )
        bundle.state = BundleState.IN_PROGRESS
        bundle.save(update_fields=["state"])
        _record(bundle, action="bundle_step_done", at=at, payload=_step_payload(root))
        _release(bundle, at=at)
    return bundle


def bundle_cancel(*, bundle: Bundle, at: datetime | None = None) -> Bundle:
    """The parent was refused or stopped: nothing more goes to the agencies."""
    at = at or timezone.now()
    with transaction.atomic():
        bundle = _locked(bundle.pk)
        if bundle.state in (BundleState.COMPLETED, BundleState.CANCELLED):
            return bundle
        bundle.steps.exclude(state=StepState.DONE).update(state=StepState.CANCELLED)
        bundle.state = BundleState.CANCELLED
        bundle.save(update_fields=["state"])
        _record(bundle, action="bundle_cancel", at=at)
    return bundle


def _release(bundle: Bundle, *, at: datetime) -> list[int]:
    """Make every dependent step that may go now ready, with its outbox row (same transaction)."""
    held = _relatives_pending(bundle)
    steps = bundle.steps.filter(is_root=False, state__in=(StepState.WAITING, StepState.RETURNED))
    if held:
        steps = steps.filter(awaits_relatives=False)
    ids = []
    for step in steps:
        if step.state == StepState.RETURNED:
            # Corrected data is a new submission: the rejected key must not be replayed.
            step.idempotency_key = uuid.uuid4()
            step.attempts = 0
            step.sent_at = step.acknowledged_at = None
        step.state = StepState.READY
        step.ready_at = at
        step.next_attempt_at = at
        step.claimed_at = None
        step.save(
            update_fields=[
                "state",
                "ready_at",
                "next_attempt_at",
                "claimed_at",
                "idempotency_key",
                "attempts",
                "sent_at",
                "acknowledged_at",
            ]
        )
        ids.append(Outbox.objects.create(step=step, created_at=at).pk)
    if ids:
        _refresh_due(bundle, at=at)
        outbox.publish_on_commit(ids)
    return ids


def _return_for_correction(bundle: Bundle, *, reason: str, at: datetime, payload: dict) -> None:
    """An agency rejected the civil-status data: the bundle goes back to the civil-status step.

    The returned step itself is already saved.
    """
    bundle.steps.filter(is_root=False, state__in=_UNSENT).update(
        state=StepState.WAITING, next_attempt_at=None
    )
    bundle.steps.filter(is_root=True).update(state=StepState.WAITING, completed_at=None)
    if bundle.state == BundleState.IN_PROGRESS:
        bundle.state = BundleState.CORRECTION
        bundle.corrections += 1
        bundle.save(update_fields=["state", "corrections"])
    _record(bundle, action="bundle_return", at=at, note=reason, payload=payload)


def _step_payload(step: BundleStep) -> dict:
    return {
        "step": step.pk,
        "procedure": step.procedure.code,
        "procedure_name": step.procedure.name,
        "agency": step.agency.code if step.agency_id else "",
        "result": step.result,
        "reference": step.external_reference,
    }


def step_retry_now(*, step: BundleStep, actor, at: datetime | None = None) -> BundleStep:
    """Staff send a failing step again at once, with a fresh allowance of attempts."""
    at = at or timezone.now()
    with transaction.atomic():
        bundle = _locked(step.bundle_id)
        _check(actor, bundle, "retry")
        step = (
            BundleStep.objects.select_for_update(of=("self",))
            .select_related("procedure", "agency")
            .get(pk=step.pk)
        )
        if (
            step.state not in (StepState.NEEDS_ATTENTION, StepState.RETRYING)
            or bundle.state != BundleState.IN_PROGRESS
        ):
            raise ApplicationError(
                _("Bước này không ở trạng thái chờ gửi lại (hiện: %(state)s).")
                % {"state": step.get_state_display()},
                kind=ErrorKind.CONFLICT,
            )
        step.state = StepState.READY
        step.attempts = 0
        step.next_attempt_at = at
        step.save(update_fields=["state", "attempts", "next_attempt_at"])
        outbox.publish_on_commit([Outbox.objects.create(step=step, created_at=at).pk])
        _record(
            bundle,
            action="bundle_step_retry",
            actor=actor,
            at=at,
            note=step.last_error,
            payload=_step_payload(step),
        )
    return step


def bundle_correction_complete(
    *, bundle: Bundle, actor, note: str = "", at: datetime | None = None
) -> Bundle:
    """The civil-status officer corrected the registration: the returned steps go out again."""
    at = at or timezone.now()
    note = (note or "").strip()
    if not note:
        raise invalid("note", _("Cần ghi rõ nội dung đã sửa trong đăng ký hộ tịch."))
    with transaction.atomic():
        bundle = _locked(bundle.pk)
        _check(actor, bundle, "complete_correction")
        if bundle.state != BundleState.CORRECTION:
            raise ApplicationError(
                _("Hồ sơ liên thông không chờ sửa hộ tịch."), kind=ErrorKind.CONFLICT
            )
        root = bundle.steps.get(is_root=True)
        root.state = StepState.DONE
        root.completed_at = at
        root.result = {**root.result, "corrections": bundle.corrections}
        root.save(update_fields=["state", "completed_at", "result"])
        bundle.state = BundleState.IN_PROGRESS
        bundle.save(update_fields=["state"])
        _record(bundle, action="bundle_correct", actor=actor, at=at, note=note)
        _release(bundle, at=at)
    return bundle


def bundle_relatives_wait_start(
    *, bundle: Bundle, actor, reason: str = "", at: datetime | None = None
) -> Bundle:
    """Waiting for relatives' VNeID confirmations: the clock stops, benefit steps are held."""
    at = at or timezone.now()
    with transaction.atomic():
        bundle = _locked(bundle.pk)
        _check(actor, bundle, "relatives_wait")
        if not bundle.steps.filter(awaits_relatives=True).exists():
            raise ApplicationError(
                _("Nhóm thủ tục này không cần thân nhân xác nhận."), kind=ErrorKind.CONFLICT
            )
        if bundle.state in (BundleState.COMPLETED, BundleState.CANCELLED) or _relatives_pending(
            bundle
        ):
            raise ApplicationError(
                _("Không thể bắt đầu chờ xác nhận lúc này."), kind=ErrorKind.CONFLICT
            )
        reason = (reason or "").strip() or _("Chờ thân nhân xác nhận qua VNeID")
        pause_start(dossier_id=bundle.dossier_id, kind=PauseKind.VERIFICATION, reason=reason, at=at)
        bundle.steps.filter(awaits_relatives=True, state__in=_UNSENT).update(
            state=StepState.WAITING, next_attempt_at=None
        )
        _record(bundle, action="bundle_relatives_wait", actor=actor, at=at, note=reason)
    return bundle


def bundle_relatives_confirmed(*, bundle: Bundle, actor, at: datetime | None = None) -> Bundle:
    """The confirmations arrived: the pause ends, deadlines move by its length, steps go."""
    at = at or timezone.now()
    with transaction.atomic():
        bundle = _locked(bundle.pk)
        _check(actor, bundle, "relatives_wait")
        if pause_end(dossier_id=bundle.dossier_id, kind=PauseKind.VERIFICATION, at=at) is None:
            raise ApplicationError(
                _("Không có yêu cầu xác nhận nào đang chờ."), kind=ErrorKind.CONFLICT
            )
        _refresh_due(bundle, at=at)
        _record(bundle, action="bundle_relatives_confirmed", actor=actor, at=at)
        if bundle.state == BundleState.IN_PROGRESS:
            _release(bundle, at=at)
    return bundle
