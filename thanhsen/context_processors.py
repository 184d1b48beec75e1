from django.conf import settings
from django.utils.translation import get_language


def layout(request):
    """What the base layout needs on every page (its menu: ``cases.context_processors``)."""
    return {"unit_name": unit_name(), "working_hours": working_hours()}


def unit_name() -> str:
    """The center's name in the page's language (its official Vietnamese name otherwise)."""
    return settings.UNIT_NAME_EN if get_language() == "en" else settings.UNIT_NAME


def working_hours() -> dict:
    """The counters' hours for the footer, from the settings the deadlines are computed with
    (``WORKING_HOURS``, ``SATURDAY_MORNING``): ``07:30–11:30, 13:30–17:30``."""
    windows = [w.strip().replace("-", "–") for w in settings.WORKING_HOURS]
    return {
        "weekdays": ", ".join(windows),
        "saturday": windows[0] if settings.SATURDAY_MORNING and windows else "",
    }
