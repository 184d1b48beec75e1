"""The REST API as a client sees it: creation, listing and filters, detail, auth, errors, schema.

Bad input never answers 500 and never leaves half a dossier behind: each error case checks
the JSON shape ``{"code", "detail", "fields"?}`` and that no dossier or event was written.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from cases import actions
from cases.models import Dossier, DossierEvent
from tests.factories import UserFactory, applicant, dossier_in
from thanhsen.roles import Role

pytestmark = pytest.mark.django_db

DOSSIERS = "/api/v1/dossiers/"
INVALID = "Dữ liệu không hợp lệ."


def create_body(procedure_code: str, **overrides) -> dict:
    body = {
        "procedure": procedure_code,
        "channel": "direct",
        "applicant": {
            "name": "Lê Thị Hoa",
            "id_number": "042185006789",
            "phone": "0912 345 678",
            "email": "hoa@example.vn",
            "address": "Tổ dân phố 3, phường Thành Sen, Hà Tĩnh",
        },
        "documents": [{"name": "Tờ khai", "copy_type": "original"}],
    }
    body.update(overrides)
    return body


def counts() -> tuple[int, int]:
    return Dossier.objects.count(), DossierEvent.objects.count()


def assert_error_shape(body: dict) -> None:
    assert set(body) in ({"code", "detail"}, {"code", "detail", "fields"})
    assert isinstance(body["code"], str) and body["code"]
    assert isinstance(body["detail"], str) and body["detail"]
    if "fields" in body:
        assert isinstance(body["fields"], dict) and body["fields"]


# --- creation --------------------------------------------------------------------------------
def test_counter_creates_and_receives_a_dossier(as_user, counter, catalogue):
    response = as_user(counter).post(DOSSIERS, create_body(catalogue.civil.code, receive=True),
                                     format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert re.fullmatch(rf"{re.escape(settings.UNIT_CODE)}-\d{{6}}-\d{{4}}", body["code"])
    assert body["code"].split("-")[1] == timezone.localdate().strftime("%y%m%d")
    assert body["status"] == "received"
    assert body["channel"] == "direct"
    assert body["dvcqg_status"] == 2
    assert body["due_at"] and body["initial_due_at"] == body["due_at"]
    assert body["appointment_at"] == body["due_at"]
    assert body["classification"] == "within"
    assert body["applicant_phone"] == "0912345678"
    assert body["documents"] == [{"name": "Tờ khai", "copy_type": "original",
                                  "quantity": 1, "reused": False, "digitised": False}]
    assert [e["action"] for e in body["events"]] == ["create", "receive"]
    assert body["events"][1]["actor"] == counter.username
    dossier = Dossier.objects.get(code=body["code"])
    assert dossier.received_by == counter
    assert dossier.applicant_user is None


def test_codes_are_sequential_per_day(as_user, counter, catalogue):
    client = as_user(counter)

    codes = [client.post(DOSSIERS, create_body(catalogue.civil.code), format="json").json()["code"]
             for _ in range(3)]

    numbers = [int(code.rsplit("-", 1)[1]) for code in codes]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


def test_counter_without_receive_leaves_the_dossier_submitted(as_user, counter, catalogue):
    response = as_user(counter).post(DOSSIERS, create_body(catalogue.civil.code), format="json")

    assert response.status_code == 201
    assert response.json()["status"] == "submitted"
    assert response.json()["due_at"] is None
    assert response.json()["classification"] is None


def test_resident_submits_online(as_user, resident, catalogue):
    response = as_user(resident).post(DOSSIERS, create_body(catalogue.civil.code, channel="online"),
                                      format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "submitted"
    assert body["channel"] == "online"
    assert body["received_at"] is None and body["due_at"] is None
    assert body["dvcqg_status"] == 1
    assert Dossier.objects.get(code=body["code"]).applicant_user == resident
    assert [e["action"] for e in body["events"]] == ["create"]


def test_per_page_fee_is_computed_from_the_pages(as_user, counter, catalogue):
    response = as_user(counter).post(
        DOSSIERS, create_body(catalogue.certification.code, pages=5), format="json"
    )

    assert response.status_code == 201
    assert response.json()["fee_amount"] == 2 * 2000 + 3 * 1000


# --- listing ---------------------------------------------------------------------------------
@pytest.fixture
def population(catalogue, counter, handler, land_officer, leader, resident):
    now = timezone.now()
    past = now - timedelta(days=30)
    people = dict(counter=counter, handler=handler, signer=leader)
    return {
        "received": dossier_in("received", procedure=catalogue.civil, at=now, **people),
        "land": dossier_in("in_progress", procedure=catalogue.land, at=now, counter=counter,
                           handler=land_officer, signer=land_officer),
        "online": dossier_in("submitted", procedure=catalogue.civil, at=now, resident=resident,
                             **people),
        "overdue": dossier_in("in_progress", procedure=catalogue.civil, at=past, **people),
        "returned": dossier_in("returned", procedure=catalogue.civil, at=past, **people),
    }


def listed(client, query: str = "") -> list[str]:
    response = client.get(f"{DOSSIERS}?{query}")
    assert response.status_code == 200, response.json()
    return [d["code"] for d in response.json()["results"]]


def codes_of(population, *names) -> set[str]:
    return {population[name].code for name in names}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["received", "land", "online", "overdue", "returned"]),
        ("status=received", ["received"]),
        ("status=received&status=submitted", ["received", "online"]),
        ("field=DD", ["land"]),
        ("field=HT", ["received", "online", "overdue", "returned"]),
        ("department=VHXH", ["overdue", "returned"]),
        ("department=VPDKDD", ["land"]),
        ("channel=online", ["online"]),
        ("channel=direct", ["received", "land", "overdue", "returned"]),
        ("overdue=true", ["overdue"]),
        ("overdue=false", ["received", "land"]),
    ],
)
def test_list_filters(as_user, director, population, query, expected):
    assert set(listed(as_user(director), query)) == codes_of(population, *expected)


def test_list_filter_by_procedure_and_due_before(as_user, director, population, catalogue):
    client = as_user(director)
    now = timezone.now()

    assert set(listed(client, f"procedure={catalogue.land.code}")) == codes_of(population, "land")
    due_now = listed(client, "due_before=" + now.isoformat().replace("+", "%2B"))
    assert set(due_now) == codes_of(population, "overdue", "returned")
    later = (now + timedelta(days=60)).isoformat().replace("+", "%2B")
    assert set(listed(client, f"due_before={later}")) == codes_of(
        population, "received", "land", "overdue", "returned"
    )


def test_overdue_dossier_is_classified_overdue_in_the_list(as_user, director, population):
    results = as_user(director).get(f"{DOSSIERS}?overdue=true").json()["results"]

    assert [(d["code"], d["classification"]) for d in results] == [
        (population["overdue"].code, "overdue")
    ]


def test_list_is_newest_first(as_user, director, population):
    codes = listed(as_user(director))

    assert codes[-2:] in (
        [population["overdue"].code, population["returned"].code],
        [population["returned"].code, population["overdue"].code],
    )
    created = [Dossier.objects.get(code=c).created_at for c in codes]
    assert created == sorted(created, reverse=True)


def test_handlers_list_only_their_departments_dossiers(as_user, land_officer, population):
    assert set(listed(as_user(land_officer))) == codes_of(population, "land")


@pytest.mark.parametrize("query", ["status=bogus", "due_before=not-a-date", "channel=fax"])
def test_invalid_filter_values_are_a_400_with_fields(as_user, director, population, query):
    response = as_user(director).get(f"{DOSSIERS}?{query}")

    assert response.status_code == 400
    body = response.json()
    assert_error_shape(body)
    assert body["detail"] == INVALID
    assert query.split("=")[0] in body["fields"]


def test_pagination_shape(as_user, counter, catalogue):
    for _ in range(51):
        actions.dossier_create(procedure_code=catalogue.civil.code, applicant=applicant(),
                                channel="direct", actor=counter)
    client = as_user(counter)

    first = client.get(DOSSIERS).json()
    second = client.get(first["next"]).json()

    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 51
    assert len(first["results"]) == 50
    assert first["previous"] is None and "page=2" in first["next"]
    assert len(second["results"]) == 1 and second["next"] is None
    assert second["previous"]
    assert not {d["code"] for d in first["results"]} & {d["code"] for d in second["results"]}


def test_a_page_past_the_end_is_a_vietnamese_404(as_user, counter):
    response = as_user(counter).get(f"{DOSSIERS}?page=9")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Không tìm thấy."}


# --- token authentication --------------------------------------------------------------------
def test_token_authentication(api_client, catalogue):
    officer = UserFactory(role=Role.COUNTER_OFFICER, department=catalogue.center,
                          username="tiepnhan01")

    token = api_client.post("/api/v1/auth/token/",
                            {"username": "tiepnhan01", "password": "matkhau-thu-nghiem"},
                            format="json")

    assert token.status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    created = api_client.post(DOSSIERS, create_body(catalogue.civil.code, receive=True),
                              format="json")
    assert created.status_code == 201
    assert Dossier.objects.get().received_by == officer
    assert api_client.get(DOSSIERS).json()["count"] == 1


def test_wrong_password_gets_no_token(api_client, catalogue):
    UserFactory(role=Role.COUNTER_OFFICER, username="tiepnhan02")

    response = api_client.post("/api/v1/auth/token/",
                               {"username": "tiepnhan02", "password": "sai-mat-khau"},
                               format="json")

    assert response.status_code == 400
    assert_error_shape(response.json())
    assert response.json()["code"] == "invalid"
    assert "non_field_errors" in response.json()["fields"]


def test_an_unknown_token_is_refused(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)

    response = api_client.get(DOSSIERS)

    assert response.status_code == 403
    assert response.json() == {"code": "authentication_failed",
                               "detail": "Thông tin đăng nhập không hợp lệ."}


# --- detail and the personal-data audit --------------------------------------------------------
@pytest.mark.parametrize("persona", ["counter", "handler", "director"])
def test_staff_viewing_a_dossier_is_recorded(as_user, personas, catalogue, counter, resident,
                                             persona):
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter,
                         resident=resident)
    viewer = personas[persona]

    response = as_user(viewer).get(f"{DOSSIERS}{dossier.code}/")

    assert response.status_code == 200
    body = response.json()
    assert body["applicant_id_number"] == "042090001234"
    assert [e["action"] for e in body["events"]] == ["create", "receive", "view_personal_data"]
    view = dossier.events.latest("id")
    assert (view.action, view.actor, view.from_status, view.to_status) == (
        "view_personal_data", viewer, "received", "received"
    )
    assert body["status"] == "received"


def test_the_owner_viewing_their_dossier_is_not_recorded(as_user, catalogue, counter, resident):
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter,
                         resident=resident)

    response = as_user(resident).get(f"{DOSSIERS}{dossier.code}/")

    assert response.status_code == 200
    assert [e["action"] for e in response.json()["events"]] == ["create", "receive"]
    assert not dossier.events.filter(action="view_personal_data").exists()


def test_detail_shows_the_history_with_actors_and_notes(as_user, catalogue, counter, handler,
                                                        director):
    dossier = dossier_in("in_progress", procedure=catalogue.civil, counter=counter,
                         handler=handler)
    actions.dossier_request_supplement(dossier=dossier, actor=handler, reason="Thiếu ảnh 4x6")

    events = as_user(director).get(f"{DOSSIERS}{dossier.code}/").json()["events"]

    supplement = next(e for e in events if e["action"] == "request_supplement")
    assert supplement["actor"] == handler.username
    assert supplement["note"] == "Thiếu ảnh 4x6"
    assert (supplement["from_status"], supplement["to_status"]) == (
        "in_progress", "supplement_requested"
    )


# --- the public catalogue -----------------------------------------------------------------------
def test_procedure_list_and_detail_are_public(api_client, catalogue):
    listing = api_client.get("/api/v1/procedures/")
    detail = api_client.get(f"/api/v1/procedures/{catalogue.land.code}/")

    assert listing.status_code == 200
    assert set(listing.json()) == {"count", "next", "previous", "results"}
    assert {p["code"] for p in listing.json()["results"]} == {
        catalogue.civil.code, catalogue.land.code, catalogue.certification.code,
        catalogue.residence.code,
    }
    assert detail.status_code == 200
    body = detail.json()
    assert (body["field_code"], body["time_limit"], body["competent_authority"]) == (
        "DD", 10, "land_office"
    )
    assert body["documents"] == [
        {"name": "Tờ khai", "copy_type": "original", "quantity": 1, "mandatory": True}
    ]


def test_only_the_current_version_is_listed(api_client, catalogue):
    actions.procedure_revise(procedure=catalogue.civil, changes={"time_limit": 5})

    results = api_client.get("/api/v1/procedures/").json()["results"]
    civil = [p for p in results if p["code"] == catalogue.civil.code]
    assert [(p["version"], p["time_limit"]) for p in civil] == [(2, 5)]


def test_unknown_procedure_is_a_json_404(api_client, catalogue):
    response = api_client.get("/api/v1/procedures/9.999999.000.00.00.H27/")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Không tìm thấy thủ tục."}


# --- bad input when creating ------------------------------------------------------------------
def _applicant_with(**changes):
    def mutate(body):
        body["applicant"].update(changes)
        for name, value in changes.items():
            if value is None:
                del body["applicant"][name]
        return body

    return mutate


def _set(**changes):
    def mutate(body):
        body.update(changes)
        return body

    return mutate


def _drop(name):
    def mutate(body):
        del body[name]
        return body

    return mutate


@pytest.mark.parametrize(
    ("persona", "mutate", "status", "field_path"),
    [
        pytest.param("counter", _set(procedure="9.999999.000.00.00.H27"), 400, ["procedure"],
                     id="unknown-procedure"),
        pytest.param("counter", _set(procedure="1" * 41), 400, ["procedure"],
                     id="procedure-too-long"),
        pytest.param("counter", _applicant_with(id_number="04209000123"), 400,
                     ["applicant", "id_number"], id="id-11-digits"),
        pytest.param("counter", _applicant_with(id_number="0420900012345"), 400,
                     ["applicant", "id_number"], id="id-13-digits"),
        pytest.param("counter", _applicant_with(id_number="04209000123A"), 400,
                     ["applicant", "id_number"], id="id-with-letter"),
        pytest.param("counter", _applicant_with(phone="12345"), 400, ["applicant", "phone"],
                     id="bad-phone"),
        pytest.param("counter", _applicant_with(phone="0112345678"), 400, ["applicant", "phone"],
                     id="landline-prefix"),
        pytest.param("counter", _applicant_with(name=None), 400, ["applicant", "name"],
                     id="missing-name"),
        pytest.param("counter", _applicant_with(address="   "), 400, ["applicant", "address"],
                     id="blank-address"),
        pytest.param("counter", _applicant_with(email="không-phải-email"), 400,
                     ["applicant", "email"], id="bad-email"),
        pytest.param("counter", _applicant_with(email="a" * 250 + "@example.vn"), 400,
                     ["applicant", "email"], id="email-longer-than-the-column"),
        pytest.param("counter", _drop("applicant"), 400, ["applicant"], id="no-applicant"),
        pytest.param("counter", _set(applicant="Lê Thị Hoa"), 400, ["applicant"],
                     id="applicant-not-an-object"),
        pytest.param("counter", _set(channel="fax"), 400, ["channel"], id="invalid-channel"),
        pytest.param("counter", _drop("channel"), 400, ["channel"], id="missing-channel"),
        pytest.param("counter", _set(pages=-1), 400, ["pages"], id="negative-pages"),
        pytest.param("counter", _set(documents=[{"name": "Tờ khai", "quantity": 0}]), 400,
                     ["documents"], id="zero-quantity"),
        pytest.param("counter", _set(documents=[{"name": "Tờ khai", "copy_type": "fax"}]), 400,
                     ["documents"], id="bad-copy-type"),
        pytest.param("counter", _set(receive="maybe"), 400, ["receive"], id="receive-not-bool"),
        pytest.param("resident", _set(channel="direct"), 400, ["channel"],
                     id="resident-at-the-counter"),
        pytest.param("resident", _set(channel="online", receive=True), 403, None,
                     id="resident-receives"),
        pytest.param("handler", lambda body: body, 403, None, id="handler-creates"),
    ],
)
def test_bad_create_input_is_refused_whole(as_user, personas, catalogue, persona, mutate, status,
                                           field_path):
    before = counts()
    body = mutate(create_body(catalogue.civil.code))

    response = as_user(personas[persona]).post(DOSSIERS, body, format="json")

    assert response.status_code == status, response.json()
    payload = response.json()
    assert_error_shape(payload)
    if status == 400:
        assert payload["code"] == "invalid"
        assert payload["detail"] == INVALID
        node = payload["fields"]
        for name in field_path:
            node = node[name]
        assert node
    else:
        assert payload["code"] == "forbidden"
        assert "fields" not in payload
    assert counts() == before


def test_a_body_that_is_not_an_object_is_a_400(as_user, counter):
    before = counts()

    response = as_user(counter).post(DOSSIERS, ["không", "phải", "đối tượng"], format="json")

    assert response.status_code == 400
    assert_error_shape(response.json())
    assert "non_field_errors" in response.json()["fields"]
    assert counts() == before


def test_malformed_json_is_a_vietnamese_400(as_user, counter):
    before = counts()

    response = as_user(counter).post(DOSSIERS, '{"procedure": ', content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"code": "parse_error",
                               "detail": "Dữ liệu gửi lên không đúng định dạng JSON."}
    assert counts() == before


def test_a_failed_receipt_leaves_no_dossier_and_no_gap_in_the_codes(as_user, counter, catalogue,
                                                                    monkeypatch):
    """Creation and receipt share one transaction: a refusal inside receipt undoes both."""
    from cases import policy

    client = as_user(counter)
    first = client.post(DOSSIERS, create_body(catalogue.civil.code), format="json").json()["code"]
    monkeypatch.setitem(policy.ACTION_ROLES, "receive", frozenset())
    before = counts()

    refused = client.post(DOSSIERS, create_body(catalogue.civil.code, receive=True), format="json")

    assert refused.status_code == 403
    assert counts() == before
    monkeypatch.undo()
    second = client.post(DOSSIERS, create_body(catalogue.civil.code), format="json").json()["code"]
    assert int(second.rsplit("-", 1)[1]) == int(first.rsplit("-", 1)[1]) + 1


# --- bad input on transitions --------------------------------------------------------------------
@pytest.fixture
def received(catalogue, counter, handler, leader):
    return dossier_in("received", procedure=catalogue.civil, counter=counter, handler=handler,
                      signer=leader)


@pytest.fixture
def in_progress(catalogue, counter, handler, leader):
    return dossier_in("in_progress", procedure=catalogue.civil, counter=counter, handler=handler,
                      signer=leader)


def transition(client, code, name, body=None):
    return client.post(f"{DOSSIERS}{code}/transitions/{name}/", body or {}, format="json")


def test_unknown_transition_name_is_a_404(as_user, counter, received):
    before = counts()

    response = transition(as_user(counter), received.code, "fly")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Không có thao tác “fly”."}
    assert counts() == before


@pytest.mark.parametrize("name", ["view_personal_data", "create"])
def test_actions_that_are_not_transitions_are_a_404(as_user, director, received, name):
    before = counts()

    assert transition(as_user(director), received.code, name).status_code == 404
    assert counts() == before


def test_unknown_dossier_is_a_404(as_user, counter, received):
    before = counts()

    response = transition(as_user(counter), "TSHT-000000-0000", "receive")
    detail = as_user(counter).get(f"{DOSSIERS}TSHT-000000-0000/")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Không tìm thấy hồ sơ."}
    assert detail.status_code == 404
    assert detail.json() == {"code": "not_found", "detail": "Không tìm thấy hồ sơ."}
    assert counts() == before


def test_wrong_state_is_a_409(as_user, counter, received):
    before = counts()

    response = transition(as_user(counter), received.code, "receive")

    assert response.status_code == 409
    assert response.json() == {
        "code": "conflict",
        "detail": "Không thể thực hiện thao tác này khi hồ sơ đang ở trạng thái “Đã tiếp nhận”.",
    }
    assert counts() == before
    assert Dossier.objects.get(pk=received.pk).status == "received"


@pytest.mark.parametrize(
    ("fixture", "persona", "name", "body", "field"),
    [
        pytest.param("received", "counter", "stop", {"reason": ""}, "reason",
                     id="stop-without-reason"),
        pytest.param("in_progress", "handler", "request_supplement", {}, "reason",
                     id="supplement-without-reason"),
        pytest.param("in_progress", "handler", "request_supplement", {"reason": "   "}, "reason",
                     id="supplement-blank-reason"),
        pytest.param("in_progress", "handler", "request_payment", {"reason": "Thuế",
                                                                   "amount": -5}, "amount",
                     id="negative-amount"),
        pytest.param("in_progress", "handler", "request_payment", {"reason": "Thuế",
                                                                   "amount": "nhiều"}, "amount",
                     id="amount-not-a-number"),
        pytest.param("received", "counter", "assign", {"handler": "khong-ton-tai"}, "handler",
                     id="unknown-handler"),
        pytest.param("received", "counter", "assign", {"department": "XYZ"}, "department",
                     id="unknown-department"),
        pytest.param("received", "counter", "assign", {"handler": "<leader>"}, "handler",
                     id="handler-not-an-officer"),
        pytest.param("in_progress", "handler", "extend", {"reason": "Chờ xác minh"},
                     "new_due_at", id="extend-without-date"),
        pytest.param("in_progress", "handler", "extend",
                     {"reason": "Chờ xác minh", "new_due_at": "mai"}, "new_due_at",
                     id="extend-bad-date"),
        pytest.param("in_progress", "handler", "extend",
                     {"reason": "Chờ xác minh", "new_due_at": "2020-01-01T08:00:00+07:00"},
                     "new_due_at", id="extend-to-the-past"),
        pytest.param("in_progress", "handler", "extend",
                     {"new_due_at": "2099-01-01T08:00:00+07:00"}, "reason",
                     id="extend-without-reason"),
    ],
)
def test_bad_transition_input_is_a_400_with_fields(request, as_user, personas, fixture, persona,
                                                   name, body, field):
    dossier = request.getfixturevalue(fixture)
    status_before = dossier.status
    if body.get("handler") == "<leader>":
        body = {**body, "handler": personas["leader"].username}
    before = counts()

    response = transition(as_user(personas[persona]), dossier.code, name, body)

    assert response.status_code == 400, response.json()
    payload = response.json()
    assert_error_shape(payload)
    assert payload["code"] == "invalid"
    assert payload["detail"] == INVALID
    assert field in payload["fields"]
    assert all(isinstance(m, str) and m for m in payload["fields"][field])
    assert counts() == before
    assert Dossier.objects.get(pk=dossier.pk).status == status_before


def test_transition_success_returns_the_dossier(as_user, handler, in_progress):
    response = transition(as_user(handler), in_progress.code, "submit_for_approval",
                          {"note": "Dự thảo quyết định"})

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "awaiting_approval"
    assert body["events"][-1]["action"] == "submit_for_approval"
    assert body["events"][-1]["note"] == "Dự thảo quyết định"


def test_method_not_allowed_is_a_vietnamese_405(as_user, counter, received):
    response = as_user(counter).delete(f"{DOSSIERS}{received.code}/")

    assert response.status_code == 405
    assert response.json() == {"code": "method_not_allowed",
                               "detail": "Phương thức này không được hỗ trợ."}
    assert Dossier.objects.filter(pk=received.pk).exists()


# --- the OpenAPI schema ----------------------------------------------------------------------
def test_openapi_schema_is_valid_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = target.read_text()
    assert "/api/v1/dossiers/{code}/transitions/{name}/" in schema
    assert "/api/v1/procedures/" in schema
