"""Electronic copy certification (2.000815) and the reuse of certified copies as
components of other dossiers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.actions.core import _apply, _Change, _not_now, _require_text
from cases.actions.decision import dossier_approve
from cases.actions.intake import Applicant, SubmittedDocument, _current_procedure, dossier_create
from cases.codes import next_sequence_value
from cases.models import (
    Channel,
    CopyCertification,
    CopyType,
    Dossier,
    DossierDocument,
    Procedure,
    Status,
)
from thanhsen.errors import ApplicationError, ErrorKind, invalid

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
