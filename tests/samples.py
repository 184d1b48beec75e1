"""Real files for upload tests: the content checks parse them whole, so a header is not enough."""

import io

from PIL import Image
from pypdf import PdfWriter


def pdf_bytes() -> bytes:
    """A one-page PDF that any reader opens."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(kind: str = "PNG", size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format=kind)
    return buffer.getvalue()


PDF = pdf_bytes()
PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")
