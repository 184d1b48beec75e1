"""Reads for the delegation register: the leader's overview and the delegate's powers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cases.delegation import delegable, may_be_delegated
from cases.models import Authorisation, Procedure
from thanhsen.models import User

#: An authorisation ending within this many days is listed as expiring soon.
EXPIRING_DAYS = 14
DECISIONS = ("approve", "refuse")


def _annotated(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("authoriser", "authorised", "revoked_by").annotate(
        decisions=Count("dossierevent", filter=Q(dossierevent__action__in=DECISIONS),
                        distinct=True),
        drawn=Count("post_audits", filter=Q(post_audits__drawn=True), distinct=True),
    )


def _in_force_q(today: date) -> Q:
    now = timezone.now()
    return (Q(valid_from__lte=today, valid_until__gte=today)
            & (Q(revoked_at__isnull=True) | Q(revoked_at__gt=now))
            & (Q(suspended_at__isnull=True) | Q(suspended_at__gt=now)))


@dataclass(frozen=True)
class Register:
    in_force: list
    expiring: list
    upcoming: list
    ended: list


def authorisation_register(*, user, today: date | None = None) -> Register:
    """The leader's view: who holds which of their powers now, what ends soon, what ended.

    Every leader sees every authorisation of the ward's leaders: the chairman answers for
    the whole committee, and a vice-chairman covers for the chairman.
    """
    today = today or timezone.localdate()
    rows = _annotated(Authorisation.objects.all()).order_by("valid_until", "id")
    in_force = list(rows.filter(_in_force_q(today)))
    return Register(
        in_force=in_force,
        expiring=[a for a in in_force if a.valid_until <= today + timedelta(days=EXPIRING_DAYS)],
        upcoming=list(rows.filter(valid_from__gt=today, revoked_at__isnull=True,
                                  suspended_at__isnull=True)),
        ended=list(rows.exclude(_in_force_q(today)).exclude(
            valid_from__gt=today, revoked_at__isnull=True, suspended_at__isnull=True
        ).order_by("-valid_until", "-id")),
    )


@dataclass(frozen=True)
class Power:
    authorisation: Authorisation
    procedures: list


def delegate_powers(*, user, today: date | None = None) -> list[Power]:
    """What ``user`` may sign today in a leader's name, procedure by procedure."""
    today = today or timezone.localdate()
    current = list(Procedure.objects.filter(is_current=True).order_by("name"))
    powers = []
    for authorisation in (Authorisation.objects.filter(authorised=user)
                          .filter(_in_force_q(today)).select_related("authoriser")):
        procedures = [p for p in current if authorisation.covers(p.code) and delegable(p)]
        powers.append(Power(authorisation=authorisation, procedures=procedures))
    return powers


def delegate_choices() -> list[User]:
    """The people a leader may authorise: the center's director, deputies and specialists."""
    users = User.objects.filter(is_active=True).select_related("department").order_by(
        "last_name", "first_name")
    return [u for u in users if may_be_delegated(u)]


def delegable_procedures() -> QuerySet:
    return Procedure.objects.filter(
        is_current=True, competent_authority="ward_leader", center_may_decide=True
    ).order_by("name")
