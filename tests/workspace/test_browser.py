"""The workspace in Debian's Chromium: the four journeys of the issue, each with a screenshot."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Authorisation, Dossier, Status
from tests.factories import dossier_in
from tests.workspace.helpers import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "matkhau-thu-nghiem"


def login(page, live_server, user):
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/lam-viec/**")


@pytest.fixture
def desktop(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    return page


@pytest.mark.pdf
def test_counter_receives_a_direct_dossier_and_opens_the_receipt(
    desktop, live_server, catalogue, counter, screenshot
):
    page = desktop
    login(page, live_server, counter)
    page.click("text=Tiếp nhận")
    page.fill("#q", "ket hon")
    page.locator(".procedure-link", has_text="Đăng ký kết hôn").click()
    assert page.evaluate("document.activeElement.id") == "id_applicant_name"
    page.keyboard.type("Trần Thị Bích")
    page.fill("#id_id_number", "042195001122")
    page.fill("#id_phone", "0915112233")
    page.fill("#id_address", "Số 9, đường Hà Huy Tập, phường Thành Sen")
    page.check(f"#id_doc_{catalogue.civil.documents.get().pk}_present")
    screenshot("intake-form")
    page.click("button[value=receive]")
    page.wait_for_selector(".confirmation__code")
    dossier = Dossier.objects.get()
    assert page.inner_text(".confirmation__code") == dossier.code
    assert "Hẹn trả kết quả" in page.inner_text(".confirmation")
    screenshot("confirmation")
    href = page.get_attribute("text=In giấy tiếp nhận (Mẫu 01)", "href")
    receipt = page.request.get(live_server.url + href)
    assert receipt.headers["content-type"] == "application/pdf"
    assert dossier.code in pdf_text(receipt.body()) and "Trần Thị Bích" in pdf_text(receipt.body())


def test_handler_takes_the_dossier_and_requests_a_supplement(
    desktop, live_server, catalogue, counter, handler, screenshot
):
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    page = desktop
    login(page, live_server, handler)
    page.click("[data-queue=to_take]")
    page.click(f"text={dossier.code}")
    page.click("summary:has-text('Nhận xử lý')")
    page.click("button:has-text('Xác nhận: Nhận xử lý')")
    page.wait_for_selector("text=Đã thực hiện: Nhận xử lý.")
    page.click("summary:has-text('Yêu cầu bổ sung (Mẫu 02)')")
    page.fill("#id_request_supplement-reason", "Bổ sung bản sao giấy xác nhận tình trạng hôn nhân.")
    page.click("button:has-text('Xác nhận: Yêu cầu bổ sung')")
    page.wait_for_selector("text=Đã thực hiện: Yêu cầu bổ sung (Mẫu 02).")
    assert "Yêu cầu bổ sung giấy tờ" in page.inner_text(".dossier-tags")
    screenshot("supplement-requested")
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED and dossier.handler == handler


def test_director_approves_under_delegation(desktop, live_server, catalogue, counter, handler,
                                            director, leader, screenshot):
    today = timezone.localdate()
    Authorisation.objects.create(
        authoriser=leader, authorised=director, procedure_codes=[catalogue.civil.root_code],
        valid_from=today - timedelta(days=1), valid_until=today + timedelta(days=90),
        document_number="27/QĐ-UBND",
    )
    dossier = dossier_in("awaiting_approval", procedure=catalogue.civil, counter=counter, handler=handler)
    page = desktop
    login(page, live_server, director)
    page.click("[data-queue=awaiting_approval]")
    page.click(f"text={dossier.code}")
    assert "Bạn ký theo ủy quyền" in page.inner_text(".actions")
    page.click("summary:has-text('Phê duyệt, ký')")
    page.click("button:has-text('Xác nhận: Phê duyệt, ký')")
    page.wait_for_selector("text=Đã thực hiện: Phê duyệt, ký.")
    assert "văn bản số 27/QĐ-UBND" in page.inner_text("main")
    screenshot("approved-under-delegation")
    dossier.refresh_from_db()
    assert dossier.status == Status.RESOLVED and dossier.decided_under.document_number == "27/QĐ-UBND"


def test_counter_returns_the_result(desktop, live_server, catalogue, counter, screenshot):
    dossier = dossier_in("resolved", procedure=catalogue.civil, counter=counter)
    page = desktop
    login(page, live_server, counter)
    page.click("[data-queue=ready_to_return]")
    page.click(f"text={dossier.code}")
    page.click("summary:has-text('Trả kết quả')")
    page.check("input[name=return_result-method][value=in_person]")
    page.fill("#id_return_result-collected_by", "Nguyễn Văn An")
    screenshot("return-form")
    page.click("button:has-text('Xác nhận: Trả kết quả')")
    page.wait_for_selector("text=Đã thực hiện: Trả kết quả.")
    assert "Đã trả kết quả" in page.inner_text(".dossier-tags")
    screenshot("returned")
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and dossier.collected_by == "Nguyễn Văn An"
