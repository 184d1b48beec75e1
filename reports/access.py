"""Who may read reports: ward leaders and the center director; the public page is open."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from thanhsen.roles import Role

LEADERSHIP = frozenset({Role.WARD_LEADER, Role.CENTER_DIRECTOR})


def is_leadership(user) -> bool:
    return user.is_authenticated and user.is_active and user.role in LEADERSHIP


def leadership_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_leadership(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
