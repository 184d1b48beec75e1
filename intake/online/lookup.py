"""The public status lookup: code plus a second factor, or the receipt's signed token.

An unknown code and a wrong factor take the same path (one statement, one constant-time
comparison) and get the same answer, and both count against the same limits, so the page
tells nobody whether a code exists. The limits are failures per client address and per code
within a window; the statement that reads the dossier reads them too (``LookupThrottle``),
and only a failure writes.

The limit per code would let anyone lock a resident out of their own dossier for a window by
typing wrong digits; so it does not hold the receipt's QR token (``lookup_by_token``, which
proves possession of the receipt) nor the dossier's owner logged in, who is still held by the
limit of their address and whose wrong digits still count. Whether the user owns the code is
asked only when the code is locked, so the usual lookup keeps its one statement.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from intake.models import LookupThrottle
from intake.online.public_status import (
    PublicStatus,
    dossier_for_lookup,
    dossier_owned_by,
    dossier_public_status,
)
from intake.tokens import code_from_status_token, status_token

#: Stand-in digits compared against when the code is unknown, so both paths do the same work.
_DUMMY_FACTOR = "\x00\x00\x00\x00"


@dataclass(frozen=True)
class LookupResult:
    status: PublicStatus | None = None
    token: str = ""
    limited: bool = False
    #: When a limited client may try again: the end of the window that limits it.
    retry_at: datetime | None = None


def normalise_code(code: str) -> str:
    return (code or "").strip().upper()


def _digits(value: str) -> str:
    return "".join(filter(str.isdigit, value or ""))


def _factor_matches(row, factor: str) -> bool:
    """Last four digits of the applicant's phone or ID number; both compared every time."""
    factor = _digits(factor)[-4:].ljust(4, "\x00")
    phone = _digits(row.dossier.applicant_phone)[-4:] if row else _DUMMY_FACTOR
    id_number = _digits(row.dossier.applicant_id_number)[-4:] if row else _DUMMY_FACTOR
    by_phone = hmac.compare_digest(factor.encode(), phone.encode())
    by_id = hmac.compare_digest(factor.encode(), id_number.encode())
    return row is not None and (by_phone | by_id)


def _keys(code: str, client_ip: str) -> tuple[str, str]:
    # The code is hashed so that any input makes a key of bounded length.
    code_key = hashlib.sha256(code.encode()).hexdigest()[:32]
    return f"ip:{client_ip}"[:64], f"code:{code_key}"


def _over_limit(attempt, *, code: str, user) -> bool:
    if attempt.client_failures >= settings.LOOKUP_LIMIT_PER_IP:
        return True
    if attempt.code_failures >= settings.LOOKUP_LIMIT_PER_CODE:
        return not dossier_owned_by(code=code, user=user)
    return False


#: A failure starts a window on a key without one (or whose window has ended) and counts
#: one more within it; both keys in one statement, always in the same order.
_COUNT_FAILURE_SQL = f"""
INSERT INTO {LookupThrottle._meta.db_table} (key, failures, window_ends_at)
VALUES (%(client_key)s, 1, %(ends)s), (%(code_key)s, 1, %(ends)s)
ON CONFLICT (key) DO UPDATE SET
  failures = CASE WHEN {LookupThrottle._meta.db_table}.window_ends_at > %(now)s
                  THEN {LookupThrottle._meta.db_table}.failures + 1 ELSE 1 END,
  window_ends_at = CASE WHEN {LookupThrottle._meta.db_table}.window_ends_at > %(now)s
                        THEN {LookupThrottle._meta.db_table}.window_ends_at ELSE excluded.window_ends_at END
"""


def _retry_at(keys: tuple[str, str]) -> datetime | None:
    """The latest end among the live windows of the two keys (read only on the rare limited
    path, so the busy path keeps its single statement)."""
    ends = LookupThrottle.objects.filter(key__in=keys, window_ends_at__gt=timezone.now())
    return max(ends.values_list("window_ends_at", flat=True), default=None)


def _count_failure(keys: tuple[str, str]) -> None:
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    params = {"client_key": keys[0], "code_key": keys[1], "now": adapt(now),
              "ends": adapt(now + timedelta(seconds=settings.LOOKUP_LIMIT_WINDOW))}
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_FAILURE_SQL, params)


def lookup_by_factor(*, code: str, factor: str, client_ip: str, user=None) -> LookupResult:
    """The status for a code and the last four digits, or nothing, or "too many attempts";
    ``user`` is who is logged in (the owner passes a locked code)."""
    code = normalise_code(code)
    keys = _keys(code, client_ip)
    attempt = dossier_for_lookup(code, client_key=keys[0], code_key=keys[1])
    if _over_limit(attempt, code=code, user=user):
        return LookupResult(limited=True, retry_at=_retry_at(keys))
    row = attempt.row
    if not _factor_matches(row, factor):
        _count_failure(keys)
        return LookupResult()
    status = _status(row)
    # The token only goes into the rating link; signing it for every answer cost as much as
    # the rest of building the answer.
    return LookupResult(status=status, token=status_token(status.code) if status.can_rate else "")


def throttle_purge() -> int:
    """Forget the windows that have ended; beat runs it. Returns how many went."""
    deleted, _ = LookupThrottle.objects.filter(window_ends_at__lte=timezone.now()).delete()
    return deleted


def _status(row) -> PublicStatus:
    return dossier_public_status(row.dossier, amount_due=row.amount_due, rated=row.rated)


def lookup_by_token(token: str) -> LookupResult:
    code = code_from_status_token(token)
    row = dossier_for_lookup(code).row if code else None
    if row is None:
        return LookupResult()
    return LookupResult(status=_status(row), token=token)


def client_ip(request) -> str:
    """The client's address: the peer, or behind a trusted proxy the address it forwarded
    (``thanhsen.middleware.TrustedProxyMiddleware``)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"
