"""Who may do what, through the API: the role × action matrix with every persona.

Every dossier here belongs to the ``resident`` persona (submitted online) and, once assigned,
to the ``handler`` persona of the civil office, so each persona meets the dossier in the
relationship the rules care about: owner, assigned handler, other department, and so on.
A persona who cannot see a dossier gets 404, not 403: the API does not confirm it exists.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import actions, policy
from cases.models import Dossier, DossierEvent, Status
from tests.factories import UserFactory, dossier_in
from thanhsen.errors import ApplicationError, ErrorKind
from thanhsen.roles import Role

pytestmark = pytest.mark.django_db

PERSONAS = ["counter", "handler", "land_officer", "director", "leader", "resident", "outsider"]

OK, NO, HIDDEN = 200, 403, 404
#: Allowed, but the API carries no files: a resident's supplement needs papers attached.
NEEDS_PAPERS = 400

ROLE_DENIED = "Vai trò của bạn không được thực hiện thao tác này."
NOT_SIGNER = "Bạn không có thẩm quyền ký quyết định cho thủ tục này."
NO_AUTHORISATION = "Bạn không có văn bản ủy quyền còn hiệu lực cho thủ tục này."


def row(counter, handler, land_officer, director, leader, resident, outsider):
    return dict(zip(PERSONAS, (counter, handler, land_officer, director, leader, resident,
                               outsider), strict=True))


#: action: (state the dossier is in, state after success, expected status per persona).
#: Civil procedure: handled by the civil office, signed by the ward leader, delegable to the
#: center (the director holds no authorisation here).
CIVIL_MATRIX = {
    "receive": ("submitted", "received", row(OK, NO, HIDDEN, OK, NO, NO, HIDDEN)),
    "refuse_intake": ("submitted", "not_accepted", row(OK, NO, HIDDEN, OK, NO, NO, HIDDEN)),
    "request_completion": ("submitted", "submitted", row(OK, NO, HIDDEN, OK, NO, NO, HIDDEN)),
    "complete": ("submitted", "submitted", row(OK, NO, HIDDEN, NO, NO, OK, HIDDEN)),
    "assign": ("received", "in_progress", row(OK, OK, HIDDEN, OK, NO, NO, HIDDEN)),
    "request_supplement": (
        "in_progress", "supplement_requested", row(NO, OK, HIDDEN, OK, NO, NO, HIDDEN)
    ),
    "supplement": ("supplement_requested", "in_progress",
                   row(OK, NO, HIDDEN, NO, NO, NEEDS_PAPERS, HIDDEN)),
    "request_payment": ("in_progress", "awaiting_payment", row(NO, OK, HIDDEN, OK, NO, NO, HIDDEN)),
    "confirm_payment": ("awaiting_payment", "in_progress", row(OK, NO, HIDDEN, OK, NO, NO, HIDDEN)),
    "submit_for_approval": (
        "in_progress", "awaiting_approval", row(NO, OK, HIDDEN, OK, NO, NO, HIDDEN)
    ),
    "send_back": ("awaiting_approval", "in_progress", row(NO, NO, HIDDEN, NO, OK, NO, HIDDEN)),
    "approve": ("awaiting_approval", "resolved", row(NO, NO, HIDDEN, NO, OK, NO, HIDDEN)),
    "refuse": ("awaiting_approval", "resolved", row(NO, NO, HIDDEN, NO, OK, NO, HIDDEN)),
    "return_result": ("resolved", "returned", row(OK, NO, HIDDEN, OK, NO, NO, HIDDEN)),
    "request_stop": ("in_progress", "in_progress", row(OK, NO, HIDDEN, NO, NO, OK, HIDDEN)),
    "stop": ("in_progress", "stopped", row(OK, NO, HIDDEN, OK, NO, NO, HIDDEN)),
    "extend": ("in_progress", "in_progress", row(NO, OK, HIDDEN, OK, NO, NO, HIDDEN)),
}

#: Land procedure: handled and decided by the Land Registration Office; the civil handler and
#: the outsider cannot see it.
LAND_MATRIX = {
    "request_payment": ("in_progress", "awaiting_payment", row(NO, HIDDEN, OK, OK, NO, NO, HIDDEN)),
    "confirm_payment": ("awaiting_payment", "in_progress", row(OK, HIDDEN, OK, OK, NO, NO, HIDDEN)),
    "submit_for_approval": (
        "in_progress", "awaiting_approval", row(NO, HIDDEN, OK, OK, NO, NO, HIDDEN)
    ),
    "approve": ("awaiting_approval", "resolved", row(NO, HIDDEN, OK, NO, NO, NO, HIDDEN)),
    "refuse": ("awaiting_approval", "resolved", row(NO, HIDDEN, OK, NO, NO, NO, HIDDEN)),
}


def _cases(matrix):
    return [
        pytest.param(action, persona, state, target, expected[persona], id=f"{action}-{persona}")
        for action, (state, target, expected) in matrix.items()
        for persona in PERSONAS
    ]


def body_for(action: str, dossier: Dossier) -> dict:
    body = {"reason": "Lý do thử nghiệm", "note": "Ghi chú"}
    if action == "extend":
        body["new_due_at"] = (dossier.due_at + timedelta(days=7)).isoformat()
    return body


@pytest.fixture
def owned_dossier(catalogue, counter, handler, land_officer, leader, resident):
    """A dossier of the resident persona, in ``state``, walked by the persona officers."""

    def build(state: str, procedure=None):
        procedure = procedure or catalogue.civil
        on_land = procedure == catalogue.land
        return dossier_in(
            state, procedure=procedure, at=timezone.now(), resident=resident, counter=counter,
            handler=land_officer if on_land else handler,
            signer=land_officer if on_land else leader,
        )

    return build


def post_transition(client, dossier, action, body):
    return client.post(f"/api/v1/dossiers/{dossier.code}/transitions/{action}/", body,
                       format="json")


def _check(response, *, dossier, action, persona, state, target, expected, status_before, events,
           delegable):
    assert response.status_code == expected, (persona, action, response.json())
    dossier_now = Dossier.objects.get(pk=dossier.pk)
    if expected == OK:
        assert response.json()["status"] == target
        assert dossier_now.status == target
        assert DossierEvent.objects.filter(dossier=dossier).count() == events + 1
        return
    assert dossier_now.status == status_before == state
    assert DossierEvent.objects.filter(dossier=dossier).count() == events
    body = response.json()
    if expected == HIDDEN:
        assert body == {"code": "not_found", "detail": "Không tìm thấy hồ sơ."}
    elif expected == NEEDS_PAPERS:
        assert body["code"] == "invalid" and "documents" in body["fields"]
    else:
        assert body["code"] == "forbidden"
        if action in {"approve", "refuse", "send_back"}:
            # Only the civil procedure is a ward leader's power the center's director or its
            # staff (the counter persona works at the center) could hold.
            director_lacks_paper = delegable and persona in ("director", "counter")
            assert body["detail"] == (NO_AUTHORISATION if director_lacks_paper else NOT_SIGNER)
        else:
            assert body["detail"] == ROLE_DENIED


def _run_matrix_case(owned_dossier, as_user, personas, counter, procedure, action, persona, state,
                     target, expected):
    dossier = owned_dossier(state, procedure)
    if action == "complete":
        actions.dossier_request_completion(dossier=dossier, actor=counter, reason="Thiếu ảnh")
    status_before = Dossier.objects.get(pk=dossier.pk).status
    events = DossierEvent.objects.filter(dossier=dossier).count()

    response = post_transition(as_user(personas[persona]), dossier, action,
                               body_for(action, dossier))

    _check(response, dossier=dossier, action=action, persona=persona, state=state, target=target,
           expected=expected, status_before=status_before, events=events,
           delegable=procedure.center_may_decide)


@pytest.mark.parametrize(("action", "persona", "state", "target", "expected"), _cases(CIVIL_MATRIX))
def test_civil_matrix(owned_dossier, as_user, personas, counter, catalogue, action, persona, state,
                      target, expected):
    _run_matrix_case(owned_dossier, as_user, personas, counter, catalogue.civil, action, persona,
                     state, target, expected)


@pytest.mark.parametrize(("action", "persona", "state", "target", "expected"), _cases(LAND_MATRIX))
def test_land_matrix(owned_dossier, as_user, personas, counter, catalogue, action, persona, state,
                     target, expected):
    _run_matrix_case(owned_dossier, as_user, personas, counter, catalogue.land, action, persona,
                     state, target, expected)


def test_the_matrix_covers_every_action_the_api_offers():
    from cases.registry import API_ACTIONS as ACTIONS

    assert set(CIVIL_MATRIX) == set(ACTIONS)


PERSONA_ROLES = row(Role.COUNTER_OFFICER, Role.HANDLING_OFFICER, Role.LAND_OFFICER,
                    Role.CENTER_DIRECTOR, Role.WARD_LEADER, Role.RESIDENT, Role.HANDLING_OFFICER)


@pytest.mark.parametrize("matrix", [CIVIL_MATRIX, LAND_MATRIX], ids=["civil", "land"])
def test_the_matrix_agrees_with_the_policys_action_table(matrix):
    """This table is written by hand from the rules; the policy is what the code enforces.
    Outside signing (which follows the competent authority), a persona allowed an action holds
    a role the policy lists for it, and one refused for their role holds none."""
    for action, (_state, _target, expected) in matrix.items():
        if action in policy.SIGNING_ACTIONS:
            continue
        for persona, status in expected.items():
            if status == HIDDEN:
                continue
            listed = PERSONA_ROLES[persona] in policy.ACTION_ROLES[action]
            assert listed == (status in (OK, NEEDS_PAPERS)), (action, persona)


CREATE_EXPECTED = row(201, 403, 403, 201, 403, 201, 403)


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_create_a_dossier(as_user, personas, catalogue, persona):
    body = {
        "procedure": catalogue.civil.code,
        "channel": "online" if persona == "resident" else "direct",
        "applicant": {"name": "Trần Thị Bình", "id_number": "042190004321",
                      "phone": "0987654321", "address": "Phường Thành Sen, Hà Tĩnh"},
    }

    response = as_user(personas[persona]).post("/api/v1/dossiers/", body, format="json")

    assert response.status_code == CREATE_EXPECTED[persona], response.json()
    if response.status_code == 403:
        assert response.json() == {
            "code": "forbidden", "detail": "Vai trò của bạn không được nộp hoặc tiếp nhận hồ sơ."
        }
        assert not Dossier.objects.exists()
    else:
        assert Dossier.objects.get().status == Status.SUBMITTED


# --- residents -----------------------------------------------------------------------------
def test_another_resident_cannot_see_or_act_on_a_dossier(owned_dossier, as_user, resident):
    dossier = owned_dossier("in_progress")
    stranger = UserFactory(role=Role.RESIDENT)
    client = as_user(stranger)
    events = dossier.events.count()

    detail = client.get(f"/api/v1/dossiers/{dossier.code}/")
    stop = post_transition(client, dossier, "request_stop", {"reason": "Rút hồ sơ"})
    listing = client.get("/api/v1/dossiers/")

    assert detail.status_code == 404
    assert stop.status_code == 404
    assert stop.json() == {"code": "not_found", "detail": "Không tìm thấy hồ sơ."}
    assert listing.json()["count"] == 0
    dossier.refresh_from_db()
    assert dossier.stop_requested_at is None
    assert dossier.events.count() == events


def test_the_service_refuses_another_residents_action_too(owned_dossier):
    """Pages that skip the API's visibility filter still meet the ownership rule."""
    dossier = owned_dossier("in_progress")
    stranger = UserFactory(role=Role.RESIDENT)

    with pytest.raises(ApplicationError) as info:
        actions.dossier_request_stop(dossier=dossier, actor=stranger, reason="Rút hồ sơ")

    assert info.value.kind is ErrorKind.FORBIDDEN
    assert info.value.message == "Bạn chỉ thao tác được trên hồ sơ của chính mình."


