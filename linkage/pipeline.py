"""The step pipeline: a step claimed by a worker, sent to its agency, and its reply or
failure recorded, on plain SQL (``linkage.tasks.run_step`` drives it).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cases.deadlines import classify
from cases.models import (
    Agency,
    Dossier,
    Procedure,
)
from linkage.adapters import AgencyReply, ReplyStatus
from linkage.bundles import _append_event, _locked, _return_for_correction
from linkage.conf import linkage_settings
from linkage.framework import retry
from linkage.models import (
    Bundle,
    BundleKind,
    BundleState,
    BundleStep,
    StepState,
)

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
