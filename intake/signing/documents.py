"""Which documents are signed, by whom, under which authority: forms, results, certified copies.

A form is signed by the officer whose act it records (Mẫu 01 the receiving officer, Mẫu 02 who
asked for the papers, Mẫu 03 the decider or the officer who refused intake, Mẫu 04 who
apologised, Mẫu 05 who stopped the dossier) and once per act: the signed PDF is stored and
served again, so a form printed twice is the same document with the same registry entry.
The result notice and the certified copy are signed by the decider, with the authority lines
recorded at the decision (``Dossier.signed_as``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from cases.delegation import title_of
from cases.models import CopyCertification, Dossier
from intake.documents.render import FORMS, dossier_form_pdf, result_pdf
from intake.signing.models import DocumentKind, SignedDocument
from intake.signing.services import document_sign

#: The acts each signed form records; the latest such event's actor signs it.
FORM_ACTS = {
    "mau-01": ("receive",),
    "mau-02": ("request_supplement", "request_completion"),
    "mau-03": ("refuse", "refuse_intake"),
    "mau-04": ("extend",),
    "mau-05": ("stop",),
}
RESULT_KEY = "ket-qua"
COPY_KEY = "ban-sao"


def _officer_lines(user) -> list[str]:
    return [(title_of(user) or user.get_role_display()).upper()]


def _decision_signature(dossier: Dossier, *, signed: bool) -> dict:
    return {
        "lines": dossier.signed_as or _officer_lines(dossier.decided_by),
        "name": str(dossier.decided_by), "signed": signed,
        "authorisation": dossier.decided_under.document_number if dossier.decided_under else "",
    }


def _stored(dossier: Dossier, key: str, basis: str) -> SignedDocument | None:
    return (SignedDocument.objects.filter(dossier=dossier, key=key, basis=basis)
            .exclude(sha256="").first())


def signed_form(dossier: Dossier, key: str, *, base_url: str) -> SignedDocument | None:
    """The signed PDF of form ``key``; None for a form that is not signed or has no act yet."""
    acts = FORM_ACTS.get(key)
    if acts is None:
        return None
    event = next((e for e in reversed(list(dossier.events.all()))
                  if e.action in acts and e.actor_id), None)
    if event is None:
        return None
    basis = f"event-{event.pk}"
    existing = _stored(dossier, key, basis)
    if existing is not None:
        return existing
    decision = event.action == "refuse"
    signature = _decision_signature(dossier, signed=True) if decision else None
    lines = signature["lines"] if decision else _officer_lines(event.actor)
    return document_sign(
        dossier=dossier, key=key, kind=DocumentKind.FORM,
        title=f"Mẫu {FORMS[key].number} — {FORMS[key].title}", signer_user=event.actor,
        render=lambda url: dossier_form_pdf(dossier, key, base_url=base_url, verification=url,
                                            signature=signature),
        signed_as=lines, basis=basis,
        authorisation_number=signature["authorisation"] if decision else "",
    )


def signed_result(dossier: Dossier) -> SignedDocument | None:
    """The decision's signed result notice, made once when first asked for.

    A result corrected after a post-audit is a new document; the earlier ones stay in the
    registry, marked as superseded by it, so their verification page says so.
    """
    if not dossier.resolved_at or not dossier.decided_by_id:
        return None
    basis = (f"corrected-{dossier.result_corrected_at.isoformat()}" if dossier.result_corrected_at
             else f"decided-{dossier.resolved_at.isoformat()}")
    existing = _stored(dossier, RESULT_KEY, basis)
    if existing is not None:
        return existing
    signature = _decision_signature(dossier, signed=True)
    with transaction.atomic():
        document = document_sign(
            dossier=dossier, key=RESULT_KEY, kind=DocumentKind.RESULT,
            title=_("Thông báo kết quả giải quyết hồ sơ"), signer_user=dossier.decided_by,
            render=lambda url: result_pdf(dossier, verification=url, signature=signature),
            signed_as=signature["lines"], authorisation_number=signature["authorisation"],
            basis=basis, at=None,
        )
        (SignedDocument.objects.filter(dossier=dossier, key=RESULT_KEY, superseded_by=None)
         .exclude(pk=document.pk).update(superseded_by=document))
    return document


def sign_certified_copy(certification: CopyCertification, render) -> bytes:
    """The certified copy as signed bytes; ``render(certification, verification_url)`` lays it out.

    Called inside ``copy_certification_certify``'s transaction, so a failed signature leaves
    no certification number used.
    """
    dossier = certification.dossier
    document = document_sign(
        dossier=dossier, key=COPY_KEY, kind=DocumentKind.CERTIFIED_COPY,
        title=_("Bản sao điện tử được chứng thực từ bản chính"), signer_user=certification.signer,
        render=lambda url: render(certification, url), signed_as=dossier.signed_as,
        authorisation_number=dossier.decided_under.document_number if dossier.decided_under else "",
        reference=certification.register_number, basis=f"certification-{certification.pk}",
        at=certification.certified_at,
    )
    with document.file.open("rb") as signed:
        return signed.read()
