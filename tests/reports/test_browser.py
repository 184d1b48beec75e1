"""A ward leader opens the dashboard, clicks a number and sees the dossiers behind it."""

import re

import pytest

from tests.reports.test_pages import history

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A ward leader's browser asks for Vietnamese."""
    return {**browser_context_args, "locale": "vi-VN"}


def login(page, client, live_server, user):
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


def test_leader_clicks_a_number_and_sees_its_dossiers(page, client, live_server, catalogue,
                                                       leader, screenshot):
    history(catalogue)
    login(page, client, live_server, leader)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/bao-cao/?tu=2025-10-01&den=2025-10-31")
    assert page.get_by_role("heading", name="Bảng điều hành của lãnh đạo").is_visible()
    screenshot("dashboard")
    card = page.locator("a.stat", has_text="Giải quyết quá hạn")
    assert card.locator(".stat__value").inner_text() == "1"
    card.click()
    page.wait_for_url(re.compile(r"/bao-cao/ho-so/\?.*o=resolved_overdue"))
    assert page.locator(".drill-count").inner_text() == "1"
    assert page.locator("td.code").count() == 1
    assert page.locator(".tag--overdue").first.is_visible()
    screenshot("drilldown")
    page.goto(f"{live_server.url}/cong-khai/")
    screenshot("transparency")
