"""Done when: a land transfer goes to the office, the tax notice arrives, the resident pays, the
result comes back; the land officer follows it in the browser (the queue says what it waits
for, the dossier's panel each hop against its allotment) and downloads the certificate."""

import pytest
from playwright.sync_api import expect

from cases import actions as case_actions
from linkage.framework import outbound
from linkage.land.sweep import land_sweep
from tests.linkage.land_support import land_dossier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "matkhau-thu-nghiem"


@pytest.fixture(autouse=True)
def _deliver_at_once(monkeypatch):
    """A worker's job done in the committing thread (Celery eager, as `make run` without Redis)."""
    monkeypatch.setattr(outbound, "_enqueue", outbound.stream_deliver)


def test_the_land_officer_follows_a_transfer_from_the_office_to_the_certificate(
    page, live_server, catalogue, counter, land_officer, land_systems, screenshot
):
    page.set_viewport_size({"width": 1280, "height": 900})
    dossier = case_actions.dossier_assign(
        dossier=land_dossier(catalogue, counter), actor=counter, handler=land_officer)
    land_sweep()  # beat: the office's answer, then the land information goes to tax
    land_sweep()  # beat: the tax notice

    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", land_officer.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/lam-viec/**")
    page.click("nav >> text=Liên thông đất đai")
    row = page.locator("tr", has_text=dossier.code)
    expect(row).to_contain_text("Người nộp thực hiện nghĩa vụ tài chính")
    screenshot("queue")
    row.locator("a").first.click()
    panel = page.locator("section[aria-labelledby=h-land]")
    expect(panel).to_contain_text("Chờ thực hiện nghĩa vụ tài chính: thời hạn giải quyết tạm dừng.")
    screenshot("waiting-for-payment")

    assert land_systems.tax.pay(code=dossier.code)  # the resident pays at the tax authority
    land_sweep()  # beat: the confirmation; the office is told
    land_sweep()  # beat: the office's certificate
    page.reload()
    expect(panel).to_contain_text("Kết quả")
    expect(panel.locator("tbody tr .tag--ok")).to_have_count(5)
    screenshot("result-back")
    link = panel.locator("a", has_text="tệp kết quả")
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF")
