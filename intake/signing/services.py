"""Signing a document: allocate its registry entry, lay it out with its QR, sign, store.

The registry entry comes first so the QR code on the page opens the entry's public
verification page; the signature is PAdES (ETSI.CAdES.detached) with SHA-256, plus an
RFC 3161 timestamp when ``PDF_SIGNING_TSA_URL`` is set. The signature field is named after the
entry (``TSMC<id>``): a copy whose bytes were changed can still be traced to its entry and
reported as tampered rather than unknown.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from intake.signing.adapters import signer_for, timestamper
from intake.signing.models import SignedDocument, SignerCertificate
from thanhsen.errors import ApplicationError, ErrorKind

#: The signature field's name is this prefix and the entry's id in hex: letters and digits
#: only, which PDF writers keep as they are (a hyphen is written escaped).
FIELD_PREFIX = "TSMC"
#: Room for the signature container (certificate chain, signature; with a timestamp token,
#: its own chain too). Reserving it saves pyHanko a trial signature to measure the size.
RESERVED = 8192
RESERVED_WITH_TIMESTAMP = 24576


def verification_url(document_id) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("signing:verify", args=[document_id])


def sign_pdf(pdf: bytes, *, signer, field_name: str, signer_name: str) -> bytes:
    """``pdf`` with one PAdES signature added as an incremental update."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        name=signer_name, location=getattr(settings, "UNIT_PLACE", "Thành Sen"),
    )
    stamper = timestamper()
    out = _outside_running_loop(partial(
        signers.sign_pdf, writer, meta, signer=signer, timestamper=stamper,
        bytes_reserved=RESERVED_WITH_TIMESTAMP if stamper else RESERVED,
    ))
    return out.getvalue()


def _outside_running_loop(call):
    """Run ``call`` where no event loop is running: pyHanko starts its own (``asyncio.run``),
    which fails in a thread that already runs one (an ASGI server, a browser-driving test)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def _fingerprint(certificate) -> str:
    return hashlib.sha256(certificate.dump()).hexdigest()


def certificate_record(user, certificate) -> SignerCertificate:
    """The registry row of a signing certificate, created the first time it signs."""
    record, _created = SignerCertificate.objects.get_or_create(
        fingerprint=_fingerprint(certificate),
        defaults={
            "user": user, "serial": format(certificate.serial_number, "x"),
            "subject": certificate.subject.human_friendly[:400],
            "issuer": certificate.issuer.human_friendly[:400],
            "not_before": certificate["tbs_certificate"]["validity"]["not_before"].native,
            "not_after": certificate["tbs_certificate"]["validity"]["not_after"].native,
        },
    )
    return record


def certificate_revoke(*, certificate: SignerCertificate, reason: str,
                       revoked_at: datetime | None = None) -> SignerCertificate:
    """Record a revocation (from the CA's list, or a key reported lost) from ``revoked_at``.

    Documents signed before that moment stay valid for their signing time.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Cần ghi rõ lý do thu hồi chứng thư."), kind=ErrorKind.INVALID)
    certificate.revoked_at = revoked_at or timezone.now()
    certificate.revocation_reason = reason
    certificate.save(update_fields=["revoked_at", "revocation_reason"])
    return certificate


def document_sign(
    *, dossier, key: str, kind: str, title: str, signer_user, render: Callable[[str], bytes],
    signed_as=(), authorisation_number: str = "", reference: str = "", basis: str = "",
    at: datetime | None = None,
) -> SignedDocument:
    """Sign the document ``render(verification_url)`` lays out, as ``signer_user``.

    A certificate revoked before now signs nothing: the officer is told to have it renewed.
    """
    at = at or timezone.now()
    signer = signer_for(signer_user)
    with transaction.atomic():
        certificate = certificate_record(signer_user, signer.signing_cert)
        if certificate.revoked_at and certificate.revoked_at <= at:
            raise ApplicationError(
                _("Chứng thư số của %(name)s đã bị thu hồi; không ký được văn bản.")
                % {"name": signer_user}, kind=ErrorKind.CONFLICT)
        document = SignedDocument.objects.create(
            dossier=dossier, key=key, kind=kind, title=title, signer=signer_user,
            signed_as=list(signed_as), authorisation_number=authorisation_number,
            reference=reference, basis=basis, certificate=certificate,
        )
        signed = sign_pdf(render(verification_url(document.id)), signer=signer,
                          field_name=f"{FIELD_PREFIX}{document.id.hex}", signer_name=str(signer_user))
        document.signed_at = at
        document.timestamped = bool(settings.PDF_SIGNING_TSA_URL)
        document.sha256 = hashlib.sha256(signed).hexdigest()
        document.file.save(f"{dossier.code}-{key}.pdf", ContentFile(signed), save=False)
        document.save(update_fields=["signed_at", "timestamped", "sha256", "file"])
    return document
