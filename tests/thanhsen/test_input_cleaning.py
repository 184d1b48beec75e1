"""No input gives a 500 (issue 11, item 5): text that is not text is refused in one layer.

Each case named in the issue: NUL in any API text field, ``due_before`` with an offset that
leaves the calendar, NUL in transition fields, in a dossier code in the URL, in the payment
callback (the refused notice is still recorded) and ``?reference=%00`` on the payment result
page; then the same for pages (query strings, form bodies).
"""

import json

import pytest

from cases.models import Dossier, DossierEvent
from intake.models import NoticeVerdict, PaymentNotice
from tests.factories import dossier_in
from tests.workspace.helpers import text

pytestmark = pytest.mark.django_db

DOSSIERS = "/api/v1/dossiers/"
REFUSED_PAGE = "Dữ liệu gửi lên có ký tự không hợp lệ"


def _body(procedure_code, **applicant):
    return {
        "procedure": procedure_code, "channel": "direct",
        "applicant": {"name": "Lê Thị Hoa", "id_number": "042185006789", "phone": "0912345678",
                      "email": "hoa@example.vn", "address": "Tổ dân phố 3, Thành Sen", **applicant},
        "documents": [{"name": "Tờ khai", "copy_type": "original"}],
    }


def _assert_invalid(response, field):
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "ký tự không hợp lệ" in body["detail"]
    assert list(body["fields"]) == [field]


@pytest.mark.parametrize("field, value", [
    ("name", "Lê\x00Hoa"), ("address", "\x00"), ("email", "a\x00@example.vn"),
    ("name", "Lê \ud800 Hoa"), ("address", "Tổ\x07 3"),
])
def test_malformed_text_in_any_api_field_is_a_400(as_user, counter, catalogue, field, value):
    # As a client sends it: JSON with escapes (a lone surrogate cannot be sent as UTF-8).
    body = json.dumps(_body(catalogue.civil.code, **{field: value}))
    response = as_user(counter).post(DOSSIERS, body, content_type="application/json")
    _assert_invalid(response, f"applicant.{field}")
    assert not Dossier.objects.exists()


def test_malformed_query_parameters_in_the_api_are_a_400(as_user, counter):
    _assert_invalid(as_user(counter).get(DOSSIERS, {"procedure": "a\x00"}), "procedure")
    _assert_invalid(as_user(counter).get(DOSSIERS + "?status=%00"), "status")


@pytest.mark.parametrize("value", [
    "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00",
    "2026-01-01T00:00:00+25:00",
])
def test_due_before_out_of_range_is_a_400(as_user, counter, value):
    response = as_user(counter).get(DOSSIERS, {"due_before": value})
    assert response.status_code == 400
    assert "due_before" in response.json()["fields"]


def test_extend_to_a_moment_off_the_calendar_is_a_400(as_user, catalogue, counter, handler):
    dossier = dossier_in("in_progress", procedure=catalogue.civil, counter=counter, handler=handler)
    response = as_user(handler).post(f"{DOSSIERS}{dossier.code}/transitions/extend/",
                                     {"new_due_at": "9999-12-31T23:59:59-01:00", "reason": "Lý do"},
                                     format="json")
    assert response.status_code == 400 and "new_due_at" in response.json()["fields"]


def test_nul_in_transition_fields_is_a_400(as_user, catalogue, counter):
    dossier = dossier_in("submitted", procedure=catalogue.civil, counter=counter)
    events = DossierEvent.objects.count()
    response = as_user(counter).post(f"{DOSSIERS}{dossier.code}/transitions/refuse_intake/",
                                     {"reason": "Không\x00đủ"}, format="json")
    _assert_invalid(response, "reason")
    assert DossierEvent.objects.count() == events


def test_nul_in_a_dossier_code_in_the_url_is_a_400(as_user, client, counter):
    _assert_invalid(as_user(counter).get(f"{DOSSIERS}TSHT%00/"), "code")
    _assert_invalid(as_user(counter).post(f"{DOSSIERS}TSHT%00/transitions/receive/", {},
                                          format="json"), "code")
    client.force_login(counter)
    response = client.get("/lam-viec/ho-so/TSHT%00/")
    assert response.status_code == 400 and REFUSED_PAGE in text(response)


def test_nul_in_the_payment_callback_is_refused_and_recorded(client):
    fields = {"reference": "TT\x00001", "amount": "1000", "status": "paid",
              "transaction": "X", "signature": "00"}
    for content_type in ("application/json", None):
        response = (client.post("/thanh-toan-callback/", fields, content_type=content_type)
                    if content_type else client.post("/thanh-toan-callback/", fields))
        assert response.status_code == 400 and response.json() == {"result": "malformed"}
    notices = PaymentNotice.objects.filter(verdict=NoticeVerdict.MALFORMED)
    assert notices.count() == 2
    assert all(n.reference == "TT\ufffd001" and n.payload["reference"] == "TT\ufffd001"
               for n in notices)


def test_a_nul_reference_on_the_payment_result_page_is_not_a_500(client):
    response = client.get("/thanh-toan-ket-qua/?reference=%00")
    assert response.status_code == 400
    assert "không xác nhận được" in text(response).lower()
    notice = PaymentNotice.objects.get()
    assert notice.verdict == NoticeVerdict.MALFORMED and notice.channel == "return"


def test_pages_refuse_malformed_query_strings_and_form_bodies(client, counter):
    client.force_login(counter)
    response = client.get("/lam-viec/tim-kiem/?q=Nguy%00n")
    assert response.status_code == 400 and REFUSED_PAGE in text(response)
    response = client.post("/tra-cuu/", {"code": "TSHT\x00", "factor": "1234"})
    assert response.status_code == 400 and REFUSED_PAGE in text(response)
    # Tab and line breaks are text: a note over several lines is accepted as before.
    assert client.get("/lam-viec/tim-kiem/?q=Nguy%09n%0Avan").status_code == 200
