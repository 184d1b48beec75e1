"""Biểu 06 adds up for any history and period, and the rollup agrees with the live query."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.deadlines import VIETNAM_TZ
from cases.periods import Period
from reports import rollups
from reports.cells import DIMENSIONS
from reports.selectors import ALL_COLUMNS, report_table
from tests.reports.builders import ROUTES, team, walk

ORIGIN = date(2025, 9, 1)


def assert_identities(row, where):
    v = row.values
    assert v["received"] == v["received_online"] + v["received_other"] + v["carried_over"], where
    assert v["resolved"] == v["resolved_early"] + v["resolved_on_time"] + v["resolved_overdue"], where
    assert v["in_progress"] == v["in_progress_within"] + v["in_progress_overdue"], where
    assert v["received"] == v["resolved"] + v["in_progress"] + v["stopped"], where


dossier_plans = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=40),           # day of creation after ORIGIN
        st.integers(min_value=7 * 60, max_value=18 * 60),  # minute of the day
        st.sampled_from(sorted(ROUTES)),
        st.lists(st.integers(min_value=0, max_value=60 * 24 * 6), min_size=5, max_size=5),
        st.sampled_from(["online", "direct", "postal"]),
    ),
    min_size=1, max_size=8,
)
periods = st.tuples(st.integers(min_value=0, max_value=50), st.integers(min_value=0, max_value=30))


@pytest.mark.django_db
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plans=dossier_plans, period=periods)
def test_identities_hold_and_rollup_matches_live(catalogue, plans, period):
    people = team(catalogue)
    with transaction.atomic():
        for day, minute, route, gaps, channel in plans:
            start = datetime.combine(ORIGIN + timedelta(days=day),
                                     time(minute // 60, minute % 60), VIETNAM_TZ)
            gap_list = [timedelta(minutes=g) for g in gaps]
            if route == "supplement_requested":  # the law allows it within 3 working days
                gap_list[:3] = [timedelta(minutes=g % 400) for g in gaps[:3]]
            walk(procedure=catalogue.civil, route=route, start=start, gaps=gap_list,
                 people=people, channel=channel)
        rollups.refresh(full=True)
        first = ORIGIN + timedelta(days=period[0])
        p = Period(first, first + timedelta(days=period[1]))
        for dimension in [None, *DIMENSIONS]:
            live = report_table(period=p, dimension=dimension, source="live")
            rolled = report_table(period=p, dimension=dimension, source="rollup")
            for row in [live.total, *live.rows]:
                assert_identities(row, (dimension, row.label))
            assert live.total.values == rolled.total.values, dimension
            assert {r.key: r.values for r in live.rows} == {r.key: r.values for r in rolled.rows}
            if dimension:
                for column in ALL_COLUMNS:
                    assert sum(r[column] for r in live.rows) == live.total[column]
        transaction.set_rollback(True)
