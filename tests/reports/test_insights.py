"""Insights: time per step from the history, frequent reasons, dossiers at risk, fast procedures."""

from datetime import date, datetime, time, timedelta

import pytest

from cases.deadlines import VIETNAM_TZ
from cases.periods import Period
from reports import insights, rollups
from tests.reports.builders import team, walk

SEPT = Period(date(2025, 9, 1), date(2025, 9, 30))


def at(day: date, hour: int = 8) -> datetime:
    return datetime.combine(day, time(hour), VIETNAM_TZ)


@pytest.fixture
def people(catalogue):
    return team(catalogue)


@pytest.mark.django_db
def test_step_durations_and_reasons_come_from_the_history(catalogue, people):
    hour = timedelta(hours=1)
    for waited in (1, 2, 3, 4, 10):  # hours between receipt and assignment
        walk(procedure=catalogue.civil, route="resolved", start=at(date(2025, 9, 8)),
             gaps=[hour, waited * hour, hour, hour], people=people)
    walk(procedure=catalogue.civil, route="supplement_requested", start=at(date(2025, 9, 9)),
         gaps=[hour, hour, hour], people=people)
    steps = {s["step"]: s for s in insights.step_durations(period=SEPT, by_department=False)}
    received = steps["received"]
    assert received["count"] == 6 and received["median_hours"] == 2.0
    assert received["p90_hours"] == 10.0
    by_department = insights.step_durations(period=SEPT, by_department=True)
    assert {s["department"] for s in by_department} == {"Phòng Văn hóa - Xã hội"}
    reasons = insights.frequent_reasons(period=SEPT)
    assert reasons["supplement"] == [{"reason": "Thiếu giấy khai sinh", "count": 1}]


@pytest.mark.django_db
def test_at_risk_lists_open_dossiers_due_by_tomorrow_not_awaiting_signature(catalogue, people):
    hour = timedelta(hours=1)
    due_soon = walk(procedure=catalogue.civil, route="in_progress", start=at(date(2025, 9, 8)),
                    gaps=[hour, hour], people=people)
    walk(procedure=catalogue.civil, route="awaiting_approval", start=at(date(2025, 9, 8)),
         gaps=[hour, hour, hour], people=people)
    walk(procedure=catalogue.civil, route="in_progress", start=at(date(2025, 9, 10)),
         gaps=[hour, hour], people=people)
    # Received Monday 8 September, 3 working days: due Thursday; on Wednesday it is at risk.
    risky = list(insights.dossiers_at_risk(now=at(date(2025, 9, 10), 10)))
    assert [d.code for d in risky] == [due_soon.code]
    assert risky[0].handler == people["handler"]


@pytest.mark.django_db
def test_procedures_much_faster_than_their_limit(catalogue, people):
    for day in range(5):
        walk(procedure=catalogue.civil, route="resolved", start=at(date(2025, 9, 8 + day)),
             gaps=[timedelta(minutes=20)] * 4, people=people)
    rollups.refresh(full=True)
    fast = insights.fast_procedures(period=SEPT)
    assert [(f["procedure"].code, f["resolved"], f["average_days"]) for f in fast] == [
        (catalogue.civil.code, 5, 0.0)]


@pytest.mark.django_db
def test_steps_and_departments_ranked_by_lateness_against_their_allotment(client, catalogue,
                                                                         people, director):
    hour = timedelta(hours=1)
    # Civil marriage, 3 working days: the department has 12 working hours of the 24. Two
    # dossiers handled in 2 hours, one from Monday 10:00 to Tuesday 17:00: 13 working hours.
    for handling in (2 * hour, 2 * hour, timedelta(days=1, hours=7)):
        walk(procedure=catalogue.civil, route="returned", start=at(date(2025, 9, 8)),
             gaps=[hour, hour, handling, hour, hour], people=people)

    lateness = insights.step_lateness(period=SEPT, now=at(date(2025, 10, 1)))

    first = lateness["steps"][0]
    assert (first["step"], first["count"], first["late"], first["late_share"]) == (
        "department", 3, 1, 33)
    assert first["allotted_hours"] == 12.0
    assert {r["step"]: r["late"] for r in lateness["steps"]} == {
        "department": 1, "counter": 0, "approval": 0, "return": 0}
    assert [(r["label"], r["late"]) for r in lateness["departments"]] == [
        ("Phòng Văn hóa - Xã hội", 1)]

    client.force_login(director)
    page = client.get("/bao-cao/phan-tich/", {"tu": "2025-09-01", "den": "2025-09-30"})
    body = page.content.decode()
    assert "Bước nào chậm so với thời gian quy trình nội bộ giao" in body
    assert "Thẩm định, xử lý hồ sơ" in body and "33%" in body


@pytest.mark.django_db
def test_a_period_without_finished_steps_ranks_nothing(client, catalogue, people, director):
    walk(procedure=catalogue.civil, route="received", start=at(date(2025, 9, 8)),
         gaps=[timedelta(hours=1)], people=people)
    assert insights.step_lateness(period=SEPT) == {"steps": [], "departments": []}
    client.force_login(director)
    page = client.get("/bao-cao/phan-tich/", {"tu": "2025-09-01", "den": "2025-09-30"})
    assert page.status_code == 200
