"""Biểu 06 adds up for any history and period, and the rollup agrees with the live query on
every cell: the official columns, what other apps' tables say of the dossiers (fee payments,
ratings and complaints, electronic results, copy certifications, VNeID filings) and the
per-dossier 766 flags of ``cases.quality_flags`` (end-to-end online, reused components) and
the simulated withdrawals of ``cases.synthetic``."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cases.deadlines import VIETNAM_TZ
from cases.models import CopyCertification, DossierDocument
from cases.periods import Period
from cases.synthetic import SYNTHETIC_WITHDRAWAL_REASON
from intake.models import Complaint, OnlineSubmission, Payment, Rating
from reports import rollups
from reports.cells import DIMENSIONS, ROLLUP_CELLS
from reports.selectors import ALL_COLUMNS, report_table
from tests.reports.builders import ROUTES, team, walk

ORIGIN = date(2025, 9, 1)
#: Every cell that counts dossiers (``resolved_working_days`` sums days: its list is the
#: resolved dossiers, which the ``resolved`` cell checks).
EVERY_CELL = [name for name in ROLLUP_CELLS if name != "resolved_working_days"]


def add_facts(dossier, facts, people) -> None:
    """What other apps record of a dossier, ``after`` minutes past its creation: written
    straight to their tables, since only the counts of the state are under test here."""
    rating, complaint, paid_online, result_file, vneid, certification, after = facts
    moment = dossier.created_at + timedelta(minutes=after)
    code = dossier.code
    if rating is not None:
        Rating.objects.create(dossier=dossier, procedure_id=dossier.procedure_id,
                              **dict.fromkeys(Rating.CRITERIA, rating), created_at=moment)
    if complaint:
        Complaint.objects.create(code=f"PA-{code}", kind="feedback", dossier_code=code,
                                 name="Trần Thị Bình", phone="0912345678", content="Chậm",
                                 received_at=moment, due_at=moment + timedelta(days=14))
    if paid_online:
        Payment.objects.create(dossier=dossier, purpose="fee", description="Lệ phí",
                               amount=20000, status="paid", method="online",
                               reference=f"P-{code}", paid_at=moment)
    if result_file:
        type(dossier).objects.filter(pk=dossier.pk).update(result_file=f"results/{code}.pdf")
    if vneid:
        OnlineSubmission.objects.create(dossier=dossier, signed_in_with_vneid=True)
    if certification:
        CopyCertification.objects.create(
            dossier=dossier, document_name="Giấy khai sinh", pages=1, fee=2000,
            certified_at=moment, signer=people["signer"],
            certified_pdf=f"certified/{code}.pdf" if certification == "signed" else "")


def add_flags(dossier, flags, people) -> None:
    """How the fee was paid and the result handed over, whether a component was reused (from
    the data store, or as a copy certified at the center) and whether the dossier's stop
    reason is the seeding's simulated withdrawal: the inputs of ``cases.quality_flags`` and
    ``cases.synthetic``, written straight to the tables like ``add_facts``."""
    fee_paid_via, return_method, synthetic, reuse = flags
    type(dossier).objects.filter(pk=dossier.pk).update(
        fee_paid_via=fee_paid_via, return_method=return_method,
        stop_reason=SYNTHETIC_WITHDRAWAL_REASON if synthetic else dossier.stop_reason)
    if reuse == "data_store":
        DossierDocument.objects.create(dossier=dossier, name="Giấy khai sinh",
                                       copy_type="electronic", reused=True)
    elif reuse == "certified_copy":
        # Unsigned and undated unless the facts signed one: only the reuse is under test.
        certified = CopyCertification.objects.filter(dossier=dossier).first() or \
            CopyCertification.objects.create(dossier=dossier, document_name="Giấy khai sinh",
                                             pages=1, fee=2000, signer=people["signer"])
        DossierDocument.objects.create(dossier=dossier, name="Giấy khai sinh",
                                       copy_type="electronic", certified_copy=certified)


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
        st.tuples(
            st.sampled_from([None, 0, 1, 2]),  # overall rating ("không hài lòng" is 0)
            st.booleans(),  # a complaint names the dossier
            st.booleans(),  # the fee was paid online
            st.booleans(),  # a result file was handed over online
            st.booleans(),  # filed from a VNeID account
            st.sampled_from([None, "signed", "unsigned"]),  # a copy certification
            st.integers(min_value=0, max_value=60 * 24 * 20),  # minutes to those facts
        ),
        st.tuples(
            st.sampled_from(["", "cash", "online"]),  # how the fee was paid
            st.sampled_from(["", "in_person", "post", "online"]),  # how the result went out
            st.booleans(),  # stopped as a simulated withdrawal (when the route stops it)
            st.sampled_from([None, "data_store", "certified_copy"]),  # a reused component
        ),
    ),
    min_size=1, max_size=8,
)
#: The procedure's fee rule, whether it issues a result document, and whether it is offered
#: end-to-end online.
procedure_kinds = st.tuples(st.booleans(), st.booleans(), st.sampled_from(["full", "partial"]))
#: First day and length: long enough that many periods hold a whole month (read from
#: ``MonthlyRollup``) with days around it.
periods = st.tuples(st.integers(min_value=0, max_value=50), st.integers(min_value=0, max_value=75))


#: Dossiers on both sides of a period that holds most of September and most of October, each
#: read as its month less the days left out (``rollup_reads.signed_split``).
_NO_FACTS = ((None, False, False, False, False, None, 0), ("", "", False, None))
_MONTHS_LESS_DAYS = [
    (day, 9 * 60, route, [60, 600, 2000, 3000, 4000], "online", *_NO_FACTS)
    for day in (0, 1, 3, 29, 30, 59, 60) for route in ("returned", "in_progress")
]


@pytest.mark.django_db
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plans=dossier_plans, period=periods, kind=procedure_kinds)
@example(plans=_MONTHS_LESS_DAYS, period=(2, 57), kind=(True, True, "full"))
def test_identities_hold_and_rollup_matches_live(catalogue, plans, period, kind):
    people = team(catalogue)
    with transaction.atomic():
        procedure = catalogue.civil
        procedure.fee = {"kind": "fixed", "amount": 20000} if kind[0] else {}
        procedure.has_result_document = kind[1]
        procedure.online_level = kind[2]
        procedure.save(update_fields=["fee", "has_result_document", "online_level"])
        for day, minute, route, gaps, channel, facts, flags in plans:
            start = datetime.combine(ORIGIN + timedelta(days=day),
                                     time(minute // 60, minute % 60), VIETNAM_TZ)
            gap_list = [timedelta(minutes=g) for g in gaps]
            if route == "supplement_requested":  # the law allows it within 3 working days
                gap_list[:3] = [timedelta(minutes=g % 400) for g in gaps[:3]]
            dossier = walk(procedure=procedure, route=route, start=start, gaps=gap_list,
                           people=people, channel=channel)
            add_facts(dossier, facts, people)
            add_flags(dossier, flags, people)
        rollups.refresh(full=True)
        first = ORIGIN + timedelta(days=period[0])
        p = Period(first, first + timedelta(days=period[1]))
        for dimension in [None, *DIMENSIONS]:
            live = report_table(period=p, dimension=dimension, source="live", columns=EVERY_CELL)
            rolled = report_table(period=p, dimension=dimension, source="rollup",
                                  columns=EVERY_CELL)
            for row in [live.total, *live.rows]:
                assert_identities(row, (dimension, row.label))
            assert live.total.values == rolled.total.values, dimension
            assert {r.key: r.values for r in live.rows} == {r.key: r.values for r in rolled.rows}
            if dimension:
                for column in ALL_COLUMNS:
                    assert sum(r[column] for r in live.rows) == live.total[column]
        transaction.set_rollback(True)


def test_most_of_a_month_is_its_month_less_the_days_left_out():
    from reports.rollup_reads import signed_split

    months, plus, minus = signed_split(Period(date(2026, 1, 3), date(2026, 12, 1)))
    assert months == [date(2026, m, 1) for m in range(1, 12)]
    assert plus == [(date(2026, 12, 1), date(2026, 12, 1))]
    assert minus == [(date(2026, 1, 1), date(2026, 1, 2))]
    # Inside one month: most of it is the month less both ends; a few days are those days.
    assert signed_split(Period(date(2026, 3, 2), date(2026, 3, 30))) == (
        [date(2026, 3, 1)], [], [(date(2026, 3, 1), date(2026, 3, 1)),
                                 (date(2026, 3, 31), date(2026, 3, 31))])
    assert signed_split(Period(date(2026, 3, 2), date(2026, 3, 9))) == (
        [], [(date(2026, 3, 2), date(2026, 3, 9))], [])
