"""Reads for post-audit: the authoriser's review queue and the figures leadership reads.

Figures are SQL aggregations over ``PostAuditDraw`` (one row per decision taken under
delegation), so coverage is drawn ÷ decided under delegation by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Avg, Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cases.calendar import working_calendar
from cases.models import Finding, PostAuditDraw


def review_warning_from(now: datetime) -> datetime:
    """Reviews due before this moment get a warning (the configured working days ahead)."""
    cal = working_calendar()
    day = cal.add_working_days(timezone.localdate(now), settings.POST_AUDIT_WARNING_WORKING_DAYS)
    return cal.end_of_day(day)


def post_audit_queue(*, user) -> QuerySet:
    """Drawn decisions taken in ``user``'s name and not yet reviewed, the most urgent first."""
    return (PostAuditDraw.objects.filter(drawn=True, reviewed_at__isnull=True,
                                         authorisation__authoriser=user)
            .select_related("dossier__procedure", "authorisation__authorised")
            .order_by("review_due_at", "id"))


def post_audit_reviewed(*, user, limit: int = 20) -> QuerySet:
    return (PostAuditDraw.objects.filter(reviewed_at__isnull=False,
                                         authorisation__authoriser=user)
            .select_related("dossier__procedure", "authorisation__authorised")
            .order_by("-reviewed_at")[:limit])


def post_audit_get(*, user, pk: int) -> PostAuditDraw | None:
    """One drawn decision with what the review needs; None unless ``user`` is its authoriser."""
    return (PostAuditDraw.objects.filter(pk=pk, drawn=True, authorisation__authoriser=user)
            .select_related("dossier__procedure", "dossier__decided_by", "authorisation__authorised",
                            "authorisation__authoriser", "reviewer")
            .prefetch_related("dossier__events__actor", "dossier__documents").first())


@dataclass
class Report:
    decided: int
    drawn: int
    reviewed: int
    overdue: int
    corrections: int
    suspensions: int
    average_review_days: float | None
    by_delegate: list = field(default_factory=list)
    by_procedure: list = field(default_factory=list)
    by_month: list = field(default_factory=list)

    @property
    def coverage(self) -> float | None:
        return self.drawn / self.decided if self.decided else None


FINDING_COUNTS = {
    "correct": Count("id", filter=Q(finding=Finding.CORRECT)),
    "needs_correction": Count("id", filter=Q(finding=Finding.NEEDS_CORRECTION)),
    "wrong": Count("id", filter=Q(finding=Finding.WRONG)),
}


def post_audit_report(*, now: datetime | None = None, period=None) -> Report:
    """The figures over every decision under delegation, or those signed in ``period``."""
    now = now or timezone.now()
    rows = PostAuditDraw.objects.all()
    if period is not None:
        rows = rows.filter(decided_at__date__range=(period.first, period.last))
    totals = rows.aggregate(
        n_decided=Count("id"), n_drawn=Count("id", filter=Q(drawn=True)),
        n_reviewed=Count("id", filter=Q(reviewed_at__isnull=False)),
        n_overdue=Count("id", filter=Q(drawn=True, reviewed_at__isnull=True,
                                       review_due_at__lt=now)),
        n_corrections=Count("id", filter=Q(correction_opened=True)),
        n_suspensions=Count("id", filter=Q(suspended_delegation=True)),
        average=Avg(F("reviewed_at") - F("decided_at"), filter=Q(reviewed_at__isnull=False)),
    )
    average = totals.pop("average")
    summary = {name.removeprefix("n_"): value for name, value in totals.items()}
    if not summary["decided"]:
        # Nothing decided under delegation (in the period): no split to count. The
        # leadership dashboard shows this block on every request.
        return Report(**summary, average_review_days=None)
    grouped = {"decided": Count("id"), "n_drawn": Count("id", filter=Q(drawn=True)),
               **FINDING_COUNTS}
    return Report(
        **summary,
        average_review_days=average.total_seconds() / 86400 if average is not None else None,
        by_delegate=list(rows.values(
            "authorisation__authorised__last_name", "authorisation__authorised__first_name",
        ).annotate(**grouped).order_by("authorisation__authorised__last_name")),
        by_procedure=list(rows.values("dossier__procedure__code", "dossier__procedure__name")
                          .annotate(**grouped).order_by("dossier__procedure__code")),
        by_month=list(rows.annotate(month=TruncMonth("decided_at")).values("month")
                      .annotate(**grouped).order_by("month")),
    )
