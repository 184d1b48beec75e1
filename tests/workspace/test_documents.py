"""The official forms as PDFs, read back with pdftotext: codes, names and dates."""

import base64
import io
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
import qrcode
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from cases import actions
from cases.catalogue_import import DEFAULT_CATALOGUE
from cases.models import Procedure
from intake.documents.render import QR_MASK_PATTERN, lookup_url, qr_data_uri
from intake.tokens import code_from_status_token
from tests.factories import dossier_in, mandatory_papers
from tests.workspace.helpers import pdf_pages, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]


def form(client, dossier, key):
    return client.get(reverse("intake:document", args=[dossier.code, key]))


def test_receipt_carries_code_names_dates_and_register_entry(client, catalogue, counter):
    first = dossier_in("received", procedure=catalogue.civil, counter=counter)
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    client.force_login(counter)
    response = form(client, dossier, "mau-01")
    assert response["Content-Type"] == "application/pdf"
    content = pdf_text(response.content)
    received = timezone.localtime(dossier.received_at)
    due = timezone.localtime(dossier.initial_due_at)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in content
    assert dossier.code in content and first.code not in content
    assert "Nguyễn Văn An" in content and "Tờ khai" in content
    assert f"{received:%H} giờ {received:%M} phút, ngày {received:%d/%m/%Y}" in content
    assert f"{due:%H} giờ {due:%M} phút, ngày {due:%d/%m/%Y}" in content
    assert "Số: 2/TNHS" in content and "số thứ tự 2" in content


def test_receipt_fits_one_a5_page_for_the_longest_procedure_in_the_catalogue(
    client, catalogue, counter
):
    entries = json.loads(DEFAULT_CATALOGUE.read_text())
    longest = max(entries["procedures"], key=lambda p: len(p["name"]) + sum(
        len(d["name"]) for d in p["documents"]))
    Procedure.objects.filter(pk=catalogue.land.pk).update(name=longest["name"])
    dossier = actions.dossier_create(
        procedure_code=catalogue.land.code, channel="direct", actor=counter, receive=True,
        applicant=actions.Applicant(
            name="Nguyễn Thị Bích Ngọc Hoàng Phương", id_number="042190000001", phone="0912345678",
            email="bich.ngoc.hoang.phuong@example.vn",
            address="Số 128, ngõ 45, đường Trần Phú, tổ dân phố 7, phường Thành Sen, tỉnh Hà Tĩnh"),
        documents=mandatory_papers(catalogue.land) + [
            actions.SubmittedDocument(name=d["name"], copy_type=d["copy_type"])
            for d in longest["documents"]],
    )
    client.force_login(counter)
    content = form(client, dossier, "mau-01").content
    assert pdf_pages(content) == 1
    text = pdf_text(content)
    assert " ".join(longest["documents"][-1]["name"].split()[:3]) in text
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text and "Giấy này lập thành 02 bản" in text


def test_receipt_qr_leads_to_the_status_page():
    url = lookup_url("TSHT-260225-0042", base_url="https://motcua.example.vn/")
    token = url.split("?t=")[1]
    assert url.startswith(f"https://motcua.example.vn{reverse('intake:lookup')}?t=")
    assert code_from_status_token(token) == "TSHT-260225-0042"
    assert qr_data_uri(url).startswith("data:image/png;base64,")


def test_receipt_qr_image_is_the_libraries_code_one_pixel_per_module():
    url = lookup_url("TSHT-260225-0042", base_url="https://motcua.example.vn/")
    image = Image.open(io.BytesIO(base64.b64decode(qr_data_uri(url).split(",", 1)[1]))).convert("L")
    code = qrcode.QRCode(border=1, mask_pattern=QR_MASK_PATTERN)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    assert image.size == (len(matrix), len(matrix))
    assert [[image.getpixel((x, y)) == 0 for x in range(image.width)] for y in range(image.height)] == matrix


@pytest.mark.parametrize("key", ["mau-02", "mau-04", "mau-05"])
def test_a_form_that_does_not_apply_yet_is_404(client, catalogue, counter, key):
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    client.force_login(counter)
    assert form(client, dossier, key).status_code == 404


