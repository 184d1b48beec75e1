"""Done when: a dossier filed on the simulated portal is received at the counter in the
browser, processed and returned; the simulator holds its whole history in order; the sync
health page shows it."""

import re

import pytest
from playwright.sync_api import expect

from cases import actions
from cases.models import Status
from linkage.framework import outbound
from linkage.framework.models import InboundItem, MessageState, OutboundMessage
from linkage.portal.sweep import portal_sweep
from tests.factories import UserFactory
from thanhsen.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "matkhau-thu-nghiem"


@pytest.fixture(autouse=True)
def _deliver_at_once(monkeypatch):
    """A worker's job done in the committing thread (Celery eager, as `make run` without Redis)."""
    monkeypatch.setattr(outbound, "_enqueue", outbound.stream_deliver)


def test_a_portal_dossier_received_in_the_browser_reaches_the_portal_in_order(
    page, live_server, catalogue, counter, handler, portal, screenshot
):
    page.set_viewport_size({"width": 1280, "height": 900})
    portal.portal.configure(offer_procedures=[catalogue.civil.code])
    offered = portal.portal.offer()
    portal_sweep()  # beat pulls the offer
    dossier = InboundItem.objects.get(external_id=offered["MaHoSoDVCQG"]).dossier

    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", counter.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/lam-viec/**")
    page.click("[data-queue=to_receive]")
    page.click(f"text={dossier.code}")
    expect(page.locator("main")).to_contain_text("Lê Thị Hoa")
    page.locator("summary", has_text=re.compile(r"^\s*Tiếp nhận\s*$")).click()
    page.click("button:has-text('Xác nhận: Tiếp nhận')")
    page.wait_for_selector("text=Đã thực hiện: Tiếp nhận")
    screenshot("received")

    signer = UserFactory(role=Role.WARD_LEADER, department=catalogue.civil.department)
    dossier.refresh_from_db()
    dossier = actions.dossier_assign(dossier=dossier, actor=counter, handler=handler)
    dossier = actions.dossier_submit_for_approval(dossier=dossier, actor=handler)
    dossier = actions.dossier_approve(dossier=dossier, actor=signer)
    dossier = actions.dossier_return_result(dossier=dossier, actor=counter)
    assert dossier.status == Status.RETURNED
    portal_sweep()  # beat fetches the acknowledgements

    history = portal.portal.history(dossier.code)
    assert [m["SoThuTu"] for m in history] == [1, 2, 3, 4, 5, 6]
    assert [m["TrangThaiHoSo"] for m in history] == [1, 2, 4, 4, 9, 10]
    assert portal.portal.stats()["linked"] == 1
    assert set(OutboundMessage.objects.values_list("state", flat=True)) == {
        MessageState.ACKNOWLEDGED
    }

    page.goto(f"{live_server.url}/lien-thong/cong-dvcqg/")
    assert page.inner_text(".cards .stat:first-child .stat__value") == "0"
    assert "chưa có" not in page.inner_text("dl.facts dd:first-of-type")
    screenshot("health")
    page.goto(f"{live_server.url}/lam-viec/ho-so/{dossier.code}/")
    timeline = page.inner_text("section[aria-labelledby=h-sync]")
    assert "#6 Kết quả" in timeline and "Đã có biên nhận" in timeline
    screenshot("dossier-timeline")


def test_the_counter_transfers_a_dossier_to_its_competent_unit_in_the_browser(
    page, live_server, catalogue, counter, portal, settings, screenshot
):
    settings.TRANSFER_UNITS = {"TSTP": "Phường Trần Phú"}
    portal.portal.configure(transfer_ack_delay=3600)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", counter.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/lam-viec/**")
    page.goto(f"{live_server.url}/tiep-nhan/thu-tuc/{catalogue.civil.code}/")
    page.fill("#id_applicant_name", "Trần Thị Bích")
    page.fill("#id_id_number", "042195001122")
    page.fill("#id_phone", "0915112233")
    page.fill("#id_address", "Thôn 2, xã Hồng Lộc")
    page.check(f"#id_doc_{catalogue.civil.documents.get().pk}_present")
    page.select_option("#id_competent_unit", "TSTP")
    screenshot("intake-form")
    page.click("button[value=receive]")
    page.wait_for_selector(".confirmation__code")
    expect(page.locator(".confirmation")).to_contain_text("chuyển đơn vị có thẩm quyền")
    screenshot("confirmation")
    code = page.inner_text(".confirmation__code")
    page.goto(f"{live_server.url}/lien-thong/cong-dvcqg/chuyen-don-vi/")
    row = page.locator("tr", has_text=code)
    expect(row).to_contain_text("Phường Trần Phú")
    expect(row).to_contain_text("Chờ đơn vị xác nhận")
    screenshot("transfers")
    assert [m["LoaiThongDiep"] for m in portal.portal.history(code)][-1] == "ChuyenHoSo"
