"""Every write to a bundle: one transaction, the bundle row locked, one event on the parent.

Bundle events go into the parent dossier's history (``DossierEvent``) and are published to
``cases.hooks`` on commit, like the dossier core's own: the resident's notifications and the
reports see each step without knowing about this app. The parent dossier's state machine is
not touched; a bundle's own progress lives in ``Bundle`` and ``BundleStep``.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from cases.calendar import working_calendar
from cases.deadlines import Pause, TimeUnit, classify, statutory_due
from cases.models import (
    Agency,
    Dossier,
    DossierEvent,
    DossierPause,
    Outcome,
    PauseKind,
    Procedure,
    Status,
)
from cases.policy import bundle_denial_reason
from cases.selectors import waiting_at
from cases.services import (
    Applicant,
    SubmittedDocument,
    dossier_create,
    pause_end,
    pause_start,
    record_event,
)
from linkage import outbox
from linkage.adapters import AgencyReply, ReplyStatus
from linkage.conf import linkage_settings
from linkage.framework import publish, retry
from linkage.models import (
    CLAIMED_STATES,
    Bundle,
    BundleKind,
    BundleState,
    BundleStep,
    Outbox,
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


# --- deadlines -----------------------------------------------------------------------------
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


# --- submission ----------------------------------------------------------------------------
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
    time_limit = _bundle_limit(kind, selected, needs_verification=needs_verification,
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


def _bundle_limit(kind: BundleKind, selected, *, needs_verification: bool, elderly: bool) -> int:
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


# --- reactions to the parent dossier -------------------------------------------------------
#: The parent dossier's own steps a bundle follows.
PARENT_ACTIONS = frozenset({"receive", "approve", "refuse", "stop"})


def on_dossier_event(event_id: int) -> None:
    """React to the parent dossier's own steps (registered in ``LinkageConfig.ready``).

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
    elif event["action"] == "approve":
        bundle_civil_status_done(bundle=bundle, at=event["at"])
    else:
        bundle_cancel(bundle=bundle, at=event["at"])


