"""Signed tokens that open a dossier's public status page without the second factor.

The receipt's QR code (Mẫu 01) carries one; the status lookup accepts it instead of the last
digits of the phone or ID number. Tokens are signed with the secret key and bound to the code.
"""

from django.core import signing
from django.urls import reverse

_SALT = "intake.status-lookup"


def status_token(code: str) -> str:
    # Not compressed: a code is too short for zlib to shorten, so asking only cost the
    # attempt (tokens made with ``compress=True`` still load).
    return signing.dumps(code, salt=_SALT)


def code_from_status_token(token: str, *, max_age_days: int = 3650) -> str | None:
    """The dossier code the token was made for, or None when forged or expired."""
    try:
        return signing.loads(token, salt=_SALT, max_age=max_age_days * 86400)
    except signing.BadSignature:
        return None


def status_url(code: str) -> str:
    """Path of the public status page opened by the token (prefix with the site's address)."""
    return f"{reverse('intake:lookup')}?t={status_token(code)}"
