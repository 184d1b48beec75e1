"""Writes of the residents' online service: drafts and submission, completing a dossier
asked to be completed, ratings and complaints.

Dossiers change only through ``cases.actions``; what lives here is what hangs off them and
the one transaction that ties an intake write to the dossier write it goes with.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import actions as case_actions
from cases.calendar import working_calendar
from cases.models import (
    Channel,
    CopyType,
    Dossier,
    Procedure,
    Status,
)
from cases.policy import denial_reason
from cases.uploads import shown_name
from intake.models import (
    Complaint,
    ComplaintStatus,
    DraftFile,
    OnlineDraft,
    OnlineSubmission,
    Payment,
    PaymentPurpose,
    Rating,
)
from intake.payments.services import _new_reference
from thanhsen.errors import ApplicationError, ErrorKind, invalid
from thanhsen.roles import WORKSPACE_ROLES

#: Complaints and petitions are answered within 10 working days of receipt.
COMPLAINT_WORKING_DAYS = 10


def draft_save(*, user, procedure: Procedure, data: dict, uploads: dict) -> OnlineDraft:
    """Keep what the resident typed and the files already checked, to finish later.

    ``uploads`` maps a required document to an upload that passed the content check; a new
    upload replaces the draft's earlier file for that document.
    """
    with transaction.atomic():
        draft, _created = OnlineDraft.objects.select_for_update().get_or_create(
            user=user, procedure_code=procedure.code
        )
        draft.data = data
        draft.updated_at = timezone.now()
        draft.save(update_fields=["data", "updated_at"])
        for required_document, upload in uploads.items():
            DraftFile.objects.filter(draft=draft, required_document=required_document).delete()
            DraftFile.objects.create(
                draft=draft, required_document=required_document, file=upload,
                original_name=shown_name(upload), size=upload.size,
            )
    return draft


def draft_discard(*, user, procedure_code: str) -> None:
    OnlineDraft.objects.filter(user=user, procedure_code=procedure_code).delete()


def online_submit(
    *,
    user,
    procedure: Procedure,
    applicant: case_actions.Applicant,
    form_data: dict,
    files: dict,
    pages: int = 0,
    signed_in_with_vneid: bool = False,
) -> Dossier:
    """Create the resident's dossier (``submitted``, in the counter's queue) in one transaction
    with its e-form answers and the fee to pay; the draft goes once the dossier exists.

    ``signed_in_with_vneid`` (the session's login came through VNeID) is kept on the
    submission: the applicant's identity then came from the population database.

    ``files`` maps each required document to a checked upload or to a draft file's stored
    name. The fee is computed by the catalogue's rule inside ``dossier_create``.
    """
    documents = [
        case_actions.SubmittedDocument(
            name=document.name, copy_type=CopyType.ELECTRONIC, quantity=document.quantity,
            required_document_id=document.pk, file=file,
        )
        for document, file in files.items()
    ]
    with transaction.atomic():
        dossier = case_actions.dossier_create(
            procedure_code=procedure.code, applicant=applicant, channel=Channel.ONLINE,
            actor=user, documents=documents, pages=pages,
        )
        OnlineSubmission.objects.create(dossier=dossier, form_data=form_data, pages=pages,
                                        signed_in_with_vneid=signed_in_with_vneid)
        if dossier.fee_amount:
            Payment.objects.create(
                dossier=dossier, purpose=PaymentPurpose.FEE, amount=dossier.fee_amount,
                description=_("Phí, lệ phí: %(name)s") % {"name": procedure.name},
                reference=_new_reference(),
            )
        draft_discard(user=user, procedure_code=procedure.code)
    return dossier


def online_complete(*, dossier: Dossier, user, files: Iterable, note: str) -> Dossier:
    """The resident sends what the counter (completion) or the handler (supplement) asked for.

    The files join the dossier's documents inside the dossier's step (one transaction), so a
    refused step leaves no stray documents.
    """
    files = list(files)
    note = (note or "").strip()
    if not files and not note:
        raise invalid("note", _("Hãy tải lên giấy tờ bổ sung hoặc ghi rõ nội dung đã hoàn thiện."))
    if dossier.status == Status.SUPPLEMENT_REQUESTED:
        action, step = "supplement", case_actions.dossier_supplement
    else:
        action, step = "complete", case_actions.dossier_complete
    reason = denial_reason(user, dossier, action)
    if reason:
        raise ApplicationError(reason, kind=ErrorKind.FORBIDDEN)
    documents = [
        case_actions.SubmittedDocument(
            name=_("Bổ sung: %(name)s") % {"name": shown_name(upload)[:300]},
            copy_type=CopyType.ELECTRONIC, file=upload,
        )
        for upload in files
    ]
    return step(dossier=dossier, actor=user, note=note, documents=documents)


def rating_submit(*, dossier_id: int, scores: dict, comment: str = "") -> Rating:
    """One rating per returned dossier; it records no rater.

    Its history row (no actor, no scores) lets the national portal hear of it in order with
    the dossier's other changes.
    """
    dossier = Dossier.objects.get(pk=dossier_id)
    if dossier.status != Status.RETURNED:
        raise ApplicationError(
            _("Chỉ đánh giá được hồ sơ đã trả kết quả."), kind=ErrorKind.CONFLICT
        )
    for name in Rating.CRITERIA:
        if scores.get(name) not in (0, 1, 2):
            raise invalid(name, _("Hãy chọn một mức đánh giá."))
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                dossier=dossier, procedure_id=dossier.procedure_id,
                comment=(comment or "").strip()[:2000],
                **{name: scores[name] for name in Rating.CRITERIA},
            )
            # The history says a rating was given, never by whom nor what: the scores stay in
            # the rating, which the national portal is sent from (Decision 31/2021 art. 30).
            case_actions.record_event(dossier_id=dossier.pk, action="rate", at=rating.created_at)
            return rating
    except IntegrityError as exc:
        raise ApplicationError(_("Hồ sơ này đã được đánh giá."), kind=ErrorKind.CONFLICT) from exc


def complaint_due(received_at: datetime) -> datetime:
    cal = working_calendar()
    start = cal.effective_receipt(received_at).date()
    return cal.end_of_day(cal.add_working_days(start, COMPLAINT_WORKING_DAYS))


def complaint_file(*, kind: str, name: str, phone: str, email: str, content: str,
                   dossier_code: str = "", user=None) -> Complaint:
    """Record a complaint or petition with its answer deadline (10 working days)."""
    received_at = timezone.now()
    with transaction.atomic():
        complaint = Complaint.objects.create(
            code=secrets.token_hex(8), kind=kind, name=name.strip(), phone=phone,
            email=email.strip(), content=content.strip(), dossier_code=dossier_code.strip().upper(),
            user=user if user is not None and user.is_authenticated else None,
            received_at=received_at, due_at=complaint_due(received_at),
        )
        complaint.code = f"PA-{timezone.localtime(received_at):%y%m%d}-{complaint.pk:05d}"
        complaint.save(update_fields=["code"])
    return complaint


def complaint_answer(*, complaint: Complaint, actor, answer: str) -> Complaint:
    if actor is None or not actor.is_authenticated or actor.role not in WORKSPACE_ROLES:
        raise ApplicationError(_("Bạn không được trả lời phản ánh."), kind=ErrorKind.FORBIDDEN)
    answer = (answer or "").strip()
    if not answer:
        raise invalid("answer", _("Cần nhập nội dung trả lời."))
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.status == ComplaintStatus.ANSWERED:
            raise ApplicationError(_("Phản ánh này đã được trả lời."), kind=ErrorKind.CONFLICT)
        locked.status = ComplaintStatus.ANSWERED
        locked.answer = answer
        locked.answered_at = timezone.now()
        locked.answered_by = actor
        locked.save(update_fields=["status", "answer", "answered_at", "answered_by"])
    return locked
