"""The counter's one write: record what the officer decided about the papers in front of them.

Receiving, asking to complete and refusing all start by creating the dossier, so that even a
refused application has a code and a history (the law asks for the refusal slip); the creation
and the decision commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from cases import actions
from cases.models import Dossier, Procedure
from intake.models import CounterIntakeToken

RECEIVE, COMPLETE, REFUSE = "receive", "request_completion", "refuse_intake"
DECISIONS = (RECEIVE, COMPLETE, REFUSE)


def counter_intake_record(
    *,
    procedure: Procedure,
    decision: str,
    applicant: actions.Applicant,
    channel: str,
    actor,
    documents: Iterable[actions.SubmittedDocument] = (),
    pages: int = 0,
    reason: str = "",
    certification: dict | None = None,
    transfer_to: tuple[str, str] | None = None,
) -> Dossier:
    """Create the dossier and receive it, ask for what is missing, or refuse it, in one
    transaction. A copy certification (``certification``: document name, pages, scan) that is
    received takes its own path: it is certified and returned on the spot. A dossier received
    for another unit's competence (``transfer_to``: its code and name) is transferred to it in
    the same transaction."""
    if decision not in DECISIONS:
        raise ValueError(f"unknown counter decision {decision!r}")
    if decision == RECEIVE and certification is not None:
        return actions.copy_certification_receive(
            procedure_code=procedure.code, applicant=applicant, actor=actor, channel=channel,
            **certification,
        )
    with transaction.atomic():
        dossier = actions.dossier_create(
            procedure_code=procedure.code, applicant=applicant, channel=channel, actor=actor,
            documents=documents, pages=pages, receive=decision == RECEIVE,
        )
        if decision == COMPLETE:
            dossier = actions.dossier_request_completion(
                dossier=dossier, actor=actor, reason=reason
            )
        elif decision == REFUSE:
            dossier = actions.dossier_refuse_intake(dossier=dossier, actor=actor, reason=reason)
        elif transfer_to is not None:
            dossier = actions.dossier_transfer(
                dossier=dossier, actor=actor, unit_code=transfer_to[0], unit_name=transfer_to[1],
                reason=reason,
            )
    return dossier


def counter_form_claim(*, token: str, record: Callable[[], Dossier]) -> tuple[Dossier | None, str]:
    """Run ``record`` (the counter's write) once per form, however often the form is sent.

    The form's one-time token is claimed in the transaction that records the dossier, so a
    second post of the same form (a double click, a resend after a timeout) waits for the first
    to commit and gets ``(None, its dossier's code)``; a failed write gives the claim back, so
    the corrected form can be sent again with the same token. Kept in the database, not the
    cache: the counter keeps receiving while Redis is down. Returns ``(dossier, "")`` when this
    post recorded it; ``(None, "")`` when the earlier post's dossier is gone.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = CounterIntakeToken.objects.create(token=token)
        except IntegrityError:
            earlier = (CounterIntakeToken.objects.filter(token=token)
                       .values_list("dossier__code", flat=True).first())
            return None, earlier or ""
        dossier = record()
        claim.dossier = dossier
        claim.save(update_fields=["dossier"])
    return dossier, ""


#: How long a counter form's one-time token keeps a resend from recording the dossier again.
COUNTER_TOKEN_TTL = timedelta(days=1)


def counter_token_purge() -> int:
    """Forget the counter forms' tokens older than ``COUNTER_TOKEN_TTL``; beat runs it."""
    deleted, _count = CounterIntakeToken.objects.filter(
        created_at__lt=timezone.now() - COUNTER_TOKEN_TTL).delete()
    return deleted
