from django.conf import settings
from django.utils.translation import get_language


def layout(request):
    """What the base layout needs on every page (its menu: ``cases.context_processors``)."""
    return {"unit_name": unit_name()}


def unit_name() -> str:
    """The center's name in the page's language (its official Vietnamese name otherwise)."""
    return settings.UNIT_NAME_EN if get_language() == "en" else settings.UNIT_NAME
