"""Every role's main pages run under the Content-Security-Policy without a violation.

Chromium reports each refused script, style or handler in the console and as a
``securitypolicyviolation`` event; both are collected while the pages load and while htmx
swaps fragments in (the lookup, the counter's procedure search, the queue tabs).
"""

import pytest

from tests.factories import UserFactory, dossier_in
from thanhsen.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "matkhau-thu-nghiem"

#: Records the violations of every document the page loads (init scripts are not subject to
#: the page's policy).
_LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def watched(page):
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(_LISTEN)

    def visit(url, then=None):
        response = page.goto(url)
        assert response.status < 500, url
        if then:
            then()
        page.wait_for_load_state("networkidle")
        events = page.evaluate("window.__csp")
        refused = [text for text in console if "Content Security Policy" in text]
        assert not events and not refused, (url, events, refused)
        return response

    return visit


def _login(page, base, user):
    page.context.clear_cookies()
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/dang-nhap/" not in page.url


def test_the_main_pages_of_every_role_raise_no_csp_violation(
        page, watched, live_server, catalogue, personas, screenshot):
    base = live_server.url
    resident = personas["resident"]
    mine = dossier_in("received", procedure=catalogue.civil, resident=resident)
    other = dossier_in("in_progress", procedure=catalogue.civil)

    def lookup():
        page.fill("#id_code", mine.code)
        page.fill("#id_factor", "5678")
        page.click("main form button[type=submit]")
        page.wait_for_selector("text=Đã tiếp nhận")

    for url in ("/dang-nhap/", "/dang-ky/", "/thu-tuc/", "/cong-khai/", "/phan-anh-kien-nghi/"):
        watched(base + url)
    watched(f"{base}/khong-co-trang-nay/", lambda: screenshot("not-found"))
    watched(f"{base}/tra-cuu/", lookup)

    _login(page, base, resident)
    for url in ("/ho-so-cua-toi/", f"/ho-so-cua-toi/{mine.code}/"):
        watched(base + url)

    def search_procedure():
        page.fill("#q", "ket hon")
        page.wait_for_selector(".procedure-link")

    def switch_tab():
        page.click("[data-queue=to_take]")
        page.wait_for_load_state("networkidle")

    _login(page, base, personas["counter"])
    watched(f"{base}/tiep-nhan/", search_procedure)
    for url in ("/lam-viec/", f"/lam-viec/tim-kiem/?q={other.code}",
                f"/tiep-nhan/thu-tuc/{catalogue.civil.code}/", f"/lam-viec/ho-so/{other.code}/",
                "/can-bo/thu-phi/", "/can-bo/thong-bao/"):
        watched(base + url)

    _login(page, base, personas["handler"])
    watched(f"{base}/lam-viec/", switch_tab)
    watched(f"{base}/lam-viec/ho-so/{other.code}/")

    from reports import rollups

    rollups.refresh(full=True)

    def heat_map():
        assert page.locator(".heat-cell.heat-10").count() > 0
        screenshot("insights")

    for role in ("director", "leader"):
        _login(page, base, personas[role])
        for url in ("/bao-cao/", "/bao-cao/bieu-06/", "/bao-cao/chi-so/", "/lien-thong/"):
            watched(base + url)
        watched(f"{base}/bao-cao/phan-tich/", heat_map)

    administrator = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    _login(page, base, administrator)
    for url in ("/admin/", "/admin/thanhsen/user/", "/admin/thanhsen/loginattempt/",
                "/admin/cases/dossier/", f"/admin/thanhsen/user/{resident.pk}/change/"):
        watched(base + url)
