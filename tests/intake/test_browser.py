"""The resident's pages in Debian's Chromium: every lookup outcome speaks, the tracker tells
where the dossier really is."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from tests.factories import dossier_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lookup_page(page, live_server):
    page.set_viewport_size({"width": 800, "height": 900})
    page.goto(f"{live_server.url}/tra-cuu/")
    return page


def _search(page, code, factor):
    page.fill("#id_code", code)
    page.fill("#id_factor", factor)
    with page.expect_response(lambda response: "/tra-cuu/" in response.url):
        page.click("main button[type=submit]")
    # A locator wait, not ``wait_for_function``: a string predicate is evaluated with ``eval``,
    # which the page's Content-Security-Policy refuses whenever the first check does not pass.
    expect(page.locator("#lookup-result")).not_to_be_empty()
    return page.inner_text("#lookup-result")


def test_letters_in_the_digits_field_say_what_is_wrong(lookup_page, catalogue, screenshot):
    dossier = dossier_in("received", procedure=catalogue.civil)
    message = _search(lookup_page, dossier.code, "ab12")
    screenshot("wrong-format")
    assert "Nhập đúng 4 chữ số." in message


def test_an_unknown_code_says_not_found(lookup_page, catalogue):
    assert "Không tìm thấy hồ sơ" in _search(lookup_page, "TSHT-990101-9999", "5678")


@override_settings(LOOKUP_LIMIT_PER_CODE=2)
def test_too_many_attempts_say_when_to_try_again(lookup_page, catalogue, screenshot):
    dossier = dossier_in("received", procedure=catalogue.civil)
    for _ in range(2):
        _search(lookup_page, dossier.code, "0000")
    lookup_page.evaluate("document.querySelector('#lookup-result').innerHTML = ''")
    message = _search(lookup_page, dossier.code, "0000")
    screenshot("too-many")
    assert "quá nhiều lần" in message
    assert "Thử lại sau" in message and ":" in message


def _tracker(page):
    steps = page.locator("ol.tracker > li")
    current = page.locator("ol.tracker > li[aria-current=step]")
    return steps.all_inner_texts(), current.inner_text()


def test_the_tracker_shows_a_submitted_dossier_waiting_for_the_counter(page, live_server, client,
                                                                       catalogue, resident,
                                                                       screenshot):
    dossier = dossier_in("submitted", procedure=catalogue.civil, resident=resident)
    client.force_login(resident)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
    page.goto(f"{live_server.url}/ho-so-cua-toi/{dossier.code}/")
    steps, current = _tracker(page)
    screenshot("submitted")
    assert "Đã tiếp nhận" not in " ".join(steps)
    assert current.startswith("Tiếp nhận") and "chờ cán bộ kiểm tra" in current


@pytest.mark.parametrize(("state", "step", "wait"), [
    ("supplement_requested", "Giải quyết", "chờ bổ sung"),
    ("awaiting_payment", "Giải quyết", "chờ nộp phí"),
], ids=["supplement", "payment"])
def test_the_tracker_names_the_wait(lookup_page, catalogue, state, step, wait, screenshot):
    dossier = dossier_in(state, procedure=catalogue.land)
    _search(lookup_page, dossier.code, "5678")
    _steps, current = _tracker(lookup_page)
    screenshot(state)
    assert current.startswith(step) and wait in current
