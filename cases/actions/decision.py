"""The signer's decision: approve, refuse, send back, and the correction of a result
after a post-audit finding.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.utils.translation import gettext as _

from cases.actions.core import _apply, _Change, _not_now, _refuse_unless_allowed, _require_text
from cases.deadlines import (
    classify,
)
from cases.delegation import signing_authorisation, signing_lines
from cases.models import (
    Dossier,
    Outcome,
    Status,
)
from cases.post_audit import post_audit_draw
from thanhsen.errors import ApplicationError, ErrorKind, invalid


def _with_authority(actor, extra: Callable[[Dossier, datetime], list[str]] | None = None):
    """Record the authorisation a director signs under (None when signing in their own right)."""

    def change(d: Dossier, at: datetime) -> _Change:
        authorisation = signing_authorisation(actor, d.procedure, at=at)
        fields = extra(d, at, authorisation) if extra else []
        payload = {"authorisation": authorisation.document_number} if authorisation else {}
        return _Change(fields=fields, payload=payload, authorisation=authorisation)

    return change


def _decide(outcome: str, actor, reason: str, *, correction: bool = False):
    """Record the decision and the authority it is signed under, as the signature will state it.

    A decision under delegation is drawn for post-audit in the same transaction, so no
    decision escapes the draw and the delegate cannot re-sign to change its result.
    A corrected decision keeps the first decision's time and classification (the dossier was
    resolved then; the statistics do not move) and closes the correction.
    """

    def record(d: Dossier, at: datetime, authorisation) -> list[str]:
        d.outcome = outcome
        d.outcome_reason = reason
        d.decided_by = actor
        d.decided_under = authorisation
        d.signed_as = signing_lines(actor, d.procedure, authorisation)
        fields = ["outcome", "outcome_reason", "decided_by", "decided_under", "signed_as"]
        if correction:
            d.result_corrected_at = at
            d.correction_opened_at = None
            return [*fields, "result_corrected_at", "correction_opened_at"]
        d.resolved_at = at
        d.result_classification = classify(due_at=d.due_at, finished_at=at, now=at).value
        return [*fields, "resolved_at", "result_classification"]

    with_authority = _with_authority(actor, record)

    def change(d: Dossier, at: datetime) -> _Change:
        result = with_authority(d, at)
        if result.authorisation is not None:
            result.after = post_audit_draw
        return result

    return change


def dossier_approve(*, dossier: Dossier, actor, note: str = "", at: datetime | None = None) -> Dossier:
    """Sign the result; under delegation the authorisation is recorded with the decision."""
    return _apply(dossier=dossier, actor=actor, action="approve", transition="approve",
                  at=at, note=note, change=_decide(Outcome.APPROVED, actor, note))


def dossier_refuse(*, dossier: Dossier, actor, reason: str, at: datetime | None = None) -> Dossier:
    """Refuse to grant the request, in writing with reasons and legal basis (Mẫu 03)."""
    reason = _require_text("reason", reason, _("Cần ghi rõ lý do và căn cứ từ chối."))
    return _apply(dossier=dossier, actor=actor, action="refuse", transition="refuse",
                  at=at, note=reason, change=_decide(Outcome.REFUSED, actor, reason))


def dossier_send_back(*, dossier: Dossier, actor, reason: str, at: datetime | None = None) -> Dossier:
    """The signer returns the draft to the handler with what to change."""
    reason = _require_text("reason", reason, _("Cần ghi rõ nội dung cần xử lý lại."))
    return _apply(dossier=dossier, actor=actor, action="send_back", transition="send_back",
                  at=at, note=reason, change=_with_authority(actor))


def dossier_correct_result(
    *, dossier: Dossier, actor, outcome: str, reason: str, at: datetime | None = None
) -> Dossier:
    """Re-issue the result a post-audit found wrong: approve or refuse again, corrected.

    Signed like any decision (the competent signer, or a delegate whose authorisation is in
    force, recorded with its authority lines); the signed result made from it supersedes the
    earlier one, and the resident is told through the event's notification.
    """
    if outcome not in Outcome.values:
        raise invalid("outcome", _("Cần chọn phê duyệt hoặc từ chối."))
    message = (_("Cần ghi rõ lý do và căn cứ từ chối.") if outcome == Outcome.REFUSED
               else _("Cần ghi rõ nội dung kết quả đã điều chỉnh."))
    reason = _require_text("reason", reason, message)
    decide = _decide(outcome, actor, reason, correction=True)

    def change(d: Dossier, at: datetime) -> _Change:
        _refuse_unless_allowed(d, "correct_result", at)
        result = decide(d, at)
        result.payload = {**result.payload, "outcome": outcome}
        return result

    return _apply(dossier=dossier, actor=actor, action="correct_result", transition=None,
                  at=at, note=reason, change=change)


def dossier_open_correction(
    *, dossier: Dossier, actor, reason: str, at: datetime | None = None
) -> Dossier:
    """A post-audit found the decision wrong: its result is withdrawn to be corrected.

    The dossier keeps its state (a correction is not a stage of the law's process); the
    result is re-issued through the ordinary signing, and the resident is told now, through
    the event's notification and on their dossier page.
    """
    reason = _require_text("reason", reason, _("Cần ghi rõ sai sót và cách điều chỉnh."))

    def change(d: Dossier, at: datetime) -> _Change:
        if d.status not in (Status.RESOLVED, Status.RETURNED):
            raise _not_now(d)
        if d.correction_opened_at:
            raise ApplicationError(_("Hồ sơ đã được mở điều chỉnh kết quả."),
                                   kind=ErrorKind.CONFLICT)
        d.correction_opened_at = at
        d.correction_reason = reason
        return _Change(fields=["correction_opened_at", "correction_reason"])

    return _apply(dossier=dossier, actor=actor, action="open_correction", transition=None,
                  at=at, note=reason, change=change)
