"""What a dossier's history says for each action, in words a user reads.

Apps whose services record their own actions (bundles, payments) add their labels with
``register_event_labels`` in their ``AppConfig.ready``, so every history shows words, not codes.
"""

from django.utils.translation import gettext_lazy

from cases.deadlines import Classification

#: Early / on time / overdue (and "within" for what is not finished yet), wherever it is shown.
CLASSIFICATION_LABELS = {
    Classification.EARLY: gettext_lazy("Trước hạn"),
    Classification.ON_TIME: gettext_lazy("Đúng hạn"),
    Classification.OVERDUE: gettext_lazy("Quá hạn"),
    Classification.WITHIN: gettext_lazy("Trong hạn"),
}

EVENT_LABELS = {
    "open_correction": gettext_lazy("Mở điều chỉnh kết quả sau hậu kiểm"),
    "correct_result": gettext_lazy("Cấp lại kết quả đã điều chỉnh"),
    "reuse_certified_copy": gettext_lazy("Dùng lại bản sao điện tử có chứng thực"),
    "create": gettext_lazy("Nộp hồ sơ"),
    "receive": gettext_lazy("Tiếp nhận, cấp giấy hẹn"),
    "refuse_intake": gettext_lazy("Từ chối tiếp nhận"),
    "request_completion": gettext_lazy("Yêu cầu hoàn thiện hồ sơ"),
    "complete": gettext_lazy("Công dân hoàn thiện hồ sơ"),
    "assign": gettext_lazy("Chuyển, phân công xử lý"),
    "release": gettext_lazy("Trả lại hàng đợi"),
    "request_supplement": gettext_lazy("Yêu cầu bổ sung"),
    "supplement": gettext_lazy("Nhận hồ sơ bổ sung"),
    "request_payment": gettext_lazy("Yêu cầu nghĩa vụ tài chính"),
    "confirm_payment": gettext_lazy("Xác nhận nghĩa vụ tài chính"),
    "pay_fee": gettext_lazy("Nộp phí, lệ phí"),
    "submit_for_approval": gettext_lazy("Trình ký"),
    "send_back": gettext_lazy("Trả lại để xử lý lại"),
    "approve": gettext_lazy("Phê duyệt"),
    "refuse": gettext_lazy("Từ chối giải quyết"),
    "return_result": gettext_lazy("Trả kết quả"),
    "request_stop": gettext_lazy("Công dân đề nghị dừng"),
    "stop": gettext_lazy("Dừng xử lý"),
    "extend": gettext_lazy("Xin lỗi, hẹn lại ngày trả"),
    "view_personal_data": gettext_lazy("Xem thông tin cá nhân"),
    "certify": gettext_lazy("Ký chứng thực bản sao điện tử"),
    "rate": gettext_lazy("Người dân gửi đánh giá mức độ hài lòng"),
    "transfer": gettext_lazy("Chuyển đơn vị có thẩm quyền giải quyết"),
}


#: What a history says when a handling officer assigns a dossier to themself.
TAKE_LABEL = gettext_lazy("Nhận xử lý")


def event_label(event) -> str:
    """The words for one history row: a handler who assigns to themself *takes* the dossier."""
    if event.action == "assign" and event.actor_id is not None:
        if (event.payload or {}).get("handler") == event.actor.username:
            return TAKE_LABEL
    return EVENT_LABELS.get(event.action, event.action)


def register_event_labels(labels: dict) -> None:
    EVENT_LABELS.update(labels)
