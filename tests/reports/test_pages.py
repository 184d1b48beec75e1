"""Who may see the reports, and that every number links to exactly the dossiers behind it."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse

from cases.deadlines import VIETNAM_TZ
from cases.periods import Period
from reports import rollups
from reports.selectors import report_table
from tests.factories import UserFactory
from tests.reports.builders import walk
from thanhsen.roles import Role

FIRST = date(2025, 10, 1)
PERIOD = {"tu": "2025-10-01", "den": "2025-10-31"}


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), VIETNAM_TZ)


def history(catalogue, base: date = FIRST):
    """A month with early, overdue, open, stopped and refused dossiers, and one carried over."""
    team = {
        "counter": UserFactory(role=Role.COUNTER_OFFICER, department=catalogue.center),
        "handler": UserFactory(role=Role.HANDLING_OFFICER, department=catalogue.civil_office,
                               first_name="Minh", last_name="Lê Văn"),
        "signer": UserFactory(role=Role.WARD_LEADER),
    }
    hour = timedelta(hours=1)
    walk(procedure=catalogue.civil, route="returned", start=at(base - timedelta(days=2)),
         gaps=[hour, hour, timedelta(days=2), hour, hour], people=team)  # carried over
    for i in range(3):
        walk(procedure=catalogue.civil, route="resolved", start=at(base + timedelta(days=5 + i)),
             gaps=[hour] * 4, people=team, channel="online")
    walk(procedure=catalogue.civil, route="resolved", start=at(base + timedelta(days=12)),
         gaps=[hour, hour, timedelta(days=10), hour], people=team)  # overdue
    walk(procedure=catalogue.civil, route="in_progress", start=at(base + timedelta(days=19)),
         gaps=[hour, hour], people=team, channel="postal")
    walk(procedure=catalogue.civil, route="stopped", start=at(base + timedelta(days=20)),
         gaps=[hour, hour], people=team)
    walk(procedure=catalogue.civil, route="not_accepted", start=at(base + timedelta(days=21)),
         gaps=[hour], people=team)
    rollups.refresh(full=True)
    return team


@pytest.mark.django_db
def test_outsiders_are_refused_and_leaders_let_in(client, personas):
    url = reverse("reports:dashboard")
    response = client.get(url)
    assert response.status_code == 302 and "dang-nhap" in response["Location"]
    for name in ("counter", "handler", "land_officer", "resident", "outsider"):
        client.force_login(personas[name])
        assert client.get(url).status_code == 403, name
        assert client.get(reverse("reports:dossiers"), {"o": "received"}).status_code == 403
    for name in ("leader", "director"):
        client.force_login(personas[name])
        assert client.get(url).status_code == 200, name


@pytest.mark.django_db
def test_dashboard_numbers_link_to_the_same_dossiers(client, catalogue, leader):
    history(catalogue)
    client.force_login(leader)
    page = client.get(reverse("reports:dashboard"), PERIOD).content.decode()
    table = report_table(period=Period(FIRST, date(2025, 10, 31)), dimension="field")
    assert table.total["received"] == 7 and table.total["carried_over"] == 1
    assert table.total["resolved_overdue"] == 1 and table.total["stopped"] == 1
    assert table.total["not_accepted"] == 1 and table.total["in_progress"] == 1
    numbers = re.findall(r'href="(/bao-cao/ho-so/\?[^"]+)"[^>]*>(?:<span class="stat__value">)?'
                         r'([\d.]+)<', page)
    assert len(numbers) > 40
    for link, number in numbers:
        shown = client.get(link.replace("&amp;", "&"))
        assert shown.status_code == 200, link
        body = shown.content.decode()
        count = int(re.search(r'class="drill-count">([\d.]+)<', body).group(1).replace(".", ""))
        assert count == int(number.replace(".", "")) == body.count('<td class="code">'), link
    # The carried-over card's list holds exactly the dossier received in September.
    carried = client.get(reverse("reports:dossiers"), {**PERIOD, "o": "carried_over"})
    assert "-250929-" in carried.content.decode()
    assert carried.content.decode().count('<td class="code">') == 1


@pytest.mark.django_db
def test_row_drilldown_uses_the_row_key(client, catalogue, leader):
    team = history(catalogue)
    client.force_login(leader)
    response = client.get(reverse("reports:dossiers"), {
        **PERIOD, "o": "resolved", "theo": "officer", "k": team["handler"].pk})
    body = response.content.decode()
    assert "Lê Văn Minh" in body or "Minh Lê Văn" in body
    assert body.count('<td class="code">') == 5  # the carried-over one too


@pytest.mark.django_db
def test_bad_input_gets_a_vietnamese_message_not_a_500(client, leader):
    client.force_login(leader)
    for params in ({"tu": "31/02/2025"}, {"tu": "2025-10-05", "den": "2025-10-01"},
                   {"o": "khong-co"}, {"o": "received", "theo": "x"},
                   {"o": "received", "theo": "field", "k": "abc"}):
        response = client.get(reverse("reports:dossiers"), params)
        assert response.status_code == 400, params
        assert "Không xem được báo cáo" in response.content.decode()
    assert client.get(reverse("reports:bieu06"), {"nguon": "x"}).status_code == 400


@pytest.mark.django_db
def test_transparency_is_public_and_has_no_personal_data(client, catalogue):
    last_month = (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    history(catalogue, base=last_month)
    response = client.get(reverse("reports:transparency"))
    body = response.content.decode()
    assert response.status_code == 200
    assert last_month.strftime("%m/%Y") in body
    assert "Nguyễn Văn An" not in body and "042090001234" not in body
    assert "TSHT-" not in body
    assert "chưa có dữ liệu" in body


@pytest.mark.django_db
def test_pages_render_for_a_leader(client, catalogue, leader):
    history(catalogue)
    client.force_login(leader)
    for name in ("reports:bieu06", "reports:indicators", "reports:insights"):
        response = client.get(reverse(name), PERIOD)
        assert response.status_code == 200, name
    live = client.get(reverse("reports:bieu06"), {**PERIOD, "nguon": "live", "theo": "channel"})
    assert "Bưu chính" in live.content.decode()


@pytest.mark.parametrize("today, first", [
    (date(2026, 11, 28), date(2025, 12, 1)),
    (date(2026, 1, 15), date(2025, 2, 1)),
    (date(2026, 12, 31), date(2026, 1, 1)),
])
def test_the_last_twelve_months_are_twelve_calendar_months(today, first):
    from django.utils import translation

    from reports.dashboard import quick_periods

    with translation.override("vi"):
        periods = dict(quick_periods(today))
    assert periods["12 tháng qua"] == Period(first, today)
