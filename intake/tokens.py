"""Signed tokens that open a dossier's public status page without the second factor.

The receipt's QR code (Mẫu 01) carries one; the status lookup accepts it instead of the last
digits of the phone or ID number. Tokens are signed with the secret key and bound to the code.
"""

import hashlib
import hmac
import json
import time
from functools import lru_cache

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.encoding import force_bytes

_SALT = "intake.status-lookup"


def status_token(code: str) -> str:
    """``signing.dumps(code, salt=_SALT)``, character for character (a test holds them so).

    The public lookup signs one for most answers (the rating link), and Django's signer cost as
    much as the rest of building the answer: it reads the settings, derives the HMAC key from
    the secret and builds its objects anew each time. Here the keyed HMAC is made once per
    secret key and copied. Not compressed: a code is too short for zlib to shorten (tokens
    made with ``compress=True`` still load).
    """
    data = json.dumps(code, separators=(",", ":")).encode("latin-1")
    value = f"{signing.b64_encode(data).decode()}:{signing.b62_encode(int(time.time()))}"
    mac = _keyed_hmac(settings.SECRET_KEY).copy()
    mac.update(value.encode())
    return f"{value}:{signing.b64_encode(mac.digest()).decode()}"


@lru_cache(maxsize=4)
def _keyed_hmac(secret) -> hmac.HMAC:
    """The HMAC ``signing.TimestampSigner(salt=_SALT)`` signs with (``salted_hmac``, SHA-256)."""
    key = hashlib.sha256(force_bytes(f"{_SALT}signer") + force_bytes(secret)).digest()
    return hmac.new(key, digestmod=hashlib.sha256)


def code_from_status_token(token: str, *, max_age_days: int = 3650) -> str | None:
    """The dossier code the token was made for, or None when forged or expired."""
    try:
        return signing.loads(token, salt=_SALT, max_age=max_age_days * 86400)
    except signing.BadSignature:
        return None


def status_url(code: str) -> str:
    """Path of the public status page opened by the token (prefix with the site's address)."""
    return f"{reverse('intake:lookup')}?t={status_token(code)}"
