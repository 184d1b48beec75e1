from django.conf import settings

from thanhsen.navigation import nav_items


def layout(request):
    """What the base layout needs on every page."""
    return {"nav_items": nav_items(request), "unit_name": settings.UNIT_NAME}
