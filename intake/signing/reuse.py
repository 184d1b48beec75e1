"""Find an e-certified copy by what its holder has: the register number printed on it
(``<number>/<year>/SCT/BS``) or the verification id its QR code opens, and attach it to
another dossier as a reused component (``cases.actions.dossier_reuse_certified_copy``).

A copy whose stored signed file no longer matches the registry is refused: only a copy that
verifies as valid is reused.
"""

from __future__ import annotations

import re
import uuid

from django.utils.translation import gettext as _

from cases import actions
from cases.models import CopyCertification, Dossier
from cases.policy import denial_reason
from intake.signing.models import DocumentKind, SignedDocument
from intake.signing.verify import VALID, registry_verdict
from thanhsen.errors import invalid
from thanhsen.roles import Role

_REGISTER_NUMBER = re.compile(r"^(\d{1,9})/(\d{4})/SCT/BS$", re.IGNORECASE)


def _signed_copy(reference: str) -> SignedDocument | None:
    copies = SignedDocument.objects.filter(kind=DocumentKind.CERTIFIED_COPY).exclude(sha256="")
    match = _REGISTER_NUMBER.match(reference)
    if match:
        return copies.filter(reference=f"{int(match[1])}/{match[2]}/SCT/BS").first()
    try:
        return copies.filter(pk=uuid.UUID(reference.rsplit("/xac-thuc/", 1)[-1].strip("/"))).first()
    except ValueError:
        raise invalid("reference", _("Nhập số chứng thực (ví dụ 12/2026/SCT/BS) hoặc mã xác thực "
                                     "in dưới mã QR của bản sao.")) from None


def certified_copy_find(reference: str) -> CopyCertification:
    """The certification ``reference`` names, if its signed copy still verifies as valid."""
    reference = (reference or "").strip()
    if not reference:
        raise invalid("reference", _("Cần nhập số chứng thực hoặc mã xác thực của bản sao."))
    document = _signed_copy(reference)
    certification = (CopyCertification.objects.select_related("dossier")
                     .filter(dossier_id=document.dossier_id).first() if document else None)
    if certification is None:
        raise invalid("reference", _("Không có bản sao điện tử có chứng thực nào với số hoặc mã này."))
    if registry_verdict(document).state != VALID:
        raise invalid("reference", _("Bản sao này không còn hợp lệ nên không dùng lại được."))
    return certification


def may_reuse_certified_copy(user, dossier: Dossier) -> bool:
    return dossier.status in actions.REUSE_STATES and not denial_reason(
        user, dossier, "reuse_certified_copy")


def dossier_reuse_certified_copy_by_reference(*, dossier: Dossier, actor, reference: str) -> Dossier:
    """At the counter the officer sees the holder; online the copy must be the applicant's own."""
    return actions.dossier_reuse_certified_copy(
        dossier=dossier, actor=actor, certification=certified_copy_find(reference),
        owner_only=getattr(actor, "role", None) == Role.RESIDENT,
    )
