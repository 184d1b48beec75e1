"""What the parent dossier's history says for each bundle event (other apps may show them too)."""

from django.utils.translation import gettext_lazy

EVENT_LABELS = {
    "bundle_create": gettext_lazy("Nộp hồ sơ liên thông"),
    "bundle_step_done": gettext_lazy("Hoàn thành một bước liên thông"),
    "bundle_complete": gettext_lazy("Hoàn thành toàn bộ liên thông"),
    "bundle_return": gettext_lazy("Cơ quan trả về để sửa hộ tịch"),
    "bundle_correct": gettext_lazy("Đã sửa hộ tịch, gửi lại"),
    "bundle_step_needs_attention": gettext_lazy("Bước liên thông cần cán bộ xử lý"),
    "bundle_step_retry": gettext_lazy("Gửi lại bước liên thông"),
    "bundle_relatives_wait": gettext_lazy("Chờ thân nhân xác nhận qua VNeID"),
    "bundle_relatives_confirmed": gettext_lazy("Thân nhân đã xác nhận"),
    "bundle_cancel": gettext_lazy("Dừng liên thông"),
}
