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
    "civil_status_registered": gettext_lazy("Cơ sở dữ liệu hộ tịch đã đăng ký, có trích lục"),
    "civil_status_return": gettext_lazy("Cơ sở dữ liệu hộ tịch trả về để sửa"),
    "civil_status_correct": gettext_lazy("Đã sửa đăng ký hộ tịch, gửi lại"),
}

#: The land pipeline's lines in a dossier's history (``linkage.land``).
LAND_EVENT_LABELS = {
    "land_transfer": gettext_lazy("Chuyển Văn phòng Đăng ký đất đai"),
    "land_answer": gettext_lazy("Văn phòng Đăng ký đất đai trả thông tin địa chính"),
    "land_result": gettext_lazy("Văn phòng Đăng ký đất đai trả kết quả"),
}

#: What staff read for each kind of message to the national portal (``LoaiThongDiep``).
PORTAL_MESSAGE_LABELS = {
    "TaoHoSo": gettext_lazy("Tạo hồ sơ"),
    "CapNhatTrangThai": gettext_lazy("Cập nhật trạng thái"),
    "TienDoXuLy": gettext_lazy("Tiến độ xử lý"),
    "DieuChinhHenTra": gettext_lazy("Điều chỉnh ngày hẹn trả"),
    "KetQua": gettext_lazy("Kết quả"),
    "ThanhToan": gettext_lazy("Phí, lệ phí, nghĩa vụ tài chính"),
    "DanhGia": gettext_lazy("Đánh giá"),
    "DungXuLy": gettext_lazy("Dừng xử lý"),
    "ChuyenHoSo": gettext_lazy("Chuyển hồ sơ"),
    "HoanThanhNghiaVuTaiChinh": gettext_lazy("Đã hoàn thành nghĩa vụ tài chính"),
    "ChuyenThongTinThue": gettext_lazy("Chuyển thông tin xác định nghĩa vụ tài chính"),
    "DangKy": gettext_lazy("Đăng ký hộ tịch (Cơ sở dữ liệu hộ tịch)"),
}

#: The outside systems a dossier's messages go to, as staff name them.
SYSTEM_LABELS = {
    "dvcqg": gettext_lazy("Cổng DVCQG"),
    "hotich": gettext_lazy("Cơ sở dữ liệu hộ tịch"),
    "vpdkdd": gettext_lazy("Văn phòng Đăng ký đất đai"),
    "thue": gettext_lazy("Cơ quan thuế"),
}
