"""Small builders for intake tests (factories, not fixtures)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import UserFactory
from tests.samples import PDF, PNG  # noqa: F401 - the intake tests' sample files
from thanhsen.roles import Role


def pdf(name="giay-to.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def resident(**kwargs):
    values = dict(role=Role.RESIDENT, phone="0912345678", email="an@example.vn")
    values.update(kwargs)
    return UserFactory(**values)
