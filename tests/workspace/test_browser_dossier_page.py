"""The staff dossier page in Debian's Chromium, as counter officers and handlers meet it:
the resident's declaration, the payment state, a history that reads."""

import pytest

from intake.online import services as intake_services
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


def test_a_fee_is_collected_at_the_counter_before_the_result_goes_out(
    desktop, live_server, catalogue, counter, screenshot
):
    """A counter-received land dossier with its 30.000 đ fee: shown unpaid, listed at the cash
    desk, refused at return until collected, then shown paid in cash."""
    dossier = dossier_in("resolved", procedure=catalogue.land, counter=counter)
    page = desktop
    login(page, live_server, counter)
    page.click("[data-queue=ready_to_return]")
    assert "Chưa nộp phí" in page.inner_text(f"tr:has-text('{dossier.code}')")
    page.click(f"text={dossier.code}")
    assert "30.000 đ" in page.inner_text("#fee-state") and "Chưa nộp" in page.inner_text("#fee-state")
    page.click("summary:has-text('Trả kết quả')")
    page.check("input[name=return_result-method][value=in_person]")
    page.fill("#id_return_result-collected_by", "Nguyễn Văn An")
    page.click("button:has-text('Xác nhận: Trả kết quả')")
    refusal = page.inner_text(".messages")
    screenshot("return-refused")
    assert "phí, lệ phí 30.000 đ" in refusal and "chưa nộp" in refusal
    dossier.refresh_from_db()
    assert dossier.returned_at is None

    page.goto(f"{live_server.url}/can-bo/thu-phi/")
    row = page.locator("tr", has_text=dossier.code)
    row.locator("button:has-text('Thu tiền mặt')").click()
    page.wait_for_selector(f"text=Đã ghi nhận thu tiền mặt 30.000 đồng cho hồ sơ {dossier.code}.")
    page.goto(f"{live_server.url}/lam-viec/ho-so/{dossier.code}/")
    assert "Đã nộp" in page.inner_text("#fee-state") and "Tiền mặt" in page.inner_text("#fee-state")
    page.click("summary:has-text('Trả kết quả')")
    page.check("input[name=return_result-method][value=in_person]")
    page.fill("#id_return_result-collected_by", "Nguyễn Văn An")
    page.click("button:has-text('Xác nhận: Trả kết quả')")
    page.wait_for_selector("text=Đã thực hiện: Trả kết quả.")
    screenshot("returned-after-payment")


def test_history_folds_page_views_and_says_who_took_the_dossier(
    desktop, live_server, catalogue, counter, handler, screenshot
):
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    page = desktop
    login(page, live_server, handler)
    page.goto(f"{live_server.url}/lam-viec/ho-so/{dossier.code}/")
    page.click("summary:has-text('Nhận xử lý')")
    page.click("button:has-text('Xác nhận: Nhận xử lý')")
    page.wait_for_selector("text=Đã thực hiện: Nhận xử lý.")
    for _ in range(3):
        page.reload()
    history = page.locator(".timeline")
    entries = history.locator(":scope > li")
    texts = entries.all_inner_texts()
    screenshot("history")
    views = [text for text in texts if "Xem thông tin cá nhân" in text]
    # The handler's five page loads fold into one line; the views stay listed inside it.
    assert len(views) == 1 and "5 lượt" in views[0]
    folded = history.locator("details:has-text('Xem thông tin cá nhân')")
    assert not folded.locator(".timeline__views").is_visible()
    folded.locator("summary").click()
    assert folded.locator(".timeline__views li").count() == 5
    taken = [text for text in texts if str(handler.last_name) in text and "Đang xử lý" in text]
    assert taken and taken[0].startswith("Nhận xử lý"), texts


def test_the_notification_log_names_each_kind(desktop, live_server, catalogue, counter, resident,
                                             tasks_in_process):
    dossier = dossier_in("received", procedure=catalogue.civil, resident=resident, counter=counter)
    page = desktop
    login(page, live_server, counter)
    page.goto(f"{live_server.url}/can-bo/thong-bao/")
    kinds = page.locator(f"tr:has-text('{dossier.code}') td:nth-child(3)").all_inner_texts()
    assert kinds and "received" not in kinds and "submitted" not in kinds
    assert "Đã tiếp nhận" in kinds


def test_the_second_supplement_request_is_not_offered(desktop, live_server, catalogue, counter,
                                                      handler):
    from cases import actions as case_actions

    dossier = dossier_in("supplement_requested", procedure=catalogue.civil, counter=counter,
                         handler=handler)
    case_actions.dossier_supplement(dossier=dossier, actor=counter)
    page = desktop
    login(page, live_server, handler)
    page.goto(f"{live_server.url}/lam-viec/ho-so/{dossier.code}/")
    actions = page.locator(".actions summary").all_inner_texts()
    assert "Trình ký" in actions
    assert not [label for label in actions if label.startswith("Yêu cầu bổ sung")]


def _tab_to(page, text: str, limit: int = 80) -> None:
    """Press Tab until the focused element reads ``text`` (as a keyboard user moves)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if text in page.evaluate("document.activeElement.innerText || ''"):
            return
    raise AssertionError(f"{text!r} cannot be reached with the keyboard")


def test_a_handler_takes_a_dossier_and_reads_its_history_with_the_keyboard_alone(
    desktop, live_server, catalogue, counter, handler
):
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    page = desktop
    login(page, live_server, handler)
    page.goto(f"{live_server.url}/lam-viec/ho-so/{dossier.code}/")
    _tab_to(page, "Nhận xử lý")
    page.keyboard.press("Enter")
    _tab_to(page, "Xác nhận: Nhận xử lý")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Đã thực hiện: Nhận xử lý.")
    _tab_to(page, "Xem thông tin cá nhân")
    page.keyboard.press("Enter")
    assert page.locator(".timeline__views").first.is_visible()
