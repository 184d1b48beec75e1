"""Login throttling: failed logins counted per account and per client address.

Chosen over django-axes: the project already counts the status lookup's failures in its own
database table, the limits must cover three entry points that authenticate differently (the
login page, the admin's login, the API token endpoint) with a Vietnamese message saying when
to retry, and the counting is two indexed counts, one statement before any password is
hashed. A refused attempt costs no hash at all, so a flood of guesses cannot saturate the
web workers; a failure costs exactly one (``intake.auth``).

Rules (settings ``LOGIN_LIMIT_PER_ACCOUNT``, ``LOGIN_LIMIT_PER_IP``, ``LOGIN_LIMIT_WINDOW``):

- an account with ``LOGIN_LIMIT_PER_ACCOUNT`` failures in the last window, or an address with
  ``LOGIN_LIMIT_PER_IP``, is refused until the oldest of those failures leaves the window,
  even with the right password (otherwise guessing would simply go on);
- refused attempts are recorded (``blocked``) for the administrator but not counted, so the
  retry time the message gives holds;
- a success does not wipe the failures: the window ends them, and the records stay for the
  administrator. Someone who guesses at a resident's account can keep it closed for one
  window at a time; the limit per account is there to stop the guessing spread over many
  addresses, and the administrator sees who did it.

The account is what was typed, case-folded; phone numbers in any spelling
(``+84 912 345 678``, ``0912.345.678``) count as one account. The address is ``REMOTE_ADDR``,
which ``thanhsen.middleware.TrustedProxyMiddleware`` sets from the proxy's header when the
deployment says a proxy is trusted.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from thanhsen.models import LoginAttempt

_PHONE = re.compile(r"^(?:\+?84|0)(\d{9})$")
_PHONE_PUNCTUATION = re.compile(r"[\s.\-()]")


class LoginThrottled(Exception):
    """Too many failures for this account or address; ``retry_at`` is when it opens again."""

    def __init__(self, retry_at: datetime):
        super().__init__(retry_at)
        self.retry_at = retry_at

    @property
    def retry_after_seconds(self) -> int:
        return max(1, int((self.retry_at - timezone.now()).total_seconds()) + 1)

    @property
    def message(self) -> str:
        # The minute after the moment it opens, so "after HH:MM" is never too early.
        shown = timezone.localtime(self.retry_at + timedelta(minutes=1)).strftime("%H:%M")
        return _("Đăng nhập sai quá nhiều lần. Để bảo vệ tài khoản, vui lòng thử lại sau "
                 "%(time)s.") % {"time": shown}


def account_key(username: str) -> str:
    typed = (username or "").strip().casefold()
    phone = _PHONE.match(_PHONE_PUNCTUATION.sub("", typed))
    return f"phone:{phone.group(1)}" if phone else typed[:150]


def client_address(request) -> str:
    return (request.META.get("REMOTE_ADDR", "") if request is not None else "")[:64] or "unknown"


def _retry_at(failures, count: int, limit: int, window: timedelta) -> datetime:
    # Open again when all but ``limit - 1`` of the window's failures have left it.
    oldest_kept = failures.order_by("at").values_list("at", flat=True)[count - limit]
    return oldest_kept + window


def blocked_until(*, account: str, client_ip: str) -> datetime | None:
    window = timedelta(seconds=settings.LOGIN_LIMIT_WINDOW)
    recent = LoginAttempt.objects.filter(at__gt=timezone.now() - window, blocked=False)
    counts = recent.filter(Q(account=account) | Q(client_ip=client_ip)).aggregate(
        by_account=Count("pk", filter=Q(account=account)),
        by_address=Count("pk", filter=Q(client_ip=client_ip)),
    )
    limits = []
    if counts["by_account"] >= settings.LOGIN_LIMIT_PER_ACCOUNT:
        limits.append(_retry_at(recent.filter(account=account), counts["by_account"],
                                settings.LOGIN_LIMIT_PER_ACCOUNT, window))
    if counts["by_address"] >= settings.LOGIN_LIMIT_PER_IP:
        limits.append(_retry_at(recent.filter(client_ip=client_ip), counts["by_address"],
                                settings.LOGIN_LIMIT_PER_IP, window))
    return max(limits) if limits else None


def authenticate_throttled(request, *, username: str, password: str, channel: str):
    """The user for these credentials, or ``None``; raises ``LoginThrottled`` before hashing
    anything when the account or the address has used up its failures."""
    account, client_ip = account_key(username), client_address(request)
    retry_at = blocked_until(account=account, client_ip=client_ip)
    record = {"username": (username or "")[:150], "account": account, "client_ip": client_ip,
              "channel": channel}
    if retry_at is not None:
        LoginAttempt.objects.create(at=timezone.now(), blocked=True, **record)
        raise LoginThrottled(retry_at)
    user = authenticate(request, username=username, password=password)
    if user is None:
        LoginAttempt.objects.create(at=timezone.now(), **record)
    return user


def attempts_purge() -> int:
    """Forget the attempts older than ``LOGIN_ATTEMPTS_KEEP_DAYS``; beat runs it."""
    cutoff = timezone.now() - timedelta(days=settings.LOGIN_ATTEMPTS_KEEP_DAYS)
    deleted, _count = LoginAttempt.objects.filter(at__lt=cutoff).delete()
    return deleted
