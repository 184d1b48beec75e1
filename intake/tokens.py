"""Signed tokens that open a dossier's public status page without the second factor.

The receipt's QR code (Mẫu 01) carries one; the status lookup accepts it instead of the last
digits of the phone or ID number. Tokens are signed with the secret key and bound to the code.
"""

from functools import lru_cache

from django.conf import settings
from django.core import signing
from django.urls import reverse

_SALT = "intake.status-lookup"


def status_token(code: str) -> str:
    """``signing.dumps(code, salt=_SALT)``: the same token (a test holds them so).

    The public lookup signs one for most answers (the rating link); building Django's signer
    anew for each (reading the settings, making its objects) cost a good share of the answer,
    so one signer per secret key is kept. Not compressed: a code is too short for zlib to
    shorten (tokens made with ``compress=True`` still load).
    """
    return _signer(settings.SECRET_KEY).sign_object(code)


@lru_cache(maxsize=4)
def _signer(secret) -> signing.TimestampSigner:
    """The signer ``signing.dumps`` builds for this salt and key (keyed by the secret, so a
    changed key takes effect)."""
    return signing.TimestampSigner(key=secret, salt=_SALT)


def code_from_status_token(token: str, *, max_age_days: int = 3650) -> str | None:
    """The dossier code the token was made for, or None when forged or expired."""
    try:
        return signing.loads(token, salt=_SALT, max_age=max_age_days * 86400)
    except signing.BadSignature:
        return None


def status_url(code: str) -> str:
    """Path of the public status page opened by the token (prefix with the site's address)."""
    return f"{reverse('intake:lookup')}?t={status_token(code)}"
