"""The main menu: each entry is offered to exactly the audience the policy lets open it.

Entries name URL patterns; an entry whose pattern is not (yet) installed is left out, so each
app only has to register its URL names to appear in the menu.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from cases.policy import ANONYMOUS, PAGES, audience_of
from thanhsen.navigation import url_or_none
from thanhsen.roles import Role

#: Public pages are open to everyone; the menu offers them to those who use them.
ONLINE_SERVICE = frozenset({Role.RESIDENT, ANONYMOUS})


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    audience: frozenset


NAV = [
    NavEntry(_("Hàng đợi công việc"), "cases:queue", PAGES["workspace"]),
    NavEntry(_("Tiếp nhận"), "intake:counter_intake", PAGES["intake"]),
    NavEntry(_("Tìm hồ sơ"), "cases:search", PAGES["workspace"]),
    NavEntry(_("Liên thông"), "linkage:bundles", PAGES["workspace"]),
    NavEntry(_("Liên thông đất đai"), "linkage:land_queue", PAGES["land"]),
    NavEntry(_("Sổ theo dõi"), "intake:register_book", PAGES["register"]),
    NavEntry(_("Thu phí"), "intake:staff_payments", PAGES["payments"]),
    NavEntry(_("Phản ánh, đánh giá"), "intake:staff_complaints", PAGES["workspace"]),
    NavEntry(_("Thông báo đã gửi"), "intake:staff_notifications", PAGES["delivery_log"]),
    NavEntry(_("Báo cáo"), "reports:dashboard", PAGES["reports"]),
    NavEntry(_("Ủy quyền"), "cases:delegation", PAGES["delegation"]),
    NavEntry(_("Hậu kiểm"), "cases:post_audit", PAGES["post_audit"]),
    NavEntry(_("Hồ sơ của tôi"), "intake:my_dossiers", PAGES["resident"]),
    NavEntry(_("Nộp hồ sơ"), "intake:procedures", ONLINE_SERVICE),
    NavEntry(_("Tra cứu hồ sơ"), "intake:lookup", ONLINE_SERVICE),
    NavEntry(_("Công khai số liệu"), "reports:transparency", frozenset({ANONYMOUS})),
]


def nav_items(request) -> list[dict]:
    audience = audience_of(request.user)
    items = []
    for entry in NAV:
        if audience not in entry.audience:
            continue
        url = url_or_none(entry.url_name)
        if url:
            items.append({"label": entry.label, "url": url,
                          "active": request.path.startswith(url) and url != "/"})
    return items