def test_supplement_refusal_apology_stop_and_control_sheet(client, catalogue, counter, handler, leader):
    dossier = dossier_in("in_progress", procedure=catalogue.land, counter=counter)
    land = dossier.handler
    actions.dossier_request_supplement(dossier=dossier, actor=land, reason="Thiếu sơ đồ thửa đất")
    new_due = dossier.due_at + timedelta(days=7)
    actions.dossier_extend(dossier=dossier, actor=land, new_due_at=new_due, reason="Chờ đo đạc")
    actions.dossier_stop(dossier=dossier, actor=counter, reason="Công dân rút hồ sơ")
    refused = dossier_in("not_accepted", procedure=catalogue.civil, counter=counter)
    client.force_login(counter)
    assert "Thiếu sơ đồ thửa đất" in pdf_text(form(client, dossier, "mau-02").content)
    apology = pdf_text(form(client, dossier, "mau-04").content)
    assert "Chờ đo đạc" in apology and timezone.localtime(new_due).strftime("%d/%m/%Y") in apology
    assert "Công dân rút hồ sơ" in pdf_text(form(client, dossier, "mau-05").content)
    assert "Không thuộc thẩm quyền" in pdf_text(form(client, refused, "mau-03").content)
    sheet = pdf_text(form(client, dossier, "mau-06").content)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH" in sheet and dossier.code in sheet
    assert "Tiếp nhận, cấp giấy hẹn" in sheet and "Trước hạn" in sheet


def _queries_for(client, dossier, key) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert form(client, dossier, key).status_code == 200
    return len(queries.captured_queries)


def test_a_form_takes_the_same_queries_however_long_the_dossier(client, catalogue, counter):
    """No query per document on the receipt, nor per hand-off on the control sheet."""
    short = dossier_in("received", procedure=catalogue.civil, counter=counter)
    long = actions.dossier_create(
        procedure_code=catalogue.civil.code, channel="direct", actor=counter, receive=True,
        applicant=actions.Applicant(name="Trần Thị Bình", id_number="042190000002",
                                     phone="0912000111", address="Thành Sen"),
        documents=mandatory_papers(catalogue.civil) + [
            actions.SubmittedDocument(name=f"Giấy tờ {i}", copy_type="copy") for i in range(6)],
    )
    returned = dossier_in("returned", procedure=catalogue.civil, counter=counter)
    client.force_login(counter)
    # The officer's first signature records their certificate, once: not a cost per form.
    form(client, returned, "mau-01")
    assert _queries_for(client, short, "mau-01") == _queries_for(client, long, "mau-01")
    assert _queries_for(client, short, "mau-06") == _queries_for(client, returned, "mau-06")


def test_register_lists_the_range_in_order_of_receipt(client, catalogue, counter):
    a = dossier_in("received", procedure=catalogue.civil, counter=counter)
    b = dossier_in("returned", procedure=catalogue.civil, counter=counter)
    today = timezone.localdate()
    client.force_login(counter)
    response = client.get(reverse("intake:register_book"), {"tu": today.isoformat(), "den": today.isoformat(), "pdf": "1"})
    content = pdf_text(response.content)
    assert "SỔ THEO DÕI HỒ SƠ" in content
    assert content.index(a.code) < content.index(b.code)
    bad = client.get(reverse("intake:register_book"), {"tu": "2026-02-30", "pdf": "1"})
    assert bad.status_code == 400 and "Ngày không hợp lệ" in bad.content.decode()


def test_an_outsider_cannot_print_forms(client, catalogue, counter, outsider):
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    client.force_login(outsider)
    assert form(client, dossier, "mau-01").status_code == 404


def test_every_element_of_the_official_forms_has_its_defaults_in_the_forms_user_agent_sheet():
    """The forms are laid out without WeasyPrint's HTML5 sheet; an element it alone styled
    (a list, a heading level, a link) would silently lose its look."""
    from django.conf import settings

    from intake.documents.render import FORMS_UA_CSS

    templates = Path(settings.BASE_DIR, "templates", "documents")
    form_templates = [*templates.glob("mau_*.html"), templates / "base.html",
                      templates / "_qr.html", templates / "_code_qr.html"]
    used = {tag for path in form_templates for tag in re.findall(r"<([a-z][a-z0-9]*)", path.read_text())}
    sheet = re.sub(r"/\*.*?\*/", "", FORMS_UA_CSS.read_text(), flags=re.S)
    selectors = " ".join(re.findall(r"([^{}]*)\{[^{}]*\}", sheet))
    styled = set(re.findall(r"(?<![-.\w@:[])([a-z][a-z0-9]*)", selectors))
    inline_by_default = {"span", "img"}
    assert used - inline_by_default <= styled, used - inline_by_default - styled