def bundle_civil_status_done(*, bundle: Bundle, at: datetime | None = None) -> Bundle:
    """The ward has registered the birth or death: the dependent steps go out in parallel.

    Idempotent, because both the hook and the sweep (for a hook lost with its process) call it.
    """
    at = at or timezone.now()
    with transaction.atomic():
        bundle = _locked(bundle.pk)
        if bundle.state != BundleState.CIVIL_STATUS:
            return bundle
        root = bundle.steps.get(is_root=True)
        root.state = StepState.DONE
        root.ready_at = root.ready_at or bundle.dossier.received_at or at
        root.sent_at = root.acknowledged_at = root.completed_at = at
        root.result = {"document": _("Trích lục"), "number": bundle.dossier.code}
        root.save(
            update_fields=[
                "state",
                "ready_at",
                "sent_at",
                "acknowledged_at",
                "completed_at",
                "result",
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


# --- the step's life with its agency -------------------------------------------------------
# A step is the pipeline's unit of work, so its path (claim, record) is plain SQL: building
# the ORM's queries and models was most of a worker's CPU per step. The rarer branches
# (returned for correction, needs attention) still go through the models.
_STEP = BundleStep._meta.db_table
_BUNDLE = Bundle._meta.db_table

_CLAIM_SQL = f"""
UPDATE {_STEP}
   SET state = CASE WHEN state = %(sent)s THEN %(polling)s ELSE %(sending)s END,
       attempts = CASE WHEN state = %(sent)s THEN attempts ELSE attempts + 1 END,
       claimed_at = %(now)s
 WHERE id = %(id)s
   AND next_attempt_at <= %(now)s
   AND state IN (%(ready)s, %(retrying)s, %(sent)s)
   AND EXISTS (SELECT 1 FROM {_BUNDLE} b WHERE b.id = {_STEP}.bundle_id AND b.state = %(open)s)
RETURNING bundle_id, state, attempts, idempotency_key, external_reference, procedure_id,
          agency_id
"""
_CLAIM_DETAILS_SQL = f"""
SELECT d.code, d.applicant_name, d.applicant_id_number, k.code, b.corrections,
       p.code, p.name, a.code
  FROM {_BUNDLE} b
  JOIN {Dossier._meta.db_table} d ON d.id = b.dossier_id
  JOIN {BundleKind._meta.db_table} k ON k.id = b.kind_id
  JOIN {Procedure._meta.db_table} p ON p.id = %s
  JOIN {Agency._meta.db_table} a ON a.id = %s
 WHERE b.id = %s
"""
_LOCK_BUNDLE_SQL = f"""
SELECT b.dossier_id, d.status, b.due_at
  FROM {_BUNDLE} b JOIN {Dossier._meta.db_table} d ON d.id = b.dossier_id
 WHERE b.id = %s
"""
#: Writes a claimed step's outcome only while this worker still holds the claim.
_RECORD_SQL = f"""
UPDATE {_STEP}
   SET state = %(state)s, claimed_at = NULL, last_error = %(error)s,
       next_attempt_at = %(next)s, external_reference = %(reference)s,
       sent_at = CASE WHEN %(replied)s THEN COALESCE(sent_at, %(at)s) ELSE sent_at END,
       acknowledged_at = CASE WHEN %(done)s THEN COALESCE(acknowledged_at, %(at)s)
                              ELSE acknowledged_at END,
       completed_at = CASE WHEN %(done)s THEN %(at)s ELSE completed_at END,
       result = CASE WHEN %(done)s THEN %(result)s ELSE result END
 WHERE id = %(id)s AND state IN (%(sending)s, %(polling)s) AND claimed_at = %(claimed_at)s
"""
_UNFINISHED_SQL = f"SELECT 1 FROM {_STEP} WHERE bundle_id = %s AND state <> %s LIMIT 1"


@dataclass
class ClaimedStep:
    """A step this worker holds, with what the agency call and the recording need."""

    pk: int
    bundle_id: int
    state: str
    attempts: int
    claimed_at: datetime
    idempotency_key: str
    external_reference: str
    agency_code: str
    procedure_code: str
    procedure_name: str
    payload: dict

    def event_payload(self, *, result=None, reference: str | None = None) -> dict:
        """As ``_step_payload`` gives it for a step model."""
        return {
            "step": self.pk,
            "procedure": self.procedure_code,
            "procedure_name": self.procedure_name,
            "agency": self.agency_code,
            "result": result or {},
            "reference": self.external_reference if reference is None else reference,
        }


def _db_datetime(value):
    """A datetime column read by a bare cursor (SQLite gives naive UTC text)."""
    if value is None or isinstance(value, datetime) and value.tzinfo is not None:
        return value
    if isinstance(value, str):
        value = parse_datetime(value)
    return value.replace(tzinfo=UTC)


def _db_value(value):
    return connection.ops.adapt_datetimefield_value(value) if value is not None else None


def step_claim(step_id: int, *, now: datetime | None = None) -> ClaimedStep | None:
    """Take the step for this worker with one conditional UPDATE; ``None`` if it is not due.

    A duplicate delivery of the same task, or a task for a step another worker holds, finds
    nothing to update and does nothing.
    """
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _CLAIM_SQL,
            {
                "id": step_id,
                "now": _db_value(now),
                "ready": StepState.READY,
                "retrying": StepState.RETRYING,
                "sent": StepState.SENT,
                "polling": StepState.POLLING,
                "sending": StepState.SENDING,
                "open": BundleState.IN_PROGRESS,
            },
        )
        row = cursor.fetchone()
        if row is None:
            return None
        bundle_id, state, attempts, key, reference, procedure_id, agency_id = row
        cursor.execute(_CLAIM_DETAILS_SQL, [procedure_id, agency_id, bundle_id])
        code, name, id_number, kind, corrections, procedure, procedure_name, agency = (
            cursor.fetchone()
        )
    return ClaimedStep(
        pk=step_id,
        bundle_id=bundle_id,
        state=state,
        attempts=attempts,
        claimed_at=now,
        idempotency_key=str(uuid.UUID(str(key))),
        external_reference=reference,
        agency_code=agency,
        procedure_code=procedure,
        procedure_name=procedure_name,
        payload={
            "dossier": code,
            "bundle_kind": kind,
            "procedure": procedure,
            "correction": corrections,
            "applicant": {"name": name, "id_number": id_number},
        },
    )


def _lock_bundle(bundle_id: int) -> tuple[int, str, datetime | None]:
    """Lock the bundle of a claimed step (before the step, the order every writer keeps), so
    that two steps finishing together decide the bundle's completion one after the other.
    Returns the parent dossier's id and status (for the event) and the bundle's due date."""
    sql = _LOCK_BUNDLE_SQL
    if connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF b"
    with connection.cursor() as cursor:
        cursor.execute(sql, [bundle_id])
        dossier_id, status, due_at = cursor.fetchone()
    return dossier_id, status, _db_datetime(due_at)


def _save_claimed(
    step: ClaimedStep,
    *,
    state: str,
    at: datetime,
    error: str = "",
    next_attempt_at: datetime | None = None,
    reference: str | None = None,
    replied: bool = False,
    result: dict | None = None,
) -> bool:
    """Write the outcome only if this worker still holds the claim (one conditional UPDATE).

    The claim is lost when the sweep handed a stale claim back (``claimed_at`` changed) or the
    bundle was cancelled (state changed): then nothing is written and nothing recorded.
    """
    done = state == StepState.DONE
    result_field = BundleStep._meta.get_field("result")
    with connection.cursor() as cursor:
        cursor.execute(
            _RECORD_SQL,
            {
                "id": step.pk,
                "state": state,
                "error": error,
                "next": _db_value(next_attempt_at),
                "reference": step.external_reference if reference is None else reference,
                "replied": replied,
                "done": done,
                "at": _db_value(at),
                "result": result_field.get_db_prep_save(result or {}, connection),
                "sending": StepState.SENDING,
                "polling": StepState.POLLING,
                "claimed_at": _db_value(step.claimed_at),
            },
        )
        return cursor.rowcount == 1


def step_record_reply(*, step: ClaimedStep, reply: AgencyReply, at: datetime | None = None) -> None:
    """Record what the agency answered to a claimed step (``step`` as ``step_claim`` gave it)."""
    at = at or timezone.now()
    reference = reply.reference or step.external_reference
    with transaction.atomic():
        dossier_id, status, due_at = _lock_bundle(step.bundle_id)
        if reply.status == ReplyStatus.RETURNED:
            if _save_claimed(
                step,
                state=StepState.RETURNED,
                at=at,
                error=reply.reason,
                reference=reference,
                replied=True,
            ):
                _return_for_correction(
                    _locked(step.bundle_id),
                    reason=reply.reason,
                    at=at,
                    payload=step.event_payload(reference=reference),
                )
            return
        if reply.status == ReplyStatus.RECEIVED:
            _save_claimed(
                step,
                state=StepState.SENT,
                at=at,
                next_attempt_at=at + linkage_settings().poll_interval,
                reference=reference,
                replied=True,
            )
            return
        if not _save_claimed(
            step,
            state=StepState.DONE,
            at=at,
            reference=reference,
            replied=True,
            result=reply.result,
        ):
            return
        _append_event(
            dossier_id,
            status,
            action="bundle_step_done",
            at=at,
            payload=step.event_payload(result=reply.result, reference=reference),
        )
        with connection.cursor() as cursor:
            cursor.execute(_UNFINISHED_SQL, [step.bundle_id, StepState.DONE])
            unfinished = cursor.fetchone() is not None
        if not unfinished:
            classification = (
                classify(due_at=due_at, finished_at=at, now=at).value if due_at else ""
            )
            Bundle.objects.filter(pk=step.bundle_id).update(
                state=BundleState.COMPLETED, completed_at=at, classification=classification
            )
            _append_event(
                dossier_id,
                status,
                action="bundle_complete",
                at=at,
                payload={"classification": classification},
            )


def backoff(attempts: int, *, rng: random.Random | None = None) -> timedelta:
    """The framework's capped, jittered back-off with the linkage settings."""
    conf = linkage_settings()
    return retry.backoff(attempts, base=conf.retry_base, cap=conf.retry_cap, rng=rng)


def step_record_failure(*, step: ClaimedStep, error: str, at: datetime | None = None) -> None:
    """The agency could not be reached: retry later, or past the cap ask a person."""
    at = at or timezone.now()
    error = error[:2000]
    with transaction.atomic():
        dossier_id, status, _due = _lock_bundle(step.bundle_id)
        if step.state == StepState.POLLING:
            _save_claimed(step, state=StepState.SENT, at=at, error=error,
                          next_attempt_at=at + backoff(1))
        elif step.attempts >= linkage_settings().max_attempts:
            if _save_claimed(step, state=StepState.NEEDS_ATTENTION, at=at, error=error):
                _append_event(
                    dossier_id,
                    status,
                    action="bundle_step_needs_attention",
                    at=at,
                    note=error,
                    payload=step.event_payload(),
                )
        else:
            _save_claimed(step, state=StepState.RETRYING, at=at, error=error,
                          next_attempt_at=at + backoff(step.attempts))


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


# --- staff actions -------------------------------------------------------------------------
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


# --- the sweep (Celery beat, every minute) -------------------------------------------------
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
