"""Demo data of the residents' online service for ``make run``: a few online dossiers of the
demo resident ``congdan`` (one to complete, one paid online, returned and rated, one in
progress with its fee still due). Idempotent: nothing is added once they exist.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction

from cases import actions as case_actions
from cases.models import Procedure
from devtools.simulators.payments import SimulatedProvider
from intake.models import OnlineSubmission, Payment, PaymentStatus
from intake.online import services
from intake.payments import services as payment_services
from thanhsen.models import User
from thanhsen.roles import HANDLER_ROLES

_SCAN = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

BIRTH = "1.001193.000.00.00.H27"
COPY_EXTRACT = "2.000635.000.00.00.H27"
CORRECTION = "1.004859.000.00.00.H27"


def _files(procedure: Procedure) -> dict:
    return {
        document: ContentFile(_SCAN, name=f"ban-chup-{document.pk}.pdf")
        for document in procedure.documents.filter(mandatory=True)
    }


def _submit(user, code: str, form_data: dict):
    procedure = Procedure.objects.get(code=code, is_current=True)
    applicant = case_actions.Applicant(
        name="Nguyễn Văn An", id_number="042090001234", phone=user.phone or "0912000111",
        email=user.email, address="Số 12, đường Trần Phú, phường Thành Sen, Hà Tĩnh",
    )
    return procedure, services.online_submit(
        user=user, procedure=procedure, applicant=applicant, form_data=form_data,
        files=_files(procedure),
    )


def _pay_online(payment: Payment) -> None:
    provider = SimulatedProvider()
    payment_services.payment_receive_notice(
        params=provider.signed(reference=payment.reference, amount=payment.amount, status="paid",
                               transaction=f"SIM{payment.pk:08d}"),
        channel="callback", provider_name=provider.name,
    )


def seed_resident_demo() -> int:
    """Returns how many dossiers it created (0 when they are already there)."""
    user = User.objects.filter(username="congdan").first()
    counter = User.objects.filter(username="tiepnhan").first()
    signer = User.objects.filter(username="chutich").first()
    if not (user and counter and signer) or OnlineSubmission.objects.filter(
        dossier__applicant_user=user
    ).exists():
        return 0
    if not Procedure.objects.filter(code__in=[BIRTH, COPY_EXTRACT, CORRECTION], is_current=True).count() == 3:
        return 0
    with transaction.atomic():
        _procedure, to_complete = _submit(user, BIRTH, {
            "child_name": "Nguyễn Minh Khôi", "child_birth_date": "2026-11-20", "child_sex": "Nam",
            "birth_place": "Bệnh viện Đa khoa tỉnh Hà Tĩnh", "mother_id": "042190004321",
        })
        case_actions.dossier_request_completion(
            dossier=to_complete, actor=counter,
            reason="Ảnh chụp Giấy chứng sinh bị mờ; đề nghị chụp lại rõ nét cả hai mặt.",
        )

        procedure, returned = _submit(user, COPY_EXTRACT, {
            "event_type": "Khai sinh", "subject_name": "Nguyễn Văn An", "copies": 2,
        })
        _pay_online(Payment.objects.get(dossier=returned, status=PaymentStatus.PENDING))
        handler = User.objects.filter(department=procedure.department, role__in=HANDLER_ROLES).first()
        returned = case_actions.dossier_receive(dossier=returned, actor=counter)
        returned = case_actions.dossier_assign(dossier=returned, actor=counter, handler=handler)
        returned = case_actions.dossier_submit_for_approval(dossier=returned, actor=handler)
        returned = case_actions.dossier_approve(dossier=returned, actor=signer)
        returned = case_actions.dossier_return_result(dossier=returned, actor=counter)
        services.rating_submit(
            dossier_id=returned.pk,
            scores={"time_score": 2, "visits_score": 2, "bodies_score": 2, "attitude_score": 2,
                    "publicity_score": 1, "overall_score": 2},
            comment="Nộp trực tuyến, nhận kết quả đúng hẹn, không phải đi lại.",
        )

        _procedure, in_progress = _submit(user, CORRECTION, {
            "subject_name": "Nguyễn Văn An", "subject_id": "042090001234", "change_type": "Cải chính",
            "current_value": "Nguyễn Văn Ân", "requested_value": "Nguyễn Văn An",
            "reason": "Sai dấu trong giấy khai sinh bản gốc.",
        })
        in_progress = case_actions.dossier_receive(dossier=in_progress, actor=counter)
        case_actions.dossier_assign(dossier=in_progress, actor=counter, handler=handler)
    return 3
