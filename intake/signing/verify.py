"""Is this signed document what the center issued? valid / tampered / unknown / revoked.

Two questions, answered apart:
- the registry entry opened from a QR code: its stored file still hashes to the recorded
  SHA-256 and its certificate was not revoked at its signing time (cheap: the public page
  answers it on every visit);
- a copy someone holds (uploaded on that page): traced to an entry by its signature field,
  byte-identical to the stored file, and its PAdES signature intact and chaining to a trusted
  CA (pyHanko's validation).
A document signed before its certificate's revocation stays valid for its signing time; one
signed at or after it is not.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from intake.signing.models import SignedDocument
from intake.signing.services import FIELD_PREFIX

VALID, TAMPERED, UNKNOWN, REVOKED = "valid", "tampered", "unknown", "revoked"
VERDICT_LABELS = {
    VALID: _("Hợp lệ"),
    TAMPERED: _("Đã bị sửa đổi sau khi ký"),
    UNKNOWN: _("Không xác định được văn bản"),
    REVOKED: _("Không hợp lệ: chứng thư số đã bị thu hồi trước thời điểm ký"),
}
_FIELD = re.compile(re.escape(FIELD_PREFIX).encode() + rb"([0-9a-f]{32})")


@dataclass(frozen=True)
class Verdict:
    state: str
    document: SignedDocument | None = None

    @property
    def label(self):
        return VERDICT_LABELS[self.state]


def _revoked_at_signing(document: SignedDocument) -> bool:
    certificate = document.certificate
    return bool(certificate and certificate.revoked_at and document.signed_at
                and certificate.revoked_at <= document.signed_at)


def registry_verdict(document: SignedDocument) -> Verdict:
    if not document.sha256 or not document.file:
        return Verdict(UNKNOWN, document)
    with document.file.open("rb") as stored:
        if hashlib.sha256(stored.read()).hexdigest() != document.sha256:
            return Verdict(TAMPERED, document)
    return Verdict(REVOKED if _revoked_at_signing(document) else VALID, document)


def _signature_intact(data: bytes) -> bool:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from intake.signing.adapters import trust_roots

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
        if not signatures:
            return False
        context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False,
                                    revocation_mode="soft-fail")
        return all(
            (status := validate_pdf_signature(s, context)).intact and status.valid
            and status.trusted for s in signatures
        )
    except Exception:  # noqa: BLE001 - any unreadable structure means the copy is not intact
        return False


def verify_copy(data: bytes, *, expected: SignedDocument | None = None) -> Verdict:
    """Judge a copy: which entry it claims to be, and whether it still is that document."""
    ids = {m.decode() for m in _FIELD.findall(data)}
    candidates = SignedDocument.objects.filter(id__in=ids).exclude(sha256="")
    if expected is not None:
        candidates = candidates.filter(pk=expected.pk)
    document = candidates.select_related("certificate", "signer").first()
    if document is None:
        return Verdict(UNKNOWN)
    if hashlib.sha256(data).hexdigest() != document.sha256 or not _signature_intact(data):
        return Verdict(TAMPERED, document)
    return Verdict(REVOKED if _revoked_at_signing(document) else VALID, document)
