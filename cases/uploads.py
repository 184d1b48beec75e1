"""Checks on uploaded scans: PDF, JPEG or PNG by their first bytes, never by name, and small.

A file named ``to-khai.pdf`` that is really an executable or a web page is refused, whatever
its name or the browser's claimed type. Counter and online intake share this check.
"""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

#: The largest scan accepted, per file (a 20-page A4 scan at 200 dpi fits comfortably).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024

_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def sniff_content_type(head: bytes) -> str | None:
    """The type the bytes really are (one of the accepted three), or None."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def validate_scan(upload, *, max_bytes: int | None = None) -> str:
    """Raise a Vietnamese ``ValidationError`` unless ``upload`` is a PDF/JPEG/PNG within the limit.

    Returns the detected content type. The file position is restored for whoever saves it.
    """
    max_bytes = max_bytes or MAX_UPLOAD_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            _("Tệp “%(name)s” lớn hơn giới hạn %(limit)s.")
            % {"name": upload.name, "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("Tệp “%(name)s” rỗng.") % {"name": upload.name}, code="empty")
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise ValidationError(
            _("Tệp “%(name)s” không phải PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp).")
            % {"name": upload.name},
            code="content_type",
        )
    return content_type
