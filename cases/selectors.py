"""Reads of dossiers and the catalogue: what each user may see, and the shared filters."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from cases.deadlines import Classification, classify, overdue_threshold
from cases.models import Dossier, DossierEvent, Procedure, RequiredDocument
from cases.models.dossier import FINISHED_STATES, OPEN_STATES
from thanhsen.errors import ApplicationError, ErrorKind
from thanhsen.roles import HANDLER_ROLES, Role


def procedure_list() -> QuerySet[Procedure]:
    return (
        Procedure.objects.filter(is_current=True)
        .select_related("field", "department", "agency")
        .prefetch_related(
            Prefetch("documents", queryset=RequiredDocument.objects.order_by("position", "id"))
        )
        .order_by("field__name", "name")
    )


def procedure_get(*, code: str) -> Procedure:
    procedure = procedure_list().filter(code=code).first()
    if procedure is None:
        raise ApplicationError("Không tìm thấy thủ tục.", kind=ErrorKind.NOT_FOUND)
    return procedure


def dossier_visible_to(user) -> QuerySet[Dossier]:
    """Center staff see every dossier; handlers their department's; residents their own."""
    dossiers = Dossier.objects.select_related(
        "procedure", "procedure__field", "department", "handler"
    )
    if not user.is_authenticated or not user.is_active:
        return dossiers.none()
    if user.role == Role.RESIDENT:
        return dossiers.filter(applicant_user=user)
    if user.role in HANDLER_ROLES:
        return dossiers.filter(
            Q(department_id=user.department_id)
            | Q(department__isnull=True, procedure__department_id=user.department_id)
        )
    return dossiers


def dossier_get(*, user, code: str, with_events: bool = False) -> Dossier:
    dossiers = dossier_visible_to(user)
    if with_events:
        dossiers = dossiers.prefetch_related(
            Prefetch("events", queryset=DossierEvent.objects.select_related("actor", "authorisation"))
        )
    dossier = dossiers.filter(code=code).first()
    if dossier is None:
        raise ApplicationError("Không tìm thấy hồ sơ.", kind=ErrorKind.NOT_FOUND)
    return dossier


def dossier_filter_overdue(dossiers: QuerySet[Dossier], *, overdue: bool, now: datetime | None = None):
    """Open dossiers past (or within) their due date, the SQL twin of ``classify``.

    Classification uses the original due date even after an apology and new date.
    """
    threshold = overdue_threshold(now or timezone.now())
    open_dossiers = dossiers.filter(status__in=OPEN_STATES, due_at__isnull=False)
    if overdue:
        return open_dossiers.filter(due_at__lt=threshold)
    return open_dossiers.filter(due_at__gte=threshold)


def dossier_classification(dossier: Dossier, *, now: datetime | None = None) -> Classification | None:
    """Early / on time / overdue once finished, within / overdue while open; None otherwise."""
    if dossier.status in FINISHED_STATES and dossier.result_classification:
        return Classification(dossier.result_classification)
    if dossier.status in OPEN_STATES and dossier.due_at:
        return classify(due_at=dossier.due_at, finished_at=None, now=now or timezone.now())
    return None


def dossier_available_actions(dossier: Dossier, user) -> list[str]:
    """State-machine transitions this user may take now, by the shared permission rules."""
    return [t.name for t in dossier.get_available_user_status_transitions(user)]

