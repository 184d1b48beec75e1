"""The dossier lifecycle: every legal step through the services, every illegal one through the API.

Dates are in an ordinary 2026 working week (Mon 2 – Fri 6 Mar, no holidays until Tết is long
past and Hùng Kings is in April); the civil procedure has a limit of 3 working days, so a
dossier received on Monday at 09:00 is due on Thursday 5 March at 17:30.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import product
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cases import actions, selectors
from cases.models import Authorisation, Dossier, DossierEvent, DossierPause, Status
from cases.models.dossier import OPEN_STATES, STOPPABLE_STATES
from tests.factories import ProcedureFactory, UserFactory, applicant, dossier_in
from thanhsen.errors import ApplicationError, ErrorKind
from thanhsen.roles import Role

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def local(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=HCM)


MONDAY = local(3, 2, 9)  # Mon 2 Mar 2026, 09:00
DUE = local(3, 5, 17, 30)  # Thu 5 Mar 2026, end of the working day

pytestmark = pytest.mark.django_db


@pytest.fixture
def walk(catalogue, counter, handler, leader):
    """``dossier_in`` with the persona fixtures as the people who act."""

    def build(state: str, *, procedure=None, at: datetime = MONDAY, **people):
        people = {"counter": counter, "handler": handler, "signer": leader, **people}
        return dossier_in(state, procedure=procedure or catalogue.civil, at=at, **people)

    return build


def event_count(dossier: Dossier) -> int:
    return DossierEvent.objects.filter(dossier_id=dossier.pk).count()


def assert_one_new_event(dossier, before: int, *, action, actor, from_status, to_status, note=""):
    """Exactly one event was written, and it says who moved the dossier from where to where."""
    assert event_count(dossier) == before + 1
    event = DossierEvent.objects.filter(dossier_id=dossier.pk).latest("id")
    assert event.action == action
    assert event.actor_id == actor.pk
    assert (event.from_status, event.to_status) == (from_status, to_status)
    assert event.note == note
    return event


def fresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


def refused(call, kind: ErrorKind) -> ApplicationError:
    with pytest.raises(ApplicationError) as info:
        call()
    assert info.value.kind is kind
    return info.value


# --- intake --------------------------------------------------------------------------------
def test_create_starts_submitted_with_one_create_event(catalogue, counter):
    dossier = actions.dossier_create(
        procedure_code=catalogue.civil.code, applicant=applicant(), channel="direct",
        actor=counter, at=MONDAY,
    )

    dossier = fresh(dossier)
    assert dossier.status == Status.SUBMITTED
    assert dossier.received_at is None and dossier.due_at is None
    event = dossier.events.get()
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        "create", counter, "", "submitted"
    )


def test_receive_starts_the_clock_and_sets_both_due_dates(walk, counter):
    dossier = walk("submitted", at=MONDAY - timedelta(hours=1))
    before = event_count(dossier)

    actions.dossier_receive(dossier=dossier, actor=counter, note="Đủ thành phần", at=MONDAY)

    dossier = fresh(dossier)
    assert dossier.status == Status.RECEIVED
    assert dossier.received_at == MONDAY
    assert dossier.received_by == counter
    assert dossier.due_at == DUE
    assert dossier.initial_due_at == DUE
    assert dossier.quality_due_at == DUE
    event = assert_one_new_event(dossier, before, action="receive", actor=counter,
                                 from_status="submitted", to_status="received",
                                 note="Đủ thành phần")
    assert event.at == MONDAY
    assert datetime.fromisoformat(event.payload["due_at"]) == DUE


def test_receive_after_the_cutoff_counts_from_the_next_working_day(walk, counter):
    dossier = walk("submitted", at=local(3, 2, 15, 30))

    actions.dossier_receive(dossier=dossier, actor=counter, at=local(3, 2, 16, 0))

    assert fresh(dossier).due_at == local(3, 6, 17, 30)  # Friday, not Thursday


def test_refuse_intake_records_the_written_reasons(walk, counter):
    dossier = walk("submitted")
    before = event_count(dossier)

    actions.dossier_refuse_intake(dossier=dossier, actor=counter,
                                   reason="Không thuộc thẩm quyền của phường", at=MONDAY)

    dossier = fresh(dossier)
    assert dossier.status == Status.NOT_ACCEPTED
    assert dossier.not_accepted_reason == "Không thuộc thẩm quyền của phường"
    assert dossier.received_at is None
    assert_one_new_event(dossier, before, action="refuse_intake", actor=counter,
                         from_status="submitted", to_status="not_accepted",
                         note="Không thuộc thẩm quyền của phường")


def test_refuse_intake_without_a_reason_is_invalid_and_changes_nothing(walk, counter):
    dossier = walk("submitted")
    before = event_count(dossier)

    error = refused(
        lambda: actions.dossier_refuse_intake(dossier=dossier, actor=counter, reason="  "),
        ErrorKind.INVALID,
    )

    assert "reason" in error.fields
    assert fresh(dossier).status == Status.SUBMITTED
    assert event_count(dossier) == before


def test_request_completion_keeps_submitted_and_complete_clears_it(walk, counter, resident):
    dossier = walk("submitted", resident=resident)
    before = event_count(dossier)

    actions.dossier_request_completion(dossier=dossier, actor=counter,
                                        reason="Bổ sung bản sao giấy khai sinh", at=MONDAY)

    dossier = fresh(dossier)
    assert dossier.status == Status.SUBMITTED
    assert dossier.completion_request == "Bổ sung bản sao giấy khai sinh"
    assert dossier.completion_requested_at == MONDAY
    assert dossier.received_at is None  # the clock has not started
    assert_one_new_event(dossier, before, action="request_completion", actor=counter,
                         from_status="submitted", to_status="submitted",
                         note="Bổ sung bản sao giấy khai sinh")

    actions.dossier_complete(dossier=dossier, actor=resident, note="Đã tải lên",
                              at=MONDAY + timedelta(hours=2))

    dossier = fresh(dossier)
    assert dossier.status == Status.SUBMITTED
    assert dossier.completion_request == ""
    event = assert_one_new_event(dossier, before + 1, action="complete", actor=resident,
                                 from_status="submitted", to_status="submitted",
                                 note="Đã tải lên")
    assert event.payload == {"request": "Bổ sung bản sao giấy khai sinh", "documents": 0}


def test_a_second_completion_request_while_one_is_pending_is_a_conflict(walk, counter, resident):
    dossier = walk("submitted", resident=resident)
    actions.dossier_request_completion(dossier=dossier, actor=counter, reason="Thiếu tờ khai")
    before = event_count(dossier)

    error = refused(
        lambda: actions.dossier_request_completion(dossier=dossier, actor=counter,
                                                    reason="Thiếu ảnh"),
        ErrorKind.CONFLICT,
    )

    assert error.message == "Hồ sơ đang chờ công dân hoàn thiện theo yêu cầu đã gửi."
    assert fresh(dossier).completion_request == "Thiếu tờ khai"
    assert event_count(dossier) == before


def test_complete_without_a_pending_request_is_a_conflict(walk, resident):
    dossier = walk("submitted", resident=resident)
    before = event_count(dossier)

    error = refused(lambda: actions.dossier_complete(dossier=dossier, actor=resident),
                    ErrorKind.CONFLICT)

    assert error.message == "Hồ sơ không có yêu cầu hoàn thiện nào đang chờ."
    assert event_count(dossier) == before


# --- assignment ----------------------------------------------------------------------------
def test_assign_routes_to_the_procedures_department_and_handler(walk, catalogue, counter, handler):
    dossier = walk("received")
    before = event_count(dossier)
    at = MONDAY + timedelta(hours=1)

    actions.dossier_assign(dossier=dossier, actor=counter, handler=handler, note="Chuyển xử lý",
                            at=at)

    dossier = fresh(dossier)
    assert dossier.status == Status.IN_PROGRESS
    assert dossier.department == catalogue.civil_office
    assert dossier.handler == handler
    assert dossier.assigned_at == at
    event = assert_one_new_event(dossier, before, action="assign", actor=counter,
                                 from_status="received", to_status="in_progress",
                                 note="Chuyển xử lý")
    assert event.payload == {"department": "VHXH", "handler": handler.username}


def test_director_reassigns_within_in_progress(walk, director, handler, other_handler):
    dossier = walk("in_progress")
    assert dossier.handler == handler
    before = event_count(dossier)

    actions.dossier_assign(dossier=dossier, actor=director, handler=other_handler,
                            at=MONDAY + timedelta(hours=2))

    dossier = fresh(dossier)
    assert dossier.status == Status.IN_PROGRESS
    assert dossier.handler == other_handler
    assert_one_new_event(dossier, before, action="assign", actor=director,
                         from_status="in_progress", to_status="in_progress")


def test_a_handler_takes_a_received_dossier_for_themself_only(walk, handler, other_handler):
    dossier = walk("received")

    error = refused(
        lambda: actions.dossier_assign(dossier=dossier, actor=handler, handler=other_handler),
        ErrorKind.FORBIDDEN,
    )
    assert error.message == "Cán bộ xử lý chỉ nhận hồ sơ cho chính mình."
    assert fresh(dossier).status == Status.RECEIVED

    actions.dossier_assign(dossier=dossier, actor=handler, handler=handler)
    assert fresh(dossier).handler == handler


def test_a_handler_who_names_nobody_takes_the_dossier_themself(walk, handler):
    dossier = walk("received")

    actions.dossier_assign(dossier=dossier, actor=handler)

    dossier = fresh(dossier)
    assert (dossier.status, dossier.handler) == (Status.IN_PROGRESS, handler)
    assert dossier.events.latest("id").payload["handler"] == handler.username


def test_a_handler_cannot_route_a_dossier_to_another_department(walk, catalogue, handler):
    dossier = walk("received")
    before = event_count(dossier)

    error = refused(
        lambda: actions.dossier_assign(dossier=dossier, actor=handler,
                                        department=catalogue.economy_office),
        ErrorKind.FORBIDDEN,
    )

    assert error.message == "Cán bộ xử lý chỉ nhận hồ sơ cho chính mình."
    dossier = fresh(dossier)
    assert (dossier.status, dossier.department) == (Status.RECEIVED, None)
    assert event_count(dossier) == before


def test_assigning_a_handler_of_another_department_is_invalid(walk, counter, outsider):
    dossier = walk("received")
    before = event_count(dossier)

    error = refused(
        lambda: actions.dossier_assign(dossier=dossier, actor=counter, handler=outsider),
        ErrorKind.INVALID,
    )

    assert error.fields == {"handler": ["Cán bộ được giao không thuộc đơn vị xử lý."]}
    assert fresh(dossier).status == Status.RECEIVED
    assert event_count(dossier) == before


def test_assigning_someone_who_is_not_a_handler_is_invalid(walk, counter, leader):
    dossier = walk("received")

    error = refused(
        lambda: actions.dossier_assign(dossier=dossier, actor=counter, handler=leader),
        ErrorKind.INVALID,
    )

    assert error.fields == {"handler": ["Người được giao phải là cán bộ xử lý."]}


# --- supplement ----------------------------------------------------------------------------
def test_request_supplement_records_the_request_and_keeps_the_due_date(walk, handler):
    dossier = walk("in_progress")
    before = event_count(dossier)
    at = local(3, 3, 9)

    actions.dossier_request_supplement(dossier=dossier, actor=handler,
                                        reason="Thiếu giấy xác nhận tình trạng hôn nhân", at=at)

    dossier = fresh(dossier)
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    assert dossier.supplement_requested_at == at
    assert dossier.supplement_request == "Thiếu giấy xác nhận tình trạng hôn nhân"
    assert dossier.supplemented_at is None
    assert dossier.due_at == DUE
    assert_one_new_event(dossier, before, action="request_supplement", actor=handler,
                         from_status="in_progress", to_status="supplement_requested",
                         note="Thiếu giấy xác nhận tình trạng hôn nhân")


def test_supplement_restarts_the_statutory_clock_and_the_quality_view_subtracts_the_wait(
    walk, handler, counter
):
    dossier = walk("in_progress")
    actions.dossier_request_supplement(dossier=dossier, actor=handler, reason="Thiếu giấy tờ",
                                        at=local(3, 3, 9))
    before = event_count(dossier)
    arrived = local(3, 11, 9)  # Wednesday of the next week

    actions.dossier_supplement(dossier=dossier, actor=counter, note="Nộp bổ sung", at=arrived)

    dossier = fresh(dossier)
    assert dossier.status == Status.IN_PROGRESS
    assert dossier.supplemented_at == arrived
    assert dossier.supplement_requested_at == local(3, 3, 9)
    # Statutory view: 3 full working days again from Wednesday 11 March.
    assert dossier.due_at == local(3, 16, 17, 30)
    # Decision 766 view: Thursday 5 March plus the 6 working days spent waiting.
    assert dossier.quality_due_at == local(3, 13, 17, 30)
    assert dossier.initial_due_at == DUE
    event = assert_one_new_event(dossier, before, action="supplement", actor=counter,
                                 from_status="supplement_requested", to_status="in_progress",
                                 note="Nộp bổ sung")
    assert datetime.fromisoformat(event.payload["due_at"]) == local(3, 16, 17, 30)


def test_supplement_may_be_requested_only_once(walk, handler, counter):
    dossier = walk("in_progress")
    actions.dossier_request_supplement(dossier=dossier, actor=handler, reason="Thiếu giấy tờ",
                                        at=local(3, 2, 10))
    actions.dossier_supplement(dossier=dossier, actor=counter, at=local(3, 2, 14))
    before = event_count(dossier)

    error = refused(
        lambda: actions.dossier_request_supplement(dossier=dossier, actor=handler,
                                                    reason="Thiếu thêm", at=local(3, 3, 9)),
        ErrorKind.CONFLICT,
    )

    assert error.message == "Chỉ được yêu cầu bổ sung hồ sơ một lần."
    assert fresh(dossier).status == Status.IN_PROGRESS
    assert event_count(dossier) == before


@pytest.mark.parametrize(
    ("received", "requested", "allowed"),
    [
        (MONDAY, local(3, 5, 17, 30), True),  # end of the 3rd working day after receipt
        (MONDAY, local(3, 6, 7, 30), False),  # the 4th working day
        (local(3, 2, 16), local(3, 6, 17, 0), True),  # after 15:00: counted from Tuesday
        (local(3, 2, 16), local(3, 9, 8, 0), False),
    ],
)
def test_supplement_request_only_within_three_working_days_of_receipt(
    walk, handler, received, requested, allowed
):
    dossier = walk("in_progress", at=received)
    before = event_count(dossier)
    call = lambda: actions.dossier_request_supplement(  # noqa: E731
        dossier=dossier, actor=handler, reason="Thiếu giấy tờ", at=requested
    )

    if allowed:
        call()
        assert fresh(dossier).status == Status.SUPPLEMENT_REQUESTED
    else:
        error = refused(call, ErrorKind.CONFLICT)
        assert error.message == (
            "Đã quá 3 ngày làm việc kể từ khi tiếp nhận, không được yêu cầu bổ sung."
        )
        assert fresh(dossier).status == Status.IN_PROGRESS
        assert event_count(dossier) == before


# --- payment -------------------------------------------------------------------------------
def test_payment_pauses_the_clock_and_confirmation_moves_the_due_date(walk, handler, counter):
    dossier = walk("in_progress")
    before = event_count(dossier)

    actions.dossier_request_payment(dossier=dossier, actor=handler, reason="Nộp lệ phí",
                                     amount=50000, at=local(3, 3, 9))

    dossier = fresh(dossier)
    assert dossier.status == Status.AWAITING_PAYMENT
    pause = DossierPause.objects.get(dossier=dossier)
    assert (pause.kind, pause.reason, pause.started_at, pause.ended_at) == (
        "payment", "Nộp lệ phí", local(3, 3, 9), None
    )
    assert dossier.due_at == DUE  # still open: the move is known only when the pause ends
    event = assert_one_new_event(dossier, before, action="request_payment", actor=handler,
                                 from_status="in_progress", to_status="awaiting_payment",
                                 note="Nộp lệ phí")
    assert event.payload == {"amount": 50000}

    actions.dossier_confirm_payment(dossier=dossier, actor=counter, note="Đã nộp",
                                     at=local(3, 5, 9))

    dossier = fresh(dossier)
    assert dossier.status == Status.IN_PROGRESS
    pause.refresh_from_db()
    assert pause.ended_at == local(3, 5, 9)
    # Two working days waited (Tue 09:00 → Thu 09:00): Thursday 5 → Monday 9 March.
    assert dossier.due_at == local(3, 9, 17, 30)
    assert dossier.quality_due_at == local(3, 9, 17, 30)
    assert dossier.initial_due_at == DUE
    assert_one_new_event(dossier, before + 1, action="confirm_payment", actor=counter,
                         from_status="awaiting_payment", to_status="in_progress", note="Đã nộp")


def test_negative_payment_amount_is_invalid(walk, handler):
    dossier = walk("in_progress")

    error = refused(
        lambda: actions.dossier_request_payment(dossier=dossier, actor=handler,
                                                 reason="Nộp thuế", amount=-1),
        ErrorKind.INVALID,
    )

    assert "amount" in error.fields
    assert not DossierPause.objects.filter(dossier=dossier).exists()


# --- approval ------------------------------------------------------------------------------
def test_submit_for_approval_and_send_back(walk, handler, leader):
    dossier = walk("in_progress")
    before = event_count(dossier)

    actions.dossier_submit_for_approval(dossier=dossier, actor=handler, note="Dự thảo",
                                         at=local(3, 3, 9))

    assert fresh(dossier).status == Status.AWAITING_APPROVAL
    assert_one_new_event(dossier, before, action="submit_for_approval", actor=handler,
                         from_status="in_progress", to_status="awaiting_approval", note="Dự thảo")

    actions.dossier_send_back(dossier=dossier, actor=leader, reason="Sửa lại căn cứ pháp lý",
                               at=local(3, 3, 10))

    dossier = fresh(dossier)
    assert dossier.status == Status.IN_PROGRESS
    assert dossier.outcome == ""
    event = assert_one_new_event(dossier, before + 1, action="send_back", actor=leader,
                                 from_status="awaiting_approval", to_status="in_progress",
                                 note="Sửa lại căn cứ pháp lý")
    assert event.authorisation is None


def test_send_back_needs_a_reason(walk, leader):
    dossier = walk("awaiting_approval")

    error = refused(lambda: actions.dossier_send_back(dossier=dossier, actor=leader, reason=""),
                    ErrorKind.INVALID)

    assert "reason" in error.fields
    assert fresh(dossier).status == Status.AWAITING_APPROVAL


@pytest.mark.parametrize(
    ("decided", "classification"),
    [
        (local(3, 4, 10), "early"),
        (local(3, 5, 17, 0), "on_time"),
        (local(3, 6, 9), "overdue"),
    ],
)
def test_approve_records_the_decision_and_classifies_it(walk, leader, decided, classification):
    dossier = walk("awaiting_approval")
    before = event_count(dossier)

    actions.dossier_approve(dossier=dossier, actor=leader, note="Đồng ý", at=decided)

    dossier = fresh(dossier)
    assert dossier.status == Status.RESOLVED
    assert dossier.outcome == "approved"
    assert dossier.outcome_reason == "Đồng ý"
    assert dossier.decided_by == leader
    assert dossier.decided_under is None
    assert dossier.resolved_at == decided
    assert dossier.result_classification == classification
    event = assert_one_new_event(dossier, before, action="approve", actor=leader,
                                 from_status="awaiting_approval", to_status="resolved",
                                 note="Đồng ý")
    assert event.authorisation is None


def test_refuse_records_the_reasons_as_the_outcome(walk, leader):
    dossier = walk("awaiting_approval")
    before = event_count(dossier)

    actions.dossier_refuse(dossier=dossier, actor=leader,
                            reason="Không đủ điều kiện theo Điều 8 Luật Hôn nhân và gia đình",
                            at=local(3, 4, 10))

    dossier = fresh(dossier)
    assert dossier.status == Status.RESOLVED
    assert dossier.outcome == "refused"
    assert dossier.outcome_reason == "Không đủ điều kiện theo Điều 8 Luật Hôn nhân và gia đình"
    assert dossier.decided_by == leader
    assert dossier.result_classification == "early"
    assert_one_new_event(dossier, before, action="refuse", actor=leader,
                         from_status="awaiting_approval", to_status="resolved",
                         note="Không đủ điều kiện theo Điều 8 Luật Hôn nhân và gia đình")


def test_refuse_needs_reasons(walk, leader):
    dossier = walk("awaiting_approval")
    before = event_count(dossier)

    refused(lambda: actions.dossier_refuse(dossier=dossier, actor=leader, reason=""),
            ErrorKind.INVALID)

    assert fresh(dossier).status == Status.AWAITING_APPROVAL
    assert fresh(dossier).outcome == ""
    assert event_count(dossier) == before


def test_return_result_sets_returned_at(walk, counter):
    dossier = walk("resolved")
    before = event_count(dossier)
    at = local(3, 4, 15)

    actions.dossier_return_result(dossier=dossier, actor=counter, note="Trả tại quầy", at=at)

    dossier = fresh(dossier)
    assert dossier.status == Status.RETURNED
    assert dossier.returned_at == at
    assert_one_new_event(dossier, before, action="return_result", actor=counter,
                         from_status="resolved", to_status="returned", note="Trả tại quầy")


# --- stop ----------------------------------------------------------------------------------
@pytest.mark.parametrize("state", [s.value for s in STOPPABLE_STATES])
def test_stop_before_a_decision(walk, counter, state):
    dossier = walk(state)
    before = event_count(dossier)
    at = local(3, 3, 9)

    actions.dossier_stop(dossier=dossier, actor=counter, reason="Công dân rút hồ sơ", at=at)

    dossier = fresh(dossier)
    assert dossier.status == Status.STOPPED
    assert dossier.stopped_at == at
    assert dossier.stop_reason == "Công dân rút hồ sơ"
    assert dossier.dvcqg_status == 8
    assert_one_new_event(dossier, before, action="stop", actor=counter, from_status=state,
                         to_status="stopped", note="Công dân rút hồ sơ")
    assert not DossierPause.objects.filter(dossier=dossier, ended_at__isnull=True).exists()


def test_stop_while_awaiting_payment_closes_the_pause(walk, counter):
    dossier = walk("awaiting_payment")

    actions.dossier_stop(dossier=dossier, actor=counter, reason="Rút hồ sơ", at=local(3, 4, 9))

    assert DossierPause.objects.get(dossier=dossier).ended_at == local(3, 4, 9)


def test_stop_at_the_residents_request_takes_the_requests_reason(walk, counter, resident):
    dossier = walk("in_progress", resident=resident)
    actions.dossier_request_stop(dossier=dossier, actor=resident, reason="Không còn nhu cầu",
                                  at=local(3, 3, 9))
    dossier = fresh(dossier)
    assert dossier.status == Status.IN_PROGRESS
    assert dossier.stop_requested_at == local(3, 3, 9)
    assert dossier.dvcqg_status == 7
    before = event_count(dossier)

    actions.dossier_stop(dossier=dossier, actor=counter, at=local(3, 3, 10))

    dossier = fresh(dossier)
    assert dossier.status == Status.STOPPED
    assert dossier.stop_reason == "Không còn nhu cầu"
    assert_one_new_event(dossier, before, action="stop", actor=counter,
                         from_status="in_progress", to_status="stopped",
                         note="Không còn nhu cầu")


def test_a_second_stop_request_is_a_conflict(walk, resident):
    dossier = walk("in_progress", resident=resident)
    actions.dossier_request_stop(dossier=dossier, actor=resident, reason="Rút hồ sơ")
    before = event_count(dossier)

    error = refused(
        lambda: actions.dossier_request_stop(dossier=dossier, actor=resident, reason="Lần nữa"),
        ErrorKind.CONFLICT,
    )

    assert error.message == "Đề nghị dừng đã được gửi."
    assert event_count(dossier) == before


def test_stop_without_any_reason_is_invalid(walk, counter):
    dossier = walk("in_progress")
    before = event_count(dossier)

    refused(lambda: actions.dossier_stop(dossier=dossier, actor=counter), ErrorKind.INVALID)

    assert fresh(dossier).status == Status.IN_PROGRESS
    assert event_count(dossier) == before


# --- extension (Mẫu 04) --------------------------------------------------------------------
def test_extension_sets_the_new_appointment_but_classification_keeps_the_due_date(
    walk, handler, leader
):
    dossier = walk("in_progress")
    before = event_count(dossier)
    new_date = local(3, 10, 17, 30)

    actions.dossier_extend(dossier=dossier, actor=handler, new_due_at=new_date,
                            reason="Chờ xác minh tại nơi cư trú", at=local(3, 4, 10))

    dossier = fresh(dossier)
    assert dossier.status == Status.IN_PROGRESS
    assert dossier.extended_due_at == new_date
    assert dossier.extended_at == local(3, 4, 10)
    assert dossier.extension_reason == "Chờ xác minh tại nơi cư trú"
    assert dossier.due_at == DUE
    assert dossier.appointment_at == new_date
    event = assert_one_new_event(dossier, before, action="extend", actor=handler,
                                 from_status="in_progress", to_status="in_progress",
                                 note="Chờ xác minh tại nơi cư trú")
    assert {k: datetime.fromisoformat(v) for k, v in event.payload.items()} == {
        "new_due_at": new_date, "due_at": DUE
    }
    # Open and past the original date: overdue, although the new date is still ahead.
    assert selectors.dossier_classification(dossier, now=local(3, 6, 9)).value == "overdue"

    actions.dossier_submit_for_approval(dossier=dossier, actor=handler, at=local(3, 9, 9))
    actions.dossier_approve(dossier=dossier, actor=leader, at=local(3, 9, 10))

    assert fresh(dossier).result_classification == "overdue"


def test_extension_only_once(walk, handler):
    dossier = walk("in_progress")
    actions.dossier_extend(dossier=dossier, actor=handler, new_due_at=local(3, 10, 17, 30),
                            reason="Chờ xác minh", at=local(3, 3, 9))
    before = event_count(dossier)

    error = refused(
        lambda: actions.dossier_extend(dossier=dossier, actor=handler,
                                        new_due_at=local(3, 12, 17, 30), reason="Lần hai",
                                        at=local(3, 3, 10)),
        ErrorKind.CONFLICT,
    )

    assert error.message == "Hồ sơ đã được xin lỗi và gia hạn một lần; không gia hạn lần hai."
    assert fresh(dossier).extended_due_at == local(3, 10, 17, 30)
    assert event_count(dossier) == before


@pytest.mark.parametrize(
    ("sent", "allowed"),
    [
        (local(3, 4, 17, 30), True),  # end of Wednesday, one working day before Thursday
        (local(3, 5, 7, 30), False),  # the due day itself
        (local(3, 6, 9), False),  # already late
    ],
)
def test_extension_at_least_one_working_day_before_the_due_date(walk, handler, sent, allowed):
    dossier = walk("in_progress")
    before = event_count(dossier)
    call = lambda: actions.dossier_extend(  # noqa: E731
        dossier=dossier, actor=handler, new_due_at=local(3, 10, 17, 30), reason="Chờ xác minh",
        at=sent,
    )

    if allowed:
        call()
        assert fresh(dossier).extended_due_at == local(3, 10, 17, 30)
    else:
        error = refused(call, ErrorKind.CONFLICT)
        assert error.message == (
            "Phải gửi văn bản xin lỗi, hẹn lại chậm nhất một ngày làm việc trước hạn trả."
        )
        assert fresh(dossier).extended_due_at is None
        assert event_count(dossier) == before


def test_extension_to_a_date_not_after_the_due_date_is_invalid(walk, handler):
    dossier = walk("in_progress")

    error = refused(
        lambda: actions.dossier_extend(dossier=dossier, actor=handler, new_due_at=DUE,
                                        reason="Chờ xác minh", at=local(3, 3, 9)),
        ErrorKind.INVALID,
    )

    assert "new_due_at" in error.fields
    assert fresh(dossier).extended_due_at is None


# --- approval under delegation (ủy quyền) ---------------------------------------------------
def give_authorisation(*, authoriser, authorised, codes=("1.000894",), valid_from=None,
                       valid_until=None, revoked=False, number="12/QĐ-UBND"):
    today = timezone.localdate()
    return Authorisation.objects.create(
        authoriser=authoriser,
        authorised=authorised,
        procedure_codes=list(codes),
        valid_from=valid_from or today - timedelta(days=30),
        valid_until=valid_until or today + timedelta(days=30),
        revoked_at=timezone.now() - timedelta(days=1) if revoked else None,
        document_number=number,
    )


def approve_via_api(as_user, user, dossier, name="approve", body=None):
    return as_user(user).post(
        f"/api/v1/dossiers/{dossier.code}/transitions/{name}/", body or {"note": "Đồng ý"},
        format="json",
    )


@pytest.mark.parametrize(
    "codes",
    [["1.000894"], ["<full code>"], ["2.000815", "1.000894"]],
    ids=["root-code", "full-code", "one-of-several"],
)
def test_director_approves_a_delegable_procedure_under_a_valid_authorisation(
    catalogue, walk, as_user, director, leader, codes
):
    codes = [catalogue.civil.code if c == "<full code>" else c for c in codes]
    authorisation = give_authorisation(authoriser=leader, authorised=director, codes=codes)
    dossier = walk("awaiting_approval", at=timezone.now())
    before = event_count(dossier)

    response = approve_via_api(as_user, director, dossier)

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "resolved"
    dossier = fresh(dossier)
    assert dossier.decided_by == director
    assert dossier.decided_under == authorisation
    event = assert_one_new_event(dossier, before, action="approve", actor=director,
                                 from_status="awaiting_approval", to_status="resolved",
                                 note="Đồng ý")
    assert event.authorisation == authorisation
    assert event.payload == {"authorisation": "12/QĐ-UBND"}
    approve_event = [e for e in response.json()["events"] if e["action"] == "approve"]
    assert approve_event[0]["authorisation"] == "12/QĐ-UBND"


def test_director_sends_back_under_a_valid_authorisation(walk, as_user, director, leader):
    authorisation = give_authorisation(authoriser=leader, authorised=director)
    dossier = walk("awaiting_approval", at=timezone.now())

    response = approve_via_api(as_user, director, dossier, "send_back", {"reason": "Sửa lại"})

    assert response.status_code == 200
    assert DossierEvent.objects.filter(dossier=dossier).latest("id").authorisation == authorisation


def test_authorisation_is_judged_on_the_day_of_the_decision(walk, director, leader):
    """A decision recorded for a past moment counts the authorisation in force on that day."""
    authorisation = give_authorisation(authoriser=leader, authorised=director,
                                       valid_from=date(2026, 3, 1), valid_until=date(2026, 3, 31))
    dossier = walk("awaiting_approval")

    actions.dossier_approve(dossier=dossier, actor=director, at=local(3, 4, 10))

    dossier = fresh(dossier)
    assert dossier.status == Status.RESOLVED
    assert dossier.decided_under == authorisation


def test_authorisation_in_force_today_does_not_cover_a_decision_dated_before_it(
    walk, director, leader
):
    give_authorisation(authoriser=leader, authorised=director,
                       valid_from=date(2026, 4, 1), valid_until=date(2099, 12, 31))
    dossier = walk("awaiting_approval")

    error = refused(lambda: actions.dossier_approve(dossier=dossier, actor=director,
                                                     at=local(3, 4, 10)),
                    ErrorKind.FORBIDDEN)

    assert error.message == "Văn bản ủy quyền đã hết hiệu lực hoặc đã bị thu hồi."
    assert fresh(dossier).status == Status.AWAITING_APPROVAL


LAPSED = "Văn bản ủy quyền đã hết hiệu lực hoặc đã bị thu hồi."
NOT_AUTHORISED = "Bạn không có văn bản ủy quyền còn hiệu lực cho thủ tục này."


@pytest.mark.parametrize(
    ("kwargs", "detail"),
    [
        pytest.param(dict(valid_from=date(2025, 1, 1), valid_until=date(2025, 12, 31)), LAPSED,
                     id="expired"),
        pytest.param(dict(valid_from=date(2099, 1, 1), valid_until=date(2099, 12, 31)), LAPSED,
                     id="not-yet-valid"),
        pytest.param(dict(revoked=True), LAPSED, id="revoked"),
        pytest.param(dict(codes=["2.000815"]), NOT_AUTHORISED, id="out-of-scope"),
        pytest.param(dict(codes=["1.00089"]), NOT_AUTHORISED, id="prefix-is-not-a-root"),
        pytest.param(dict(codes=[]), NOT_AUTHORISED, id="empty-scope"),
    ],
)
def test_director_without_a_valid_authorisation_is_forbidden(
    walk, as_user, director, leader, kwargs, detail
):
    give_authorisation(authoriser=leader, authorised=director, **kwargs)
    dossier = walk("awaiting_approval", at=timezone.now())
    before = event_count(dossier)

    response = approve_via_api(as_user, director, dossier)

    assert response.status_code == 403
    assert response.json() == {"code": "forbidden", "detail": detail}
    dossier = fresh(dossier)
    assert dossier.status == Status.AWAITING_APPROVAL
    assert dossier.decided_by is None
    assert event_count(dossier) == before


def test_director_cannot_decide_a_non_delegable_procedure_even_with_an_authorisation(
    catalogue, walk, as_user, director, leader
):
    procedure = ProcedureFactory(code="1.001022.000.00.00.H30", center_may_decide=False,
                                 department=catalogue.civil_office)
    give_authorisation(authoriser=leader, authorised=director, codes=["1.001022"])
    dossier = walk("awaiting_approval", procedure=procedure, at=timezone.now())
    before = event_count(dossier)

    response = approve_via_api(as_user, director, dossier)

    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Thủ tục này không được ủy quyền cho Trung tâm quyết định."
    )
    assert fresh(dossier).status == Status.AWAITING_APPROVAL
    assert event_count(dossier) == before


def test_authorisation_passed_on_by_an_authorised_party_does_not_count(
    walk, as_user, director, leader, catalogue
):
    """Law 63/2025 art. 9: the authorised party may not delegate further."""
    deputy = UserFactory(role=Role.CENTER_DIRECTOR, department=catalogue.center)
    give_authorisation(authoriser=leader, authorised=director, number="12/QĐ-UBND")
    give_authorisation(authoriser=director, authorised=deputy, number="03/QĐ-TTPVHCC")
    dossier = walk("awaiting_approval", at=timezone.now())
    before = event_count(dossier)

    response = approve_via_api(as_user, deputy, dossier)

    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Văn bản ủy quyền không do lãnh đạo UBND phường ban hành; không được ủy quyền lại."
    )
    assert fresh(dossier).status == Status.AWAITING_APPROVAL
    assert event_count(dossier) == before


def test_a_director_signing_in_their_own_right_records_no_authorisation(
    catalogue, director, leader, walk
):
    procedure = ProcedureFactory(code="2.002001.000.00.00.H30",
                                 competent_authority="center_director",
                                 department=catalogue.civil_office)
    give_authorisation(authoriser=leader, authorised=director, codes=["2.002001"])
    dossier = walk("awaiting_approval", procedure=procedure, at=timezone.now())

    actions.dossier_approve(dossier=dossier, actor=director)

    dossier = fresh(dossier)
    assert dossier.decided_by == director
    assert dossier.decided_under is None
    assert dossier.events.latest("id").authorisation is None


# --- every illegal step, through the API ----------------------------------------------------
STATES = [s.value for s in Status]
_FSM_TRANSITIONS = list(Dossier._meta.get_field("status").get_all_transitions(Dossier))
FSM_ACTIONS = sorted({t.name for t in _FSM_TRANSITIONS})
LEGAL = {(str(t.source), t.name) for t in _FSM_TRANSITIONS}
ILLEGAL_FSM = sorted(set(product(STATES, FSM_ACTIONS)) - LEGAL)

#: Actions that are not state-machine transitions but are still tied to states.
NON_FSM_LEGAL_STATES = {
    "request_completion": {Status.SUBMITTED.value},
    "complete": {Status.SUBMITTED.value},
    "request_stop": {s.value for s in STOPPABLE_STATES},
    "extend": {s.value for s in OPEN_STATES},
}
ILLEGAL_OTHER = sorted(
    (state, name)
    for name, legal in NON_FSM_LEGAL_STATES.items()
    for state in STATES
    if state not in legal
)

#: Someone the role matrix allows to take each action, so that only the state can refuse it.
ACTING_PERSONA = {
    "supplement": "counter",
    "complete": "counter",
    "request_stop": "counter",
    "approve": "leader",
    "refuse": "leader",
    "send_back": "leader",
}


#: How to take each state-machine transition through its service, and who takes it.
LEGAL_CALLS = {
    "receive": ("counter", lambda d, a: actions.dossier_receive(dossier=d, actor=a)),
    "refuse_intake": ("counter", lambda d, a: actions.dossier_refuse_intake(
        dossier=d, actor=a, reason="Sai thẩm quyền")),
    "assign": ("director", lambda d, a: actions.dossier_assign(dossier=d, actor=a)),
    "request_supplement": ("handler", lambda d, a: actions.dossier_request_supplement(
        dossier=d, actor=a, reason="Thiếu giấy tờ")),
    "supplement": ("counter", lambda d, a: actions.dossier_supplement(dossier=d, actor=a)),
    "request_payment": ("handler", lambda d, a: actions.dossier_request_payment(
        dossier=d, actor=a, reason="Nộp lệ phí")),
    "confirm_payment": ("counter", lambda d, a: actions.dossier_confirm_payment(
        dossier=d, actor=a)),
    "submit_for_approval": ("handler", lambda d, a: actions.dossier_submit_for_approval(
        dossier=d, actor=a)),
    "send_back": ("leader", lambda d, a: actions.dossier_send_back(
        dossier=d, actor=a, reason="Sửa lại")),
    "approve": ("leader", lambda d, a: actions.dossier_approve(dossier=d, actor=a)),
    "refuse": ("leader", lambda d, a: actions.dossier_refuse(
        dossier=d, actor=a, reason="Không đủ điều kiện")),
    "return_result": ("counter", lambda d, a: actions.dossier_return_result(dossier=d, actor=a)),
    "stop": ("counter", lambda d, a: actions.dossier_stop(dossier=d, actor=a, reason="Rút")),
}


@pytest.mark.parametrize(
    ("source", "name", "target"),
    sorted({(str(t.source), t.name, str(t.target)) for t in _FSM_TRANSITIONS}),
)
def test_every_legal_transition_moves_the_state_and_writes_one_event(
    walk, personas, source, name, target
):
    dossier = walk(source, at=timezone.now())
    persona, call = LEGAL_CALLS[name]
    actor = personas[persona]
    before = event_count(dossier)

    call(dossier, actor)

    assert fresh(dossier).status == target
    assert event_count(dossier) == before + 1
    event = DossierEvent.objects.filter(dossier_id=dossier.pk).latest("id")
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        name, actor, source, target
    )


def test_the_illegal_pairs_come_from_the_state_machine():
    assert ("submitted", "receive") not in ILLEGAL_FSM
    assert ("resolved", "stop") in ILLEGAL_FSM
    assert len(LEGAL) + len(ILLEGAL_FSM) == len(STATES) * len(FSM_ACTIONS)
    assert len(ILLEGAL_FSM) > 100


def test_every_state_machine_transition_is_offered_by_the_api():
    from cases.registry import API_ACTIONS as ACTIONS

    assert set(FSM_ACTIONS) <= set(ACTIONS)
    assert set(ACTIONS) - set(FSM_ACTIONS) == set(NON_FSM_LEGAL_STATES)


def _conflict_message(state: str, name: str) -> str:
    if name == "complete":
        return "Hồ sơ không có yêu cầu hoàn thiện nào đang chờ."
    return f"Không thể thực hiện thao tác này khi hồ sơ đang ở trạng thái “{Status(state).label}”."


@pytest.mark.parametrize(("state", "name"), ILLEGAL_FSM + ILLEGAL_OTHER)
def test_illegal_transition_is_a_conflict_and_changes_nothing(
    walk, as_user, personas, state, name
):
    dossier = walk(state, at=timezone.now())
    actor = personas[ACTING_PERSONA.get(name, "director")]
    status_before = fresh(dossier).status
    before = event_count(dossier)
    body = {
        "reason": "Lý do thử nghiệm",
        "note": "Ghi chú",
        "new_due_at": (timezone.now() + timedelta(days=60)).isoformat(),
    }

    response = as_user(actor).post(
        f"/api/v1/dossiers/{dossier.code}/transitions/{name}/", body, format="json"
    )

    assert response.status_code == 409, response.json()
    assert response.json() == {"code": "conflict", "detail": _conflict_message(state, name)}
    assert fresh(dossier).status == status_before == state
    assert event_count(dossier) == before
