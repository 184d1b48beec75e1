"""Reads of the applicant's personal data by staff, each written in the dossier's history.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.actions.core import _apply
from cases.models import (
    Dossier,
    DossierEvent,
)
from cases.policy import (
    may_view_personal_data,
    records_personal_data_view,
)
from thanhsen.errors import ApplicationError, ErrorKind


def dossier_record_personal_data_view(*, dossier: Dossier, actor, at: datetime | None = None) -> None:
    """Every view of an applicant's personal data is part of the history (who looked, when)."""
    _apply(dossier=dossier, actor=actor, action="view_personal_data", transition=None, at=at)


def dossier_read_personal_data(*, dossier: Dossier, actor) -> bool:
    """Whether ``actor`` may see the applicant's personal data on ``dossier``; a read by staff
    is recorded before anything is shown (a page, the API, a printed form, a scan)."""
    if not may_view_personal_data(actor, dossier):
        return False
    if records_personal_data_view(actor):
        dossier_record_personal_data_view(dossier=dossier, actor=actor)
    return True


def dossier_record_personal_data_views(*, dossiers, actor, at: datetime | None = None) -> None:
    """One history row per dossier for a read of many at once (the register, Mẫu 07).

    The register lists only dossiers whose personal data ``actor`` may see; a row the policy
    refuses is an error, not a silent gap in the record. Reading changes no dossier, so the
    rows are written together, without locking the dossiers one by one.
    """
    at = at or timezone.now()
    dossiers = list(dossiers)
    if not all(may_view_personal_data(actor, d) for d in dossiers):
        raise ApplicationError(
            _("Vai trò của bạn không được xem thông tin cá nhân của người nộp hồ sơ."),
            kind=ErrorKind.FORBIDDEN,
        )
    DossierEvent.objects.bulk_create(
        DossierEvent(dossier=d, actor=actor, at=at, action="view_personal_data",
                     from_status=d.status, to_status=d.status)
        for d in dossiers
    )
