"""The dashboard's bundle numbers open the staff bundle list of exactly the bundles counted.

September 2025 of a small ward: birth bundles early, on time, still open and stopped; death
bundles overdue and early; and bundles just outside the month on both sides (local midnight).
"""

import html
import re
from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse

from cases.deadlines import VIETNAM_TZ
from cases.periods import Period
from linkage.models import Bundle, BundleKind, BundleState
from reports import rollups
from tests.factories import UserFactory
from tests.reports.builders import team, walk
from tests.workspace.helpers import text
from thanhsen.roles import Role

pytestmark = pytest.mark.django_db

SEPTEMBER = Period(date(2025, 9, 1), date(2025, 9, 30))
BUCKETS = ("all", "early", "on_time", "overdue", "unfinished")  # the dashboard's column order


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(date(2025, month, day), time(hour, minute), VIETNAM_TZ)


def kinds(catalogue) -> dict[str, BundleKind]:
    return {
        code: BundleKind.objects.create(code=code, name=name,
                                        root_procedure_code=catalogue.civil.code)
        for code, name in (("birth", "Liên thông khai sinh"), ("death", "Liên thông khai tử"))
    }


def bundle(catalogue, people, kind, classification: str, created_at: datetime,
           state: str = BundleState.IN_PROGRESS) -> Bundle:
    """A bundle as the services leave it: classified once its last step is done."""
    dossier = walk(procedure=catalogue.civil, route="received", start=created_at,
                   gaps=[timedelta(minutes=1)], people=people)
    if classification:
        state = BundleState.COMPLETED
    return Bundle.objects.create(dossier=dossier, kind=kind, time_limit=3, state=state,
                                 classification=classification, created_at=created_at)


def september(catalogue) -> dict[str, set[str]]:
    """The ward's bundles; returns the September codes behind each (kind, bucket)."""
    people, kind = team(catalogue), kinds(catalogue)
    plan = [
        ("birth", "early", at(9, 3)),
        ("birth", "early", at(9, 30, 23, 30)),  # the last evening of the month counts
        ("birth", "on_time", at(9, 5)),
        ("birth", "", at(9, 6)),  # still open
        ("birth", "", at(9, 7), BundleState.CANCELLED),  # stopped, never classified
        ("death", "overdue", at(9, 8)),
        ("death", "early", at(9, 9)),
    ]
    outside = [
        ("birth", "early", at(10, 1, 0, 0)),  # midnight after the month
        ("birth", "overdue", at(8, 31, 23, 59)),
        ("death", "early", at(8, 20)),
    ]
    behind: dict[str, set[str]] = {}
    for code, classification, created_at, *state in plan:
        b = bundle(catalogue, people, kind[code], classification, created_at, *state)
        bucket = classification or "unfinished"
        for key in (f"{code}:all", f"{code}:{bucket}"):
            behind.setdefault(key, set()).add(b.dossier.code)
    for code, classification, created_at in outside:
        bundle(catalogue, people, kind[code], classification, created_at)
    rollups.refresh(full=True)
    return behind


def dashboard_cells(page: str) -> dict[str, list[tuple[str, str | None]]]:
    """Per kind name, the bundle table's numbers as (shown value, link or None)."""
    section = page[page.index('id="h-bundles"'):]
    section = section[:section.index("</section>")]
    rows = re.findall(r'<th scope="row"><a [^>]*>([^<]+)</a></th>(.*?)</tr>', section, re.DOTALL)
    cell = re.compile(r'<td class="num">(?:<a href="([^"]+)">)?([^<]+)(?:</a>)?</td>')
    return {name: [(value, html.unescape(href) if href else None)
                   for href, value in cell.findall(cells)] for name, cells in rows}


def listed(page: str) -> tuple[int, list[str]]:
    """The bundle list's shown count and the codes in its table (one page of it)."""
    section = page[page.index('id="bundle-list"'):]
    count = int(re.search(r'class="drill-count">(\d+) ', section).group(1))
    return count, re.findall(r'<tr>\s*<td><a href="/lien-thong/([^/"]+)/">', section)


def test_each_bundle_number_opens_the_list_of_the_bundles_it_counts(client, catalogue):
    behind = september(catalogue)
    client.force_login(UserFactory(role=Role.WARD_LEADER))
    page = client.get(reverse("reports:dashboard"), SEPTEMBER.as_query()).content.decode()
    cells = dashboard_cells(page)
    assert [v for v, _ in cells["Liên thông khai sinh"]] == ["5", "2", "1", "0", "2"]
    assert [v for v, _ in cells["Liên thông khai tử"]] == ["2", "1", "0", "1", "0"]

    for name, code in (("Liên thông khai sinh", "birth"), ("Liên thông khai tử", "death")):
        for bucket, (value, href) in zip(BUCKETS, cells[name], strict=True):
            if value == "0":
                assert href is None, (code, bucket)  # a zero stays plain text
                continue
            assert href.startswith(reverse("linkage:bundles") + "?"), href
            response = client.get(href)  # the same leader follows the link
            assert response.status_code == 200
            count, codes = listed(response.content.decode())
            assert count == int(value) == len(codes), (code, bucket)
            assert set(codes) == behind[f"{code}:{bucket}"], (code, bucket)


