"""What a resident is told about each dossier event, by e-mail and by SMS."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import hooks
from cases.models import Dossier, DossierEvent, Outcome
from intake.tokens import status_token, status_url

#: Dossier actions a resident hears about, and the kind recorded in the delivery log.
NOTIFIED_ACTIONS = {
    "create": "submitted",
    "receive": "received",
    "refuse_intake": "not_accepted",
    "request_completion": "completion_requested",
    "request_supplement": "supplement_requested",
    "request_payment": "payment_requested",
    "approve": "result_ready",
    "civil_status_registered": "result_ready",
    "refuse": "result_ready",
    "extend": "apology",
    "stop": "stopped",
    "return_result": "returned",
    "open_correction": "correction",
    "correct_result": "result_corrected",
    "bundle_step_done": "bundle_step",
    "bundle_complete": "bundle_complete",
}


#: The delivery log's words for each kind (the kind itself is a stable code in the database).
KIND_LABELS = {
    "submitted": gettext_lazy("Đã gửi trực tuyến"),
    "received": gettext_lazy("Đã tiếp nhận"),
    "not_accepted": gettext_lazy("Không được tiếp nhận"),
    "completion_requested": gettext_lazy("Yêu cầu hoàn thiện"),
    "supplement_requested": gettext_lazy("Yêu cầu bổ sung"),
    "payment_requested": gettext_lazy("Yêu cầu nghĩa vụ tài chính"),
    "result_ready": gettext_lazy("Có kết quả"),
    "apology": gettext_lazy("Xin lỗi, hẹn lại"),
    "stopped": gettext_lazy("Dừng xử lý"),
    "returned": gettext_lazy("Đã trả kết quả"),
    "result_corrected": gettext_lazy("Cấp lại kết quả đã điều chỉnh"),
    "bundle_step": gettext_lazy("Xong một bước liên thông"),
    "bundle_complete": gettext_lazy("Hoàn thành hồ sơ liên thông"),
}


@dataclass(frozen=True)
class Message:
    kind: str
    subject: str
    text: str


def _date(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y") if value else ""


def _sentence(event: DossierEvent, dossier: Dossier) -> str:
    kind = NOTIFIED_ACTIONS[event.action]
    if kind == "submitted":
        return _("đã được gửi trực tuyến và đang chờ cán bộ kiểm tra.")
    if kind == "received":
        return _("đã được tiếp nhận. Hẹn trả kết quả ngày %(date)s.") % {
            "date": _date(dossier.appointment_at)
        }
    if kind == "not_accepted":
        return _("không được tiếp nhận. Lý do: %(reason)s") % {"reason": event.note}
    if kind == "completion_requested":
        return _("cần hoàn thiện: %(reason)s") % {"reason": event.note}
    if kind == "supplement_requested":
        return _("cần bổ sung giấy tờ: %(reason)s") % {"reason": event.note}
    if kind == "payment_requested":
        return _("cần thực hiện nghĩa vụ tài chính: %(reason)s") % {"reason": event.note}
    if kind == "result_ready":
        if event.action == "civil_status_registered":
            return _("đã được đăng ký (số %(number)s, quyển %(book)s). Trích lục điện tử đã sẵn "
                     "sàng để tải về.") % {"number": event.payload.get("number", ""),
                                            "book": event.payload.get("book", "")}
        if dossier.outcome == Outcome.REFUSED:
            return _("đã có kết quả (từ chối giải quyết). Mời nhận văn bản trả lời tại Trung tâm.")
        return _("đã có kết quả. Mời bạn đến Trung tâm nhận kết quả.")
    if kind == "apology":
        return _("chưa giải quyết kịp hạn. Chúng tôi xin lỗi và hẹn trả ngày %(date)s. Lý do: "
                 "%(reason)s") % {"date": _date(dossier.extended_due_at), "reason": event.note}
    if kind == "bundle_step":
        payload = event.payload or {}
        sentence = _("đã xong bước liên thông “%(procedure)s”.") % {
            "procedure": payload.get("procedure_name", "")
        }
        result = payload.get("result") or {}
        if result.get("number"):
            sentence += " " + _("Kết quả: %(document)s số %(number)s.") % {
                "document": result.get("document", ""), "number": result["number"]
            }
        return sentence
    if kind == "correction":
        return _("có kết quả cần điều chỉnh sau hậu kiểm: %(reason)s. Trung tâm sẽ liên hệ để "
                 "cấp lại kết quả.") % {"reason": event.note}
    if kind == "result_corrected":
        if dossier.outcome == Outcome.REFUSED:
            return _("đã được điều chỉnh kết quả sau hậu kiểm: từ chối giải quyết. Lý do: "
                     "%(reason)s. Kết quả cũ không còn giá trị.") % {"reason": event.note}
        return _("đã được điều chỉnh kết quả sau hậu kiểm: chấp thuận. Kết quả cũ không còn giá "
                 "trị; mời bạn nhận kết quả mới.")
    if kind == "bundle_complete":
        return _("đã hoàn thành toàn bộ các thủ tục liên thông. Mời bạn nhận kết quả.")
    if kind == "stopped":
        return _("đã dừng xử lý. Lý do: %(reason)s") % {"reason": dossier.stop_reason}
    return _("đã được trả kết quả. Mời bạn đánh giá mức độ hài lòng.")


def message_for(event: DossierEvent, dossier: Dossier) -> Message | None:
    kind = NOTIFIED_ACTIONS.get(event.action)
    if kind is None:
        return None
    if event.action == "approve" and hooks.result_hold(dossier):
        # The result is issued by another system (the civil-status registry's extract): the
        # resident hears when it arrives, not before.
        return None
    if kind == "submitted" and (event.payload or {}).get("channel") != "online":
        # At the counter the resident holds the receipt already; online they need the code.
        return None
    site = settings.SITE_URL.rstrip("/")
    if kind == "returned":
        # The rating link itself: one tap from the message to the form.
        text = _("Hồ sơ %(code)s %(sentence)s Đánh giá: %(link)s") % {
            "code": dossier.code, "sentence": _sentence(event, dossier),
            "link": f"{site}{reverse('intake:rate')}?t={status_token(dossier.code)}",
        }
    else:
        text = _("Hồ sơ %(code)s %(sentence)s Tra cứu: %(link)s") % {
            "code": dossier.code, "sentence": _sentence(event, dossier),
            "link": site + status_url(dossier.code),
        }
    subject = _("Hồ sơ %(code)s: cập nhật tình trạng") % {"code": dossier.code}
    return Message(kind=kind, subject=subject, text=text)
