"""The handling of a received dossier: assignment, supplements, payment requests,
submission for signature, release to the queue, the apology and new date.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.actions.core import _apply, _Change, _refuse_unless_allowed, _require_text
from cases.actions.dates import _refresh_due_dates
from cases.actions.history import _pause_close, pause_start
from cases.actions.intake import SubmittedDocument, _add_documents
from cases.models import (
    Department,
    Dossier,
    PauseKind,
    Status,
)
from thanhsen.errors import ApplicationError, ErrorKind, invalid
from thanhsen.roles import HANDLER_ROLES, Role


def dossier_assign(
    *,
    dossier: Dossier,
    actor,
    department: Department | None = None,
    handler=None,
    note: str = "",
    at: datetime | None = None,
) -> Dossier:
    """Route to a department and, optionally, a handler; reassign while in progress.

    A handling officer may only take a dossier for themself; the counter routes to the
    procedure's department by default; the director may reassign anyone. Assigning a dossier
    in progress to the department and handler it already has is a conflict (409) that
    writes nothing: repeated clicks or retried requests would otherwise fill the history with
    assignments that changed nothing.
    """

    def change(d: Dossier, at: datetime) -> _Change:
        target_department = department or d.department or d.procedure.department
        if handler is not None:
            if not handler.is_active or handler.role not in HANDLER_ROLES:
                raise invalid("handler", _("Người được giao phải là cán bộ xử lý."))
            if handler.department_id != target_department.pk:
                raise invalid("handler", _("Cán bộ được giao không thuộc đơn vị xử lý."))
        chosen = handler
        if actor.role in HANDLER_ROLES:
            # A handler's assign means "I take it": never for a colleague, never routed to
            # another department (that is the counter's or the director's call), and never
            # left without a handler, which would silently lift the assignment lock.
            if (handler is not None and handler.pk != actor.pk) or (
                target_department.pk != actor.department_id
            ):
                raise ApplicationError(
                    _("Cán bộ xử lý chỉ nhận hồ sơ cho chính mình."), kind=ErrorKind.FORBIDDEN
                )
            chosen = actor
        if (d.status == Status.IN_PROGRESS and d.department_id == target_department.pk
                and d.handler_id == (chosen.pk if chosen else None)):
            message = (
                _("Hồ sơ đã được giao cho %(holder)s tại %(department)s; không có gì thay đổi.")
                if chosen else
                _("Hồ sơ đã ở hàng chờ của %(department)s; không có gì thay đổi.")
            ) % {"holder": chosen.get_full_name() if chosen else "",
                 "department": target_department.name}
            raise ApplicationError(message, kind=ErrorKind.CONFLICT)
        d.department = target_department
        d.handler = chosen
        d.assigned_at = at
        # The first assignment is the hand-over to the department (the counter step ends).
        d.handed_over_at = d.handed_over_at or at
        return _Change(
            fields=["department", "handler", "assigned_at", "handed_over_at"],
            payload={
                "department": target_department.code,
                "handler": chosen.username if chosen else None,
            },
        )

    return _apply(dossier=dossier, actor=actor, action="assign", transition="assign",
                  at=at, note=note, change=change)


def dossier_request_supplement(
    *, dossier: Dossier, actor, reason: str, at: datetime | None = None
) -> Dossier:
    """Ask for missing papers (Mẫu 02): once, within 3 working days of receipt."""
    reason = _require_text("reason", reason, _("Cần liệt kê đầy đủ giấy tờ cần bổ sung và lý do."))

    def change(d: Dossier, at: datetime) -> _Change:
        _refuse_unless_allowed(d, "request_supplement", at)
        d.supplement_requested_at = at
        d.supplement_request = reason
        return _Change(
            fields=["supplement_requested_at", "supplement_request", *_refresh_due_dates(d, at)]
        )

    return _apply(dossier=dossier, actor=actor, action="request_supplement",
                  transition="request_supplement", at=at, note=reason, change=change)


def dossier_supplement(
    *, dossier: Dossier, actor, note: str = "", documents: Iterable[SubmittedDocument] = (),
    at: datetime | None = None,
) -> Dossier:
    """The complete dossier has arrived: the statutory clock restarts from now.

    A resident supplements by sending the papers: declaring it with nothing attached would
    restart the clock on a dossier still incomplete, so it is refused. The counter records
    papers brought in person, which are in the officer's hands, and needs no upload.
    """
    documents = list(documents)
    if not documents and getattr(actor, "role", None) == Role.RESIDENT:
        message = _("Cần gửi kèm giấy tờ bổ sung: hồ sơ chỉ được coi là đã bổ sung khi có "
                    "giấy tờ gửi kèm.")
        raise ApplicationError(message, kind=ErrorKind.INVALID, fields={"documents": [message]})

    def change(d: Dossier, at: datetime) -> _Change:
        d.supplemented_at = at
        _add_documents(d, documents, at)
        fields = _refresh_due_dates(d, at)
        return _Change(fields=["supplemented_at", *fields],
                       payload={"due_at": d.due_at.isoformat(), "documents": len(documents)})

    return _apply(dossier=dossier, actor=actor, action="supplement", transition="supplement",
                  at=at, note=note, change=change)


def dossier_request_payment(
    *, dossier: Dossier, actor, reason: str, amount: int | None = None, at: datetime | None = None
) -> Dossier:
    """Wait for a financial obligation (e.g. land taxes); the clock pauses meanwhile."""
    reason = _require_text("reason", reason, _("Cần ghi rõ nghĩa vụ tài chính phải thực hiện."))
    if amount is not None and amount < 0:
        raise invalid("amount", _("Số tiền không được âm."))

    def change(d: Dossier, at: datetime) -> _Change:
        pause_start(dossier_id=d.pk, kind=PauseKind.PAYMENT, reason=reason, at=at)
        return _Change(payload={"amount": amount})

    return _apply(dossier=dossier, actor=actor, action="request_payment",
                  transition="request_payment", at=at, note=reason, change=change)


def dossier_confirm_payment(*, dossier: Dossier, actor, note: str = "", at: datetime | None = None) -> Dossier:
    """The obligation is paid: close the pause and move the due date by the time it lasted."""

    def change(d: Dossier, at: datetime) -> _Change:
        fields = _pause_close(d, PauseKind.PAYMENT, at) or _refresh_due_dates(d, at)
        return _Change(fields=fields, payload={"due_at": d.due_at.isoformat()})

    return _apply(dossier=dossier, actor=actor, action="confirm_payment",
                  transition="confirm_payment", at=at, note=note, change=change)


def dossier_submit_for_approval(
    *, dossier: Dossier, actor, note: str = "", at: datetime | None = None
) -> Dossier:
    return _apply(dossier=dossier, actor=actor, action="submit_for_approval",
                  transition="submit_for_approval", at=at, note=note)


def dossier_release(*, dossier: Dossier, actor, note: str = "", at: datetime | None = None) -> Dossier:
    """Lift the assignment lock: the dossier goes back to its department's queue to be taken.

    The handler holding it or the director may release it; others are told who holds it.
    """

    def change(d: Dossier, at: datetime) -> _Change:
        _refuse_unless_allowed(d, "release", at)
        previous = d.handler.username
        d.handler = None
        return _Change(fields=["handler"], payload={"handler": previous})

    return _apply(dossier=dossier, actor=actor, action="release", transition=None,
                  at=at, note=note, change=change)


def dossier_extend(
    *, dossier: Dossier, actor, new_due_at: datetime, reason: str, at: datetime | None = None
) -> Dossier:
    """Apologise and set a new date (Mẫu 04): once, at least one working day before the due date.

    The new date is what the resident is told; classification keeps the original due date.
    """
    reason = _require_text("reason", reason, _("Cần ghi rõ lý do chậm trả kết quả."))
    if new_due_at is None or timezone.is_naive(new_due_at):
        raise invalid("new_due_at", _("Cần chọn ngày hẹn trả mới."))

    def change(d: Dossier, at: datetime) -> _Change:
        _refuse_unless_allowed(d, "extend", at)
        if new_due_at <= d.due_at:
            raise invalid("new_due_at", _("Ngày hẹn mới phải sau ngày hẹn trả hiện tại."))
        d.extended_due_at = new_due_at
        d.extension_reason = reason
        d.extended_at = at
        return _Change(
            fields=["extended_due_at", "extension_reason", "extended_at"],
            payload={"new_due_at": new_due_at.isoformat(), "due_at": d.due_at.isoformat()},
        )

    return _apply(dossier=dossier, actor=actor, action="extend", transition=None,
                  at=at, note=reason, change=change)
