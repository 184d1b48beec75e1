"""axe-core over the site map of every role: no serious or critical finding on any page.

Each persona starts where it lands after login and follows the links of its navigation and
pages (one page per URL shape: one dossier page stands for all), the way a user browses.
axe-core comes from ``scripts/axe-core.sh`` (npm, outside the repository); without it the test
skips with a notice, or fails under ``REQUIRE_SERVICES=1``.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from reports import rollups
from tests.conftest import skip_or_fail
from tests.factories import dossier_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_JS = Path(os.environ.get("AXE_CORE_DIR", Path.home() / ".cache/thanhsen/axe-core")) \
    / "node_modules/axe-core/axe.min.js"
#: Pages per persona, at most: every URL shape of a role's site map fits well within it.
MAX_PAGES = 40
#: Links that are not pages to check: files, downloads, other languages, the admin.
SKIP = re.compile(r"\.(pdf|csv|xlsx)$|/bieu-mau/|/tep/|/tai-ve/|/admin/|/i18n/|/dang-xuat/|^mailto:|^tel:")
SHAPES = [(re.compile(r"TS[A-Z]*-\d{6}-\d{4}"), "{code}"), (re.compile(r"/\d+/"), "/{n}/")]


def _shape(url: str) -> str:
    path = urlsplit(url).path
    for pattern, placeholder in SHAPES:
        path = pattern.sub(placeholder, path)
    return path


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """axe-core is injected as a script, which the pages' Content-Security-Policy forbids; the
    policy itself is checked by tests/thanhsen/test_csp_browser.py, not here."""
    return {**browser_context_args, "bypass_csp": True}


def _serious(page) -> list[str]:
    page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {node['target']}"
        for v in violations if v["impact"] in ("serious", "critical")
        for node in v["nodes"][:3]
    ]


def _crawl(page, base: str, start: str) -> tuple[set[str], dict[str, list[str]]]:
    seen, queue, findings = set(), [start], {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if _shape(url) in seen:
            continue
        seen.add(_shape(url))
        response = page.goto(url)
        if response is None or response.status >= 400 or not page.url.startswith(base):
            continue
        problems = _serious(page)
        if problems:
            findings[urlsplit(page.url).path] = problems
        for href in page.eval_on_selector_all(
            "a[href]", "links => links.map(a => new URL(a.getAttribute('href'), location.href).href)"
        ):
            href = href.split("#")[0]
            if href.startswith(base) and not SKIP.search(href) and _shape(href) not in seen:
                queue.append(href)
    return seen, findings


#: Pages each persona must have reached (the crawl found its way there).
EXPECTED = {
    "counter": {"/lam-viec/", "/lam-viec/ho-so/{code}/", "/tiep-nhan/", "/can-bo/thu-phi/"},
    "handler": {"/lam-viec/", "/lam-viec/ho-so/{code}/"},
    "director": {"/lam-viec/", "/lam-viec/ho-so/{code}/", "/bao-cao/", "/bao-cao/chi-so/"},
    "leader": {"/bao-cao/", "/bao-cao/chi-so/", "/bao-cao/ho-so/"},
    "resident": {"/ho-so-cua-toi/", "/ho-so-cua-toi/{code}/", "/tra-cuu/", "/thu-tuc/"},
    None: {"/tra-cuu/", "/thu-tuc/", "/dang-nhap/"},
}


@pytest.fixture
def site(catalogue, counter, handler, director, leader, resident):
    """Enough dossiers that every queue, list and report has rows to show."""
    for state in ("received", "in_progress", "awaiting_payment", "resolved", "returned"):
        dossier_in(state, procedure=catalogue.civil, counter=counter, handler=handler)
    dossier_in("received", procedure=catalogue.land, counter=counter)
    dossier_in("supplement_requested", procedure=catalogue.civil, resident=resident,
               counter=counter, handler=handler)
    rollups.refresh()


@pytest.mark.parametrize("persona", ["counter", "handler", "director", "leader", "resident",
                                     None])
def test_no_serious_accessibility_finding_on_any_page(page, client, live_server, site, personas,
                                                      persona):
    if not AXE_JS.exists():
        skip_or_fail(f"needs axe-core at {AXE_JS}: run scripts/axe-core.sh")
    page.set_viewport_size({"width": 1280, "height": 900})
    if persona:
        client.force_login(personas[persona])
        page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                                   "url": live_server.url}])
    seen, findings = _crawl(page, live_server.url, f"{live_server.url}/")
    assert EXPECTED[persona] <= seen, sorted(seen)
    assert not findings, "\n".join(f"{path}: {problem}" for path, problems in findings.items()
                                   for problem in problems)
