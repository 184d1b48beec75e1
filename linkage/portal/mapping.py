"""From a dossier event to the portal message that reports it (without the envelope).

Runs inside the change's transaction with the dossier as the service left it, so each message
is a snapshot of that moment: a later change never rewrites an earlier message. The envelope
(message id, sequence, dossier code) is added when the message leaves, because a new dossier's
code is allocated at the very end of its creating transaction.

The wire speaks Vietnamese whatever language the officer reads: step names are fixed here, not
translated.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from cases.models import Channel, CopyType, Dossier, DossierEvent, Outcome, Status
from cases.models.dossier import DVCQG_STATUS, DVCQG_STOP_PENDING
from intake.models import Rating

CHANNELS = {Channel.DIRECT: 1, Channel.ONLINE: 2, Channel.POSTAL: 3}
COPY_TYPES = {
    CopyType.ORIGINAL: "BanChinh",
    CopyType.CERTIFIED_COPY: "BanSaoChungThuc",
    CopyType.COPY: "BanSao",
    CopyType.ELECTRONIC: "BanDienTu",
}
RETURN_METHODS = {"in_person": "TrucTiep", "post": "BuuChinh", "online": "TrucTuyen"}

#: Action → (message kind, step name shown on the portal).
ACTIONS = {
    "receive": ("CapNhatTrangThai", "Tiếp nhận hồ sơ"),
    "refuse_intake": ("CapNhatTrangThai", "Từ chối tiếp nhận"),
    "request_completion": ("CapNhatTrangThai", "Yêu cầu hoàn thiện hồ sơ"),
    "complete": ("CapNhatTrangThai", "Công dân hoàn thiện hồ sơ"),
    "assign": ("TienDoXuLy", "Chuyển xử lý"),
    "release": ("TienDoXuLy", "Trả lại hồ sơ để phân công lại"),
    "request_supplement": ("DieuChinhHenTra", "Yêu cầu bổ sung"),
    "supplement": ("DieuChinhHenTra", "Bổ sung hồ sơ"),
    "extend": ("DieuChinhHenTra", "Xin lỗi và hẹn lại"),
    "request_payment": ("ThanhToan", "Yêu cầu thực hiện nghĩa vụ tài chính"),
    "confirm_payment": ("ThanhToan", "Đã thực hiện nghĩa vụ tài chính"),
    "pay_fee": ("ThanhToan", "Nộp phí, lệ phí"),
    "submit_for_approval": ("CapNhatTrangThai", "Trình phê duyệt"),
    "send_back": ("CapNhatTrangThai", "Trả lại để xử lý lại"),
    "approve": ("KetQua", "Phê duyệt kết quả"),
    "refuse": ("KetQua", "Từ chối giải quyết"),
    "return_result": ("KetQua", "Trả kết quả"),
    "request_stop": ("DungXuLy", "Đề nghị dừng xử lý"),
    "stop": ("DungXuLy", "Dừng xử lý"),
    "rate": ("DanhGia", "Đánh giá mức độ hài lòng"),
    "transfer": ("ChuyenHoSo", "Chuyển đơn vị có thẩm quyền"),
}
#: The message kind every dossier's stream starts with: its creation.
OPENING = "TaoHoSo"
#: Every action that becomes a message; ``create`` is the first message of each dossier.
SYNCED_ACTIONS = frozenset({"create", *ACTIONS})


def portal_time(value: datetime | None) -> str | None:
    """The portal's ``yyyyMMddHHmmss`` in Vietnamese time."""
    if value is None:
        return None
    return timezone.localtime(value).strftime("%Y%m%d%H%M%S")


def portal_status(dossier: Dossier, action: str) -> int:
    if action == "request_completion":
        return 5  # the portal's "ask to complete" is its supplement status
    if action == "request_stop":
        return DVCQG_STOP_PENDING
    return DVCQG_STATUS[Status(dossier.status)]


def _clean(body: dict) -> dict:
    return {k: v for k, v in body.items() if v is not None and v != ""}


#: Who the portal is told acted when no person did (a system account without a name).
SYSTEM_OFFICER = "Hệ thống một cửa"


