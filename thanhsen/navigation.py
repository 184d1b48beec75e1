"""Where each role lands after logging in.

The menu is ``cases.navigation`` (it follows the access policy); landing needs only the
roles and URL names, so the base app keeps it without importing any app.
"""

from functools import lru_cache

from django.urls import NoReverseMatch, get_urlconf, reverse

from thanhsen.roles import Role

ANONYMOUS = "anonymous"

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


def url_or_none(name: str) -> str | None:
    """The URL of an installed pattern, or ``None``. Reversing (and failing to reverse) on
    every page is costly; URLconfs do not change."""
    return _cached_url(name, get_urlconf())


def landing_url(user) -> str:
    audience = user.role if user.is_authenticated else ANONYMOUS
    for name in LANDING.get(audience, STAFF_LANDING):
        url = url_or_none(name)
        if url:
            return url
    return reverse("api-docs")
