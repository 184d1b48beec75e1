"""Access to pages, with one failure mode: a visitor who has not logged in is sent to the
login page and comes back after; a logged-in user whose role may not open the page gets the
styled 403 page with a sentence saying why. Which role opens which page is ``cases.policy``.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from cases.policy import PAGES, may_open_page

#: What a user who may not open a page of each group reads on the 403 page.
DENIED = {
    "workspace": _("Trang này chỉ dành cho cán bộ Trung tâm."),
    "intake": _("Chỉ cán bộ tiếp nhận và Giám đốc Trung tâm được tiếp nhận hồ sơ."),
    "register": _("Sổ theo dõi hồ sơ chỉ dành cho cán bộ tiếp nhận, xử lý và Giám đốc Trung tâm."),
    "payments": _("Chỉ cán bộ tiếp nhận và Giám đốc Trung tâm được thu phí tại quầy."),
    "delivery_log": _("Nhật ký thông báo chỉ dành cho cán bộ tiếp nhận và Giám đốc Trung tâm."),
    "reports": _("Báo cáo chỉ dành cho lãnh đạo UBND phường và Giám đốc Trung tâm."),
    "resident": _("Trang này dành cho công dân, tổ chức đã đăng ký tài khoản."),
    "delegation": _("Trang này dành cho lãnh đạo phường và người được ủy quyền."),
    "post_audit": _("Trang hậu kiểm dành cho lãnh đạo UBND phường."),
    "sync": _("Trang này chỉ dành cho cán bộ Trung tâm."),
    "land": _("Trang này dành cho cán bộ Văn phòng Đăng ký đất đai và Giám đốc Trung tâm."),
}

#: What a user reads who may see a dossier but not a paper with the applicant's personal data.
PERSONAL_DATA_DENIED = _(
    "Vai trò của bạn không được xem giấy tờ có thông tin cá nhân của người nộp hồ sơ."
)


def forbidden(request, message):
    """The styled 403 page (the same template Django uses for ``PermissionDenied``)."""
    return render(request, "403.html", {"exception": message}, status=403)


def page_for(page: str):
    """Guard a view with the policy's audience of ``page`` (a key of ``cases.policy.PAGES``)."""
    if page not in PAGES:
        raise KeyError(page)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not may_open_page(request.user, page):
                return forbidden(request, DENIED[page])
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
