"""Residents log in with the phone number or e-mail they registered with.

Staff keep their usernames (``ModelBackend`` comes after this backend). An external OpenID
Connect provider is another backend in ``AUTHENTICATION_BACKENDS``; nothing here changes.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from cases.validators import normalise_phone
from thanhsen.roles import Role


def canonical_phone(value: str) -> str:
    """``+84 912 345 678`` and ``0912.345.678`` are the same number: ``0912345678``."""
    phone = normalise_phone(value)
    return "0" + phone[3:] if phone.startswith("+84") else phone


class PhoneOrEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        users = get_user_model().objects.filter(role=Role.RESIDENT)
        if "@" in username:
            users = users.filter(email__iexact=username.strip())
        else:
            users = users.filter(phone=canonical_phone(username))
        candidates = list(users[:2])
        if len(candidates) != 1:
            # Hash anyway, so an unknown account takes as long as a wrong password.
            get_user_model()().set_password(password)
            return None
        user = candidates[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
