"""The submission form keeps the files it accepted when another is refused (issue 18, item 9)."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Dossier, RequiredDocument
from intake.models import DraftFile
from tests.factories import Catalogue, ProcedureFactory, UserFactory
from tests.intake.helpers import PDF
from thanhsen.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOT_A_SCAN = b"<html><script>alert(1)</script></html>"


def test_a_refused_file_is_named_and_the_accepted_ones_are_kept(live_server, page, screenshot):
    catalogue = Catalogue.build()
    procedure = ProcedureFactory(code="1.001193.000.00.00.H27", name="Thủ tục đăng ký khai sinh",
                                 with_documents=False, department=catalogue.civil_office,
                                 form_fields=[])
    RequiredDocument.objects.create(procedure=procedure, name="Giấy chứng sinh",
                                    copy_type="original", position=1)
    RequiredDocument.objects.create(procedure=procedure, name="Giấy đăng ký kết hôn",
                                    copy_type="copy", position=2)
    UserFactory(role=Role.RESIDENT, username="0912345678", phone="0912345678",
                last_name="Nguyễn", first_name="Văn An", password="Sen-hong-2026")

    page.goto(f"{live_server.url}/dang-nhap/?next=/thu-tuc/{procedure.code}/nop/")
    page.get_by_label("Tên đăng nhập").fill("0912345678")
    page.get_by_label("Mật khẩu").fill("Sen-hong-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_label("Số định danh cá nhân").fill("042090001234")
    page.get_by_label("Địa chỉ").fill("Số 5 Phan Đình Phùng, phường Thành Sen")
    page.get_by_label("Giấy chứng sinh").set_input_files(
        files=[{"name": "giay-chung-sinh.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_label("Giấy đăng ký kết hôn").set_input_files(
        files=[{"name": "ket-hon.pdf", "mimeType": "application/pdf", "buffer": NOT_A_SCAN}])
    page.get_by_label(re.compile("Tôi cam đoan")).check()
    page.get_by_role("button", name="Nộp hồ sơ").click()

    expect(page.locator(".error-summary")).to_contain_text("ket-hon.pdf")
    expect(page.locator("main")).to_contain_text(
        "Đã nhận tệp “giay-chung-sinh.pdf”. Chỉ chọn tệp khác nếu muốn thay.")
    screenshot("refused-one-kept-one")
    assert list(DraftFile.objects.values_list("original_name", flat=True)) == ["giay-chung-sinh.pdf"]

    # Only the refused file is chosen again; the accepted one is not asked for.
    page.get_by_label("Giấy đăng ký kết hôn").set_input_files(
        files=[{"name": "ket-hon.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_label(re.compile("Tôi cam đoan")).check()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_role("heading", name="Đã nộp hồ sơ")).to_be_visible()
    dossier = Dossier.objects.get()
    assert sorted(d.required_document.name for d in dossier.documents.all()) == [
        "Giấy chứng sinh", "Giấy đăng ký kết hôn"]
