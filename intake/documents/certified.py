"""The certified electronic copy: the scan of the original followed by the certification.

A JPEG or PNG scan is laid on the page itself; a PDF scan travels inside the certified PDF
as an embedded file (WeasyPrint cannot draw another PDF's pages), and the certification page
names it. Decree 23/2015 art. 20 and Decree 45/2020 art. 10 give the statement's wording.
"""

from __future__ import annotations

import base64

from django.template.loader import render_to_string

from cases.models import CopyCertification
from cases.uploads import sniff_content_type
from intake.documents.render import html_to_pdf, qr_data_uri, unit_context


def render_certified_copy(certification: CopyCertification) -> bytes:
    """The signed certified copy: laid out with its QR code, then signed by the certifier."""
    from intake.signing.documents import sign_certified_copy

    return sign_certified_copy(certification, layout_certified_copy)


def layout_certified_copy(certification: CopyCertification, verification: str) -> bytes:
    from weasyprint import Attachment

    with certification.scan.open("rb") as scan:
        content = scan.read()
    content_type = sniff_content_type(content[:16])
    image = None
    attachments = []
    if content_type in ("image/jpeg", "image/png"):
        image = f"data:{content_type};base64," + base64.b64encode(content).decode()
    else:
        attachments.append(Attachment(string=content, name="ban-quet-ban-chinh.pdf",
                                      description="Bản quét bản chính"))
    context = {
        **unit_context(certification.certified_at),
        "certification": certification,
        "dossier": certification.dossier,
        "image": image,
        "attached": bool(attachments),
        "qr": qr_data_uri(verification),
    }
    return html_to_pdf(render_to_string("documents/certified_copy.html", context),
                       attachments=attachments)
