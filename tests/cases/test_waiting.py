"""A dossier waiting on someone else is never overdue: one definition, every consumer.

The definition is ``cases.selectors.open_overdue`` / ``waiting_at`` (SQL) and
``dossier_deadline_state`` (Python, over ``cases.deadlines.classify_open``). The reported
cases come first (a land dossier waiting since 2 October on the resident's tax payment, a
dossier waiting on a supplement); the property test then holds every consumer to the
definition over generated histories with waits opened and closed at arbitrary times.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases import actions
from cases.deadlines import VIETNAM_TZ, Classification, Pause, classify_open
from cases.models import DossierPause, PauseKind, Status
from cases.periods import Period
from cases.selectors import (
    dossier_classification,
    dossier_deadline_state,
    dossier_filter_overdue,
    dossier_queue_filters,
    dossier_visible_to,
)
from intake.online.public_status import dossier_for_lookup, dossier_public_status
from reports import rollups
from reports.insights import dossiers_at_risk
from reports.selectors import report_table
from tests.factories import UserFactory, applicant
from thanhsen.errors import ApplicationError
from thanhsen.roles import Role


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), VIETNAM_TZ)


def _receive(procedure, *, when: datetime, people: dict):
    dossier = actions.dossier_create(
        procedure_code=procedure.code, applicant=applicant(), actor=people["counter"], at=when,
        channel="direct",
        documents=[actions.SubmittedDocument(name="Tờ khai", copy_type="original")],
    )
    dossier = actions.dossier_receive(dossier=dossier, actor=people["counter"], at=when)
    return actions.dossier_assign(dossier=dossier, actor=people["counter"],
                                   handler=people["handler"], at=when + timedelta(minutes=1))


@pytest.fixture
def land_people(catalogue):
    return {
        "counter": UserFactory(role=Role.COUNTER_OFFICER, department=catalogue.center),
        "handler": UserFactory(role=Role.LAND_OFFICER, department=catalogue.land_office),
    }


@pytest.fixture
def civil_people(catalogue):
    return {
        "counter": UserFactory(role=Role.COUNTER_OFFICER, department=catalogue.center),
        "handler": UserFactory(role=Role.HANDLING_OFFICER, department=catalogue.civil_office),
    }


@pytest.fixture
def tax_wait(catalogue, land_people):
    """Received 24/09/2025 (due 08/10/2025), waiting since 2 October for the tax payment."""
    dossier = _receive(catalogue.land, when=at(date(2025, 9, 24)), people=land_people)
    return actions.dossier_request_payment(
        dossier=dossier, actor=land_people["handler"], amount=2_500_000,
        reason="Nộp thuế thu nhập cá nhân theo thông báo thuế, hạn nộp 15/10/2025",
        at=at(date(2025, 10, 2), 10),
    )


@pytest.fixture
def supplement_wait(catalogue, civil_people):
    dossier = _receive(catalogue.civil, when=at(date(2025, 9, 24)), people=civil_people)
    return actions.dossier_request_supplement(
        dossier=dossier, actor=civil_people["handler"], reason="Thiếu giấy khai sinh",
        at=at(date(2025, 9, 25)),
    )


@pytest.fixture
def late(catalogue, civil_people):
    """A dossier that is simply overdue, so the lists are known to show overdue ones."""
    return _receive(catalogue.civil, when=at(date(2025, 9, 24)), people=civil_people)


# --- the reported cases --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("waiting", ["tax_wait", "supplement_wait"])
def test_a_waiting_dossier_is_within_deadline_in_bieu_06_live_and_rolled_up(request, late, waiting):
    dossier = request.getfixturevalue(waiting)
    assert dossier.status in (Status.AWAITING_PAYMENT, Status.SUPPLEMENT_REQUESTED)
    rollups.refresh(full=True)
    for month in (10, 11):
        period = Period.month(2025, month)
        for source in ("live", "rollup"):
            total = report_table(period=period, source=source).total
            assert total["in_progress"] == 2, (month, source)
            assert total["in_progress_overdue"] == 1, (month, source)
            assert total["in_progress_within"] == 1, (month, source)


@pytest.mark.django_db
@pytest.mark.parametrize("waiting", ["tax_wait", "supplement_wait"])
def test_a_waiting_dossier_is_not_in_the_overdue_queue_nor_due_soon(request, client, director,
                                                                   late, waiting):
    dossier = request.getfixturevalue(waiting)
    filters = dossier_queue_filters(director)
    visible = dossier_visible_to(director)
    overdue = set(visible.filter(filters["overdue"]).values_list("code", flat=True))
    assert overdue == {late.code}
    assert not visible.filter(filters["due_soon"], pk=dossier.pk).exists()
    client.force_login(director)
    html = client.get(reverse("cases:queue"), {"hang": "overdue"}).content.decode()
    assert late.code in html and dossier.code not in html


@pytest.mark.django_db
def test_the_api_overdue_filter_and_classification_leave_the_wait_out(as_user, director, late,
                                                                      tax_wait):
    client = as_user(director)
    overdue = client.get("/api/v1/dossiers/", {"overdue": "true"}).json()["results"]
    assert [d["code"] for d in overdue] == [late.code]
    within = client.get("/api/v1/dossiers/", {"overdue": "false"}).json()["results"]
    assert [(d["code"], d["classification"]) for d in within] == [(tax_wait.code, "within")]


@pytest.mark.django_db
def test_the_dossier_page_shows_the_wait_and_since_when(client, director, tax_wait):
    client.force_login(director)
    html = client.get(reverse("cases:dossier", args=[tax_wait.code])).content.decode()
    assert "Trong hạn, đang chờ" in html
    assert "02/10/2025" in html
    assert "tag--overdue" not in html


@pytest.mark.django_db
def test_the_queue_table_marks_the_wait_instead_of_overdue(client, director, tax_wait):
    client.force_login(director)
    html = client.get(reverse("cases:queue"), {"hang": "awaiting_payment"}).content.decode()
    assert "Đang chờ từ 02/10/2025" in html
    assert "tag--overdue" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("waiting", ["tax_wait", "supplement_wait"])
def test_the_residents_status_page_says_within_deadline_waiting(request, client, waiting):
    dossier = request.getfixturevalue(waiting)
    status = dossier_public_status(dossier_for_lookup(dossier.code).row.dossier, amount_due=0,
                                   rated=False)
    assert status.deadline_state == "waiting"
    page = client.post(reverse("intake:lookup"), {"code": dossier.code, "factor": "5678"},
                       HTTP_HX_REQUEST="true").content.decode()
    assert "Trong hạn, đang chờ từ" in page
    assert "Quá hạn" not in page


@pytest.mark.django_db
def test_the_status_page_of_an_overdue_dossier_says_so(client, late):
    page = client.post(reverse("intake:lookup"), {"code": late.code, "factor": "5678"},
                       HTTP_HX_REQUEST="true").content.decode()
    assert "Quá hạn" in page


@pytest.mark.django_db
def test_once_paid_the_due_date_moves_and_the_dossier_is_judged_again(land_people, tax_wait):
    paid = actions.dossier_confirm_payment(dossier=tax_wait, actor=land_people["handler"],
                                            at=at(date(2025, 10, 14), 9))
    # 2 Oct 10:00 to 14 Oct 09:00 covers 8 working days (2 Oct's 5.5 hours count, 14 Oct's
    # 1.5 do not): 8 Oct moves to 20 Oct.
    assert timezone.localtime(paid.due_at).date() == date(2025, 10, 20)
    assert dossier_classification(paid, now=at(date(2025, 10, 20), 16)) == Classification.WITHIN
    assert dossier_classification(paid, now=at(date(2025, 10, 21), 8)) == Classification.OVERDUE


@pytest.mark.django_db
def test_the_at_risk_list_leaves_out_a_dossier_waiting_on_the_resident(catalogue, civil_people):
    dossier = _receive(catalogue.civil, when=at(date(2026, 3, 2)), people=civil_people)
    # Due Thu 5 Mar: on Wed 4 Mar it is at risk, unless it waits on the resident.
    assert dossier in dossiers_at_risk(now=at(date(2026, 3, 4), 10))
    actions.dossier_request_payment(dossier=dossier, actor=civil_people["handler"],
                                     reason="Nộp lệ phí", at=at(date(2026, 3, 4), 9))
    assert dossier not in dossiers_at_risk(now=at(date(2026, 3, 4), 10))


# --- the property: every consumer agrees with the one definition -----------------------------

#: A wait: (kind, minutes after receipt it opens, minutes it lasts or None for still open).
waits = st.lists(
    st.tuples(
        st.sampled_from(["payment", "supplement", "pause"]),
        st.integers(min_value=2, max_value=60 * 24 * 30),
        st.one_of(st.none(), st.integers(min_value=1, max_value=60 * 24 * 20)),
    ),
    max_size=4,
)
histories = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=45),            # days before now it was received
        st.integers(min_value=0, max_value=24 * 60 - 1),  # minute of that day
        st.booleans(),                                     # land (10 days) or civil (3 days)
        waits,
    ),
    min_size=1, max_size=4,
)


def _walk(catalogue, people, now, days_back, minute, land, plan):
    """A dossier received ``days_back`` days before ``now`` with the planned waits, each
    taken through the services where one exists; a wait ending after ``now`` stays open.

    Returns the dossier and the waits actually recorded, as (start, end or None)."""
    received = datetime.combine(timezone.localdate(now) - timedelta(days=days_back),
                                time(minute // 60, minute % 60), VIETNAM_TZ)
    procedure = catalogue.land if land else catalogue.civil
    dossier = _receive(procedure, when=received, people=people)
    recorded = []
    busy_until = received + timedelta(minutes=1)  # the state machine takes one wait at a time
    for kind, offset, length in sorted(plan, key=lambda w: w[1]):
        start = received + timedelta(minutes=offset)
        end = start + timedelta(minutes=length) if length is not None else None
        if start >= now:
            continue
        if end is not None and end >= now:
            end = None
        if kind == "pause":
            # Another authority's wait (relatives' confirmations): any time, overlapping freely.
            DossierPause.objects.create(dossier=dossier, kind=PauseKind.VERIFICATION,
                                        started_at=start, ended_at=end)
            recorded.append((start, end))
            continue
        if busy_until is None or start <= busy_until:
            continue
        try:
            if kind == "payment":
                dossier = actions.dossier_request_payment(
                    dossier=dossier, actor=people["handler"], reason="Nộp thuế", at=start)
            else:
                dossier = actions.dossier_request_supplement(
                    dossier=dossier, actor=people["handler"], reason="Thiếu giấy tờ", at=start)
        except ApplicationError:  # a second supplement, or past the 3-day window
            continue
        recorded.append((start, end))
        busy_until = end
        if end is not None:
            if kind == "payment":
                dossier = actions.dossier_confirm_payment(dossier=dossier,
                                                           actor=people["counter"], at=end)
            else:
                dossier = actions.dossier_supplement(dossier=dossier, actor=people["counter"],
                                                      at=end)
    dossier.refresh_from_db()
    return dossier, recorded


def _codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


@pytest.mark.django_db
@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plans=histories, past=st.integers(min_value=0, max_value=45))
def test_every_consumer_agrees_with_the_one_definition(catalogue, director, plans, past):
    now = timezone.now()
    people = {
        "counter": UserFactory(role=Role.COUNTER_OFFICER, department=catalogue.center),
        "handler": UserFactory(role=Role.LAND_OFFICER, department=catalogue.land_office),
    }
    civil_handler = UserFactory(role=Role.HANDLING_OFFICER, department=catalogue.civil_office)
    with transaction.atomic():
        dossiers = {}
        for days_back, minute, land, plan in plans:
            who = people if land else {**people, "handler": civil_handler}
            dossier, recorded = _walk(catalogue, who, now, days_back, minute, land, plan)
            dossiers[dossier.code] = (dossier, recorded)

        expected = {}
        for code, (dossier, recorded) in dossiers.items():
            state = dossier_deadline_state(dossier, now=now)
            # The one definition says what the generated history says: waiting now exactly
            # when a recorded wait is open now, and then never overdue.
            open_now = any(start <= now and (end is None or end > now) for start, end in recorded)
            assert (state.waiting_since is not None) == open_now
            if open_now:
                assert state.classification == Classification.WITHIN
            expected[code] = state

        overdue = {code for code, s in expected.items() if s.classification == Classification.OVERDUE}
        waiting = {code for code, s in expected.items() if s.waiting_since}
        everything = dossier_visible_to(director).filter(code__in=expected)

        # The API's filter (and the list's classification field).
        assert _codes(dossier_filter_overdue(everything, overdue=True, now=now)) == overdue
        assert _codes(dossier_filter_overdue(everything, overdue=False, now=now)) == (
            set(expected) - overdue)
        for code, (dossier, _recorded) in dossiers.items():
            assert dossier_classification(dossier, now=now) == expected[code].classification
        # The work queues: "Quá hạn" and "due soon".
        filters = dossier_queue_filters(director, now=now)
        assert _codes(everything.filter(filters["overdue"])) == overdue
        assert not _codes(everything.filter(filters["due_soon"])) & (overdue | waiting)
        # The dashboard's at-risk list.
        assert not {d.code for d in dossiers_at_risk(now=now)} & (overdue | waiting)
        # The resident's status page, from the dossier and from the public lookup's statement.
        for code, (dossier, _recorded) in dossiers.items():
            assert dossier_public_status(dossier, now=now).deadline_state == expected[code].state
            row = dossier_for_lookup(code).row
            assert dossier_public_status(row.dossier, amount_due=0, rated=False,
                                         now=now).deadline_state == expected[code].state

        # Biểu 06, live and rolled up, today and on a day in the histories' past.
        rollups.refresh(full=True)
        today = timezone.localdate(now)
        for period in (Period(today - timedelta(days=60), today),
                       Period(today - timedelta(days=past), today - timedelta(days=past))):
            moment = period.snapshot_moment()
            open_then = [
                (dossier, recorded) for dossier, recorded in dossiers.values()
                if dossier.received_at < period.end_at
            ]
            late = sum(
                1 for dossier, recorded in open_then
                if classify_open(due_at=dossier.due_at, now=moment,
                                 waits=[Pause(s, e) for s, e in recorded])
                == Classification.OVERDUE
            )
            for source in ("live", "rollup"):
                total = report_table(period=period, source=source).total
                assert total["in_progress"] == len(open_then), (period, source)
                assert total["in_progress_overdue"] == late, (period, source)
                assert total["in_progress_within"] == len(open_then) - late, (period, source)
        transaction.set_rollback(True)