def test_the_owner_sees_only_their_dossiers(owned_dossier, as_user, resident, catalogue, counter):
    mine = owned_dossier("received")
    dossier_in("received", procedure=catalogue.civil, counter=counter)  # someone else's

    response = as_user(resident).get("/api/v1/dossiers/")

    assert [d["code"] for d in response.json()["results"]] == [mine.code]


# --- departments and the assignment lock -----------------------------------------------------
def test_a_handler_of_another_department_cannot_see_the_dossier(owned_dossier, as_user, outsider):
    dossier = owned_dossier("received")

    assert as_user(outsider).get(f"/api/v1/dossiers/{dossier.code}/").status_code == 404
    response = post_transition(as_user(outsider), dossier, "assign", {})
    assert response.status_code == 404
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RECEIVED


def test_the_service_refuses_a_handler_of_another_department(owned_dossier, outsider):
    dossier = owned_dossier("in_progress")

    with pytest.raises(ApplicationError) as info:
        actions.dossier_request_supplement(dossier=dossier, actor=outsider, reason="Thiếu")

    assert info.value.kind is ErrorKind.FORBIDDEN
    assert info.value.message == "Hồ sơ không thuộc đơn vị của bạn."


@pytest.mark.parametrize("action", ["assign", "request_supplement", "request_payment",
                                    "submit_for_approval", "extend"])
