"""Template helpers of the residents' pages."""

from django import template
from django.utils.translation import gettext as _

from intake.notifications.messages import KIND_LABELS
from intake.payments import providers
from intake.signing.reuse import may_reuse_certified_copy
from intake.vneid import vneid_enabled

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
def online_payment_offered() -> bool:
    """``{% online_payment_offered as online_payment %}``: offer the online checkout, or
    say that fees are paid at the counter (no provider configured)."""
    return providers.online_payment_offered()


@register.simple_tag
def any_errors(*forms) -> bool:
    return any(form.errors for form in forms)


@register.filter
def masked(contact: str) -> str:
    """A phone number or e-mail address with its middle hidden (``091****678``,
    ``a***@example.vn``): enough to tell deliveries apart, not enough to reach the resident.
    The delivery log shows contacts this way to every officer (``cases.policy``)."""
    contact = contact or ""
    if "@" in contact:
        name, _at, domain = contact.partition("@")
        return f"{name[:1]}***@{domain}"
    if len(contact) <= 6:
        return "*" * len(contact)
    return f"{contact[:3]}{'*' * (len(contact) - 6)}{contact[-3:]}"


@register.simple_tag
def vneid_offered() -> bool:
    """Whether the login page offers "Đăng nhập bằng VNeID" (an issuer is configured)."""
    return vneid_enabled()


@register.filter
def notification_kind(kind: str) -> str:
    """The delivery log's words for a notification kind; an unknown kind shows as stored."""
    return KIND_LABELS.get(kind, kind)


@register.inclusion_tag("signing/_reuse_copy.html", takes_context=True)
def reuse_certified_copy_form(context, dossier, url_name: str) -> dict:
    """The box to attach an e-certified copy by its number, shown only where it can be done."""
    user = context["request"].user
    return {"dossier": dossier, "url_name": url_name, "csrf_token": context.get("csrf_token"),
            "shown": may_reuse_certified_copy(user, dossier)}
