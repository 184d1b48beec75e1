"""Small builders for intake tests (factories, not fixtures)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import UserFactory
from thanhsen.roles import Role

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf(name="giay-to.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def resident(**kwargs):
    values = dict(role=Role.RESIDENT, phone="0912345678", email="an@example.vn")
    values.update(kwargs)
    return UserFactory(**values)
