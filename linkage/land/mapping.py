"""From a land dossier to the messages the land office and the tax authority expect.

Bodies are snapshots of the moment they were written, without the envelope (message id,
sequence, dossier code), which is added when they leave. A component file is stored in the
outbox by its storage name and hash only; its bytes are read and embedded when the message
leaves (``file_contents``), so the outbox stays small and the office still gets the files.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import date, datetime

from django.utils import timezone

from cases.models import Dossier
from cases.selectors import dossier_declaration


def wire_time(value: datetime | None) -> str | None:
    """``yyyyMMddHHmmss`` in Vietnamese time, as the sector systems read it."""
    if value is None:
        return None
    return timezone.localtime(value).strftime("%Y%m%d%H%M%S")


def wire_date(value: str) -> date:
    return date(int(value[:4]), int(value[4:6]), int(value[6:8]))


def _clean(body: dict) -> dict:
    return {k: v for k, v in body.items() if v is not None and v != ""}


def _file(stored) -> dict | None:
    if not stored:
        return None
    digest = hashlib.sha256()
    size = 0
    with stored.open("rb") as handle:
        for chunk in iter(lambda: handle.read(65536), b""):
            digest.update(chunk)
            size += len(chunk)
    return {"TenTep": stored.name.rsplit("/", 1)[-1][:255], "DuongDan": stored.name,
            "MaBam": digest.hexdigest(), "KichThuoc": size}


def transfer(dossier: Dossier) -> dict:
    """``ChuyenHoSo``: the dossier, the declaration and every component with its file."""
    components = []
    for document in dossier.documents.all():
        component = {"TenGiayTo": document.name[:400]}
        described = _file(document.file)
        if described:
            component["TepTin"] = described
        components.append(component)
    declared = {answer.label[:200]: answer.value for answer in dossier_declaration(dossier)}
    return _clean({
        "MaTTHC": dossier.procedure.code,
        "TenTTHC": dossier.procedure.name[:1000],
        "NgayTiepNhan": wire_time(dossier.received_at),
        "NgayHenTra": wire_time(dossier.extended_due_at or dossier.due_at),
        "NguoiSuDung": _clean({
            "HoTen": dossier.applicant_name,
            "SoDinhDanh": dossier.applicant_id_number,
            "SoDienThoai": dossier.applicant_phone,
            "DiaChi": dossier.applicant_address,
        }),
        "ThongTinKeKhai": declared,
        "ThanhPhanHoSo": components,
    })


def obligations_done(*, number: str, amount: int, paid_at: datetime) -> dict:
    """``HoanThanhNghiaVuTaiChinh``: the tax authority confirmed the payment."""
    return {"SoThongBao": number, "SoTien": amount, "NgayNop": wire_time(paid_at)}


def tax_information(dossier: Dossier, *, parcel: dict, tax_info: dict) -> dict:
    """``ChuyenThongTinThue``: the office's land information, forwarded to the tax authority."""
    return _clean({
        "MaTTHC": dossier.procedure.code,
        "NguoiNopThue": {
            "HoTen": dossier.applicant_name,
            "SoDinhDanh": dossier.applicant_id_number,
            "DiaChi": dossier.applicant_address,
        },
        "ThuaDat": parcel,
        "LoaiNghiaVu": tax_info["LoaiNghiaVu"],
        "GiaTriTinhThue": tax_info["GiaTriTinhThue"],
        "GhiChu": tax_info.get("GhiChu"),
    })


def file_contents(body: dict) -> dict:
    """The body as it leaves: each stored file's bytes in place of its storage name.

    A file that can no longer be read leaves its component without content, so the contract
    check refuses the message with a reason staff can act on, instead of failing the worker.
    """
    from django.core.files.storage import default_storage

    components = []
    for component in body.get("ThanhPhanHoSo", []):
        described = component.get("TepTin")
        if described and "DuongDan" in described:
            described = {k: v for k, v in described.items() if k != "DuongDan"}
            try:
                with default_storage.open(component["TepTin"]["DuongDan"], "rb") as handle:
                    described["NoiDung"] = base64.b64encode(handle.read()).decode()
            except OSError:
                pass
            component = {**component, "TepTin": described}
        components.append(component)
    if "ThanhPhanHoSo" in body:
        return {**body, "ThanhPhanHoSo": components}
    return body
