"""Reports lead somewhere: codes open the dossier, the 403 page has a way back, and the list
behind a number is the set that number counted."""

import re

import pytest

from reports import rollups
from tests.factories import dossier_in
from tests.reports.test_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desktop(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    return page


def test_the_list_behind_a_number_is_what_the_number_counted(desktop, client, live_server,
                                                             catalogue, leader, counter,
                                                             screenshot):
    counted = [dossier_in("received", procedure=catalogue.civil, counter=counter) for _ in range(2)]
    rollups.refresh()
    later = dossier_in("received", procedure=catalogue.civil, counter=counter)
    page = desktop
    login(page, client, live_server, leader)
    page.goto(f"{live_server.url}/bao-cao/")
    card = page.locator("a.stat", has_text="Hồ sơ tiếp nhận")
    assert card.locator(".stat__value").inner_text() == "2"
    card.click()
    page.wait_for_url(re.compile(r"/bao-cao/ho-so/\?.*o=received"))
    screenshot("drilldown")
    assert page.locator(".drill-count").inner_text() == "2"
    codes = page.locator("td.code").all_inner_texts()
    assert sorted(codes) == sorted(d.code for d in counted) and later.code not in codes
    assert "Số liệu tính lúc" in page.inner_text(".drill-summary")
    page.locator("td.code a", has_text=counted[0].code).click()
    page.wait_for_url(f"**/lam-viec/ho-so/{counted[0].code}/")


def test_a_refused_report_page_is_styled_and_leads_back(desktop, client, live_server, counter,
                                                        screenshot):
    page = desktop
    login(page, client, live_server, counter)
    response = page.goto(f"{live_server.url}/bao-cao/")
    assert response.status == 403
    screenshot("forbidden")
    assert page.locator("header.site-header").is_visible()
    assert "Không có quyền" in page.inner_text("main h1")
    page.click("main a:has-text('Về trang làm việc của bạn')")
    page.wait_for_url(f"{live_server.url}/lam-viec/**")