def test_assignment_locks_the_dossier_against_a_colleague(
    owned_dossier, as_user, handler, other_handler, action
):
    dossier = owned_dossier("in_progress")
    assert dossier.handler == handler
    events = dossier.events.count()
    body = body_for(action, dossier)
    if action == "assign":
        body["handler"] = other_handler.username

    response = post_transition(as_user(other_handler), dossier, action, body)

    assert response.status_code == 403
    assert response.json() == {
        "code": "forbidden", "detail": f"Hồ sơ đang được xử lý bởi {handler}."
    }
    assert str(handler) == handler.get_full_name()  # the name, not the login
    dossier.refresh_from_db()
    assert (dossier.status, dossier.handler) == (Status.IN_PROGRESS, handler)
    assert dossier.events.count() == events


def test_the_colleague_still_sees_the_locked_dossier(owned_dossier, as_user, other_handler,
                                                     handler):
    dossier = owned_dossier("in_progress")

    response = as_user(other_handler).get(f"/api/v1/dossiers/{dossier.code}/")

    assert response.status_code == 200
    assert response.json()["handler"] == handler.username
    assert response.json()["available_transitions"] == []


def test_the_director_reassigns_and_the_lock_moves(owned_dossier, as_user, director, handler,
                                                   other_handler):
    dossier = owned_dossier("in_progress")

    response = post_transition(as_user(director), dossier, "assign",
                               {"handler": other_handler.username, "note": "Điều chuyển"})

    assert response.status_code == 200
    assert response.json()["handler"] == other_handler.username
    blocked = post_transition(as_user(handler), dossier, "submit_for_approval", {})
    assert blocked.status_code == 403
    assert blocked.json()["detail"] == f"Hồ sơ đang được xử lý bởi {other_handler}."
    allowed = post_transition(as_user(other_handler), dossier, "submit_for_approval", {})
    assert allowed.status_code == 200
    assert allowed.json()["status"] == "awaiting_approval"


