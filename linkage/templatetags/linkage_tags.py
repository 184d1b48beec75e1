"""``{% bundle_tracks dossier %}``: a bundle's per-step tracker on any dossier page;
``{% bundles_drill period kind bucket %}``: the bundle list behind a number of the dashboard;
``{% sync_timeline dossier %}``: the dossier's messages to the national portal (staff page; the
land office's and the tax authority's are on the land panel, ``land_tags``).

Pages of other apps (the resident's dossier page, the leadership dashboard) use them without
importing linkage: the tracker renders nothing for a dossier that is not a bundle.
``{% bundle_counter_kinds %}`` offers the bundles on the counter's procedure picker and
``{% bundle_of dossier as bundle %}`` gives the receipt (Mẫu 01) a bundle's procedures.
``{% civil_status_health %}`` is the registry's row on the sync health page and
``{% civil_status_extract dossier %}`` the resident's electronic extract (or what it waits for).
``{{ seconds|lag }}`` words a sync lag the way staff read it ("2 giờ 5 phút", not 7500 s).
"""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cases.policy import sync_denial_reason
from linkage.civil_status.mapping import FIELD_LABELS
from linkage.civil_status.selectors import registry_health
from linkage.labels import PORTAL_MESSAGE_LABELS, SYSTEM_LABELS
from linkage.land import SYSTEM as LAND
from linkage.models import CivilRegistration
from linkage.portal.selectors import dossier_sync_timeline
from linkage.selectors import bundle_kinds_for_counter, bundle_receipt, bundle_tracks_for
from linkage.tax import SYSTEM as TAX
from thanhsen.roles import Role

register = template.Library()

#: Systems whose messages have a panel of their own on the dossier page.
_OWN_PANEL = frozenset({LAND, TAX})


@register.inclusion_tag("linkage/partials/tracks.html")
def bundle_tracks(dossier):
    return {"tracks": bundle_tracks_for(dossier)}


@register.inclusion_tag("linkage/portal/partials/sync_timeline.html", takes_context=True)
def sync_timeline(context, dossier):
    """Each message, its acknowledgement or the other side's refusal; nothing for other users.

    The land office's and tax authority's messages are left to the land panel on the same page,
    which shows them beside the hops they belong to."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if sync_denial_reason(user, "view"):
        return {"messages": []}
    return {
        "messages": [
            m for m in dossier_sync_timeline(dossier.pk) if m.stream.system not in _OWN_PANEL
        ],
        "dossier": dossier,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "may_resync": sync_denial_reason(user, "retry") is None,
    }


@register.inclusion_tag("linkage/civil_status/partials/health_row.html")
def civil_status_health():
    return {"health": registry_health()}


@register.inclusion_tag("linkage/civil_status/partials/extract.html", takes_context=True)
def civil_status_extract(context, dossier):
    """The registration's number and extract: the resident downloads it; staff print it only
    when the resident asks (through the dossier's file, which checks who may read it)."""
    registration = (
        CivilRegistration.objects.filter(dossier_id=dossier.pk).select_related("dossier").first()
    )
    request = context.get("request")
    user = getattr(request, "user", None)
    resident = user is not None and getattr(user, "role", "") == Role.RESIDENT
    return {"registration": registration, "staff": not resident}


@register.filter
def registry_field_label(field: str) -> str:
    """``{{ registration.returned_field|registry_field_label }}``: the field as staff read it."""
    return FIELD_LABELS.get(field, field)


@register.filter
def sync_system_label(system: str) -> str:
    """``{{ stream.system|sync_system_label }}``: which outside system, as staff name it."""
    return SYSTEM_LABELS.get(system, system)


@register.filter
def portal_message_label(kind: str) -> str:
    """``{{ message.kind|portal_message_label }}``: the kind as staff read it."""
    return PORTAL_MESSAGE_LABELS.get(kind, kind)


@register.simple_tag
def bundles_drill(period, kind: str, bucket: str = "all") -> str:
    """URL of the staff bundle list showing the bundles behind one number of the dashboard's
    bundle table: the reports' ``tu``/``den`` period, the kind and the ``phan_loai`` bucket."""
    params = {**period.as_query(), "loai": kind}
    if bucket != "all":
        params["phan_loai"] = bucket
    return reverse("linkage:bundles") + "?" + urlencode(params)


@register.inclusion_tag("linkage/partials/counter_kinds.html")
def bundle_counter_kinds():
    """The bundle kinds at the top of the counter's procedure picker (intake's page)."""
    return {"kinds": bundle_kinds_for_counter()}


@register.simple_tag
def bundle_of(dossier):
    """The bundle a dossier heads (``None`` otherwise), for the receipt's list of procedures."""
    return bundle_receipt(dossier)


@register.filter
def lag(seconds) -> str:
    """A duration in seconds in its two largest units: 4,3 s · 12 phút 5 giây · 2 giờ 5 phút ·
    50 ngày 3 giờ. Empty for no value."""
    if seconds is None:
        return ""
    if seconds < 60:
        return _("%(n)s giây") % {"n": f"{seconds:.1f}".replace(".", ",")}
    total = int(seconds)
    units = [(86400, pgettext("duration", "ngày")), (3600, pgettext("duration", "giờ")),
             (60, pgettext("duration", "phút")), (1, pgettext("duration", "giây"))]
    parts = []
    for size, name in units:
        count, total = divmod(total, size)
        if count or parts:
            parts.append(f"{count} {name}")
        if len(parts) == 2:
            break
    return " ".join(part for part in parts if not part.startswith("0 "))
