"""Template helpers of the residents' pages."""

from django import template
from django.utils.translation import gettext as _

from intake.notifications.messages import KIND_LABELS

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """``30000`` → ``30.000 đồng`` (Vietnamese thousands separator)."""
    try:
        value = int(amount)
    except (TypeError, ValueError):
        return ""
    return _("%(amount)s đồng") % {"amount": f"{value:,}".replace(",", ".")}


@register.simple_tag
def any_errors(*forms) -> bool:
    return any(form.errors for form in forms)


@register.filter
def notification_kind(kind: str) -> str:
    """The delivery log's words for a notification kind; an unknown kind shows as stored."""
    return KIND_LABELS.get(kind, kind)
