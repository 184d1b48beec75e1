"""The dossier page: personal data and its audit, the actions offered, forms, the lock."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import actions
from cases.models import Dossier, DossierEvent, Status
from tests.factories import dossier_in
from tests.workspace.helpers import text

pytestmark = pytest.mark.django_db


def page_of(client, dossier):
    return client.get(reverse("cases:dossier", args=[dossier.code]))


def act(client, dossier, action, **data):
    body = {f"{action}-{name}": value for name, value in data.items()}
    return client.post(reverse("cases:action", args=[dossier.code, action]), body)


def views_recorded(dossier, user):
    return DossierEvent.objects.filter(dossier=dossier, actor=user, action="view_personal_data").count()


def test_counter_sees_personal_data_and_the_view_is_recorded(client, catalogue, counter):
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    client.force_login(counter)
    page = text(page_of(client, dossier))
    assert "042090001234" in page and "0912345678" in page
    assert views_recorded(dossier, counter) == 1
    assert "Xem thông tin cá nhân" in page  # in the timeline too
    page_of(client, dossier)
    assert views_recorded(dossier, counter) == 2


def test_leader_sees_no_personal_data_and_nothing_is_recorded(client, catalogue, counter, leader):
    dossier = dossier_in("awaiting_approval", procedure=catalogue.civil, counter=counter)
    client.force_login(leader)
    page = text(page_of(client, dossier))
    assert "Nguyễn Văn An" in page
    assert "042090001234" not in page and "0912345678" not in page
    assert "Ẩn — chỉ cán bộ tiếp nhận" in page
    assert views_recorded(dossier, leader) == 0


@pytest.mark.parametrize("persona", ["outsider", "resident"])
def test_others_cannot_open_the_dossier(client, catalogue, counter, personas, persona):
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    client.force_login(personas[persona])
    response = page_of(client, dossier)
    assert response.status_code == (404 if persona == "outsider" else 403)
    assert views_recorded(dossier, personas[persona]) == 0


def offered(client, dossier) -> set[str]:
    html = page_of(client, dossier).content.decode()
    prefix = f"/lam-viec/ho-so/{dossier.code}/thao-tac/"
    return {part.split("/")[0] for part in html.split(prefix)[1:]}


def test_buttons_are_exactly_the_transitions_this_user_may_take(
    client, catalogue, counter, handler, director, leader
):
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    client.force_login(counter)
    assert offered(client, dossier) == {"assign", "stop"}
    client.force_login(handler)
    assert offered(client, dossier) == {"take", "extend"}
    waiting = dossier_in("awaiting_approval", procedure=catalogue.civil, counter=counter,
                         handler=handler)
    client.force_login(leader)
    assert offered(client, waiting) == {"approve", "refuse", "send_back"}
    client.force_login(director)  # no authorisation in this test
    assert {"approve", "refuse", "send_back"}.isdisjoint(offered(client, waiting))
    assert "Bạn không có văn bản ủy quyền còn hiệu lực" in text(page_of(client, waiting))


def test_handler_takes_then_others_see_the_lock(client, catalogue, counter, handler, other_handler):
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    client.force_login(handler)
    response = act(client, dossier, "take")
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.handler == handler and dossier.status == Status.IN_PROGRESS

    client.force_login(other_handler)
    page = text(page_of(client, dossier))
    name = f"{handler.last_name} {handler.first_name}"
    assert f"Đang được xử lý bởi {name}" in page
    assert offered(client, dossier) == set()
    refused = act(client, dossier, "request_supplement", reason="Thiếu giấy tờ")
    assert refused.status_code == 403
    assert "Hồ sơ đang được xử lý bởi" in text(refused)
    assert dossier.events.filter(action="request_supplement").count() == 0

    client.force_login(counter)
    assert "assign" not in offered(client, dossier)  # only the director moves a taken dossier


def test_release_returns_the_dossier_to_the_queue(client, catalogue, counter, handler, other_handler):
    dossier = dossier_in("in_progress", procedure=catalogue.civil, counter=counter, handler=handler)
    client.force_login(handler)
    assert act(client, dossier, "release").status_code == 302
    dossier.refresh_from_db()
    assert dossier.handler is None
    client.force_login(other_handler)
    assert offered(client, dossier) >= {"take"}


def test_director_reassigns_a_taken_dossier(client, catalogue, counter, handler, other_handler, director):
    dossier = dossier_in("in_progress", procedure=catalogue.civil, counter=counter, handler=handler)
    client.force_login(director)
    page = text(page_of(client, dossier))
    assert "có thể giao lại" in page
    response = act(client, dossier, "assign", handler=other_handler.pk, note="Cân đối công việc")
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.handler == other_handler


def test_missing_reason_shows_the_error_summary_and_the_field_message(
    client, catalogue, counter, handler
):
    dossier = dossier_in("in_progress", procedure=catalogue.civil, counter=counter, handler=handler)
    client.force_login(handler)
    response = act(client, dossier, "request_supplement", reason="  ")
    assert response.status_code == 400
    page = text(response)
    assert "Có lỗi cần sửa" in page and "Cần ghi rõ lý do." in page
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS


def test_a_conflict_comes_back_as_a_clear_message(client, catalogue, counter, handler):
    dossier = dossier_in("in_progress", procedure=catalogue.civil, counter=counter, handler=handler)
    actions.dossier_request_supplement(dossier=dossier, actor=handler, reason="Thiếu giấy")
    actions.dossier_supplement(dossier=dossier, actor=counter)
    client.force_login(handler)
    response = act(client, dossier, "request_supplement", reason="Lần hai")
    assert response.status_code == 302
    page = text(client.get(response["Location"]))
    assert "Chỉ được yêu cầu bổ sung hồ sơ một lần." in page


def test_extension_form_sets_the_new_appointment(client, catalogue, counter):
    dossier = dossier_in("in_progress", procedure=catalogue.land, counter=counter)
    land_handler = dossier.handler
    client.force_login(land_handler)
    new_day = (timezone.localtime(dossier.due_at) + timedelta(days=7)).date()
    response = act(client, dossier, "extend", new_due_date=new_day.isoformat(), reason="Chờ xác minh")
    assert response.status_code == 302, text(response)
    dossier.refresh_from_db()
    assert dossier.extended_due_at.date() == new_day
    assert "Mẫu 04" in text(page_of(client, dossier))


def test_posts_need_the_csrf_token(catalogue, counter, handler):
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    client = Client(enforce_csrf_checks=True)
    client.force_login(handler)
    response = client.post(reverse("cases:action", args=[dossier.code, "take"]), {})
    assert response.status_code == 403
    dossier.refresh_from_db()
    assert dossier.handler is None


def test_unknown_action_is_404_and_get_is_refused(client, catalogue, counter):
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    client.force_login(counter)
    assert client.post(reverse("cases:action", args=[dossier.code, "explode"])).status_code == 404
    assert client.get(reverse("cases:action", args=[dossier.code, "assign"])).status_code == 405


def test_dossier_page_holds_a_fixed_number_of_queries(client, catalogue, counter, handler):
    dossier = dossier_in("in_progress", procedure=catalogue.civil, counter=counter, handler=handler)
    client.force_login(handler)
    page_of(client, dossier)
    with CaptureQueriesContext(connection) as short_history:
        page_of(client, dossier)
    actions.dossier_request_supplement(dossier=dossier, actor=handler, reason="Thiếu")
    actions.dossier_supplement(dossier=dossier, actor=counter)
    for _ in range(10):
        actions.dossier_record_personal_data_view(dossier=dossier, actor=counter)
    with CaptureQueriesContext(connection) as long_history:
        response = page_of(client, dossier)
    assert response.status_code == 200
    assert len(long_history) == len(short_history)
    assert len(short_history) <= 30


def test_the_classification_tag_reads_as_words(client, catalogue, counter):
    in_time = dossier_in("received", procedure=catalogue.civil, counter=counter)
    late = dossier_in("received", procedure=catalogue.civil, counter=counter)
    Dossier.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(days=1))
    client.force_login(counter)
    assert "Trong hạn" in text(page_of(client, in_time))
    assert "Quá hạn" in text(page_of(client, late))
