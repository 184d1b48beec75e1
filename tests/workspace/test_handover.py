"""The counter step: a received dossier reaches its department the same working day, or by the
end of the next working morning when received after 15:00 (DOMAIN "Hand-over").

The hand-over is the first assignment. The counter sees the dossiers still to hand over (with
their deadline) and the late hand-overs in its queues; Mẫu 06 judges the hand-over against its
own deadline.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import actions
from tests.factories import applicant
from tests.workspace.helpers import pdf_text, text

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def received(procedure, counter, at: datetime):
    dossier = actions.dossier_create(
        procedure_code=procedure.code, applicant=applicant(), channel="direct", actor=counter, at=at,
        documents=[actions.SubmittedDocument(name="Tờ khai", copy_type="original")],
    )
    return actions.dossier_receive(dossier=dossier, actor=counter, at=at)


def test_receipt_sets_the_hand_over_deadline(catalogue, counter):
    morning = received(catalogue.civil, counter, datetime(2026, 3, 2, 10, tzinfo=HCM))
    afternoon = received(catalogue.civil, counter, datetime(2026, 3, 2, 16, tzinfo=HCM))

    assert morning.handover_due_at == datetime(2026, 3, 2, 17, 30, tzinfo=HCM)
    assert afternoon.handover_due_at == datetime(2026, 3, 3, 11, 30, tzinfo=HCM)


def test_counter_queue_warns_before_and_shows_late_hand_overs(client, catalogue, counter, handler):
    fresh = received(catalogue.civil, counter, timezone.now())
    forgotten = received(catalogue.civil, counter, datetime(2026, 3, 2, 10, tzinfo=HCM))
    late = received(catalogue.civil, counter, datetime(2026, 3, 2, 10, tzinfo=HCM))
    actions.dossier_assign(dossier=late, actor=counter, handler=handler,
                            at=datetime(2026, 3, 3, 9, tzinfo=HCM))
    in_time = received(catalogue.civil, counter, datetime(2026, 3, 2, 16, tzinfo=HCM))
    actions.dossier_assign(dossier=in_time, actor=counter, handler=handler,
                            at=datetime(2026, 3, 3, 11, tzinfo=HCM))
    client.force_login(counter)

    page = text(client.get(reverse("cases:queue")))
    assert "1 Chờ chuyển cơ quan giải quyết" in page
    assert "2 Chuyển cơ quan giải quyết muộn" in page

    pending = text(client.get(reverse("cases:queue"), {"hang": "to_hand_over"}))
    fresh.refresh_from_db()
    due = timezone.localtime(fresh.handover_due_at).strftime("%H:%M %d/%m/%Y")
    assert fresh.code in pending and f"Chuyển trước {due}" in pending
    assert forgotten.code not in pending

    overdue = text(client.get(reverse("cases:queue"), {"hang": "handover_late"}))
    assert forgotten.code in overdue and late.code in overdue
    assert fresh.code not in overdue and in_time.code not in overdue
    assert overdue.count("Chuyển cơ quan giải quyết muộn") >= 3  # the tab and each row


def test_reassignment_keeps_the_first_hand_over(catalogue, counter, handler, other_handler, director):
    dossier = received(catalogue.civil, counter, datetime(2026, 3, 2, 10, tzinfo=HCM))
    actions.dossier_assign(dossier=dossier, actor=counter, handler=handler,
                            at=datetime(2026, 3, 2, 11, tzinfo=HCM))
    dossier = actions.dossier_assign(dossier=dossier, actor=director, handler=other_handler,
                                      at=datetime(2026, 3, 4, 9, tzinfo=HCM))

    assert dossier.handed_over_at == datetime(2026, 3, 2, 11, tzinfo=HCM)


@pytest.mark.pdf
def test_control_sheet_judges_the_hand_over_against_its_own_deadline(client, catalogue, counter, handler):
    late = received(catalogue.civil, counter, datetime(2026, 3, 2, 10, tzinfo=HCM))
    actions.dossier_assign(dossier=late, actor=counter, handler=handler,
                            at=datetime(2026, 3, 3, 9, tzinfo=HCM))
    in_time = received(catalogue.civil, counter, datetime(2026, 3, 2, 16, tzinfo=HCM))
    actions.dossier_assign(dossier=in_time, actor=counter, handler=handler,
                            at=datetime(2026, 3, 3, 11, tzinfo=HCM))
    client.force_login(counter)

    def sheet(dossier):
        return pdf_text(client.get(reverse("intake:document", args=[dossier.code, "mau-06"])).content)

    late_sheet = sheet(late)
    assert "Hạn chuyển hồ sơ đến cơ quan giải quyết: 17:30 02/03/2026" in late_sheet
    assert "Đã chuyển: 09:00 03/03/2026 (Quá hạn)" in late_sheet
    # The hand-over row and the counter step under the internal process are judged by the
    # hand-over deadline, not by the dossier's (3 working days, due 05/03).
    assert "Tiếp nhận, chuyển hồ sơ 4 7 Quá hạn" in late_sheet

    in_time_sheet = sheet(in_time)
    assert "Hạn chuyển hồ sơ đến cơ quan giải quyết: 11:30 03/03/2026" in in_time_sheet
    assert "Đã chuyển: 11:00 03/03/2026 (Đúng hạn)" in in_time_sheet
    assert "(Quá hạn)" not in in_time_sheet
    # Five working hours at the counter, over its 4: the law's own hand-over deadline (the next
    # morning after 15:00) is what the counter step is judged by.
    assert "Tiếp nhận, chuyển hồ sơ 4 5 Đúng hạn" in in_time_sheet


def test_counter_and_dashboard_are_warned_before_the_hand_over_lapses(
        client, catalogue, counter, handler, director):
    from unittest import mock

    # Received Monday 10:00: to be handed over by 17:30. At 16:00 an hour and a half is left.
    at_risk = received(catalogue.civil, counter, datetime(2026, 3, 2, 10, tzinfo=HCM))
    late = received(catalogue.civil, counter, datetime(2026, 2, 27, 9, tzinfo=HCM))
    # Received at 13:45, due by 17:30 too, but handed over already.
    done = received(catalogue.civil, counter, datetime(2026, 3, 2, 13, 45, tzinfo=HCM))
    actions.dossier_assign(dossier=done, actor=counter, handler=handler,
                            at=datetime(2026, 3, 2, 14, tzinfo=HCM))
    # Received after 15:00: due by the end of Tuesday morning, not at risk on Monday.
    fresh = received(catalogue.civil, counter, datetime(2026, 3, 2, 15, 30, tzinfo=HCM))
    now = datetime(2026, 3, 2, 16, tzinfo=HCM)

    with mock.patch("django.utils.timezone.now", return_value=now):
        client.force_login(counter)
        queue = text(client.get(reverse("cases:queue"), {"hang": "to_hand_over"}))
        client.force_login(director)
        dashboard = text(client.get(reverse("reports:dashboard")))

    assert "Sắp quá hạn chuyển: trước 17:30 02/03/2026" in queue
    assert queue.count("Sắp quá hạn chuyển") == 1  # the fresh one only says "Chuyển trước"
    assert "Chưa chuyển cơ quan giải quyết" in dashboard
    assert at_risk.code in dashboard and late.code in dashboard
    assert fresh.code not in dashboard and done.code not in dashboard
    assert "Quá hạn chuyển" in dashboard and "Sắp quá hạn chuyển" in dashboard
