"""What staff read about the registry: the civil-status officer's queue, the health row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from cases.selectors import dossier_visible_to
from linkage.civil_status import SYSTEM
from linkage.framework.models import InboundItem
from linkage.models import CivilRegistration, RegistrationState
from linkage.portal.selectors import SyncHealth, sync_health


def registrations_open() -> QuerySet[CivilRegistration]:
    """Returned for correction first (the officer's work), then those still with the
    registry, oldest first."""
    return (
        CivilRegistration.objects.exclude(state=RegistrationState.REGISTERED)
        .select_related("dossier__procedure", "dossier__department", "message")
        .order_by("-state", "created_at", "pk")
    )


def registrations_visible_to(user) -> QuerySet[CivilRegistration]:
    """The handlers see their department's, as with every dossier."""
    return registrations_open().filter(dossier__in=dossier_visible_to(user))


@dataclass(frozen=True)
class RegistryHealth:
    sync: SyncHealth
    awaiting: int
    returned: int
    oldest_awaiting_at: datetime | None
    refused_replies: int


def registry_health(*, now: datetime | None = None) -> RegistryHealth:
    now = now or timezone.now()
    counts = CivilRegistration.objects.aggregate(
        awaiting=Count("pk", filter=Q(state=RegistrationState.AWAITING)),
        returned=Count("pk", filter=Q(state=RegistrationState.CORRECTION)),
        oldest=Min("created_at", filter=Q(state=RegistrationState.AWAITING)),
    )
    return RegistryHealth(
        sync=sync_health(now=now, system=SYSTEM),
        awaiting=counts["awaiting"],
        returned=counts["returned"],
        oldest_awaiting_at=counts["oldest"],
        refused_replies=InboundItem.objects.filter(system=SYSTEM).exclude(error="").count(),
    )


def replies_refused() -> QuerySet[InboundItem]:
    return InboundItem.objects.filter(system=SYSTEM).exclude(error="").order_by("-received_at")
