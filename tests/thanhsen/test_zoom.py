"""The main pages of every role at 200% zoom (WCAG 1.4.10 Reflow): a 1280×900 screen zoomed to
200% lays pages out in a 640×450 CSS-pixel viewport. Nothing may scroll the page sideways or be
cut off at its right edge (a wide data table scrolls inside its own container, which is allowed),
and the header's navigation, log-out and language switch, and every form control and button of
the page stay on screen, within reach.
"""

import pytest
from django.conf import settings

from reports import rollups
from tests.factories import dossier_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZOOMED = {"width": 640, "height": 450}

#: Elements reaching past the viewport's right edge: the page would scroll sideways, or (under
#: ``overflow: hidden``) cut them off. A data table may scroll inside its own container; a form
#: control may not (WCAG exempts data tables, not the fields of a form).
_OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const scroller = el => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return a;
    }
    return null;
  };
  return [...document.body.querySelectorAll('*')].filter(el => {
    const r = el.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0) || getComputedStyle(el).visibility === 'hidden') return false;
    const box = scroller(el);
    const edge = box ? Math.min(box.getBoundingClientRect().right, width) : width;
    if (el.matches('input, select, textarea, button, .button')) return r.right > edge + 1;
    return r.right > width + 1 && !(box && ['auto', 'scroll'].includes(getComputedStyle(box).overflowX));
  }).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
    + ' → ' + Math.round(el.getBoundingClientRect().right) + 'px').slice(0, 8);
}"""

#: Where each role works most: its landing pages and the pages its work is done on.
PAGES = {
    "counter": ["/lam-viec/", "/lam-viec/ho-so/{code}/", "/tiep-nhan/",
                "/tiep-nhan/thu-tuc/{procedure}/", "/can-bo/thu-phi/", "/lam-viec/so-theo-doi/",
                "/lam-viec/tim-kiem/?q=TS", "/lien-thong/"],
    "handler": ["/lam-viec/", "/lam-viec/ho-so/{code}/"],
    "director": ["/lam-viec/", "/lam-viec/uy-quyen/", "/bao-cao/", "/bao-cao/bieu-06/",
                 "/bao-cao/chi-so/", "/bao-cao/phan-tich/"],
    "leader": ["/bao-cao/", "/bao-cao/bieu-06/", "/bao-cao/chi-so/", "/bao-cao/ho-so/?o=received"],
    "resident": ["/ho-so-cua-toi/", "/ho-so-cua-toi/{resident_code}/", "/thu-tuc/",
                 "/thu-tuc/{procedure}/nop/"],
    None: ["/dang-nhap/", "/tra-cuu/", "/thu-tuc/"],
}


@pytest.fixture
def site(catalogue, counter, handler, director, leader, resident):
    for state in ("received", "in_progress", "awaiting_payment", "resolved", "returned"):
        dossier = dossier_in(state, procedure=catalogue.civil, counter=counter, handler=handler)
    own = dossier_in("supplement_requested", procedure=catalogue.civil, resident=resident,
                     counter=counter, handler=handler)
    rollups.refresh()
    return {"code": dossier.code, "resident_code": own.code, "procedure": catalogue.civil.code}


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("persona", list(PAGES), ids=lambda p: p or "anonymous")
def test_main_pages_reflow_at_200_percent_zoom(page, client, live_server, site, personas, persona,
                                               language, screenshot):
    page.set_viewport_size(ZOOMED)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language,
                               "url": live_server.url}])
    if persona:
        client.force_login(personas[persona])
        page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                                   "url": live_server.url}])
    failures = {}
    for path in PAGES[persona]:
        url = path.format(**site)
        response = page.goto(f"{live_server.url}{url}")
        assert response.status < 400, url
        screenshot(url.strip("/").replace("/", "_") or "home")
        problems = []
        page_width = page.evaluate("document.documentElement.scrollWidth")
        if page_width > ZOOMED["width"]:
            problems.append(f"the page scrolls sideways: {page_width}px wide")
        problems += page.evaluate(_OVERFLOWING)
        nav = page.locator(".site-header a, .site-header button")
        assert page.locator(".site-nav a").count(), f"{url}: no main navigation"
        for link in nav.all():
            box = link.bounding_box()
            if not link.is_visible() or box is None or box["x"] < 0 \
                    or box["x"] + box["width"] > ZOOMED["width"] + 1:
                problems.append(f"header control {link.inner_text()!r} is off screen")
        if problems:
            failures[url] = problems
    assert not failures, "\n".join(f"{url}: {p}" for url, ps in failures.items() for p in ps)
