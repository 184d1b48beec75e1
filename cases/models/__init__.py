from cases.models.audit import Finding, PostAuditDraw, PostAuditRule
from cases.models.calendar import CalendarDay
from cases.models.catalogue import (
    Agency,
    CompetentAuthority,
    CopyType,
    Field,
    OnlineLevel,
    Procedure,
    RequiredDocument,
)
from cases.models.catalogue_audit import CatalogueChange
from cases.models.certification import CopyCertification
from cases.models.delegation import Authorisation
from cases.models.dossier import (
    Channel,
    Dossier,
    DossierCodeSequence,
    DossierDocument,
    DossierPause,
    FeePayment,
    Outcome,
    PauseKind,
    ReturnMethod,
    Status,
)
from cases.models.events import DossierEvent
from thanhsen.models import Department, DepartmentKind

__all__ = [
    "Agency",
    "Authorisation",
    "CalendarDay",
    "CatalogueChange",
    "Channel",
    "CompetentAuthority",
    "CopyCertification",
    "CopyType",
    "Department",
    "DepartmentKind",
    "Dossier",
    "DossierCodeSequence",
    "DossierDocument",
    "DossierEvent",
    "DossierPause",
    "Field",
    "Finding",
    "OnlineLevel",
    "FeePayment",
    "Outcome",
    "PauseKind",
    "PostAuditDraw",
    "PostAuditRule",
    "Procedure",
    "RequiredDocument",
    "ReturnMethod",
    "Status",
]
