"""``{% bundle_tracks dossier %}``: a bundle's per-step tracker on any dossier page.

Pages of other apps (the resident's dossier page) show it without importing linkage: the tag
renders nothing for a dossier that is not a bundle.
"""

from django import template

from linkage.selectors import bundle_tracks_for

register = template.Library()


@register.inclusion_tag("linkage/partials/tracks.html")
def bundle_tracks(dossier):
    return {"tracks": bundle_tracks_for(dossier)}