def test_the_list_says_which_filters_are_active(client, catalogue):
    september(catalogue)
    client.force_login(UserFactory(role=Role.CENTER_DIRECTOR, department=catalogue.center))
    shown = text(client.get(reverse("linkage:bundles"),
                            {**SEPTEMBER.as_query(), "kind": "birth", "phan_loai": "early"}))
    assert "2 hồ sơ liên thông · Đang lọc: Loại: Khai sinh" in shown
    assert "Ngày tạo: Từ 01/09/2025 đến 30/09/2025" in shown
    assert "Phân loại: Trước hạn" in shown and "Bỏ lọc" in shown
    unfiltered = text(client.get(reverse("linkage:bundles")))
    assert "10 hồ sơ liên thông" in unfiltered and "Đang lọc" not in unfiltered
    # The old kind-only link still works.
    assert "7 hồ sơ liên thông" in text(client.get(reverse("linkage:bundles"), {"kind": "birth"}))


def test_the_filters_take_the_pages_vietnamese_names(client, catalogue):
    """``loai`` and ``trang_thai``, like ``tu``/``den``/``phan_loai`` and the other pages'
    parameters; the form submits them and the counts link with them."""
    september(catalogue)
    client.force_login(UserFactory(role=Role.WARD_LEADER))
    page = client.get(reverse("linkage:bundles")).content.decode()
    assert '<select name="loai">' in page and '<select name="trang_thai">' in page
    assert 'href="?trang_thai=completed"' in page
    assert "7 hồ sơ liên thông" in text(client.get(reverse("linkage:bundles"), {"loai": "birth"}))
    completed = Bundle.objects.filter(state=BundleState.COMPLETED).count()
    for query in ({"trang_thai": "completed"}, {"state": "completed"}):
        shown = text(client.get(reverse("linkage:bundles"), query))
        assert f"{completed} hồ sơ liên thông · Đang lọc" in shown, query


def test_the_list_pages_keep_the_filters(client, catalogue):
    people, kind = team(catalogue), kinds(catalogue)
    for i in range(31):
        bundle(catalogue, people, kind["birth"], "early", at(9, 1 + i % 28, 8 + i % 8))
    bundle(catalogue, people, kind["birth"], "on_time", at(9, 2))
    client.force_login(UserFactory(role=Role.WARD_LEADER))
    first = client.get(reverse("linkage:bundles"),
                       {**SEPTEMBER.as_query(), "kind": "birth", "phan_loai": "early"})
    count, codes = listed(first.content.decode())
    assert (count, len(codes)) == (31, 30)
    following = re.search(r'<a href="([^"]+)" rel="next">', first.content.decode()).group(1)
    second = client.get(reverse("linkage:bundles") + html.unescape(following))
    count, codes = listed(second.content.decode())
    assert (count, len(codes)) == (31, 1)


@pytest.mark.parametrize(("query", "message"), [
    ({"kind": "wedding"}, "Không có nhóm liên thông “wedding”; bộ lọc loại được bỏ qua."),
    ({"phan_loai": "late"}, "Không có phân loại “late”; bộ lọc phân loại được bỏ qua."),
    ({"tu": "2025-02-30"}, "Ngày không hợp lệ, nhập theo dạng ngày/tháng/năm."),
    ({"tu": "hôm qua", "den": "2025-09-30"}, "Ngày không hợp lệ"),
    ({"tu": "2025-09-30", "den": "2025-09-01"}, "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."),
    ({"tu": "2020-01-01", "den": "2025-09-30"}, "Kỳ báo cáo dài tối đa 3 năm."),
    ({"kind": "<b>x</b>"}, "Không có nhóm liên thông “&lt;b&gt;x&lt;/b&gt;”"),
])
def test_bad_filter_values_are_explained_and_dropped(client, catalogue, query, message):
    september(catalogue)
    client.force_login(UserFactory(role=Role.WARD_LEADER))
    for headers in ({}, {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "bundle-list"}):
        response = client.get(reverse("linkage:bundles"), query, **headers)
        assert response.status_code == 200
        shown = text(response)
        assert "Bộ lọc không hợp lệ" in shown and message in shown
        assert "10 hồ sơ liên thông" in shown  # the bad filter is dropped, not guessed at
    assert "<b>x</b>" not in client.get(reverse("linkage:bundles"),
                                        {"kind": "<b>x</b>"}).content.decode()


def test_odd_but_harmless_values_are_ignored(client, catalogue):
    september(catalogue)
    client.force_login(UserFactory(role=Role.WARD_LEADER))
    for query in ({"state": "nope"}, {"page": "abc"}, {"page": "999"}, {"tu": " ", "den": ""},
                  {"phan_loai": ""}, {"kind": ""}):
        response = client.get(reverse("linkage:bundles"), query)
        assert response.status_code == 200, query
        assert "Bộ lọc không hợp lệ" not in text(response), query


def test_who_may_follow_the_links_is_unchanged(client, catalogue, personas):
    september(catalogue)
    url = reverse("linkage:bundles") + "?" + "&".join(
        f"{k}={v}" for k, v in {**SEPTEMBER.as_query(), "kind": "birth",
                                "phan_loai": "early"}.items())
    response = client.get(url)
    assert response.status_code == 302 and "dang-nhap" in response["Location"]
    client.force_login(personas["resident"])
    assert client.get(url).status_code == 403
    assert client.get(reverse("reports:dashboard"), SEPTEMBER.as_query()).status_code == 403
    for name in ("counter", "handler", "director", "leader"):
        client.force_login(personas[name])
        assert client.get(url).status_code == 200, name
        assert listed(client.get(url).content.decode())[0] == 2, name
    # The bundles are the civil office's: other departments' handlers do not see them.
    for name in ("land_officer", "outsider"):
        client.force_login(personas[name])
        assert client.get(url).status_code == 200, name
        assert listed(client.get(url).content.decode())[0] == 0, name
    client.force_login(personas["counter"])
    assert client.get(reverse("reports:dashboard"), SEPTEMBER.as_query()).status_code == 403