def test_the_counter_cannot_move_a_dossier_a_handler_holds(owned_dossier, as_user, counter,
                                                           handler, other_handler):
    dossier = owned_dossier("in_progress")

    response = post_transition(as_user(counter), dossier, "assign",
                               {"handler": other_handler.username})

    assert response.status_code == 403
    assert response.json()["detail"] == (
        f"Hồ sơ đang được xử lý bởi {handler}; chỉ Giám đốc Trung tâm được giao lại."
    )
    assert Dossier.objects.get(pk=dossier.pk).handler == handler


def test_a_handler_who_takes_a_dossier_locks_it(owned_dossier, as_user, handler, other_handler):
    dossier = owned_dossier("received")

    taken = post_transition(as_user(handler), dossier, "assign", {"handler": handler.username})
    colleague = post_transition(as_user(other_handler), dossier, "assign",
                                {"handler": other_handler.username})

    assert taken.status_code == 200
    assert colleague.status_code == 403
    assert Dossier.objects.get(pk=dossier.pk).handler == handler


def test_a_handler_cannot_hand_a_dossier_to_a_colleague(owned_dossier, as_user, handler,
                                                        other_handler):
    dossier = owned_dossier("in_progress")

    response = post_transition(as_user(handler), dossier, "assign",
                               {"handler": other_handler.username})

    assert response.status_code == 403
    assert response.json()["detail"] == "Cán bộ xử lý chỉ nhận hồ sơ cho chính mình."
    assert Dossier.objects.get(pk=dossier.pk).handler == handler


# --- what each persona is offered ------------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "offered"),
    [
        ("counter", ["stop"]),
        ("director", ["stop"]),  # no authorisation, so no signing
        ("leader", ["approve", "refuse", "send_back"]),
        ("handler", []),
        ("resident", []),
    ],
)
def test_available_transitions_follow_the_matrix(owned_dossier, as_user, personas, persona,
                                                 offered):
    dossier = owned_dossier("awaiting_approval")

    response = as_user(personas[persona]).get(f"/api/v1/dossiers/{dossier.code}/")

    assert sorted(response.json()["available_transitions"]) == offered


# --- anonymous -------------------------------------------------------------------------------
def test_anonymous_users_get_nothing_about_dossiers(api_client, owned_dossier, catalogue):
    dossier = owned_dossier("submitted")
    events = dossier.events.count()

    responses = [
        api_client.get("/api/v1/dossiers/"),
        api_client.get(f"/api/v1/dossiers/{dossier.code}/"),
        api_client.post(f"/api/v1/dossiers/{dossier.code}/transitions/receive/", {},
                        format="json"),
        api_client.post("/api/v1/dossiers/", {"procedure": catalogue.civil.code},
                        format="json"),
    ]

    for response in responses:
        # Session authentication comes first, so DRF answers 403 rather than 401.
        assert response.status_code == 403
        assert response.json() == {
            "code": "not_authenticated",
            "detail": "Bạn cần đăng nhập để thực hiện thao tác này.",
        }
    assert Dossier.objects.count() == 1
    assert Dossier.objects.get().status == Status.SUBMITTED
    assert dossier.events.count() == events


def test_anonymous_users_browse_the_catalogue(api_client, catalogue):
    listing = api_client.get("/api/v1/procedures/")
    detail = api_client.get(f"/api/v1/procedures/{catalogue.civil.code}/")

    assert listing.status_code == 200
    assert catalogue.civil.code in [p["code"] for p in listing.json()["results"]]
    assert detail.status_code == 200
    assert detail.json()["name"] == "Đăng ký kết hôn"
