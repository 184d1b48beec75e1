"""The public status lookup: code plus a second factor, or the receipt's signed token.

An unknown code and a wrong factor take the same path (one indexed read, one constant-time
comparison) and get the same answer, and both count against the same limits, so the page
tells nobody whether a code exists.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from intake.selectors import PublicStatus, dossier_for_lookup, dossier_public_status
from intake.tokens import code_from_status_token, status_token

#: Stand-in digits compared against when the code is unknown, so both paths do the same work.
_DUMMY_FACTOR = "\x00\x00\x00\x00"


@dataclass(frozen=True)
class LookupResult:
    status: PublicStatus | None = None
    token: str = ""
    limited: bool = False


def normalise_code(code: str) -> str:
    return (code or "").strip().upper()


def _digits(value: str) -> str:
    return "".join(ch for ch in value or "" if ch.isdigit())


def _factor_matches(row, factor: str) -> bool:
    """Last four digits of the applicant's phone or ID number; both compared every time."""
    factor = _digits(factor)[-4:].ljust(4, "\x00")
    phone = _digits(row.dossier.applicant_phone)[-4:] if row else _DUMMY_FACTOR
    id_number = _digits(row.dossier.applicant_id_number)[-4:] if row else _DUMMY_FACTOR
    by_phone = hmac.compare_digest(factor.encode(), phone.encode())
    by_id = hmac.compare_digest(factor.encode(), id_number.encode())
    return row is not None and (by_phone | by_id)


def _keys(code: str, client_ip: str) -> tuple[str, str]:
    # The code is hashed so arbitrary input cannot make an invalid cache key.
    code_key = hashlib.sha256(code.encode()).hexdigest()[:32]
    return f"lookup:ip:{client_ip}", f"lookup:code:{code_key}"


def _over_limit(keys: tuple[str, str]) -> bool:
    # Both counters in one cache round trip: every lookup, the successful ones too, pays it.
    counts = cache.get_many(keys)
    ip_key, code_key = keys
    return (
        counts.get(ip_key, 0) >= settings.LOOKUP_LIMIT_PER_IP
        or counts.get(code_key, 0) >= settings.LOOKUP_LIMIT_PER_CODE
    )


def _count_failure(keys: tuple[str, str]) -> None:
    for key in keys:
        # The window starts at the first failure: ``add`` only creates a missing counter.
        if not cache.add(key, 1, timeout=settings.LOOKUP_LIMIT_WINDOW):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=settings.LOOKUP_LIMIT_WINDOW)


def lookup_by_factor(*, code: str, factor: str, client_ip: str) -> LookupResult:
    """The status for a code and the last four digits, or nothing, or "too many attempts"."""
    code = normalise_code(code)
    keys = _keys(code, client_ip)
    if _over_limit(keys):
        return LookupResult(limited=True)
    row = dossier_for_lookup(code) if code else None
    if not _factor_matches(row, factor):
        _count_failure(keys)
        return LookupResult()
    status = _status(row)
    # The token only goes into the rating link; signing it for every answer cost as much as
    # the rest of building the answer.
    return LookupResult(status=status, token=status_token(status.code) if status.can_rate else "")


def _status(row) -> PublicStatus:
    return dossier_public_status(row.dossier, amount_due=row.amount_due, rated=row.rated)


def lookup_by_token(token: str) -> LookupResult:
    code = code_from_status_token(token)
    row = dossier_for_lookup(code) if code else None
    if row is None:
        return LookupResult()
    return LookupResult(status=_status(row), token=token)


def client_ip(request) -> str:
    """The client's address as the server saw it (set the proxy to pass the real one on)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"
