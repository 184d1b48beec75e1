"""The one path every dossier action takes (``_apply``: lock, check, move, save, record)
and the rules beyond the state machine that say whether an action may be taken now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed

from cases.actions.history import event_new, events_record
from cases.calendar import working_calendar
from cases.deadlines import (
    extension_deadline,
)
from cases.models import (
    Dossier,
    DossierEvent,
    Status,
)
from cases.models.dossier import LOCKED_STATES, OPEN_STATES
from cases.policy import (
    denial_reason,
)
from thanhsen.errors import ApplicationError, ErrorKind, invalid

#: A supplement may be requested only within this many working days of receipt.
SUPPLEMENT_WINDOW_WORKING_DAYS = 3


@dataclass
class _Change:
    """What an action did to the locked dossier, for the save and the event."""

    fields: list[str] = field(default_factory=list)
    payload: dict = field(default_factory=dict)
    authorisation: object | None = None
    #: The event's note when the action settles it from the dossier (e.g. a stop that takes
    #: the reason the resident gave); ``None`` keeps the note the caller passed.
    note: str | None = None
    #: Called with the event once it is written, in the same transaction (the post-audit draw
    #: of a decision taken under delegation needs the decision's own event).
    after: Callable[[DossierEvent], None] | None = None


@dataclass
class _Creation:
    """What the transaction creating a dossier still has to write after the actions it took
    at once (a receipt): the fields they changed, written with the dossier's code
    (``dossier_code_assign``), and their events, written with the creation's own in one
    statement (``events_record``).

    The dossier is the creator's (no other transaction can see it yet), so those actions
    take it as it is, without a second read or a savepoint. Their events have no id until
    the creator writes them: an action whose ``after`` needs one cannot be taken here.
    """

    fields: list[str] = field(default_factory=list)
    events: list[DossierEvent] = field(default_factory=list)


def _require_text(name: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise invalid(name, message)
    return value


def _apply(
    *,
    dossier: Dossier,
    actor,
    action: str,
    transition: str | None,
    at: datetime | None,
    note: str = "",
    change: Callable[[Dossier, datetime], _Change] | None = None,
    creation: _Creation | None = None,
) -> Dossier:
    """Lock, check, move, save, record: the one path every dossier action takes.

    Given the ``creation`` of a dossier made earlier in the same transaction, the changed
    fields and the event are left to its creator to write with the rest.
    """
    at = at or timezone.now()
    try:
        with transaction.atomic(savepoint=creation is None):
            locked = dossier if creation is not None else (
                Dossier.objects.select_for_update(of=("self",))
                .select_related("procedure")
                .get(pk=dossier.pk)
            )
            reason = denial_reason(actor, locked, action, at=at)
            if reason:
                raise ApplicationError(reason, kind=ErrorKind.FORBIDDEN)
            from_status = locked.status
            if transition:
                method = getattr(locked, transition)
                if not can_proceed(method):
                    raise _not_now(locked)
                method()
            outcome = change(locked, at) if change else _Change()
            update_fields = list(dict.fromkeys(outcome.fields + (["status"] if transition else [])))
            if creation is None and update_fields:
                locked.save(update_fields=update_fields)
            event = event_new(
                dossier=locked,
                actor=actor,
                at=at,
                action=action,
                from_status=from_status,
                to_status=locked.status,
                note=note if outcome.note is None else outcome.note,
                authorisation=outcome.authorisation,
                payload=outcome.payload,
            )
            if creation is None:
                events_record([event])
            else:
                creation.fields.extend(update_fields)
                creation.events.append(event)
            if outcome.after:
                outcome.after(event)
    except ConcurrentTransition as exc:
        raise ApplicationError(
            _("Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại và thử lại."),
            kind=ErrorKind.CONFLICT,
        ) from exc
    return locked


def _not_now(dossier: Dossier) -> ApplicationError:
    return ApplicationError(
        _("Không thể thực hiện thao tác này khi hồ sơ đang ở trạng thái “%(status)s”.")
        % {"status": dossier.get_status_display()},
        kind=ErrorKind.CONFLICT,
    )


#: Transitions the state machine allows more often than the law does.
RULED_TRANSITIONS = frozenset({"request_supplement"})


def action_refusal(dossier: Dossier, action: str, *, at: datetime) -> ApplicationError | None:
    """Why an action cannot be taken now for a rule beyond the state machine, or None: the
    actions that are not transitions, and the transitions in ``RULED_TRANSITIONS``.

    The services raise it; the dossier page offers the action only when it is None, so the
    buttons shown and the rules enforced cannot drift apart.
    """
    if action == "request_completion":
        if dossier.status != Status.SUBMITTED:
            return _not_now(dossier)
        if dossier.completion_request:
            return ApplicationError(
                _("Hồ sơ đang chờ công dân hoàn thiện theo yêu cầu đã gửi."), kind=ErrorKind.CONFLICT
            )
    elif action == "complete":
        if dossier.status != Status.SUBMITTED or not dossier.completion_request:
            return ApplicationError(
                _("Hồ sơ không có yêu cầu hoàn thiện nào đang chờ."), kind=ErrorKind.CONFLICT
            )
    elif action == "extend":
        if dossier.status not in OPEN_STATES or not dossier.due_at:
            return _not_now(dossier)
        if dossier.extended_at:
            return ApplicationError(
                _("Hồ sơ đã được xin lỗi và gia hạn một lần; không gia hạn lần hai."),
                kind=ErrorKind.CONFLICT,
            )
        if at > extension_deadline(working_calendar(), dossier.due_at):
            return ApplicationError(
                _("Phải gửi văn bản xin lỗi, hẹn lại chậm nhất một ngày làm việc trước hạn trả."),
                kind=ErrorKind.CONFLICT,
            )
    elif action == "request_supplement":
        # The state machine allows the transition from "in progress"; the law allows it once,
        # within three working days of receipt.
        if dossier.supplement_requested_at:
            return ApplicationError(
                _("Chỉ được yêu cầu bổ sung hồ sơ một lần."), kind=ErrorKind.CONFLICT
            )
        cal = working_calendar()
        start = cal.effective_receipt(dossier.received_at).date()
        window_end = cal.end_of_day(cal.add_working_days(start, SUPPLEMENT_WINDOW_WORKING_DAYS))
        if at > window_end:
            return ApplicationError(
                _("Đã quá 3 ngày làm việc kể từ khi tiếp nhận, không được yêu cầu bổ sung."),
                kind=ErrorKind.CONFLICT,
            )
    elif action == "correct_result":
        if dossier.status not in (Status.RESOLVED, Status.RETURNED) or not dossier.correction_opened_at:
            return ApplicationError(
                _("Hồ sơ không có kết quả nào đang chờ điều chỉnh."), kind=ErrorKind.CONFLICT
            )
    elif action == "release":
        if dossier.handler_id is None:
            return ApplicationError(
                _("Hồ sơ chưa được cán bộ nào nhận xử lý."), kind=ErrorKind.CONFLICT
            )
        if dossier.status not in LOCKED_STATES:
            return _not_now(dossier)
    else:
        raise ValueError(f"{action!r} is a state-machine transition or unknown")
    return None


def _refuse_unless_allowed(dossier: Dossier, action: str, at: datetime) -> None:
    refusal = action_refusal(dossier, action, at=at)
    if refusal:
        raise refusal
