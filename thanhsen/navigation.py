"""The main navigation and the landing page per role.

Entries name URL patterns; an entry whose pattern is not (yet) installed is left out, so each
app only has to register its URL names to appear in the menu.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.urls import NoReverseMatch, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from thanhsen.roles import Role

STAFF = frozenset({Role.COUNTER_OFFICER, Role.HANDLING_OFFICER, Role.LAND_OFFICER,
                   Role.CENTER_DIRECTOR, Role.WARD_LEADER})
LEADERSHIP = frozenset({Role.CENTER_DIRECTOR, Role.WARD_LEADER})
INTAKE = frozenset({Role.COUNTER_OFFICER, Role.CENTER_DIRECTOR})
ANONYMOUS = "anonymous"
EVERYONE = None


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    audience: frozenset | None  # None: everyone


NAV = [
    NavEntry(_("Hàng đợi công việc"), "cases:queue", STAFF),
    NavEntry(_("Tiếp nhận"), "intake:counter_intake", INTAKE),
    NavEntry(_("Tìm hồ sơ"), "cases:search", STAFF),
    NavEntry(_("Liên thông"), "linkage:bundles", STAFF),
    NavEntry(_("Sổ theo dõi"), "intake:register_book", STAFF),
    NavEntry(_("Thu phí"), "intake:staff_payments", INTAKE),
    NavEntry(_("Phản ánh, đánh giá"), "intake:staff_complaints", STAFF),
    NavEntry(_("Thông báo đã gửi"), "intake:staff_notifications", INTAKE),
    NavEntry(_("Báo cáo"), "reports:dashboard", LEADERSHIP),
    NavEntry(_("Ủy quyền"), "cases:delegation",
             frozenset({Role.WARD_LEADER, Role.CENTER_DIRECTOR, Role.COUNTER_OFFICER})),
    NavEntry(_("Hậu kiểm"), "cases:post_audit", frozenset({Role.WARD_LEADER})),
    NavEntry(_("Hồ sơ của tôi"), "intake:my_dossiers", frozenset({Role.RESIDENT})),
    NavEntry(_("Nộp hồ sơ"), "intake:procedures", frozenset({Role.RESIDENT, ANONYMOUS})),
    NavEntry(_("Tra cứu hồ sơ"), "intake:lookup", frozenset({Role.RESIDENT, ANONYMOUS})),
    NavEntry(_("Công khai số liệu"), "reports:transparency", frozenset({ANONYMOUS})),
]

#: Where each role lands after logging in, first installed pattern wins.
LANDING = {
    Role.WARD_LEADER: ["reports:dashboard", "cases:queue"],
    Role.CENTER_DIRECTOR: ["cases:queue", "reports:dashboard"],
    Role.RESIDENT: ["intake:my_dossiers", "intake:lookup"],
    Role.ADMINISTRATOR: ["admin:index"],
    ANONYMOUS: ["intake:lookup", "api-docs"],
}
STAFF_LANDING = ["cases:queue", "admin:index"]


@lru_cache(maxsize=256)
def _cached_url(name: str, urlconf) -> str | None:
    try:
        return reverse(name, urlconf=urlconf)
    except NoReverseMatch:
        return None


def _url(name: str) -> str | None:
    """Reversing (and failing to reverse) on every page is costly; URLconfs do not change."""
    return _cached_url(name, get_urlconf())


def audience_of(user) -> str:
    return user.role if user.is_authenticated else ANONYMOUS


def nav_items(request) -> list[dict]:
    audience = audience_of(request.user)
    items = []
    for entry in NAV:
        if entry.audience is not None and audience not in entry.audience:
            continue
        url = _url(entry.url_name)
        if url:
            items.append({"label": entry.label, "url": url,
                          "active": request.path.startswith(url) and url != "/"})
    return items


def landing_url(user) -> str:
    audience = audience_of(user)
    for name in LANDING.get(audience, STAFF_LANDING):
        url = _url(name)
        if url:
            return url
    return reverse("api-docs")
