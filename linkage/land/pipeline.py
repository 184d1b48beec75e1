"""The land office's and the tax authority's replies, applied to the land dossier they concern.

Pulled from each system's reply feed (``replies_pull``, by beat and on demand). Every reply is
checked against its contract on arrival; acknowledgements go to the framework; the others are
stored once by their reply id (``InboundItem``), so a reply offered twice is applied once. A
reply that arrives before the one it follows (the payment confirmed before the notice was
recorded, the result before the cadastral data) is kept as waiting, with what it waits for,
and applied on a later pass once that has arrived: any order ends in the same dossier.

What each reply does:

- the office's cadastral data (``ThongTinDiaChinh``): stored; when it carries the tax
  information, forwarded to the tax authority in the same transaction;
- the tax notice (``ThongBaoNopTien``): the dossier's financial obligation
  (``cases.actions.dossier_request_payment``: its payable item and the paused clock);
- the tax authority's confirmation (``XacNhanNopTien``): the item is settled, the pause ends
  (``intake.payments.services.payment_confirm_by_authority``) and the office is told;
- the office's result (``KetQua``): the updated certificate or decision, checked like an
  upload, becomes the dossier's result file.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import actions as case_actions
from cases.models import Dossier, Status
from cases.uploads import validate_scan
from intake.payments.services import payment_confirm_by_authority, payment_for_request
from linkage.framework import outbound
from linkage.framework.models import InboundItem, SyncCursor
from linkage.land import SYSTEM as LAND
from linkage.land import contract as land_contract
from linkage.land import mapping
from linkage.land.services import (
    ANSWER_ACTION,
    RESULT_ACTION,
    land_adapter,
    land_enabled,
    tax_adapter,
    tax_enabled,
)
from linkage.models import LandTransfer
from linkage.tax import SYSTEM as TAX
from linkage.tax import contract as tax_contract
from thanhsen.errors import ApplicationError
from thanhsen.roles import Role

log = logging.getLogger(__name__)

#: A stored reply whose ``error`` starts with this waits for an earlier one.
WAITING = "Chờ: "

CONTRACTS = {LAND: land_contract, TAX: tax_contract}
ACTORS = {
    LAND: ("van-phong-dang-ky-dat-dai", "Văn phòng Đăng ký đất đai"),
    TAX: ("co-quan-thue", "Cơ quan thuế"),
}


class Verdict:
    APPLIED = "applied"
    WAITING = "waiting"
    DUPLICATE = "duplicate"
    INVALID = "invalid"


class _Refused(Exception):
    """The reply conforms but cannot be applied (a file not what it claims, a mismatch)."""


def system_actor(system: str):
    """The account a sector system acts as in the dossier's history (cannot log in)."""
    username, name = ACTORS[system]
    user, created = get_user_model().objects.update_or_create(
        username=username, defaults=dict(role=Role.SYSTEM, last_name=name, first_name=""),
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


# --- each reply ----------------------------------------------------------------------------
def _office_answer(transfer: LandTransfer, item: dict, at: datetime) -> str | None:
    if transfer.answered_at:
        return None
    dossier = transfer.dossier
    parcel = item["ThuaDat"]
    tax_info = item.get("ThongTinThue") or {}
    note = _("Văn phòng Đăng ký đất đai trả thông tin địa chính: thửa số %(parcel)s, tờ bản đồ "
             "số %(sheet)s, diện tích %(area)s m².") % {
        "parcel": parcel["SoThua"], "sheet": parcel["SoToBanDo"], "area": parcel["DienTich"]}
    if tax_info:
        note += " " + _("Thông tin được chuyển cơ quan thuế để xác định nghĩa vụ tài chính.")
    event = case_actions.record_event(
        dossier_id=dossier.pk, action=ANSWER_ACTION, at=at, actor=system_actor(LAND), note=note,
        payload={"parcel": parcel, "tax": bool(tax_info)},
    )
    transfer.answered_at = at
    transfer.parcel = parcel
    transfer.tax_info = tax_info
    if tax_info:
        outbound.message_append(
            system=TAX, dossier_id=dossier.pk, kind="ChuyenThongTinThue",
            body=mapping.tax_information(dossier, parcel=parcel, tax_info=tax_info),
            at=at, event_id=event.pk,
        )
        transfer.tax_sent_at = at
    transfer.save(update_fields=["answered_at", "parcel", "tax_info", "tax_sent_at"])
    return None


def _decoded_file(described: dict) -> bytes:
    try:
        content = base64.b64decode(described["NoiDung"], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _Refused(_("Tệp kết quả không phải dữ liệu base64 hợp lệ.")) from exc
    if hashlib.sha256(content).hexdigest() != described["MaBam"]:
        raise _Refused(_("Tệp kết quả không khớp mã băm Văn phòng đã gửi."))
    if len(content) != described["KichThuoc"]:
        raise _Refused(_("Tệp kết quả không đúng kích thước Văn phòng đã gửi."))
    upload = ContentFile(content, name=described["TenTep"])
    try:
        validate_scan(upload)
    except ValidationError as exc:
        raise _Refused(" ".join(exc.messages)) from exc
    return content


def _office_result(transfer: LandTransfer, item: dict, at: datetime) -> str | None:
    if transfer.result_at:
        return None
    if not transfer.answered_at:
        return _("Văn phòng chưa trả thông tin địa chính.")
    if transfer.tax_sent_at and not transfer.paid_at:
        return _("cơ quan thuế chưa xác nhận đã nộp nghĩa vụ tài chính.")
    content = _decoded_file(item["TepKetQua"])
    dossier = Dossier.objects.get(pk=transfer.dossier_id)
    extension = item["TepKetQua"]["TenTep"].rsplit(".", 1)[-1].lower()[:5] or "pdf"
    dossier.result_file.save(f"{dossier.code}-ket-qua.{extension}", ContentFile(content),
                             save=False)
    Dossier.objects.filter(pk=dossier.pk).update(result_file=dossier.result_file.name)
    labels = {"GiayChungNhan": _("Giấy chứng nhận"), "QuyetDinh": _("Quyết định")}
    case_actions.record_event(
        dossier_id=dossier.pk, action=RESULT_ACTION, at=at, actor=system_actor(LAND),
        note=_("Văn phòng Đăng ký đất đai trả kết quả: %(kind)s số %(number)s.") % {
            "kind": labels[item["LoaiKetQua"]], "number": item["SoKetQua"]},
        payload={"kind": item["LoaiKetQua"], "number": item["SoKetQua"]},
    )
    transfer.result_at = at
    transfer.result_kind = item["LoaiKetQua"]
    transfer.result_number = item["SoKetQua"]
    transfer.save(update_fields=["result_at", "result_kind", "result_number"])
    return None


def _tax_notice(transfer: LandTransfer, item: dict, at: datetime) -> str | None:
    if transfer.notice_at:
        return None
    if not transfer.tax_sent_at:
        return _("thông tin chưa được chuyển cơ quan thuế.")
    dossier = Dossier.objects.select_related("procedure").get(pk=transfer.dossier_id)
    if dossier.status != Status.IN_PROGRESS:
        return _("hồ sơ đang ở trạng thái “%(status)s”, chưa ghi nhận được nghĩa vụ tài "
                 "chính.") % {"status": dossier.get_status_display()}
    deadline = mapping.wire_date(item["HanNop"])
    reason = _("Thông báo nộp tiền số %(number)s của cơ quan thuế: %(what)s; hạn nộp "
               "%(deadline)s.") % {"number": item["SoThongBao"], "what": item["NoiDung"],
                                   "deadline": deadline.strftime("%d/%m/%Y")}
    case_actions.dossier_request_payment(
        dossier=dossier, actor=system_actor(TAX), reason=reason[:300], amount=item["SoTien"],
        at=at,
    )
    request = dossier.events.filter(action="request_payment").order_by("-at", "-pk").first()
    payment_for_request(event=request, levied_by=TAX)
    transfer.notice_at = at
    transfer.notice_number = item["SoThongBao"]
    transfer.notice_amount = item["SoTien"]
    transfer.notice_deadline = deadline
    transfer.save(update_fields=["notice_at", "notice_number", "notice_amount",
                                 "notice_deadline"])
    return None


def _tax_paid(transfer: LandTransfer, item: dict, at: datetime) -> str | None:
    if transfer.paid_at:
        return None
    if not transfer.notice_at:
        return _("chưa có thông báo nộp tiền của cơ quan thuế.")
    if item["SoThongBao"] != transfer.notice_number or item["SoTien"] != transfer.notice_amount:
        raise _Refused(_("Xác nhận nộp tiền không khớp thông báo số %(number)s, %(amount)s "
                         "đồng.") % {"number": transfer.notice_number,
                                     "amount": transfer.notice_amount})
    dossier = Dossier.objects.get(pk=transfer.dossier_id)
    payment_confirm_by_authority(
        dossier=dossier, authority=TAX, transaction_id=item["SoThongBao"],
        actor=system_actor(TAX), at=at,
    )
    transfer.paid_at = at
    transfer.save(update_fields=["paid_at"])
    outbound.message_append(
        system=LAND, dossier_id=dossier.pk, kind="HoanThanhNghiaVuTaiChinh",
        body=mapping.obligations_done(number=transfer.notice_number,
                                      amount=transfer.notice_amount, paid_at=at),
        at=at, event_id=None,
    )
    return None


APPLY = {
    (LAND, "ThongTinDiaChinh"): _office_answer,
    (LAND, "KetQua"): _office_result,
    (TAX, "ThongBaoNopTien"): _tax_notice,
    (TAX, "XacNhanNopTien"): _tax_paid,
}


# --- accepting and applying ----------------------------------------------------------------
def _keep(stored: InboundItem, *, error: str, dossier_id: int | None) -> None:
    InboundItem.objects.filter(pk=stored.pk).update(error=error[:2000], dossier_id=dossier_id)


def _apply(stored: InboundItem) -> str:
    item = stored.body
    try:
        with transaction.atomic():
            transfer = (
                LandTransfer.objects.select_for_update().select_related("dossier")
                .filter(dossier__code=item["MaHoSo"]).first()
            )
            if transfer is None:
                _keep(stored, error=_("Không có hồ sơ đất đai mã %(code)s đã chuyển Văn "
                                      "phòng.") % {"code": item["MaHoSo"]}, dossier_id=None)
                return Verdict.INVALID
            # A reply that waited is applied now, after the one it waited for.
            at = timezone.now() if stored.error.startswith(WAITING) else stored.received_at
            waiting = APPLY[(stored.system, stored.kind)](transfer, item, at)
            _keep(stored, error=WAITING + waiting if waiting else "",
                  dossier_id=transfer.dossier_id)
    except _Refused as exc:
        _keep(stored, error=str(exc), dossier_id=None)
        return Verdict.INVALID
    except ApplicationError as exc:
        # The dossier cannot take it now (e.g. stopped meanwhile): kept for staff, with why.
        _keep(stored, error=exc.message, dossier_id=None)
        return Verdict.INVALID
    return Verdict.WAITING if waiting else Verdict.APPLIED


def reply_accept(system: str, item, *, at: datetime | None = None) -> str:
    """Check one reply and apply it at most once; any order, any number of offers."""
    at = at or timezone.now()
    contract = CONTRACTS[system]
    kind = item.get("LoaiPhanHoi") if isinstance(item, dict) else None
    schema = contract.REPLIES.get(kind) if isinstance(kind, str) else None
    errors = (contract.CONTRACT.errors(schema, item) if schema
              else [f"LoaiPhanHoi: {kind!r} không có trong hợp đồng"])
    if errors:
        log.warning("%s reply not per contract: %s", system, "; ".join(errors[:5]))
        return Verdict.INVALID
    if kind == "BienNhan":
        return outbound.acknowledgement_record(
            message_id=item["MaThongDiep"], accepted=item["KetQua"] == "DaXuLy",
            reason=item.get("LyDo", ""), at=at,
        )
    stored, created = InboundItem.objects.get_or_create(
        system=system, external_id=item["MaPhanHoi"],
        defaults=dict(kind=kind, body=item, received_at=at),
    )
    if not created:
        InboundItem.objects.filter(pk=stored.pk).update(offers=stored.offers + 1)
        if not stored.error.startswith(WAITING):
            return Verdict.DUPLICATE
    return _apply(stored)


def waiting_retry(system: str) -> int:
    """Apply again what waited for an earlier reply; returns how many are now applied."""
    applied = 0
    for stored in InboundItem.objects.filter(
        system=system, error__startswith=WAITING
    ).order_by("received_at", "pk"):
        if _apply(stored) == Verdict.APPLIED:
            applied += 1
    return applied


def replies_pull(system: str, *, adapter=None, pages: int = 20) -> dict:
    """Take the system's replies since the stored cursor, then retry what was waiting."""
    counts = {"acknowledged": 0, "rejected": 0, "duplicate": 0, "unknown": 0, "invalid": 0,
              Verdict.APPLIED: 0, Verdict.WAITING: 0}
    enabled = land_enabled if system == LAND else tax_enabled
    if not enabled():
        return counts
    adapter = adapter or (land_adapter() if system == LAND else tax_adapter())
    cursor, _created = SyncCursor.objects.get_or_create(system=system, name="replies")
    for _page in range(pages):
        items, next_cursor = adapter.replies(cursor.value)
        for item in items:
            counts[reply_accept(system, item)] += 1
        if next_cursor == cursor.value or not items:
            break
        cursor.value = next_cursor
        cursor.updated_at = timezone.now()
        cursor.save(update_fields=["value", "updated_at"])
    counts["resumed"] = waiting_retry(system)
    return counts
