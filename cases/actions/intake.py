"""Creating a dossier and the counter's decisions on it: receive, refuse, ask to complete.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.actions.core import _apply, _Change, _Creation, _refuse_unless_allowed, _require_text
from cases.actions.dates import _refresh_due_dates
from cases.actions.history import event_new, events_record
from cases.calendar import working_calendar
from cases.codes import dossier_code_assign
from cases.deadlines import (
    handover_due,
)
from cases.fees import fee_amount
from cases.models import (
    Channel,
    CopyType,
    Dossier,
    DossierDocument,
    Procedure,
    RequiredDocument,
)
from cases.policy import (
    ACTION_ROLES,
)
from cases.validators import normalise_phone, validate_id_number, validate_phone
from thanhsen.errors import ApplicationError, ErrorKind, invalid
from thanhsen.inserts import rows_insert
from thanhsen.roles import Role


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


def _add_documents(
    dossier: Dossier, documents: Iterable[SubmittedDocument], at: datetime
) -> list[DossierDocument]:
    rows = [
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
    ]
    rows_insert(rows)
    return rows


def _hold_documents(dossier: Dossier, documents: list[DossierDocument] | None) -> None:
    """Let ``dossier.documents.all()`` answer with ``documents`` (or ask the database again,
    with None) without a query, as a prefetch would.

    A new dossier holds exactly the papers just inserted: its receipt's mandatory-paper check
    and the portal's creation message read them from here inside the creating transaction.
    """
    cache = dossier.__dict__.setdefault("_prefetched_objects_cache", {})
    if documents is None:
        cache.pop("documents", None)
        return
    held = dossier.documents.all()
    held._result_cache = documents
    held._prefetch_done = True
    cache["documents"] = held


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


@functools.cache
def _current_procedure_sql(reserve_id: bool) -> str:
    procedure, paper = Procedure._meta, RequiredDocument._meta
    columns = ", ".join(f"p.{connection.ops.quote_name(f.column)}"
                        for f in procedure.concrete_fields)
    # An uncorrelated subquery runs once per statement, not once per row.
    reserved = (f"(SELECT nextval(pg_get_serial_sequence('{Dossier._meta.db_table}', 'id')))"
                if reserve_id else "NULL")
    return (
        f"SELECT {columns}, d.id AS paper_id, d.name AS paper_name, {reserved} AS reserved_id"
        f"  FROM {procedure.db_table} p"
        f"  LEFT JOIN {paper.db_table} d ON d.procedure_id = p.id AND d.mandatory"
        f" WHERE p.code = %s AND p.is_current"
        f" ORDER BY d.position, d.id"
    )


def _current_procedure(code: str, *, reserve_id: bool = False) -> Procedure:
    """The procedure's current version (one per code, a constraint), with its
    ``mandatory_documents``, ``(pk, name)`` in catalogue order, that a receipt checks, and
    with ``reserve_id`` on PostgreSQL the ``reserved_id`` of the dossier about to be created
    (from its table's sequence; None elsewhere).

    One hand-written statement, one row per mandatory paper: building the same query with the
    ORM cost the counter more than inserting the dossier did (intake is the busiest write).
    """
    sql = _current_procedure_sql(reserve_id and connection.vendor == "postgresql")
    rows = list(Procedure.objects.raw(sql, [code]))
    if not rows:
        raise invalid("procedure", _("Không có thủ tục mã “%(code)s”.") % {"code": code})
    procedure = rows[0]
    procedure.mandatory_documents = [
        (row.paper_id, row.paper_name) for row in rows if row.paper_id is not None
    ]
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
    procedure = _current_procedure(procedure_code, reserve_id=True)
    applicant = _validate_applicant(applicant)
    documents = list(documents)

    with transaction.atomic():
        # The code is allocated last, in the statement that writes the dossier: its daily
        # counter row stays locked until commit, so taking it at the end keeps concurrent
        # counters from queueing behind the whole work. Its papers and history are written
        # first, under the id reserved for it (PostgreSQL checks foreign keys at commit).
        dossier = Dossier(
            pk=procedure.reserved_id,
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
        if dossier.pk is None:  # no id to reserve: stored now, coded at the end
            dossier.code = f"~{uuid.uuid4().hex}"
            dossier.save(force_insert=True)
        _hold_documents(dossier, _add_documents(dossier, documents, at))
        creation = _Creation(events=[event_new(
            dossier=dossier,
            actor=actor,
            at=at,
            action="create",
            to_status=dossier.status,
            note=note,
            payload={"channel": channel, "documents": len(documents)},
        )])
        if receive:
            dossier = _receive(dossier=dossier, actor=actor, at=at, note="", creation=creation)
        events_record(creation.events)
        dossier.code = dossier_code_assign(dossier=dossier, day=timezone.localdate(at),
                                           fields=creation.fields)
        dossier._update_initial_state()  # the state machine's view of the saved row
    # The caller may add papers later: from now on the dossier asks the database again.
    _hold_documents(dossier, None)
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
    held = dossier.documents.all()
    held_ids = {doc.required_document_id for doc in held if doc.required_document_id}
    held_names = {_normalised_name(doc.name) for doc in held}
    required = getattr(dossier.procedure, "mandatory_documents", None)
    if required is None:
        required = dossier.procedure.documents.filter(mandatory=True).order_by(
            "position", "pk").values_list("pk", "name")
    return [
        name for pk, name in required
        if pk not in held_ids and _normalised_name(name) not in held_names
    ]


def _receive(*, dossier: Dossier, actor, note: str, at: datetime | None,
             creation: _Creation | None = None) -> Dossier:
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
                  creation=creation)


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
