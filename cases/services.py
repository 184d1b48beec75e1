"""Every write to a dossier: one transaction, one locked row, one event, reactions on commit.

Each public function is ``dossier_<action>(*, dossier, actor, ..., at=None)``. ``at`` is the
moment the action takes effect; it defaults to now and exists so that demo data and history
seeding go through the same rules as the counter does.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed

from cases import hooks
from cases.calendar import working_calendar
from cases.codes import allocate_dossier_code, next_sequence_value
from cases.deadlines import (
    Pause,
    TimeUnit,
    classify,
    extension_deadline,
    handover_due,
    quality_due,
    statutory_due,
)
from cases.delegation import signing_authorisation, signing_lines
from cases.fees import fee_amount
from cases.history import keep_given_event_time
from cases.models import (
    Channel,
    CopyCertification,
    CopyType,
    Department,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierPause,
    FeePayment,
    Outcome,
    PauseKind,
    Procedure,
    RequiredDocument,
    ReturnMethod,
    Status,
)
from cases.models.catalogue_audit import CatalogueChange
from cases.models.dossier import LOCKED_STATES, OPEN_STATES
from cases.policy import (
    ACTION_ROLES,
    denial_reason,
    may_view_personal_data,
    records_personal_data_view,
)
from cases.post_audit import post_audit_draw
from cases.validators import normalise_phone, validate_id_number, validate_phone
from thanhsen.errors import ApplicationError, ErrorKind, invalid
from thanhsen.roles import HANDLER_ROLES, Role

#: A supplement may be requested only within this many working days of receipt.
SUPPLEMENT_WINDOW_WORKING_DAYS = 3


@dataclass(frozen=True)
class Applicant:
    name: str
    id_number: str
    phone: str
    address: str
    email: str = ""


@dataclass(frozen=True)
class SubmittedDocument:
    name: str
    copy_type: str = CopyType.COPY
    quantity: int = 1
    required_document_id: int | None = None
    file: object | None = None
    reused: bool = False


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


def _require_text(name: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise invalid(name, message)
    return value


# --- history and pauses: cases is their only writer; every app calls these ---------------
def record_event(
    *,
    dossier_id: int | None = None,
    action: str,
    at: datetime,
    actor=None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    payload: dict | None = None,
    authorisation=None,
    dossier: Dossier | None = None,
) -> DossierEvent:
    """Append one row to a dossier's history and publish it to the hooks once committed.

    Call it inside the transaction that made the change, so the row and the change commit
    together and the reactions (notifications, bundles, the national portal) see both.
    A caller holding the saved dossier passes it as ``dossier`` (instead of ``dossier_id``):
    the in-transaction recorders read it from the event without loading it again.
    """
    keep_given_event_time(at)
    event = DossierEvent.objects.create(
        **({"dossier": dossier} if dossier is not None else {"dossier_id": dossier_id}),
        actor=actor,
        at=at,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        authorisation=authorisation,
        payload=payload or {},
    )
    hooks.record(event)
    transaction.on_commit(partial(hooks.publish, event.pk, event.action), robust=True)
    return event


def pause_start(*, dossier_id: int, kind: str, reason: str, at: datetime) -> DossierPause:
    """Stop the dossier's clock from ``at`` until ``pause_end`` (the deadline moves by it)."""
    return DossierPause.objects.create(
        dossier_id=dossier_id, kind=kind, reason=reason, started_at=at
    )


def pause_end(*, dossier_id: int, kind: str, at: datetime) -> Dossier | None:
    """End the open pause of this kind and re-date the dossier at once (the due dates move by
    the time the pause lasted); None when no such pause was open."""
    with transaction.atomic():
        dossier = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("procedure")
            .get(pk=dossier_id)
        )
        fields = _pause_close(dossier, kind, at)
        if fields is None:
            return None
        if fields:
            dossier.save(update_fields=fields)
    return dossier


