"""Done when: a birth registration approved by the officer in the browser comes back from the
simulated registry with its number and electronic extract, and the resident downloads it."""

import re

import pytest
from playwright.sync_api import expect

from cases import actions as case_actions
from cases.models import Dossier, Procedure
from linkage.civil_status.sweep import civil_status_sweep
from linkage.framework import outbound
from tests.factories import applicant, mandatory_papers
from tests.linkage import support

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "matkhau-thu-nghiem"


@pytest.fixture(autouse=True)
def _deliver_at_once(monkeypatch, settings):
    """A worker's job done in the committing thread (Celery eager, as `make run` without Redis)."""
    monkeypatch.setattr(outbound, "_enqueue", outbound.stream_deliver)
    settings.PORTAL_BASE_URL = ""


def _login(page, live_server, user):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_an_approved_birth_registration_comes_back_with_its_extract_for_the_resident(
    page, live_server, registry, screenshot
):
    page.set_viewport_size({"width": 1280, "height": 900})
    people = support.load_catalogue()
    procedure = Procedure.objects.get(code=support.BIRTH_REGISTRATION, is_current=True)
    dossier = case_actions.dossier_create(
        procedure_code=procedure.code, applicant=applicant(), channel="direct",
        actor=people.counter, receive=True, documents=mandatory_papers(procedure),
    )
    Dossier.objects.filter(pk=dossier.pk).update(applicant_user=people.resident)
    dossier = case_actions.dossier_assign(dossier=dossier, actor=people.counter, handler=people.handler)
    case_actions.dossier_submit_for_approval(dossier=dossier, actor=people.handler)

    _login(page, live_server, people.leader)
    page.goto(f"{live_server.url}/lam-viec/ho-so/{dossier.code}/")
    page.locator("summary", has_text=re.compile(r"^\s*Phê duyệt, ký\s*$")).click()
    page.click("button:has-text('Xác nhận: Phê duyệt, ký')")
    page.wait_for_selector("text=Đã thực hiện: Phê duyệt")
    expect(page.locator("[data-civil-registration]")).to_contain_text("Chờ Cơ sở dữ liệu hộ tịch")
    assert registry.registry.stats()["codes"] == [dossier.code]

    civil_status_sweep()  # beat pulls the registry's acknowledgement and result
    page.reload()
    card = page.locator("[data-civil-registration=registered]")
    expect(card).to_contain_text("số 1, quyển 01/2026")
    screenshot("officer")

    _login(page, live_server, people.resident)
    page.goto(f"{live_server.url}/ho-so-cua-toi/{dossier.code}/")
    link = page.locator("a[data-extract]")
    expect(link).to_be_visible()
    screenshot("resident")
    download = page.context.request.get(live_server.url + link.get_attribute("href"))
    assert download.status == 200 and download.body().startswith(b"%PDF")
