"""Reads for the residents' pages and the staff's ratings and complaints pages.
"""

from __future__ import annotations

from django.db.models import QuerySet

from cases.models import Dossier, Procedure
from cases.selectors import dossier_visible_to
from intake.models import (
    Complaint,
    OnlineDraft,
    Rating,
)


def online_procedures() -> QuerySet[Procedure]:
    """Every current procedure the portal offers online (end-to-end or partly)."""
    return (
        Procedure.objects.filter(is_current=True, online_level__in=["full", "partial"])
        .select_related("field")
        .order_by("field__name", "name")
    )


def resident_dossiers(user) -> QuerySet[Dossier]:
    return dossier_visible_to(user).order_by("-created_at")


def resident_drafts(user) -> QuerySet[OnlineDraft]:
    return OnlineDraft.objects.filter(user=user).order_by("-updated_at")


def rating_exists(dossier: Dossier) -> bool:
    return Rating.objects.filter(dossier=dossier).exists()


def ratings_anonymous() -> QuerySet:
    """Ratings as staff see them: procedure, month, scores and comment; no dossier, no person."""
    return Rating.objects.select_related("procedure").only(
        "procedure__name", "created_at", *Rating.CRITERIA, "comment"
    )


def complaints_open() -> QuerySet[Complaint]:
    return Complaint.objects.order_by("status", "due_at")
