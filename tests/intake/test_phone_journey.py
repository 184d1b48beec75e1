"""A resident on a phone: submit online → the counter receives → "Đã tiếp nhận" and a
notification → result → rating. iPhone-size viewport, screenshots under artifacts/."""

import json
import re

import pytest
from playwright.sync_api import expect

from cases import actions as case_actions
from cases.models import Dossier, RequiredDocument
from intake.models import Notification, Rating
from tests.factories import Catalogue, ProcedureFactory, UserFactory
from tests.intake.helpers import PDF
from thanhsen.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 390, "height": 844},
            "device_scale_factor": 1, "is_mobile": True, "has_touch": True, "locale": "vi-VN"}


def test_submit_receive_result_rate_on_a_phone(live_server, page, screenshot, settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path
    catalogue = Catalogue.build()
    procedure = ProcedureFactory(
        code="1.001193.000.00.00.H27", name="Thủ tục đăng ký khai sinh", with_documents=False,
        department=catalogue.civil_office,
        form_fields=[
            {"name": "child_name", "label": "Họ, chữ đệm, tên người được khai sinh", "type": "text",
             "required": True},
            {"name": "child_sex", "label": "Giới tính", "type": "choice", "choices": ["Nam", "Nữ"],
             "required": True},
        ],
    )
    RequiredDocument.objects.create(procedure=procedure, name="Giấy chứng sinh", copy_type="original")
    UserFactory(role=Role.RESIDENT, username="0912345678", phone="0912345678",
                email="an@example.vn", last_name="Nguyễn", first_name="Văn An",
                password="Sen-hong-2026")
    counter = UserFactory(role=Role.COUNTER_OFFICER, department=catalogue.center)
    handler = UserFactory(role=Role.HANDLING_OFFICER, department=catalogue.civil_office)
    signer = UserFactory(role=Role.WARD_LEADER)

    page.goto(f"{live_server.url}/dang-nhap/?next=/thu-tuc/")
    page.get_by_label("Tên đăng nhập").fill("0912345678")
    page.get_by_label("Mật khẩu").fill("Sen-hong-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Nộp hồ sơ trực tuyến")).to_be_visible()
    screenshot("1-catalogue")

    page.get_by_role("link", name="Thủ tục đăng ký khai sinh").click()
    page.get_by_role("button", name="Nộp hồ sơ").click()  # empty: the error summary takes focus
    expect(page.locator(".error-summary")).to_be_focused()
    screenshot("2-errors")
    page.get_by_label("Số định danh cá nhân").fill("042090001234")
    page.get_by_label("Địa chỉ").fill("Số 5 Phan Đình Phùng, phường Thành Sen")
    page.get_by_label("Họ, chữ đệm, tên người được khai sinh").fill("Nguyễn Minh Khôi")
    page.get_by_label("Giới tính").select_option("Nam")
    page.get_by_label("Giấy chứng sinh").set_input_files(
        files=[{"name": "giay-chung-sinh.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_label(re.compile("Tôi cam đoan")).check()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_role("heading", name="Đã nộp hồ sơ")).to_be_visible()
    dossier = Dossier.objects.get()
    expect(page.get_by_text(dossier.code, exact=True)).to_be_visible()
    screenshot("3-submitted")

    case_actions.dossier_receive(dossier=dossier, actor=counter)
    page.goto(f"{live_server.url}/ho-so-cua-toi/{dossier.code}/")
    expect(page.locator(".status-card__headline")).to_have_text("Đã tiếp nhận")
    screenshot("4-received")
    sms = [json.loads(line) for path in tmp_path.glob("*.jsonl") for line in path.read_text().splitlines()]
    assert any("đã được tiếp nhận" in m["text"] and m["to"] == "0912345678" for m in sms)
    assert Notification.objects.filter(dossier=dossier, kind="received", status="sent").count() == 2

    dossier = case_actions.dossier_assign(dossier=dossier, actor=counter, handler=handler)
    dossier = case_actions.dossier_submit_for_approval(dossier=dossier, actor=handler)
    dossier = case_actions.dossier_approve(dossier=dossier, actor=signer)
    page.reload()
    expect(page.locator(".status-card__headline")).to_have_text("Đã có kết quả")
    screenshot("5-result")

    case_actions.dossier_return_result(dossier=dossier, actor=counter)
    page.get_by_role("button", name="Đăng xuất").click()
    page.goto(f"{live_server.url}/tra-cuu/")
    page.get_by_label("Mã hồ sơ").fill(dossier.code)
    page.get_by_label("4 số cuối điện thoại hoặc số định danh").fill("5678")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.locator(".status-card__headline")).to_have_text("Đã trả kết quả")
    screenshot("6-lookup")
    page.get_by_role("link", name="Đánh giá mức độ hài lòng").click()
    for legend, choice in [("Thời gian giải quyết", "Trước hoặc đúng hẹn"),
                           ("Số lần phải đi lại", "Không phải đến hoặc 1 lần"),
                           ("Số cơ quan phải liên hệ", "Chỉ Trung tâm"),
                           ("Thái độ của cán bộ", "Tận tình, chu đáo"),
                           ("Công khai thủ tục, phí", "Đầy đủ, dễ tìm"),
                           ("Mức hài lòng chung", "Hài lòng")]:
        page.get_by_role("group", name=legend).get_by_label(choice, exact=True).check()
    page.get_by_label("Góp ý thêm").fill("Nhanh, không phải đi lại.")
    screenshot("7-rating")
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_role("heading", name="Cảm ơn bạn đã đánh giá")).to_be_visible()
    assert Rating.objects.get().overall_score == 2
