"""``{% land_panel dossier %}``: the "Liên thông đất đai" panel of a dossier page (each hop, its
allotted time and state, and the land officer's transfer button); ``{% land_hops_sheet dossier %}``:
the same hops as rows of the printed control sheet (Mẫu 06); ``{% land_health %}``: the land
office's and the tax authority's rows on the sync health page. Each renders nothing for a
dossier that never went to the land office, so other apps' pages use them without importing
linkage.
"""

from django import template
from django.conf import settings
from django.utils import translation

from cases.policy import sync_denial_reason
from linkage.land.selectors import (
    land_attention_queue,
    land_hops,
    land_last_reconciliation,
    land_messages,
    land_replies_refused,
    land_sync_health,
    tax_last_reconciliation,
)
from linkage.land.services import is_land_procedure, land_enabled, transfer_refusal

register = template.Library()


@register.inclusion_tag("linkage/land/partials/panel.html", takes_context=True)
def land_panel(context, dossier):
    request = context.get("request")
    user = getattr(request, "user", None)
    hops = land_hops(dossier)
    may_transfer = (
        not hops and land_enabled() and is_land_procedure(dossier) and user is not None
        and transfer_refusal(dossier, user) is None
    )
    return {"hops": hops, "dossier": dossier, "may_transfer": may_transfer,
            "transfer": getattr(dossier, "land_transfer", None) if hops else None,
            "messages": land_messages(dossier.pk) if hops else [],
            "may_see_messages": user is not None and sync_denial_reason(user, "view") is None,
            "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("linkage/land/partials/sheet.html")
def land_hops_sheet(dossier):
    """Forms are printed in Vietnamese whatever language the officer reads."""
    with translation.override(settings.LANGUAGE_CODE):
        return {"hops": land_hops(dossier)}


@register.inclusion_tag("linkage/land/partials/health.html", takes_context=True)
def land_health(context):
    return {"systems": land_sync_health(), "refused": land_replies_refused()[:20],
            "run": land_last_reconciliation(), "tax_run": tax_last_reconciliation(),
            "queue": land_attention_queue()[:50],
            "may_act": context.get("may_act"), "request": context.get("request"),
            "csrf_token": context.get("csrf_token")}
