"""One authentication backend for everyone: staff by username, residents by phone or e-mail.

It is the only backend in ``AUTHENTICATION_BACKENDS`` (it inherits ``ModelBackend``'s
permissions). Two backends in a row each hashed the password of a failed login (this one a
stand-in hash for an account it did not know, then ``ModelBackend`` the real check or its own
stand-in), so a wrong password cost two hashes; here every attempt costs exactly one, a real
check or a stand-in when no single account matches, so an unknown account takes as long as a
wrong password. An external OpenID Connect provider is another backend listed beside it.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from cases.validators import normalise_phone
from thanhsen.roles import Role


def canonical_phone(value: str) -> str:
    """``+84 912 345 678`` and ``0912.345.678`` are the same number: ``0912345678``."""
    phone = normalise_phone(value)
    return "0" + phone[3:] if phone.startswith("+84") else phone


def _account(username: str):
    """The one account these words name: a resident's phone or e-mail first (as when this
    backend came before ``ModelBackend``), else a username."""
    users = get_user_model().objects
    residents = users.filter(role=Role.RESIDENT)
    if "@" in username:
        residents = residents.filter(email__iexact=username.strip())
    else:
        residents = residents.filter(phone=canonical_phone(username))
    candidates = list(residents[:2])
    if len(candidates) == 1:
        return candidates[0]
    return users.filter(username=username).first()


class PhoneOrEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user = _account(username)
        if user is None:
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
