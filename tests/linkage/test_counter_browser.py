"""The counter files a death bundle from ``/tiep-nhan/`` like any procedure, with its receipt."""

import pytest
from django.core.cache import cache

from cases.models import DossierEvent, Status
from linkage.models import Bundle
from tests.conftest import ARTIFACTS
from tests.linkage.support import (
    DEATH_REGISTRATION,
    FUNERAL_SUPPORT,
    RESIDENCE_DELETION,
    load_catalogue,
)
from tests.workspace.helpers import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.pdf, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _login(page, live_server, client, user):
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


def _fill_applicant(page):
    page.fill("#id_applicant_name", "Phan Văn Lộc")
    page.fill("#id_id_number", "042170003344")
    page.fill("#id_phone", "0915223344")
    page.fill("#id_address", "Số 4, đường Xuân Diệu, phường Thành Sen")
    for box in page.locator("input[name^=doc_]").all():
        box.check()


def test_counter_files_a_death_bundle_and_prints_its_receipt(page, live_server, client, screenshot):
    people = load_catalogue()
    _login(page, live_server, client, people.counter)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/tiep-nhan/")
    screenshot("picker")
    page.locator(".procedure-link", has_text="Liên thông đăng ký khai tử").click()

    _fill_applicant(page)
    page.get_by_label("Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội").check()
    page.get_by_label("Người mất từ 80 tuổi trở lên, đang hưởng trợ cấp tuất hằng tháng").check()
    screenshot("form")
    page.click("main button[type=submit]")
    page.wait_for_selector(".confirmation__code")

    bundle = Bundle.objects.select_related("dossier").get()
    assert page.inner_text(".confirmation__code") == bundle.dossier.code
    assert bundle.dossier.status == Status.RECEIVED
    assert [s.procedure.code for s in bundle.steps.order_by("position")] == [
        DEATH_REGISTRATION, RESIDENCE_DELETION, FUNERAL_SUPPORT]
    created = DossierEvent.objects.get(dossier=bundle.dossier, action="bundle_create")
    assert created.payload["deceased_elderly_with_allowance"] is True
    screenshot("confirmation")

    href = page.get_attribute("text=In giấy tiếp nhận (Mẫu 01)", "href")
    pdf = page.request.get(live_server.url + href).body()
    (ARTIFACTS / "screenshots" / "bundle-receipt.pdf").write_bytes(pdf)  # kept to look at
    receipt = pdf_text(pdf)
    assert "Liên thông đăng ký khai tử" in " ".join(receipt.split())
    assert "Hỗ trợ chi phí mai táng" in " ".join(receipt.split())
    assert "Xóa đăng ký thường trú" in " ".join(receipt.split())
    assert f"{bundle.time_limit} ngày làm việc" in receipt
    first_paper = bundle.dossier.documents.order_by("pk").first().name
    assert first_paper[:30] in " ".join(receipt.split())


def test_a_death_bundle_of_five_procedures_is_refused_with_a_message_and_loses_nothing(
    page, live_server, client
):
    people = load_catalogue()
    _login(page, live_server, client, people.counter)
    page.goto(f"{live_server.url}/tiep-nhan/lien-thong/death/")
    _fill_applicant(page)
    for box in page.locator("input[name=chosen_procedures]").all():
        box.check()
    page.click("main button[type=submit]")
    page.wait_for_selector(".field__error, .error-summary")

    assert "phải gồm 2, 3, 4 thủ tục; bạn đã chọn 5" in page.inner_text("main")
    assert page.input_value("#id_applicant_name") == "Phan Văn Lộc"
    assert page.locator("input[name=chosen_procedures]:checked").count() == 3
    assert not Bundle.objects.exists()


def test_the_birth_bundle_asks_about_verification_not_beneficiaries(page, live_server, client):
    people = load_catalogue()
    _login(page, live_server, client, people.counter)
    page.goto(f"{live_server.url}/tiep-nhan/")
    page.locator(".procedure-link", has_text="Liên thông đăng ký khai sinh").click()
    assert page.get_by_label("Cần xác minh nơi cư trú").is_visible()
    assert page.locator("#id_deceased_elderly_with_allowance").count() == 0
    _fill_applicant(page)
    page.click("main button[type=submit]")
    page.wait_for_selector(".confirmation__code")
    assert Bundle.objects.get().kind.code == "birth"


def test_a_handler_may_not_file_a_bundle(client):
    people = load_catalogue()
    client.force_login(people.handler)
    response = client.get("/tiep-nhan/lien-thong/death/")
    assert response.status_code == 403
    assert "Chỉ cán bộ tiếp nhận và Giám đốc Trung tâm được tiếp nhận hồ sơ." in response.content.decode()
