"""The steps inside the legal time: a procedure's internal process allots working hours to the
counter, the department, the signer and the return; the control sheet (Mẫu 06) judges each
step against its own allotment, not against the whole dossier's due date."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from cases import actions
from cases.deadlines import Classification, vietnam_calendar
from cases.step_selectors import procedure_allotments
from cases.steps import Step, default_allotments, judge, legal_hours, step_times
from tests.factories import applicant
from tests.workspace.helpers import pdf_text
from thanhsen.errors import ApplicationError

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = vietnam_calendar(years=[2026, 2027])


def at(day, hour, minute=0):
    return datetime(2026, 3, day, hour, minute, tzinfo=HCM)


@pytest.mark.parametrize(
    "limit, unit, hours",
    [
        (3, "working_days", 24),
        (0, "working_days", 8),
        (10, "working_days", 80),
        (6, "working_hours", 6),
        (30, "days", 168),
    ],
)
def test_legal_time_in_working_hours(limit, unit, hours):
    assert legal_hours(limit=limit, unit=unit, cal=CAL) == hours


def test_default_split_gives_the_counter_and_the_return_half_a_day_each():
    assert default_allotments(24) == {
        Step.COUNTER: 4,
        Step.DEPARTMENT: 12,
        Step.APPROVAL: 4,
        Step.RETURN: 4,
    }
    # Fifteen working days: a tenth to the signer.
    assert default_allotments(120) == {
        Step.COUNTER: 4,
        Step.DEPARTMENT: 100,
        Step.APPROVAL: 12,
        Step.RETURN: 4,
    }
    # A same-day procedure shares its one working day in proportion.
    assert default_allotments(8) == {
        Step.COUNTER: 1,
        Step.DEPARTMENT: 4,
        Step.APPROVAL: 2,
        Step.RETURN: 1,
    }
    for total in (4, 8, 16, 24, 40, 56, 80, 136, 200):
        assert sum(default_allotments(total).values()) == pytest.approx(total)


def test_a_step_is_early_on_time_or_late_by_its_allotment():
    four = 4 * 3600
    # Done in an hour, its allotment would have run out the same day: on time.
    assert judge(used=3600, allotted=four, ended_at=at(4, 11), cal=CAL) == Classification.ON_TIME
    # Done at 16:30 with 3.5 hours to spare: they would have lasted into the next day.
    assert judge(used=1800, allotted=four, ended_at=at(3, 16, 30), cal=CAL) == Classification.EARLY
    assert (
        judge(used=four + 60, allotted=four, ended_at=at(4, 11), cal=CAL) == Classification.OVERDUE
    )
    assert judge(used=60, allotted=four, ended_at=None, cal=CAL) == Classification.WITHIN


def test_waits_on_the_resident_count_against_no_step():
    transitions = [
        (at(2, 8), "received"),
        (at(2, 9), "in_progress"),
        (at(2, 10), "supplement_requested"),
        (at(9, 10), "in_progress"),
        (at(9, 12), "awaiting_approval"),
    ]
    steps = {
        s.step: s
        for s in step_times(transitions, allotted=default_allotments(24), now=at(9, 14), cal=CAL)
    }
    # One hour before the request, one and a half after the papers came (not the lunch break).
    assert steps[Step.DEPARTMENT].used == int(2.5 * 3600)
    assert steps[Step.DEPARTMENT].result == Classification.EARLY
    assert steps[Step.APPROVAL].ended_at is None


def received(procedure, counter, when):
    dossier = actions.dossier_create(
        procedure_code=procedure.code,
        applicant=applicant(),
        channel="direct",
        actor=counter,
        at=when,
        documents=[actions.SubmittedDocument(name="Tờ khai", copy_type="original")],
    )
    return actions.dossier_receive(dossier=dossier, actor=counter, at=when)


@pytest.mark.django_db
@pytest.mark.pdf
def test_control_sheet_shows_each_steps_allotment_time_used_and_result(
    client, catalogue, counter, handler, leader
):
    # 3 working days: 4 h counter, 12 h department, 4 h signature, 4 h return.
    dossier = received(catalogue.civil, counter, at(2, 8))
    dossier = actions.dossier_assign(dossier=dossier, actor=counter, handler=handler, at=at(2, 9))
    # Monday 09:00 to Tuesday 16:00 is 13 working hours: one more than the department's 12.
    dossier = actions.dossier_submit_for_approval(dossier=dossier, actor=handler, at=at(3, 16))
    dossier = actions.dossier_approve(dossier=dossier, actor=leader, at=at(3, 16, 30))
    dossier = actions.dossier_return_result(dossier=dossier, actor=counter, at=at(4, 8, 30))
    client.force_login(counter)

    sheet = pdf_text(client.get(reverse("intake:document", args=[dossier.code, "mau-06"])).content)

    assert "Tiếp nhận, chuyển hồ sơ 4 1 Đúng hạn" in sheet
    assert "Thẩm định, xử lý hồ sơ 12 13 Quá hạn" in sheet
    assert "Phê duyệt, ký kết quả 4 0,5 Trước hạn" in sheet
    assert "Trả kết quả 4 2 Đúng hạn" in sheet
    # The dossier itself was early (due Thursday, returned Wednesday): only its handling step
    # ran late, and the hand-off that ended it says so.
    assert sheet.count("Quá hạn") == 2


@pytest.mark.django_db
def test_allotments_are_versioned_with_the_procedure(catalogue, counter):
    old = received(catalogue.civil, counter, at(2, 8))
    revised = actions.procedure_revise(
        procedure=catalogue.civil,
        changes={"step_allotments": {"counter": 2, "department": 18, "approval": 2, "return": 2}},
    )
    new = received(revised, counter, at(2, 8))

    assert procedure_allotments(old.procedure)[Step.DEPARTMENT] == 12
    assert procedure_allotments(new.procedure)[Step.DEPARTMENT] == 18


@pytest.mark.django_db
@pytest.mark.parametrize(
    "split, message",
    [
        ({"counter": 4, "department": 30}, "vượt thời hạn giải quyết"),
        ({"cashier": 1}, "Chỉ có các bước"),
        ({"counter": -1}, "không âm"),
    ],
)
def test_a_split_that_does_not_fit_the_legal_time_is_refused(catalogue, split, message):
    with pytest.raises(ApplicationError) as error:
        actions.procedure_revise(procedure=catalogue.civil, changes={"step_allotments": split})
    assert message in str(error.value.fields["step_allotments"][0])


def test_the_counter_step_is_judged_by_the_hand_over_deadline():
    received = [(at(2, 10), "received")]
    due = at(2, 17, 30)

    def counter(transitions, handed_over_at, now):
        [step] = [
            s
            for s in step_times(
                transitions,
                allotted=default_allotments(24),
                now=now,
                cal=CAL,
                handover=(due, handed_over_at),
            )
            if s.step is Step.COUNTER
        ]
        return step.result

    assert counter(received, None, at(2, 16)) == Classification.WITHIN
    assert counter(received, None, at(3, 8)) == Classification.OVERDUE
    handed = [*received, (at(2, 17), "in_progress")]
    assert counter(handed, at(2, 17), at(9, 8)) == Classification.ON_TIME
    # Withdrawn at the counter before the deadline: not a late hand-over, however long ago.
    withdrawn = [*received, (at(2, 11), "stopped")]
    assert counter(withdrawn, None, at(20, 8)) == Classification.ON_TIME
