"""From an approved dossier to the registration the registry receives (without the envelope).

Built inside the approval's transaction, so the message is a snapshot of what the officer
approved; a correction resends it with the corrected fields applied and listed. The wire
speaks Vietnamese whatever language the officer reads.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy

from cases.models import Dossier
from linkage.models import CivilRegistration, RegistrationKind

#: Procedure roots (the first two parts of the national code) the registry records.
REGISTRY_PROCEDURES = {
    "1.001193": RegistrationKind.BIRTH,
    "1.000656": RegistrationKind.DEATH,
    "1.000894": RegistrationKind.MARRIAGE,
    "2.000635": RegistrationKind.EXTRACT,
}
#: The fields a registry may return for correction, as the officer reads them.
FIELD_LABELS = {
    "NguoiYeuCau.HoTen": gettext_lazy("Họ, chữ đệm, tên người yêu cầu"),
    "NguoiYeuCau.SoDinhDanh": gettext_lazy("Số định danh cá nhân người yêu cầu"),
    "NguoiYeuCau.DiaChi": gettext_lazy("Địa chỉ người yêu cầu"),
}
SYSTEM_OFFICER = "Hệ thống một cửa"


def registry_time(value) -> str:
    return timezone.localtime(value).strftime("%Y%m%d%H%M%S")


def registration_kind(procedure_code: str) -> str | None:
    return REGISTRY_PROCEDURES.get(".".join(procedure_code.split(".")[:2]))


def _officer(user) -> str:
    return (user.get_full_name() or user.username) if user else SYSTEM_OFFICER


def registration(dossier: Dossier, record: CivilRegistration) -> dict:
    body = {
        "LoaiDangKy": record.kind,
        "MaTTHC": dossier.procedure.code,
        "LanGui": record.submissions,
        "NguoiYeuCau": {
            "HoTen": dossier.applicant_name,
            "SoDinhDanh": dossier.applicant_id_number,
            "DiaChi": dossier.applicant_address,
        },
        "CanBoPheDuyet": _officer(dossier.decided_by),
        "NgayPheDuyet": registry_time(dossier.resolved_at or timezone.now()),
    }
    if dossier.outcome_reason:
        body["GhiChu"] = dossier.outcome_reason[:2000]
    if record.corrections:
        for path, value in record.corrections.items():
            section, _dot, name = path.partition(".")
            if name and isinstance(body.get(section), dict):
                body[section][name] = value
        body["NoiDungSua"] = [{"Truong": k, "GiaTri": v} for k, v in record.corrections.items()]
    return body
