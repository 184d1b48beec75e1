"""Residents' accounts: signing up is a service, so the rules hold whoever calls it.

The form checks that the phone number and the e-mail are free, for a friendly message; the
database has the last word (a unique username, which is the phone number, and a unique
e-mail whatever its case), so two sign-ups racing for one of them end with one account and a
clear error for the other, never a server error.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from thanhsen.errors import invalid
from thanhsen.roles import Role


def resident_register(*, full_name: str, phone: str, email: str, password: str):
    """Create a resident's account; ``phone`` is already canonical (it is also the username)."""
    family, _sep, given = full_name.strip().partition(" ")
    users = get_user_model().objects
    try:
        with transaction.atomic():
            return users.create_user(
                username=phone, password=password, email=email, phone=phone,
                last_name=family, first_name=given, role=Role.RESIDENT,
            )
    except IntegrityError as exc:
        if email and users.filter(email__iexact=email).exists():
            raise invalid("email", _("Thư điện tử này đã có tài khoản. Hãy đăng nhập.")) from exc
        raise invalid("phone", _("Số điện thoại này đã có tài khoản. Hãy đăng nhập.")) from exc
