"""Incremental rollup refreshes, period boundaries, and the indicator provider registry."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import transaction

from cases import actions
from cases.deadlines import VIETNAM_TZ
from cases.models import CopyCertification, Dossier, DossierDocument, OnlineLevel
from cases.periods import Period
from cases.synthetic import SYNTHETIC_WITHDRAWAL_REASON
from reports import rollups
from reports.indicators import (
    Measure,
    indicator_list,
    register_provider,
    satisfaction_from,
)
from reports.models import DailyRollup, MonthlyRollup
from reports.providers import register_all
from reports.selectors import report_table
from tests.reports.builders import team, walk


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), VIETNAM_TZ)


@pytest.mark.django_db
def test_incremental_refresh_rewrites_only_what_changed_and_agrees(catalogue):
    people = team(catalogue)
    old = walk(procedure=catalogue.civil, route="in_progress", start=at(date(2025, 9, 2)),
               gaps=[timedelta(hours=1)] * 2, people=people)
    walk(procedure=catalogue.civil, route="returned", start=at(date(2025, 9, 10)),
         gaps=[timedelta(hours=1)] * 5, people=people)
    rollups.refresh(full=True, today=date(2025, 10, 31))
    untouched = DailyRollup.objects.filter(day__lt=date(2025, 9, 2)).count()
    # Weeks later the old dossier is finished: the incremental run rewrites from its day.
    old = actions.dossier_submit_for_approval(dossier=old, actor=people["handler"],
                                               at=at(date(2025, 10, 20)))
    actions.dossier_approve(dossier=old, actor=people["signer"], at=at(date(2025, 10, 21)))
    days = rollups.refresh(today=date(2025, 10, 31))
    assert days[0] == date(2025, 9, 2)
    assert DailyRollup.objects.filter(day__lt=date(2025, 9, 2)).count() == untouched
    for period in (Period(date(2025, 9, 1), date(2025, 9, 30)),
                   Period(date(2025, 10, 1), date(2025, 10, 31))):
        for dimension in (None, "officer"):
            live = report_table(period=period, dimension=dimension, source="live")
            rolled = report_table(period=period, dimension=dimension)
            assert live.total.values == rolled.total.values
    october = report_table(period=Period(date(2025, 10, 1), date(2025, 10, 31))).total
    assert october["carried_over"] == 1 and october["resolved_overdue"] == 1


def _rollup_rows(first: date, last: date) -> list[tuple]:
    fields = [f.name for f in DailyRollup._meta.fields if f.name != "id"]
    return sorted(DailyRollup.objects.filter(day__gte=first, day__lte=last).values_list(*fields),
                  key=str)


def _month_rows() -> list[tuple]:
    fields = [f.name for f in MonthlyRollup._meta.fields if f.name != "id"]
    return sorted(MonthlyRollup.objects.values_list(*fields), key=str)


@pytest.mark.django_db
def test_rewriting_a_range_gives_the_rows_a_full_build_gives(catalogue):
    """``rebuild_days`` narrows the dossiers by the range's bounds before joining the days;
    dossiers finished just before, at and after the range's first midnight, stopped ones and
    open ones must come out of a partial rewrite exactly as out of a full build."""
    people = team(catalogue)
    first, last = date(2025, 10, 6), date(2025, 10, 10)
    midnight = at(first, 0)
    hour = timedelta(hours=1)
    # Three steps an hour apart, then the approval at the given time.
    approved_at = [hour] * 3
    for start, route, gaps in [
        (at(date(2025, 9, 1)), "resolved", [timedelta(days=2)] * 4),  # long before
        (midnight - 10 * hour, "resolved", [*approved_at, 7 * hour]),  # at the first midnight
        (midnight - 30 * hour, "resolved", [*approved_at, 26 * hour]),  # just before it
        (midnight - 30 * hour, "resolved", [*approved_at, 28 * hour]),  # just after it
        (at(date(2025, 9, 29)), "returned", [timedelta(days=2)] * 5),  # into the range
        (at(date(2025, 9, 25)), "stopped_in_progress", [timedelta(days=3)] * 3),  # stopped before
        (at(date(2025, 10, 3)), "stopped", [timedelta(days=4)] * 2),  # stopped inside
        (at(date(2025, 9, 15)), "in_progress", [timedelta(hours=1)] * 2),  # still open
        (at(date(2025, 10, 9)), "received", [timedelta(hours=2)]),  # received inside
        (at(date(2025, 10, 11)), "received", [timedelta(hours=2)]),  # received after
    ]:
        walk(procedure=catalogue.civil, route=route, start=start, gaps=gaps, people=people)
    rollups.refresh(full=True, today=date(2025, 10, 31))
    built, months = _rollup_rows(first, last), _month_rows()
    assert built and MonthlyRollup.objects.values("month").distinct().count() == 2  # Sep, Oct
    with transaction.atomic():
        rollups.rebuild_days(first, last)
    assert _rollup_rows(first, last) == built
    # October is summed again from all its days, also those after the range.
    assert _month_rows() == months


@pytest.mark.django_db
def test_period_boundaries_use_local_midnight_and_timestamps(catalogue):
    people = team(catalogue)
    # Received on the last evening of September (local time), resolved in October.
    late = walk(procedure=catalogue.civil, route="resolved", start=at(date(2025, 9, 30), 16),
                gaps=[timedelta(minutes=10), timedelta(minutes=10), timedelta(days=2),
                      timedelta(hours=1)], people=people)
    rollups.refresh(full=True)
    september = report_table(period=Period(date(2025, 9, 1), date(2025, 9, 30)), source="live")
    october = report_table(period=Period(date(2025, 10, 1), date(2025, 10, 31)), source="live")
    assert september.total["received"] == 1 and september.total["in_progress"] == 1
    assert september.total["resolved"] == 0
    assert october.total["carried_over"] == 1 and october.total["resolved"] == 1
    assert october.total["received_online"] + october.total["received_other"] == 0
    assert late.resolved_at.astimezone(VIETNAM_TZ).date() == date(2025, 10, 2)
    for p in (september.period, october.period):
        assert report_table(period=p).total.values == report_table(
            period=p, source="live").total.values


@pytest.mark.django_db
def test_indicators_show_sources_and_accept_a_registered_provider(catalogue):
    people = team(catalogue)
    walk(procedure=catalogue.civil, route="returned", start=at(date(2025, 9, 10)),
         gaps=[timedelta(hours=1)] * 5, people=people, channel="online")
    walk(procedure=catalogue.land, route="received", start=at(date(2025, 9, 11)),
         gaps=[timedelta(hours=1)] * 2, people=people)
    rollups.refresh(full=True)
    period = Period(date(2025, 9, 1), date(2025, 9, 30))
    results = {r.spec.code: r for r in indicator_list(period=period)}
    online = results["online_submission"]
    assert (online.measure.numerator, online.measure.denominator) == (1, 2)
    assert online.rate == 50 and online.spec.target == 50
    e2e = results["end_to_end_online"]  # only the civil procedure is end-to-end
    assert (e2e.measure.numerator, e2e.measure.denominator) == (1, 1)
    payment = results["online_payment"]
    assert not payment.available and "thanh toán" in payment.reason
    assert results["early_on_time"].score == 10  # the land dossier is overdue by 30/09
    register_provider("online_payment", lambda p: Measure(1, 4))
    register_provider("satisfaction",
                      lambda p: satisfaction_from(overdue=1, processed=2, complaints=0))
    try:
        after = {r.spec.code: r for r in indicator_list(period=period)}
        assert after["online_payment"].rate == 25
        assert after["online_payment"].score == pytest.approx(1.5)  # 25% of its 6 points
        assert after["satisfaction"].rate == 50  # 100% − 50% overdue − 0% complaints
    finally:
        register_all()  # back to the project's own providers
    assert not {r.spec.code: r for r in indicator_list(period=period)}[
        "online_payment"].available  # the project's provider: no fee recorded
    with pytest.raises(KeyError):
        register_provider("no_such_indicator", lambda p: None)


@pytest.mark.django_db
def test_a_late_rating_or_complaint_corrects_the_past_days_it_concerns(catalogue):
    """Ratings and complaints are no dossier events, yet they change the satisfaction counts
    of the days the dossier was processed on, months back: the next incremental refresh
    rewrites those days, and the rolled-up number agrees with the list behind it again."""
    from intake.models import Rating
    from intake.online import services as intake_services

    people = team(catalogue)
    rated = walk(procedure=catalogue.civil, route="returned", start=at(date(2025, 9, 10)),
                 gaps=[timedelta(hours=1)] * 5, people=people)
    named = walk(procedure=catalogue.civil, route="in_progress", start=at(date(2025, 9, 15)),
                 gaps=[timedelta(hours=1)] * 2, people=people)
    rollups.refresh(full=True, today=date(2025, 10, 31))
    september = Period(date(2025, 9, 1), date(2025, 9, 30))
    assert report_table(period=september, columns=["complained", "rated"]).total.values == {
        "complained": 0, "rated": 0}

    intake_services.rating_submit(dossier_id=rated.pk, scores=dict.fromkeys(Rating.CRITERIA, 0))
    intake_services.complaint_file(kind="feedback", name="Trần Thị Bình", phone="0912345678",
                                   email="", content="Hồ sơ chậm", dossier_code=named.code)
    days = rollups.refresh(today=date(2025, 11, 30))
    assert days[0] == date(2025, 9, 10)
    for period in (september, Period(date(2025, 9, 12), date(2025, 10, 31))):
        columns = ["complained", "rated", "processed"]
        rolled = report_table(period=period, columns=columns).total.values
        assert rolled == report_table(period=period, columns=columns, source="live").total.values
    assert report_table(period=september, columns=["complained", "rated"]).total.values == {
        "complained": 2, "rated": 1}
    satisfaction = {r.spec.code: r for r in indicator_list(period=september)}["satisfaction"]
    # Both processed dossiers are complained about or disliked: 100% − 100%.
    assert (satisfaction.measure.numerator, satisfaction.measure.denominator) == (0, 2)


@pytest.mark.django_db
def test_the_766_flags_and_simulated_withdrawals_are_rolled_up_like_their_lists(catalogue):
    """End-to-end online, a reused component (a certified copy used as one counts) and the
    seeding's simulated withdrawals are rollup columns: a whole month, read from the monthly
    rollup, gives the lengths of the lists behind the numbers."""
    people = team(catalogue)
    catalogue.civil.online_level = OnlineLevel.FULL
    catalogue.civil.save(update_fields=["online_level"])

    def online(day: int, route: str = "returned"):
        return walk(procedure=catalogue.civil, route=route, start=at(date(2025, 9, day)),
                    gaps=[timedelta(hours=1)] * 5, people=people, channel="online")

    end_to_end, collected = online(2), online(3)
    Dossier.objects.filter(pk=collected.pk).update(return_method="in_person")
    copy = CopyCertification.objects.create(dossier=collected, document_name="Giấy khai sinh",
                                            pages=1, fee=2000)
    DossierDocument.objects.create(dossier=end_to_end, name="Giấy khai sinh",
                                   copy_type="electronic", certified_copy=copy)
    invented, _withdrawn = online(4, "stopped"), online(5, "stopped")
    Dossier.objects.filter(pk=invented.pk).update(stop_reason=SYNTHETIC_WITHDRAWAL_REASON)
    rollups.refresh(full=True, today=date(2025, 10, 31))
    september = Period(date(2025, 9, 1), date(2025, 9, 30))
    columns = ["end_to_end_online", "reused", "stopped_synthetic", "stopped"]
    rolled = report_table(period=september, columns=columns).total.values
    assert rolled == report_table(period=september, columns=columns, source="live").total.values
    # The two withdrawals were filed online too and never paid or collected at the counter.
    assert rolled == {"end_to_end_online": 3, "reused": 1, "stopped_synthetic": 1, "stopped": 2}
    assert MonthlyRollup.objects.filter(month=date(2025, 9, 1), stopped_synthetic=1).exists()