def _officer(actor) -> str:
    return (actor.get_full_name() or actor.username) if actor else SYSTEM_OFFICER


def _step(event: DossierEvent, dossier: Dossier, name: str, *, body: str | None = None) -> dict:
    return _clean({
        "TenBuoc": name,
        "DonViXuLy": body or settings.UNIT_NAME,
        "CanBoXuLy": _officer(event.actor),
        "NgayBatDau": portal_time(event.at),
        "GhiChu": (event.note or "")[:2000],
    })


def _fee(dossier: Dossier, *, moment: int, paid: bool, amount: int | None = None,
         at: datetime | None = None) -> dict:
    return _clean({
        "SoTien": dossier.fee_amount if amount is None else amount,
        "ThoiDiemThu": moment,
        "TrangThaiThanhToan": 1 if paid else 0,
        "NgayThanhToan": portal_time(at) if paid else None,
    })


#: When the procedure's fee is collected, as the portal counts it: at receipt, or at return.
FEE_AT_RECEIPT, FEE_AT_SUPPLEMENT, FEE_AT_RETURN = 1, 2, 4


def _collection_moment(dossier: Dossier, action: str) -> int:
    """A financial obligation is asked for while the dossier is handled (the portal's
    "supplement" moment); the procedure's fee is paid at receipt, or when the result is
    collected if it was not paid before."""
    if action != "pay_fee":
        return FEE_AT_SUPPLEMENT
    if dossier.status in (Status.RESOLVED, Status.RETURNED):
        return FEE_AT_RETURN
    return FEE_AT_RECEIPT


#: Circular 01/2018's criteria as the portal names them.
RATING_CRITERIA = {
    "time_score": "ThoiGianGiaiQuyet",
    "visits_score": "SoLanDiLai",
    "bodies_score": "SoCoQuanLienHe",
    "attitude_score": "ThaiDoCanBo",
    "publicity_score": "CongKhaiThuTuc",
    "overall_score": "MucDoHaiLong",
}


def rating(dossier: Dossier, *, at: datetime) -> dict:
    """The resident's rating, anonymous as on our side: the scores and the comment only."""
    given = Rating.objects.get(dossier=dossier)
    return _clean({
        "NgayDanhGia": portal_time(given.created_at or at),
        "DiemDanhGia": {name: getattr(given, field) for field, name in RATING_CRITERIA.items()},
        "GopY": given.comment[:2000],
    })


def _result_files(dossier: Dossier) -> list[dict]:
    if not dossier.result_file:
        return []
    digest = hashlib.sha256()
    with dossier.result_file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(65536), b""):
            digest.update(chunk)
    return [{
        "TenTep": dossier.result_file.name.rsplit("/", 1)[-1],
        "DuongDan": dossier.result_file.name,
        "MaBam": digest.hexdigest(),
        "KichThuoc": dossier.result_file.size,
    }]


def creation(dossier: Dossier) -> dict:
    documents = [
        {
            "TenGiayTo": d.name[:400],
            "LoaiBan": COPY_TYPES.get(d.copy_type, "BanSao"),
            "SoLuong": max(d.quantity, 1),
            "TaiSuDung": d.reused,
        }
        for d in dossier.documents.all()
    ]
    return _clean({
        "MaTTHC": dossier.procedure.code,
        "KenhThucHien": CHANNELS[Channel(dossier.channel)],
        "TrangThaiHoSo": 1,
        "NgayNopHoSo": portal_time(dossier.created_at),
        "ChuHoSo": _clean({
            "HoTen": dossier.applicant_name,
            "SoDinhDanh": dossier.applicant_id_number,
            "SoDienThoai": dossier.applicant_phone,
            "Email": dossier.applicant_email,
            "DiaChi": dossier.applicant_address,
        }),
        "ThanhPhanHoSo": documents,
        "PhiLePhi": _fee(dossier, moment=1, paid=False) if dossier.fee_amount else None,
    })


