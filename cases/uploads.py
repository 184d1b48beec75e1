"""Uploaded scans: what a file is comes from its whole content, what it is called comes from us.

A resident once uploaded ``x.html`` whose bytes began with ``%PDF-``: a check of the first
bytes let it through, the stored name kept ``.html`` and the download served it as a web page
in the officer's session. So, in depth:

- the type is decided from the content, fully: a PDF must parse as one (pypdf reads its
  cross-reference table and trailer and finds at least one page), an image must decode
  (Pillow), and only PDF, JPEG and PNG are accepted; the name and the browser's claimed type
  are ignored;
- the file is stored under a random name with the extension of the type we decided
  (``ScanPath``), never the uploader's name; that name, stripped of any path, is kept only for
  display (``display_name``);
- every stored upload is served by ``upload_response``, which decides the type from the
  content again (files stored before these checks included) and sends anything it cannot verify
  as an attachment of unknown type, never inline.

Counter and online intake, the result file and the certified-copy scan share these checks.
"""

from __future__ import annotations

import secrets
import unicodedata
import warnings
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from thanhsen.files import protect_file_response

#: The largest scan accepted, per file (a 20-page A4 scan at 200 dpi fits comfortably).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024

#: Above this many pixels an image is refused before it is decoded (an A4 page at 600 dpi is
#: 35 million); a small file can claim a huge image and exhaust memory when decoded.
MAX_IMAGE_PIXELS = 60_000_000

#: The accepted types and the extension a stored file of each type gets.
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
_PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}


def sniff_content_type(head: bytes) -> str | None:
    """The type the first bytes claim (one of the accepted three), or None: a hint, not proof."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def detect_content_type(file) -> str | None:
    """The type the whole content proves the file is (one of ``EXTENSIONS``), or None.

    The file position is restored for whoever reads it next.
    """
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        claimed = sniff_content_type(file.read(16))
        if claimed is None:
            return None
        file.seek(0)
        proved = _is_pdf(file) if claimed == "application/pdf" else _is_image(file, claimed)
        return claimed if proved else None
    finally:
        file.seek(position)


def _is_pdf(file) -> bool:
    from pypdf import PdfReader

    try:
        return len(PdfReader(file, strict=False).pages) > 0
    except Exception:  # noqa: BLE001 - any failure to parse untrusted bytes means "not a PDF"
        return False


def _is_image(file, content_type: str) -> bool:
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                if image.format != _PILLOW_FORMATS[content_type]:
                    return False
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    return False
                image.verify()
            file.seek(0)
            with Image.open(file) as image:
                image.load()
        return True
    except Exception:  # noqa: BLE001 - any failure to decode untrusted bytes means "not an image"
        return False


def display_name(name: str) -> str:
    """The uploader's file name as we may show it: no folders, no control characters."""
    base = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return base[:255] or _("tệp không tên")


def shown_name(upload) -> str:
    """How to name ``upload`` to people: the uploader's name, cleaned, also after renaming."""
    return getattr(upload, "display_name", None) or display_name(upload.name)


def stored_name(content_type: str) -> str:
    """A random name with the extension of the type we decided."""
    return f"{secrets.token_hex(16)}{EXTENSIONS.get(content_type, '.bin')}"


def validate_scan(upload, *, max_bytes: int | None = None) -> str:
    """Raise a Vietnamese ``ValidationError`` unless ``upload`` is a PDF/JPEG/PNG within the limit.

    Returns the decided content type. The upload is renamed to a name of ours with that type's
    extension; the uploader's name, cleaned, stays in ``upload.display_name``.
    """
    max_bytes = max_bytes or MAX_UPLOAD_BYTES
    shown = shown_name(upload)
    if upload.size > max_bytes:
        raise ValidationError(
            _("Tệp “%(name)s” lớn hơn giới hạn %(limit)s.")
            % {"name": shown, "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("Tệp “%(name)s” rỗng.") % {"name": shown}, code="empty")
    content_type = detect_content_type(upload)
    if content_type is None:
        raise ValidationError(
            _("Tệp “%(name)s” không phải PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp).")
            % {"name": shown},
            code="content_type",
        )
    upload.display_name = shown
    upload.name = stored_name(content_type)
    return content_type


@deconstructible
class ScanPath:
    """``upload_to`` of every uploaded file: ``<folder>/YYYY/MM/<random><ext>``.

    Whatever name reaches the storage, the stored one is ours: only the extension of an
    accepted type (which ``validate_scan`` gave it) survives, anything else becomes ``.bin``.
    """

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        suffix = PurePosixPath(filename).suffix.lower()
        extension = suffix if suffix in EXTENSIONS.values() else ".bin"
        return f"{self.folder}/{timezone.now():%Y/%m}/{secrets.token_hex(16)}{extension}"

    def __eq__(self, other) -> bool:
        return isinstance(other, ScanPath) and other.folder == self.folder


def upload_response(stored, *, download_name: str) -> FileResponse:
    """Serve a stored upload with the type its content proves, never the type its name implies.

    A verified PDF or image is shown inline; anything else (a file stored before the content
    checks, or damaged since) is an attachment of type ``application/octet-stream``. Either way
    the browser may not sniff another type and the response runs sandboxed
    (``thanhsen.files.protect_file_response``).
    """
    handle = stored.open("rb")
    content_type = detect_content_type(handle)
    extension = EXTENSIONS.get(content_type, ".bin")
    response = FileResponse(
        handle, as_attachment=content_type is None, filename=f"{download_name}{extension}",
        content_type=content_type or "application/octet-stream",
    )
    return protect_file_response(response)
