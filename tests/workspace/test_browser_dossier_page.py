"""The staff dossier page in Debian's Chromium, as counter officers and handlers meet it:
the resident's declaration, the payment state, a history that reads."""

import pytest

from intake import services as intake_services
from tests.factories import applicant, dossier_in
from tests.workspace.helpers import pdf_text
from tests.workspace.test_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARRIAGE_FORM = [
    {"name": "groom_name", "label": "Họ, chữ đệm, tên bên nam", "type": "text", "required": True},
    {"name": "wedding_date", "label": "Ngày dự kiến tổ chức", "type": "date"},
    {"name": "residence", "label": "Nơi cư trú", "type": "choice", "choices": ["Thành Sen", "Khác"]},
]


@pytest.fixture
def desktop(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    return page


def _online_dossier(procedure, resident, form_data):
    procedure.form_fields = MARRIAGE_FORM
    procedure.save(update_fields=["form_fields"])
    document = procedure.documents.get()
    return intake_services.online_submit(
        user=resident, procedure=procedure, applicant=applicant(), form_data=form_data,
        files={document: None},
    )


@pytest.mark.pdf
def test_counter_reads_the_residents_declaration_on_the_page_and_the_control_sheet(
    desktop, live_server, catalogue, counter, resident, screenshot
):
    dossier = _online_dossier(catalogue.civil, resident, {
        "groom_name": "Trần Văn Bình", "wedding_date": "2026-12-20", "residence": "Thành Sen",
    })
    page = desktop
    login(page, live_server, counter)
    page.goto(f"{live_server.url}/lam-viec/ho-so/{dossier.code}/")
    declaration = page.locator("section", has=page.get_by_role("heading", name="Tờ khai điện tử"))
    screenshot("declaration")
    rows = declaration.locator("dt").all_inner_texts(), declaration.locator("dd").all_inner_texts()
    assert rows == (["Họ, chữ đệm, tên bên nam", "Ngày dự kiến tổ chức", "Nơi cư trú"],
                    ["Trần Văn Bình", "20/12/2026", "Thành Sen"])
    page.click("summary:has-text('Tiếp nhận')")
    page.click("button:has-text('Xác nhận: Tiếp nhận')")
    page.wait_for_selector("text=Đã thực hiện: Tiếp nhận.")
    sheet = page.request.get(f"{live_server.url}/lam-viec/ho-so/{dossier.code}/bieu-mau/mau-06.pdf")
    text = pdf_text(sheet.body())
    assert "Tờ khai điện tử" in text and "Họ, chữ đệm, tên bên nam: Trần Văn Bình" in text
