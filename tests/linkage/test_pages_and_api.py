"""The staff bundle pages and the bundle API, as their users see them."""

import pytest
from django.urls import reverse

from cases.models import Procedure
from linkage import outbox
from linkage.adapters import AgencyError, AgencyReply
from linkage.models import Bundle, BundleStep, StepState
from linkage.selectors import bundle_tracks_for
from linkage.tasks import step_run
from tests.factories import UserFactory, dossier_in
from tests.linkage import support
from thanhsen.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr(outbox, "_enqueue", lambda step_id: None)


def _stuck_bundle(people, settings, capture):
    settings.LINKAGE_MAX_ATTEMPTS = 1
    bundle = support.submit(people, "birth")
    with capture(execute=True):
        support.approve(people, bundle)
    step = BundleStep.objects.get(bundle=bundle, procedure__code=support.HEALTH_CARD)
    step_run(
        step.pk, adapter=support.FakeAdapter(script=[AgencyError("HTTP 503 Service Unavailable")])
    )
    return bundle, step


def test_board_lists_the_needs_attention_queue_and_retry_now_works(
    client, settings, django_capture_on_commit_callbacks
):
    people = support.load_catalogue()
    bundle, step = _stuck_bundle(people, settings, django_capture_on_commit_callbacks)
    client.force_login(people.counter)
    page = client.get(reverse("linkage:bundles")).content.decode()
    assert "Cần xử lý" in page and bundle.dossier.code in page and "HTTP 503" in page
    assert "Gửi lại ngay" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("linkage:step_retry", args=[step.pk]), HTTP_HX_REQUEST="true"
        )
    assert "Đã gửi lại" in response.content.decode()
    step.refresh_from_db()
    assert step.state == StepState.READY and step.attempts == 0


def test_bundle_page_shows_every_step_with_agency_state_and_deadline(
    client, settings, django_capture_on_commit_callbacks
):
    people = support.load_catalogue()
    bundle, _step = _stuck_bundle(people, settings, django_capture_on_commit_callbacks)
    client.force_login(people.handler)
    page = client.get(reverse("linkage:bundle", args=[bundle.dossier.code])).content.decode()
    for text in (
        "Thủ tục đăng ký khai sinh",
        "Đăng ký thường trú",
        "Bảo hiểm xã hội Việt Nam",
        "Cần xử lý",
        "2 ngày làm việc",
        "Hoàn thành một bước liên thông",
    ):
        assert text in page


def test_residents_are_refused_and_unknown_codes_get_not_found(client):
    """Residents meet the same styled 403 page as on every staff page."""
    people = support.load_catalogue()
    bundle = support.submit(people, "birth")
    client.force_login(people.resident)
    assert client.get(reverse("linkage:bundles")).status_code == 403
    assert client.get(reverse("linkage:bundle", args=[bundle.dossier.code])).status_code == 403
    client.force_login(people.counter)
    assert client.get(reverse("linkage:bundle", args=["TSHT-000000-0000"])).status_code == 404


def test_correction_form_requires_a_note_and_then_resends(
    client, django_capture_on_commit_callbacks
):
    people = support.load_catalogue()
    bundle = support.submit(people, "birth")
    with django_capture_on_commit_callbacks(execute=True):
        support.approve(people, bundle)
    step = BundleStep.objects.get(bundle=bundle, procedure__code=support.RESIDENCE)
    step_run(
        step.pk,
        adapter=support.FakeAdapter(script=[AgencyReply(status="returned", reason="Sai họ tên")]),
    )
    client.force_login(people.handler)
    url = reverse("linkage:bundle_correct", args=[bundle.dossier.code])
    response = client.post(url, {"note": ""}, follow=True)
    assert "Cần ghi rõ nội dung đã sửa" in response.content.decode()
    response = client.post(url, {"note": "Sửa họ tên của trẻ"}, follow=True)
    assert "các bước bị trả về được gửi lại" in response.content.decode()
    step.refresh_from_db()
    assert step.state == StepState.READY


def test_resident_submits_a_death_bundle_through_the_api(as_user):
    people = support.load_catalogue()
    api = as_user(people.resident)
    body = {
        "kind": "death",
        "channel": "online",
        "chosen_procedures": [support.SURVIVOR],
        "applicant": {
            "name": "Trần Thị Lan",
            "id_number": "042090001234",
            "phone": "0912345678",
            "address": "Số 3, đường Nguyễn Du, phường Thành Sen",
        },
    }
    response = api.post("/api/v1/bundles/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["kind"] == "death" and data["time_limit"] == 9
    assert [s["procedure"] for s in data["steps"]] == [
        support.DEATH_REGISTRATION,
        support.RESIDENCE_DELETION,
        support.SURVIVOR,
    ]
    assert api.get(f"/api/v1/bundles/{data['code']}/").status_code == 200
    other = as_user(UserFactory(role=Role.RESIDENT))
    assert other.get(f"/api/v1/bundles/{data['code']}/").status_code == 404


def test_api_explains_bad_input_and_leaves_nothing_behind(as_user):
    people = support.load_catalogue()
    api = as_user(people.counter)
    body = {
        "kind": "death",
        "channel": "direct",
        "chosen_procedures": ["1.000000.000.00.00.H27"],
        "applicant": {
            "name": "A",
            "id_number": "042090001234",
            "phone": "0912345678",
            "address": "X",
        },
    }
    response = api.post("/api/v1/bundles/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "chosen_procedures" in response.json()["fields"]
    response = api.post("/api/v1/bundles/", {**body, "kind": "wedding"}, format="json")
    assert response.status_code == 400 and "kind" in response.json()["fields"]
    assert not Bundle.objects.exists()


def test_tracks_are_none_for_a_plain_dossier():
    people = support.load_catalogue()
    bundle = support.submit(people, "birth")
    assert bundle_tracks_for(bundle.dossier)[0].status == "current"

    plain = dossier_in(
        "received", procedure=Procedure.objects.get(code="1.000894.000.00.00.H27", is_current=True)
    )
    assert bundle_tracks_for(plain) is None


def test_the_counter_sees_each_bundles_time_limit_and_that_chosen_procedures_lengthen_it(client):
    people = support.load_catalogue()
    client.force_login(people.counter)
    picker = client.get("/tiep-nhan/").content.decode()
    assert "1 ngày làm việc, dài hơn theo thủ tục chọn" in picker  # the death bundle
    form = client.get("/tiep-nhan/lien-thong/death/").content.decode()
    assert "Thời hạn: 1 ngày làm việc, dài hơn theo thủ tục chọn (Nghị định 63/2024)" in form
