from cases.navigation import nav_items


def navigation(request):
    """The main menu of the base layout, for this user's role."""
    return {"nav_items": nav_items(request)}