def _pause_close(dossier: Dossier, kind: str, at: datetime) -> list[str] | None:
    """Close the open pause of ``kind`` and recompute the due dates on ``dossier`` (unsaved):
    the fields to save, or None when no such pause was open."""
    closed = dossier.pauses.filter(kind=kind, ended_at__isnull=True).update(ended_at=at)
    if not closed:
        return None
    return _refresh_due_dates(dossier, at) if dossier.received_at else []


def _apply(
    *,
    dossier: Dossier,
    actor,
    action: str,
    transition: str | None,
    at: datetime | None,
    note: str = "",
    change: Callable[[Dossier, datetime], _Change] | None = None,
    created_in_this_transaction: bool = False,
) -> Dossier:
    """Lock, check, move, save, record: the one path every dossier action takes.

    A dossier created earlier in the same transaction is already ours (no other transaction
    can see it), so it is used as it is, without a second read or a savepoint.
    """
    at = at or timezone.now()
    try:
        with transaction.atomic(savepoint=not created_in_this_transaction):
            locked = dossier if created_in_this_transaction else (
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
            if update_fields:
                locked.save(update_fields=update_fields)
            event = record_event(
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


# --- deadlines ---------------------------------------------------------------------------
def _pauses(dossier: Dossier) -> list[Pause]:
    return [Pause(p.started_at, p.ended_at) for p in dossier.pauses.all()]


def _refresh_due_dates(dossier: Dossier, at: datetime, *, paused: bool = True) -> list[str]:
    """Recompute both due-date views after anything that moves the clock.

    ``paused=False`` says the dossier cannot have pauses yet (at receipt), sparing a query.
    """
    cal = working_calendar()
    procedure = dossier.procedure
    common = dict(
        received_at=dossier.received_at,
        limit=procedure.time_limit,
        unit=TimeUnit(procedure.time_unit),
        pauses=_pauses(dossier) if paused else [],
        now=at,
    )
    dossier.due_at = statutory_due(cal, supplemented_at=dossier.supplemented_at, **common)
    dossier.quality_due_at = quality_due(
        cal,
        supplement_requested_at=dossier.supplement_requested_at,
        supplemented_at=dossier.supplemented_at,
        **common,
    )
    return ["due_at", "quality_due_at"]


# --- creation and intake -----------------------------------------------------------------
def _add_documents(dossier: Dossier, documents: Iterable[SubmittedDocument], at: datetime) -> None:
    DossierDocument.objects.bulk_create(
        DossierDocument(
            dossier=dossier,
            required_document_id=doc.required_document_id,
            name=doc.name,
            copy_type=doc.copy_type,
            quantity=doc.quantity,
            file=doc.file or "",
            reused=doc.reused,
            uploaded_at=at,
        )
        for doc in documents
    )


def _validate_applicant(applicant: Applicant) -> Applicant:
    errors: dict[str, list[str]] = {}
    for name, value in (("name", applicant.name), ("address", applicant.address)):
        if not (value or "").strip():
            errors[f"applicant.{name}"] = [_("Trường này là bắt buộc.")]
    phone = normalise_phone(applicant.phone)
    for name, validator, value in (
        ("id_number", validate_id_number, applicant.id_number),
        ("phone", validate_phone, phone),
    ):
        try:
            validator(value)
        except ValidationError as exc:
            errors[f"applicant.{name}"] = exc.messages
    if errors:
        raise ApplicationError(_("Dữ liệu không hợp lệ."), kind=ErrorKind.INVALID, fields=errors)
    return Applicant(
        name=applicant.name.strip(),
        id_number=applicant.id_number,
        phone=phone,
        address=applicant.address.strip(),
        email=(applicant.email or "").strip(),
    )


def _current_procedure(code: str) -> Procedure:
    procedure = Procedure.objects.filter(code=code, is_current=True).first()
    if procedure is None:
        raise invalid("procedure", _("Không có thủ tục mã “%(code)s”.") % {"code": code})
    return procedure


def dossier_create(
    *,
    procedure_code: str,
    applicant: Applicant,
    channel: str,
    actor,
    documents: Iterable[SubmittedDocument] = (),
    pages: int = 0,
    receive: bool = False,
    note: str = "",
    at: datetime | None = None,
) -> Dossier:
    """Register a new dossier (``submitted``), and receive it at once when the counter says so.

    A resident's dossier is always online and theirs; an officer's is direct or postal unless
    typed in from another channel. An integration account (``Role.SYSTEM``: the national
    portal forwarding what a resident filed there) registers online dossiers only, for the
    counter to check like any online submission. Creation and receipt share one transaction,
    so a failed receipt leaves no dossier behind.
    """
    at = at or timezone.now()
    if actor is None or not actor.is_authenticated or actor.role not in ACTION_ROLES["create"]:
        raise ApplicationError(
            _("Vai trò của bạn không được nộp hoặc tiếp nhận hồ sơ."), kind=ErrorKind.FORBIDDEN
        )
    if channel not in Channel.values:
        raise invalid("channel", _("Kênh nộp không hợp lệ."))
    is_resident = actor.role == Role.RESIDENT
    if actor.role in (Role.RESIDENT, Role.SYSTEM) and channel != Channel.ONLINE:
        raise invalid("channel", _("Công dân chỉ nộp hồ sơ trực tuyến."))
    if actor.role in (Role.RESIDENT, Role.SYSTEM) and receive:
        raise ApplicationError(
            _("Chỉ cán bộ tiếp nhận mới tiếp nhận hồ sơ."), kind=ErrorKind.FORBIDDEN
        )
    procedure = _current_procedure(procedure_code)
    applicant = _validate_applicant(applicant)
    documents = list(documents)

    with transaction.atomic():
        # The code is allocated last: its daily counter row stays locked until commit, so
        # taking it at the end keeps concurrent counters from queueing behind the whole work.
        dossier = Dossier.objects.create(
            code=f"~{uuid.uuid4().hex}",
            procedure=procedure,
            channel=channel,
            applicant_name=applicant.name,
            applicant_id_number=applicant.id_number,
            applicant_phone=applicant.phone,
            applicant_email=applicant.email,
            applicant_address=applicant.address,
            applicant_user=actor if is_resident else None,
            fee_amount=fee_amount(procedure.fee, pages=pages),
            created_at=at,
        )
        _add_documents(dossier, documents, at)
        record_event(
            dossier=dossier,
            actor=actor,
            at=at,
            action="create",
            to_status=dossier.status,
            note=note,
            payload={"channel": channel, "documents": len(documents)},
        )
        if receive:
            dossier = _receive(dossier=dossier, actor=actor, at=at, note="",
                               created_in_this_transaction=True)
        dossier.code = allocate_dossier_code(day=timezone.localdate(at))
        Dossier.objects.filter(pk=dossier.pk).update(code=dossier.code)
    return dossier


def dossier_receive(*, dossier: Dossier, actor, note: str = "", at: datetime | None = None) -> Dossier:
    """Accept a complete dossier: the receipt slip is issued and the clock starts."""
    return _receive(dossier=dossier, actor=actor, note=note, at=at)


def _normalised_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def _missing_mandatory_documents(dossier: Dossier) -> list[str]:
    """The procedure's mandatory papers that the dossier does not hold, in catalogue order.

    A paper counts when it is linked to the requirement (the counter's checklist, the online
    form) or, for clients that send names only (the API, the national portal), when its name
    is the requirement's name, ignoring case and spacing.
    """
    held = list(dossier.documents.values_list("required_document_id", "name"))
    held_ids = {required_id for required_id, _name in held if required_id}
    held_names = {_normalised_name(name) for _required_id, name in held}
    return [
        doc.name for doc in dossier.procedure.documents.filter(mandatory=True).order_by("position", "pk")
        if doc.pk not in held_ids and _normalised_name(doc.name) not in held_names
    ]


def _receive(*, dossier: Dossier, actor, note: str, at: datetime | None,
             created_in_this_transaction: bool = False) -> Dossier:
    """Receive inside the dossier's lock; a missing mandatory paper refuses the receipt.

    The rule lives here, not only in the counter's form, so that every path that receives
    (the API's ``receive: true``, the dossier page's action, a bundle's first dossier) holds it.
    """
    def change(d: Dossier, at: datetime) -> _Change:
        missing = _missing_mandatory_documents(d)
        if missing:
            raise invalid("documents", _(
                "Còn thiếu giấy tờ bắt buộc: %(names)s. Chưa thể tiếp nhận; hãy nhận đủ giấy tờ, "
                "hoặc yêu cầu hoàn thiện để hướng dẫn công dân một lần, đầy đủ."
            ) % {"names": "; ".join(missing)})
        d.received_at = at
        d.received_by = actor
        d.completion_request = ""
        fields = _refresh_due_dates(d, at, paused=False)
        d.initial_due_at = d.due_at
        d.handover_due_at = handover_due(working_calendar(), at)
        return _Change(
            fields=["received_at", "received_by", "initial_due_at", "completion_request",
                    "handover_due_at", *fields],
            payload={"due_at": d.due_at.isoformat()},
        )

    return _apply(dossier=dossier, actor=actor, action="receive", transition="receive",
                  at=at, note=note, change=change,
                  created_in_this_transaction=created_in_this_transaction)


def dossier_refuse_intake(*, dossier: Dossier, actor, reason: str, at: datetime | None = None) -> Dossier:
    """Refuse at intake, in writing with reasons (Mẫu 03)."""
    reason = _require_text("reason", reason, _("Cần ghi rõ lý do không tiếp nhận."))

    def change(d: Dossier, at: datetime) -> _Change:
        d.not_accepted_reason = reason
        return _Change(fields=["not_accepted_reason"])

    return _apply(dossier=dossier, actor=actor, action="refuse_intake", transition="refuse_intake",
                  at=at, note=reason, change=change)


def dossier_request_completion(
    *, dossier: Dossier, actor, reason: str, at: datetime | None = None
) -> Dossier:
    """Ask an online applicant to complete the dossier before receipt (Mẫu 02 at intake).

    The dossier stays ``submitted`` and the clock has not started: this is the one full
    guidance at intake, not the once-only supplement of the processing stage.
    """
    reason = _require_text("reason", reason, _("Cần liệt kê đầy đủ giấy tờ cần hoàn thiện."))

    def change(d: Dossier, at: datetime) -> _Change:
        _refuse_unless_allowed(d, "request_completion", at)
        d.completion_requested_at = at
        d.completion_request = reason
        return _Change(fields=["completion_requested_at", "completion_request"])

    return _apply(dossier=dossier, actor=actor, action="request_completion", transition=None,
                  at=at, note=reason, change=change)


def dossier_complete(
    *, dossier: Dossier, actor, note: str = "", documents: Iterable[SubmittedDocument] = (),
    at: datetime | None = None,
) -> Dossier:
    """The applicant has completed the dossier the counter asked for; it awaits intake again.

    The papers sent join the dossier in the same transaction, so a refused step leaves none.
    """
    documents = list(documents)

    def change(d: Dossier, at: datetime) -> _Change:
        _refuse_unless_allowed(d, "complete", at)
        request = d.completion_request
        d.completion_request = ""
        _add_documents(d, documents, at)
        return _Change(fields=["completion_request"],
                       payload={"request": request, "documents": len(documents)})

    return _apply(dossier=dossier, actor=actor, action="complete", transition=None,
                  at=at, note=note, change=change)


# --- processing ----------------------------------------------------------------------------
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


def dossier_send_back(*, dossier: Dossier, actor, reason: str, at: datetime | None = None) -> Dossier:
    """The signer returns the draft to the handler with what to change."""
    reason = _require_text("reason", reason, _("Cần ghi rõ nội dung cần xử lý lại."))
    return _apply(dossier=dossier, actor=actor, action="send_back", transition="send_back",
                  at=at, note=reason, change=_with_authority(actor))


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


def dossier_return_result(
    *,
    dossier: Dossier,
    actor,
    note: str = "",
    at: datetime | None = None,
    method: str = "",
    collected_by: str = "",
    result_file=None,
) -> Dossier:
    """Hand the result over: how it left the center, to whom, and the result file if any.

    ``method`` is optional for callers that only record the moment (the API, demo data); when
    given, the counter's page also says who collected it, and an online return needs the file.
    """
    collected_by = (collected_by or "").strip()
    if method:
        if method not in ReturnMethod.values:
            raise invalid("method", _("Hình thức trả kết quả không hợp lệ."))
        if method in (ReturnMethod.IN_PERSON, ReturnMethod.POST) and not collected_by:
            raise invalid("collected_by", _("Cần ghi người nhận kết quả (hoặc địa chỉ gửi bưu chính)."))
        if method == ReturnMethod.ONLINE and not result_file:
            raise invalid("result_file", _("Trả kết quả trực tuyến cần tệp kết quả."))

    def change(d: Dossier, at: datetime) -> _Change:
        unpaid = fee_refusal(d)
        if unpaid:
            raise unpaid
        d.returned_at = at
        d.returned_by = actor
        d.return_method = method
        d.collected_by = collected_by
        fields = ["returned_at", "returned_by", "return_method", "collected_by"]
        if result_file:
            d.result_file = result_file
            fields.append("result_file")
        return _Change(
            fields=fields,
            payload={"method": method, "collected_by": collected_by, "file": bool(result_file)},
        )

    return _apply(dossier=dossier, actor=actor, action="return_result",
                  transition="return_result", at=at, note=note, change=change)


def fee_refusal(dossier: Dossier) -> ApplicationError | None:
    """Why the result cannot go out yet for want of the procedure's fee, or None.

    The fee (phí, lệ phí) is due when the dossier is received and at the latest when the
    result is handed over; the portal records the moment it was collected. Obligations
    (nghĩa vụ tài chính) are settled earlier, in the ``awaiting_payment`` pause. A refusal
    (Mẫu 03) is handed back whatever the fee: nothing was granted to pay for.
    """
    if not dossier.fee_due or dossier.outcome == Outcome.REFUSED:
        return None
    return ApplicationError(
        _("Chưa trả kết quả được: phí, lệ phí %(amount)s đ của thủ tục “%(procedure)s” chưa nộp. "
          "Thu phí (trực tuyến hoặc tiền mặt tại quầy) trước khi trả kết quả.")
        % {"amount": f"{dossier.fee_amount:,}".replace(",", "."),
           "procedure": dossier.procedure.name},
        kind=ErrorKind.CONFLICT,
    )


def dossier_record_fee_payment(
    *, dossier: Dossier, actor, via: str, note: str = "", at: datetime | None = None
) -> Dossier:
    """The procedure's fee was paid (online through the gateway, or in cash at the counter).

    Written once: a second payment of the same fee is refused, so it is never counted twice.
    """
    if via not in FeePayment.values:
        raise invalid("via", _("Hình thức nộp phí không hợp lệ."))

    def change(d: Dossier, at: datetime) -> _Change:
        if not d.fee_amount:
            raise ApplicationError(_("Thủ tục này không thu phí, lệ phí."), kind=ErrorKind.CONFLICT)
        if d.fee_paid_at:
            raise ApplicationError(_("Phí, lệ phí của hồ sơ này đã nộp."), kind=ErrorKind.CONFLICT)
        d.fee_paid_at = at
        d.fee_paid_via = via
        return _Change(fields=["fee_paid_at", "fee_paid_via"],
                       payload={"amount": d.fee_amount, "via": via})

    return _apply(dossier=dossier, actor=actor, action="pay_fee", transition=None,
                  at=at, note=note, change=change)


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


def dossier_request_stop(*, dossier: Dossier, actor, reason: str, at: datetime | None = None) -> Dossier:
    """The applicant asks to withdraw; the portal shows 7 until the body issues Mẫu 05."""
    reason = _require_text("reason", reason, _("Cần ghi rõ lý do đề nghị dừng."))

    def change(d: Dossier, at: datetime) -> _Change:
        if d.status not in (Status.SUBMITTED, *OPEN_STATES):
            raise _not_now(d)
        if d.stop_requested_at:
            raise ApplicationError(_("Đề nghị dừng đã được gửi."), kind=ErrorKind.CONFLICT)
        d.stop_requested_at = at
        d.stop_reason = reason
        return _Change(fields=["stop_requested_at", "stop_reason"])

    return _apply(dossier=dossier, actor=actor, action="request_stop", transition=None,
                  at=at, note=reason, change=change)


def dossier_stop(*, dossier: Dossier, actor, reason: str = "", at: datetime | None = None) -> Dossier:
    """Stop before a decision (Mẫu 05), at the applicant's request or for a legal reason."""

    def change(d: Dossier, at: datetime) -> _Change:
        d.stop_reason = _require_text(
            "reason", reason or d.stop_reason, _("Cần ghi rõ lý do dừng xử lý.")
        )
        d.stopped_at = at
        d.pauses.filter(ended_at__isnull=True).update(ended_at=at)
        # The history must say why it stopped, also when the reason is the resident's request.
        return _Change(fields=["stop_reason", "stopped_at"], note=d.stop_reason)

    return _apply(dossier=dossier, actor=actor, action="stop", transition="stop",
                  at=at, note=reason, change=change)


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


#: While the papers may still change: before the dossier goes for signature.
REUSE_STATES = frozenset({Status.SUBMITTED, Status.RECEIVED, Status.IN_PROGRESS,
                          Status.SUPPLEMENT_REQUESTED})


def certified_copy_refusal(dossier: Dossier, certification: CopyCertification) -> ApplicationError | None:
    """Why ``certification`` cannot become a component of ``dossier`` now, or None."""
    if dossier.status not in REUSE_STATES:
        return _not_now(dossier)
    if certification.number is None or not certification.certified_pdf:
        return invalid("reference", _("Bản sao này chưa được chứng thực xong."))
    if certification.dossier_id == dossier.pk:
        return invalid("reference", _("Không dùng lại bản sao cho chính hồ sơ chứng thực nó."))
    if dossier.documents.filter(certified_copy=certification).exists():
        return ApplicationError(_("Bản sao này đã là thành phần của hồ sơ."),
                                kind=ErrorKind.CONFLICT)
    return None


def dossier_reuse_certified_copy(
    *, dossier: Dossier, actor, certification: CopyCertification, at: datetime | None = None,
    owner_only: bool = False,
) -> Dossier:
    """Attach an e-certified copy made here as a component, marked reused (the 766 metric).

    The signed PDF is the component's file: the paper need not be shown or scanned again.
    ``owner_only`` (online): the copy must have been certified for the same applicant (same
    ID number), so a guessed register number shows nobody another person's paper.
    """

    def change(d: Dossier, at: datetime) -> _Change:
        refusal = certified_copy_refusal(d, certification)
        if refusal:
            raise refusal
        if owner_only and (certification.dossier.applicant_id_number
                           != d.applicant_id_number):
            raise invalid("reference", _("Bản sao này không được chứng thực cho người nộp hồ sơ."))
        DossierDocument.objects.create(
            dossier=d, certified_copy=certification, reused=True, copy_type=CopyType.ELECTRONIC,
            name=_("%(name)s (bản sao điện tử có chứng thực số %(number)s)")
            % {"name": certification.document_name, "number": certification.register_number},
            file=certification.certified_pdf.name, uploaded_at=at,
        )
        return _Change(fields=[], payload={"certification": certification.register_number})

    return _apply(dossier=dossier, actor=actor, action="reuse_certified_copy", transition=None,
                  at=at, note=certification.register_number, change=change)


def dossier_record_personal_data_view(*, dossier: Dossier, actor, at: datetime | None = None) -> None:
    """Every view of an applicant's personal data is part of the history (who looked, when)."""
    _apply(dossier=dossier, actor=actor, action="view_personal_data", transition=None, at=at)


def dossier_read_personal_data(*, dossier: Dossier, actor) -> bool:
    """Whether ``actor`` may see the applicant's personal data on ``dossier``; a read by staff
    is recorded before anything is shown (a page, the API, a printed form, a scan)."""
    if not may_view_personal_data(actor, dossier):
        return False
    if records_personal_data_view(actor):
        dossier_record_personal_data_view(dossier=dossier, actor=actor)
    return True


def dossier_record_personal_data_views(*, dossiers, actor, at: datetime | None = None) -> None:
    """One history row per dossier for a read of many at once (the register, Mẫu 07).

    The register lists only dossiers whose personal data ``actor`` may see; a row the policy
    refuses is an error, not a silent gap in the record. Reading changes no dossier, so the
    rows are written together, without locking the dossiers one by one.
    """
    at = at or timezone.now()
    dossiers = list(dossiers)
    if not all(may_view_personal_data(actor, d) for d in dossiers):
        raise ApplicationError(
            _("Vai trò của bạn không được xem thông tin cá nhân của người nộp hồ sơ."),
            kind=ErrorKind.FORBIDDEN,
        )
    DossierEvent.objects.bulk_create(
        DossierEvent(dossier=d, actor=actor, at=at, action="view_personal_data",
                     from_status=d.status, to_status=d.status)
        for d in dossiers
    )


# --- electronic copy certification (2.000815) ------------------------------------------------
#: National root code of the certification of copies from originals.
COPY_CERTIFICATION_ROOT = "2.000815"
MAX_CERTIFICATION_PAGES = 500


def is_copy_certification(procedure: Procedure) -> bool:
    return procedure.root_code == COPY_CERTIFICATION_ROOT


def _original_requirement_id(procedure: Procedure) -> int | None:
    """The catalogue's "original paper" requirement: the original shown at the counter is it."""
    return (procedure.documents.filter(mandatory=True, copy_type=CopyType.ORIGINAL)
            .order_by("position", "pk").values_list("pk", flat=True).first())


def copy_certification_receive(
    *,
    procedure_code: str,
    applicant: Applicant,
    actor,
    document_name: str,
    pages: int,
    scan,
    channel: str = Channel.DIRECT,
    at: datetime | None = None,
) -> Dossier:
    """The counter receives an original to certify: the dossier and its scan, in one step.

    The fee follows the procedure's per-page tariff (2,000 đ for pages 1–2, 1,000 đ from page
    3); the certification number is given only when it is signed.
    """
    procedure = _current_procedure(procedure_code)
    if not is_copy_certification(procedure):
        raise invalid("procedure", _("Thủ tục này không phải chứng thực bản sao từ bản chính."))
    document_name = _require_text("document_name", document_name, _("Cần ghi tên giấy tờ."))
    if not 1 <= (pages or 0) <= MAX_CERTIFICATION_PAGES:
        raise invalid("pages", _("Số trang phải từ 1 đến %(max)s.") % {"max": MAX_CERTIFICATION_PAGES})
    if not scan:
        raise invalid("scan", _("Cần tải lên bản quét bản chính."))
    with transaction.atomic():
        dossier = dossier_create(
            procedure_code=procedure_code, applicant=applicant, channel=channel, actor=actor,
            documents=[SubmittedDocument(name=document_name, copy_type=CopyType.ORIGINAL,
                                         required_document_id=_original_requirement_id(procedure))],
            pages=pages, receive=True, at=at,
        )
        CopyCertification.objects.create(
            dossier=dossier, document_name=document_name, pages=pages,
            fee=dossier.fee_amount, scan=scan,
        )
    return dossier


def copy_certification_certify(
    *, dossier: Dossier, actor, render: Callable[[CopyCertification], bytes],
    at: datetime | None = None,
) -> CopyCertification:
    """Sign the certification: a number from the year's register, the signer, the PDF.

    The signing is the dossier's approval (same rules, delegation included), in the same
    transaction as the register number, so a refused signature leaves no number used.
    ``render`` makes the certified PDF (the forms live in ``intake``, which ``cases`` does
    not import).
    """
    at = at or timezone.now()
    with transaction.atomic():
        certification = CopyCertification.objects.select_for_update().filter(dossier=dossier).first()
        if certification is None:
            raise ApplicationError(_("Hồ sơ này không có bản chính cần chứng thực."),
                                   kind=ErrorKind.CONFLICT)
        if certification.number is not None:
            raise ApplicationError(
                _("Bản sao đã được chứng thực, số %(number)s.")
                % {"number": certification.register_number},
                kind=ErrorKind.CONFLICT,
            )
        year = timezone.localdate(at).year
        number = next_sequence_value(unit=f"{settings.UNIT_CODE}-SCT", day=date(year, 1, 1))
        certification.year, certification.number = year, number
        dossier = dossier_approve(
            dossier=dossier, actor=actor, at=at,
            note=_("Chứng thực bản sao điện tử, số %(number)s.")
            % {"number": certification.register_number},
        )
        certification.dossier = dossier
        certification.signer = actor
        certification.certified_at = at
        certification.certified_pdf.save(
            f"{dossier.code}-ban-sao-chung-thuc.pdf", ContentFile(render(certification)), save=False
        )
        certification.save(
            update_fields=["year", "number", "signer", "certified_at", "certified_pdf"]
        )
    return certification


# --- catalogue ----------------------------------------------------------------------------
def procedure_revise(*, procedure: Procedure, changes: dict, actor=None) -> Procedure:
    """Publish a new version: dossiers received under the old one keep its rules."""
    allowed = {f.name for f in Procedure._meta.concrete_fields} - {
        "id", "code", "version", "is_current", "created_at"
    }
    unknown = set(changes) - allowed
    if unknown:
        raise invalid(sorted(unknown)[0], _("Không sửa được trường này."))
    with transaction.atomic():
        current = Procedure.objects.select_for_update().get(code=procedure.code, is_current=True)
        documents = list(current.documents.all())
        Procedure.objects.filter(pk=current.pk).update(is_current=False)
        new = Procedure.objects.get(pk=current.pk)
        new.pk = None
        new._state.adding = True
        new.version = current.version + 1
        new.is_current = True
        for name, value in changes.items():
            setattr(new, name, value)
        new.save()
        for document in documents:
            document.pk = None
            document._state.adding = True
            document.procedure = new
        RequiredDocument.objects.bulk_create(documents)
        catalogue_change_record(before=current, after=new, fields=changes, actor=actor)
    return new


def catalogue_change_record(*, before: Procedure, after: Procedure, fields, actor) -> None:
    """The audit row of a catalogue edit: who changed which of ``fields``, from what to what
    (fields left as they were are not listed; an edit that changed nothing leaves no row)."""
    changes = {}
    for name in fields:
        attname = Procedure._meta.get_field(name).attname
        old, new = getattr(before, attname), getattr(after, attname)
        if old != new:
            changes[name] = {"old": old, "new": new}
    if changes:
        CatalogueChange.objects.create(
            procedure=after, actor=actor if getattr(actor, "pk", None) else None, changes=changes
        )
