"""The linkage knobs, read from settings at call time so tests and workers can change them."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings


@dataclass(frozen=True)
class LinkageSettings:
    agency_base_url: str
    agency_timeout: float
    retry_base: float
    retry_cap: float
    max_attempts: int
    claim_timeout: timedelta
    requeue_after: timedelta
    poll_interval: timedelta
    outbox_grace: timedelta


def linkage_settings() -> LinkageSettings:
    return LinkageSettings(
        agency_base_url=settings.AGENCY_BASE_URL.rstrip("/"),
        agency_timeout=settings.AGENCY_TIMEOUT_SECONDS,
        retry_base=settings.LINKAGE_RETRY_BASE_SECONDS,
        retry_cap=settings.LINKAGE_RETRY_CAP_SECONDS,
        max_attempts=settings.LINKAGE_MAX_ATTEMPTS,
        claim_timeout=timedelta(seconds=settings.LINKAGE_CLAIM_TIMEOUT_SECONDS),
        requeue_after=timedelta(seconds=settings.LINKAGE_REQUEUE_AFTER_SECONDS),
        poll_interval=timedelta(seconds=settings.LINKAGE_POLL_SECONDS),
        outbox_grace=timedelta(seconds=settings.LINKAGE_OUTBOX_GRACE_SECONDS),
    )
