"""Small presentation helpers for the staff pages and the printed forms."""

from django import template
from django.utils import timezone

from cases import labels
from cases.labels import CLASSIFICATION_LABELS

register = template.Library()


@register.filter
def person(user) -> str:
    """A Vietnamese name in its own order (family name first), else the username."""
    if user is None:
        return ""
    full = f"{user.last_name} {user.first_name}".strip()
    return full or user.username


@register.filter
def vn_datetime(value) -> str:
    """``hh:mm dd/mm/yyyy`` in local time, as forms and counters write it."""
    if not value:
        return ""
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")


@register.filter
def vn_date(value) -> str:
    if not value:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y")


@register.filter
def money(value) -> str:
    """Đồng with dots between thousands: 12.000."""
    return f"{int(value or 0):,}".replace(",", ".")


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")


@register.filter
def event_label(event) -> str:
    """A history row's label, as ``cases.labels.event_label`` words it."""
    return labels.event_label(event)


#: Words that start a place's name in an official header (``phường Thành Sen``).
_PLACE_WORDS = ("phường", "xã", "thị trấn", "quận", "huyện", "tỉnh", "thành phố")


@register.filter
def keep_place(name: str) -> str:
    """Glue the last place name of a body's name with no-break spaces, so a header wraps
    before "phường Thành Sen" and never inside it."""
    lowered = name.lower()
    start = max((lowered.rfind(f" {word} ") for word in _PLACE_WORDS), default=-1)
    if start < 0:
        return name
    return name[: start + 1] + name[start + 1:].replace(" ", "\u00a0")


@register.filter
def classification_label(value) -> str:
    """``early`` → "Trước hạn": the one set of words for the classification."""
    return CLASSIFICATION_LABELS.get(value, "")