def message_for(event: DossierEvent) -> tuple[str, dict] | None:
    """``(kind, body)`` for an event the portal must hear of, or ``None``."""
    dossier = event.dossier
    if event.action == "create":
        return OPENING, creation(dossier)
    if event.action not in ACTIONS:
        return None
    kind, name = ACTIONS[event.action]
    status = portal_status(dossier, event.action)
    payload = event.payload or {}
    step_body = None
    if event.action == "assign" and dossier.department_id:
        step_body = dossier.department.name
    step = _step(event, dossier, name, body=step_body)
    if kind == "CapNhatTrangThai":
        return kind, _clean({
            "TrangThaiHoSo": status,
            "BuocXuLy": step,
            "NgayTiepNhan": portal_time(dossier.received_at),
            "NgayHenTra": portal_time(dossier.extended_due_at or dossier.due_at),
            "LyDo": (event.note or "")[:2000] if event.action == "refuse_intake" else None,
        })
    if kind == "TienDoXuLy":
        return kind, {"TrangThaiHoSo": status, "BuocXuLy": step}
    if kind == "DieuChinhHenTra":
        variety = {"extend": "GiaHan", "request_supplement": "BoSung", "supplement": "BoSung"}
        return kind, _clean({
            "TrangThaiHoSo": status,
            "LoaiDieuChinh": variety[event.action],
            "NgayHenTra": portal_time(dossier.extended_due_at or dossier.due_at),
            "NgayHenTraCu": portal_time(dossier.initial_due_at),
            "LyDo": (event.note or name)[:2000],
        })
    if kind == "ThanhToan":
        paid = event.action in ("confirm_payment", "pay_fee")
        amount = payload.get("amount")
        return kind, {
            "TrangThaiHoSo": status,
            "PhiLePhi": _fee(dossier, moment=_collection_moment(dossier, event.action),
                             paid=paid, amount=int(amount) if amount else None, at=event.at),
            "BuocXuLy": step,
        }
    if kind == "DanhGia":
        return kind, rating(dossier, at=event.at)
    if kind == "ChuyenHoSo":
        # Received here, handled there: to the portal the dossier stays received.
        return kind, {
            "TrangThaiHoSo": DVCQG_STATUS[Status.RECEIVED],
            "MaDonViNhan": payload["unit_code"][:20],
            "TenDonViNhan": payload["unit_name"][:300],
            "NgayChuyen": portal_time(event.at),
            "LyDo": (event.note or name)[:2000],
        }
    if kind == "KetQua":
        returned = event.action == "return_result"
        return kind, _clean({
            "TrangThaiHoSo": status,
            "NgayKetThucXuLy": portal_time(dossier.resolved_at or event.at),
            "NgayTraKetQua": portal_time(dossier.returned_at) if returned else None,
            "KetQuaXuLy": "TuChoi" if dossier.outcome == Outcome.REFUSED else "ChapThuan",
            "TepKetQua": _result_files(dossier),
            "HinhThucTra": RETURN_METHODS.get(dossier.return_method) if returned else None,
            "BuocXuLy": step,
            "LyDo": (event.note or "")[:2000] if dossier.outcome == Outcome.REFUSED else None,
        })
    return kind, {
        "TrangThaiHoSo": status,
        "NgayDung": portal_time(event.at),
        "LyDo": (event.note or name)[:2000],
    }


def snapshot(dossier: Dossier, *, actor, at: datetime, note: str) -> tuple[str, dict]:
    """The dossier's current state as one status message: what a resync sends."""
    return "CapNhatTrangThai", _clean({
        "TrangThaiHoSo": DVCQG_STATUS[Status(dossier.status)],
        "BuocXuLy": {
            "TenBuoc": "Đồng bộ lại trạng thái",
            "DonViXuLy": settings.UNIT_NAME,
            "CanBoXuLy": _officer(actor),
            "NgayBatDau": portal_time(at),
            "GhiChu": note[:2000],
        },
        "NgayTiepNhan": portal_time(dossier.received_at),
        "NgayHenTra": portal_time(dossier.extended_due_at or dossier.due_at),
        "NgayKetThucXuLy": portal_time(dossier.resolved_at),
    })
