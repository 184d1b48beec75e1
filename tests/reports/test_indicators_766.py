"""Decision 766: every metric with its own points (100 in six groups), satisfaction judged per
period, and "digitised" only with an e-result where one is due."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import actions
from cases.deadlines import VIETNAM_TZ
from cases.models import CopyCertification, Dossier, DossierDocument
from cases.periods import Period
from cases.quality_flags import with_quality_flags
from intake.models import Rating, Score
from reports import rollups
from reports.cells import CELLS
from reports.indicators import SPECS, indicator_list, indicator_total
from reports.selectors import rollup_groups
from tests.reports.builders import team, walk

HOUR = timedelta(hours=1)


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime.combine(date(2025, month, day), time(hour), VIETNAM_TZ)


def test_the_metrics_carry_the_portals_points_group_by_group():
    groups: dict[str, int] = {}
    for spec in SPECS.values():
        if spec.scored and spec.points:
            groups[str(spec.group)] = groups.get(str(spec.group), 0) + spec.points
    assert sum(groups.values()) == 100
    for group, points in groups.items():
        assert f"({points} điểm)" in group
    assert {code: SPECS[code].points for code in ("payment_offered", "payment_used",
                                                  "online_payment")} == {
        "payment_offered": 2, "payment_used": 2, "online_payment": 6}
    assert SPECS["end_to_end_online"].points == 12 and SPECS["e_results"].points == 6
    assert (SPECS["digitised"].points, SPECS["digitised"].target) == (4, 80)
    assert (SPECS["satisfaction"].points, SPECS["satisfaction"].target) == (6, 90)


@pytest.mark.django_db
def test_scores_follow_the_rule_and_missing_sources_say_why(catalogue):
    people = team(catalogue)
    walk(procedure=catalogue.civil, route="in_progress", start=at(9, 2), gaps=[HOUR] * 2,
         people=people, channel="online")
    walk(procedure=catalogue.civil, route="in_progress", start=at(9, 3), gaps=[HOUR] * 2,
         people=people)
    rollups.refresh(full=True)
    r = {x.spec.code: x for x in indicator_list(period=Period.month(2025, 9))}
    # End-to-end online: 1 of 2 dossiers of end-to-end procedures, no target: 50% × 12.
    assert r["end_to_end_online"].score == Decimal("6.00")
    for code in ("published_on_time", "publicised_on_time", "published_complete", "portal_sync",
                 "personal_store", "population_data", "population_connected",
                 "petition_satisfaction"):
        assert not r[code].available and r[code].reason, code
    total = indicator_total(list(r.values()))
    assert total.points == 100
    assert total.score == sum(x.score for x in r.values()
                              if x.score is not None and x.spec.scored)


@pytest.mark.django_db
def test_satisfaction_is_judged_per_period(catalogue):
    people = team(catalogue)
    september = walk(procedure=catalogue.civil, route="returned", start=at(9, 2),
                     gaps=[HOUR] * 5, people=people)
    walk(procedure=catalogue.civil, route="returned", start=at(11, 3), gaps=[HOUR] * 5,
         people=people)
    Rating.objects.create(dossier=september, procedure=september.procedure,
                          **dict.fromkeys([*Rating.CRITERIA, "overall_score"], Score.GOOD))
    rollups.refresh(full=True)
    rated = {x.spec.code: x for x in indicator_list(period=Period.month(2025, 9))}
    unrated = {x.spec.code: x for x in indicator_list(period=Period.month(2025, 11))}
    assert rated["satisfaction"].available
    assert not unrated["satisfaction"].available
    assert "chưa có đánh giá" in unrated["satisfaction"].reason


@pytest.mark.django_db
def test_digitised_needs_an_e_result_where_one_is_due(catalogue, client, director, settings,
                                                      tmp_path):
    settings.MEDIA_ROOT = tmp_path
    people = team(catalogue)
    documents = [actions.SubmittedDocument(
        name="Tờ khai", copy_type="original",
        file=SimpleUploadedFile("to-khai.pdf", b"%PDF-1.4\n%%EOF\n"))]
    paper_result = walk(procedure=catalogue.civil, route="returned", start=at(9, 2),
                        gaps=[HOUR] * 5, people=people, documents=documents)
    e_result = walk(procedure=catalogue.civil, route="returned", start=at(9, 3),
                    gaps=[HOUR] * 5, people=people, documents=documents)
    Dossier.objects.filter(pk=e_result.pk).update(result_file="results/2025/09/kq.pdf")
    open_one = walk(procedure=catalogue.civil, route="in_progress", start=at(9, 4),
                    gaps=[HOUR] * 2, people=people, documents=documents)
    rollups.refresh(full=True)
    period = Period.month(2025, 9)
    r = {x.spec.code: x for x in indicator_list(period=period)}["digitised"]
    assert (r.measure.numerator, r.measure.denominator) == (2, 3)
    assert Dossier.objects.filter(CELLS["digitised"].live(period)).count() == 2
    assert sum(g["c_digitised"] for g in rollup_groups(period)) == 2
    client.force_login(director)
    page = client.get(reverse("reports:dossiers"), {**period.as_query(), "o": "digitised"})
    html = page.content.decode()
    assert e_result.code in html and open_one.code in html and paper_result.code not in html


@pytest.mark.django_db
def test_end_to_end_online_is_judged_per_dossier_with_its_list(catalogue, client, director):
    people = team(catalogue)

    def online(day):
        return walk(procedure=catalogue.civil, route="returned", start=at(9, day),
                    gaps=[HOUR] * 5, people=people, channel="online")

    end_to_end, collected, paid_in_cash = online(2), online(3), online(4)
    Dossier.objects.filter(pk=collected.pk).update(return_method="in_person")
    Dossier.objects.filter(pk=paid_in_cash.pk).update(fee_paid_via="cash")
    at_counter = walk(procedure=catalogue.civil, route="returned", start=at(9, 5),
                      gaps=[HOUR] * 5, people=people)
    rollups.refresh(full=True)
    period = Period.month(2025, 9)

    r = {x.spec.code: x for x in indicator_list(period=period)}["end_to_end_online"]
    assert (r.measure.numerator, r.measure.denominator) == (1, 4)
    assert r.score == Decimal("3.00")  # 25% of its 12 points
    flags = {d.code: d.is_end_to_end_online
             for d in with_quality_flags(Dossier.objects.all())}
    assert flags == {end_to_end.code: True, collected.code: False, paid_in_cash.code: False,
                     at_counter.code: False}
    client.force_login(director)
    html = client.get(reverse("reports:dossiers"),
                      {**period.as_query(), "o": "end_to_end_online"}).content.decode()
    assert end_to_end.code in html and collected.code not in html


@pytest.mark.django_db
def test_a_certified_copy_used_as_a_component_counts_as_reuse(catalogue):
    people = team(catalogue)
    certified = walk(procedure=catalogue.certification, route="returned", start=at(9, 1),
                     gaps=[HOUR] * 5, people=people)
    copy = CopyCertification.objects.create(
        dossier=certified, document_name="Giấy khai sinh", pages=1, fee=2000, year=2025,
        number=1, scan="certifications/scans/1.png", certified_at=at(9, 1, 15))
    reusing = walk(procedure=catalogue.civil, route="received", start=at(9, 2),
                   gaps=[HOUR], people=people)
    DossierDocument.objects.create(dossier=reusing, name="Giấy khai sinh (bản sao điện tử)",
                                   copy_type="electronic", certified_copy=copy)
    rollups.refresh(full=True)
    period = Period.month(2025, 9)

    r = {x.spec.code: x for x in indicator_list(period=period)}["reuse"]
    assert (r.measure.numerator, r.measure.denominator) == (1, 2)
    assert [d.code for d in Dossier.objects.filter(CELLS["reused"].live(period))] == [reusing.code]
