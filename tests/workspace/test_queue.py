"""The landing work queue per role: queues, counts, order, fragments and query counts."""

import re

import pytest
from django.urls import reverse

from cases import actions
from tests.factories import dossier_in
from tests.workspace.helpers import text

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("cases:queue"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_resident_gets_a_403_page(client, resident):
    client.force_login(resident)
    response = client.get(reverse("cases:queue"))
    assert response.status_code == 403
    assert "Trang này chỉ dành cho cán bộ Trung tâm." in text(response)


def test_counter_sees_its_queues_with_counts(client, catalogue, counter, resident):
    dossier_in("submitted", procedure=catalogue.civil, resident=resident)
    dossier_in("resolved", procedure=catalogue.civil, counter=counter)
    client.force_login(counter)
    page = text(client.get(reverse("cases:queue")))
    assert "1 Chờ tiếp nhận" in page
    assert "1 Chờ trả kết quả" in page
    assert "Chờ tôi phê duyệt" not in page


def test_handler_sees_own_and_unassigned_dossiers_of_the_department(
    client, catalogue, counter, handler, outsider
):
    mine = dossier_in("in_progress", procedure=catalogue.civil, counter=counter, handler=handler)
    free = dossier_in("received", procedure=catalogue.civil, counter=counter)
    other_department = dossier_in("received", procedure=catalogue.land, counter=counter)
    client.force_login(handler)
    page = text(client.get(reverse("cases:queue")))
    assert mine.code in page and "1 Hồ sơ của tôi" in page
    taken = text(client.get(reverse("cases:queue"), {"hang": "to_take"}))
    assert free.code in taken and other_department.code not in taken
    client.force_login(outsider)
    assert mine.code not in text(client.get(reverse("cases:queue")))


def test_leader_lands_on_the_dossiers_awaiting_approval(client, catalogue, counter, leader):
    waiting = dossier_in("awaiting_approval", procedure=catalogue.civil, counter=counter)
    land = dossier_in("awaiting_approval", procedure=catalogue.land, counter=counter)
    client.force_login(leader)
    page = text(client.get(reverse("cases:queue")))
    assert waiting.code in page
    assert land.code not in page  # the land office decides those


def test_queue_is_sorted_by_due_date(client, catalogue, counter, handler):
    later = dossier_in("received", procedure=catalogue.civil, counter=counter)  # 3 working days
    sooner = dossier_in("received", procedure=catalogue.certification, counter=counter)  # same day
    client.force_login(handler)
    page = text(client.get(reverse("cases:queue"), {"hang": "to_take"}))
    assert page.index(sooner.code) < page.index(later.code)


def test_htmx_request_gets_the_list_fragment_and_vary(client, catalogue, counter):
    dossier_in("resolved", procedure=catalogue.civil, counter=counter)
    client.force_login(counter)
    full = client.get(reverse("cases:queue"), {"hang": "ready_to_return"})
    fragment = client.get(reverse("cases:queue"), {"hang": "ready_to_return"}, HTTP_HX_REQUEST="true")
    assert "HX-Request" in full["Vary"] and "HX-Request" in fragment["Vary"]
    assert b"<html" in full.content and b"<html" not in fragment.content
    assert "Chờ trả kết quả (1)" in text(fragment)


def test_queue_page_holds_a_fixed_number_of_queries(
    client, catalogue, counter, handler, django_assert_max_num_queries
):
    client.force_login(handler)
    dossier_in("in_progress", procedure=catalogue.civil, counter=counter, handler=handler)
    client.get(reverse("cases:queue"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("cases:queue"))
    for _ in range(12):
        dossier_in("in_progress", procedure=catalogue.civil, counter=counter, handler=handler)
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("cases:queue"))
    assert "13 Hồ sơ của tôi" in text(response)


def test_each_queue_tab_counts_what_its_list_holds(client, catalogue, counter, director, resident):
    """The tab counts come from one combined query; each must agree with its own list."""
    dossier_in("submitted", procedure=catalogue.civil, resident=resident)
    incomplete = dossier_in("submitted", procedure=catalogue.civil, resident=resident)
    actions.dossier_request_completion(dossier=incomplete, actor=counter, reason="Thiếu tờ khai")
    dossier_in("received", procedure=catalogue.civil, counter=counter)
    dossier_in("received", procedure=catalogue.certification, counter=counter)
    dossier_in("supplement_requested", procedure=catalogue.civil, counter=counter)
    dossier_in("awaiting_payment", procedure=catalogue.civil, counter=counter)
    dossier_in("resolved", procedure=catalogue.civil, counter=counter)
    client.force_login(director)
    page = client.get(reverse("cases:queue"))
    tabs = dict(re.findall(r'data-queue="(\w+)">\s*<span class="stat__value">(\d+)</span>',
                           page.content.decode()))
    assert tabs["to_receive"] == "1" and tabs["awaiting_supplement"] == "2"
    assert tabs["to_take"] == "2" and tabs["ready_to_return"] == "1"
    for key, count in tabs.items():
        listed = client.get(reverse("cases:queue"), {"hang": key}, HTTP_HX_REQUEST="true")
        rows = listed.content.decode().count('class="code"')
        assert rows == int(count), key
        assert f"({count})" in text(listed)
