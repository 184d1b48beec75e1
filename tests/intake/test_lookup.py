"""The public status lookup: right and wrong factors, the signed token, the rate limit, and
no existence oracle."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from intake.models import LookupThrottle
from intake.online.lookup import throttle_purge
from intake.tokens import status_token
from tests.factories import dossier_in

URL = "/tra-cuu/"


def _post(client, code, factor, ip="10.0.0.1", htmx=True):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(URL, {"code": code, "factor": factor}, REMOTE_ADDR=ip, **headers)


def test_lookup_url_is_the_navigation_name():
    assert reverse("intake:lookup") == URL


def test_right_phone_digits_show_the_tracker_without_personal_data(client, catalogue):
    dossier = dossier_in("in_progress", procedure=catalogue.civil)
    response = _post(client, dossier.code.lower(), "5678", htmx=False)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Đang giải quyết" in page and 'aria-current="step"' in page
    assert "N. V. A." in page
    assert "Nguyễn Văn An" not in page and "0912345678" not in page and "042090001234" not in page
    assert dossier.appointment_at.astimezone().strftime("%d/%m/%Y") in page


@pytest.mark.postgres
def test_the_lookup_query_is_planned_once_per_connection(client, catalogue):
    """Planning the query cost five times running it; PostgreSQL keeps it prepared."""
    from django.db import connection

    dossier = dossier_in("received", procedure=catalogue.civil)
    for _ in range(2):
        assert "Đã tiếp nhận" in _post(client, dossier.code, "1234").content.decode()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert [sql for sql in prepared if "LEFT JOIN cases_dossier d ON d.code = $" in sql]


@pytest.mark.postgres
def test_the_prepared_lookup_query_is_seen_by_django_query_capture(client, catalogue):
    """Debug logging and ``assertNumQueries`` see the lookup's statement like any other."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    dossier = dossier_in("received", procedure=catalogue.civil)
    with CaptureQueriesContext(connection) as captured:
        assert "Đã tiếp nhận" in _post(client, dossier.code, "1234").content.decode()
    assert [q for q in captured.captured_queries if "LEFT JOIN cases_dossier d" in q["sql"]]


def test_last_digits_of_the_id_number_work_too(client, catalogue):
    dossier = dossier_in("received", procedure=catalogue.civil)
    page = _post(client, dossier.code, "1234").content.decode()
    assert "Đã tiếp nhận" in page and dossier.code in page


def test_unknown_code_and_wrong_factor_get_the_same_answer(client, catalogue):
    dossier = dossier_in("received", procedure=catalogue.civil)
    wrong = _post(client, dossier.code, "0000", ip="10.0.0.2")
    unknown = _post(client, "TSHT-990101-9999", "5678", ip="10.0.0.3")
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.content == unknown.content
    assert "Không tìm thấy hồ sơ" in wrong.content.decode()
    assert response_vary(wrong) == response_vary(unknown)


def response_vary(response):
    return response.headers.get("Vary")


def test_fragment_for_htmx_and_page_otherwise_vary_on_hx_request(client, catalogue):
    dossier = dossier_in("received", procedure=catalogue.civil)
    fragment = _post(client, dossier.code, "5678")
    page = _post(client, dossier.code, "5678", htmx=False)
    assert "<html" not in fragment.content.decode()
    assert "<html" in page.content.decode()
    assert "HX-Request" in fragment.headers["Vary"]


def test_rate_limit_per_client_then_even_the_right_factor_is_refused(client, catalogue, settings):
    settings.LOOKUP_LIMIT_PER_IP = 3
    dossier = dossier_in("received", procedure=catalogue.civil)
    for n in range(3):
        assert _post(client, f"TSHT-000000-{n:04d}", "1111").status_code == 200
    limited = _post(client, dossier.code, "5678")
    assert limited.status_code == 429
    assert "quá nhiều lần" in limited.content.decode()
    assert "Thử lại sau" in limited.content.decode() and int(limited["Retry-After"]) > 0
    assert "Đã tiếp nhận" not in limited.content.decode()
    # Another client is not affected.
    assert "Đã tiếp nhận" in _post(client, dossier.code, "5678", ip="10.9.9.9").content.decode()


def test_a_window_that_has_ended_no_longer_limits_and_counting_starts_again(client, catalogue, settings):
    settings.LOOKUP_LIMIT_PER_IP = 2
    dossier = dossier_in("received", procedure=catalogue.civil)
    for _ in range(2):
        _post(client, dossier.code, "0000")
    assert _post(client, dossier.code, "5678").status_code == 429
    LookupThrottle.objects.update(window_ends_at=timezone.now() - timedelta(seconds=1))
    assert "Đã tiếp nhận" in _post(client, dossier.code, "5678").content.decode()
    _post(client, dossier.code, "0000")
    assert LookupThrottle.objects.get(key="ip:10.0.0.1").failures == 1
    assert throttle_purge() == 0
    LookupThrottle.objects.update(window_ends_at=timezone.now() - timedelta(seconds=1))
    assert throttle_purge() == 2
    assert not LookupThrottle.objects.exists()


def test_rate_limit_per_code_across_clients_counts_unknown_codes_alike(client, catalogue, settings):
    settings.LOOKUP_LIMIT_PER_CODE = 2
    dossier = dossier_in("received", procedure=catalogue.civil)
    for ip in ("10.1.0.1", "10.1.0.2"):
        _post(client, dossier.code, "0000", ip=ip)
        _post(client, "TSHT-990101-9999", "0000", ip=ip)
    assert _post(client, dossier.code, "5678", ip="10.1.0.3").status_code == 429
    assert _post(client, "TSHT-990101-9999", "5678", ip="10.1.0.3").status_code == 429


def _lock_code(client, dossier, settings):
    settings.LOOKUP_LIMIT_PER_CODE = 2
    for ip in ("10.3.0.1", "10.3.0.2"):
        _post(client, dossier.code, "0000", ip=ip)
    assert _post(client, dossier.code, "5678", ip="10.3.0.3").status_code == 429


def test_a_locked_code_still_opens_with_the_receipts_token(client, catalogue, settings):
    dossier = dossier_in("received", procedure=catalogue.civil)
    _lock_code(client, dossier, settings)
    page = client.get(URL, {"t": status_token(dossier.code)}, REMOTE_ADDR="10.3.0.3")
    assert page.status_code == 200 and "Đã tiếp nhận" in page.content.decode()


def test_a_locked_code_still_opens_for_its_owner_logged_in(client, catalogue, settings):
    from tests.factories import UserFactory
    from thanhsen.roles import Role

    owner = UserFactory(role=Role.RESIDENT)
    dossier = dossier_in("received", procedure=catalogue.civil, resident=owner)
    _lock_code(client, dossier, settings)
    client.force_login(owner)
    mine = _post(client, dossier.code, "5678", ip="10.3.0.3")
    assert mine.status_code == 200 and "Đã tiếp nhận" in mine.content.decode()
    # The owner's wrong digits still count, and still get no answer.
    assert "Không tìm thấy hồ sơ" in _post(client, dossier.code, "0000", ip="10.3.0.3").content.decode()
    # Another resident, logged in or not, is held by the limit.
    client.force_login(UserFactory(role=Role.RESIDENT))
    assert _post(client, dossier.code, "5678", ip="10.3.0.4").status_code == 429
    client.logout()
    assert _post(client, dossier.code, "5678", ip="10.3.0.4").status_code == 429


def test_the_owner_is_still_held_by_the_limit_of_their_address(client, catalogue, settings):
    from tests.factories import UserFactory
    from thanhsen.roles import Role

    settings.LOOKUP_LIMIT_PER_IP = 2
    owner = UserFactory(role=Role.RESIDENT)
    dossier = dossier_in("received", procedure=catalogue.civil, resident=owner)
    client.force_login(owner)
    for _ in range(2):
        _post(client, dossier.code, "0000", ip="10.4.0.1")
    assert _post(client, dossier.code, "5678", ip="10.4.0.1").status_code == 429


def test_signed_token_opens_the_page_and_a_forged_one_does_not(client, catalogue):
    dossier = dossier_in("resolved", procedure=catalogue.civil)
    page = client.get(URL, {"t": status_token(dossier.code)}).content.decode()
    assert "Đã có kết quả" in page and "Căn cước của người nhận" in page
    forged = client.get(URL, {"t": status_token(dossier.code)[:-2] + "xx"}).content.decode()
    assert "Không tìm thấy hồ sơ" in forged and dossier.code not in forged


def test_a_token_printed_by_an_earlier_version_still_opens_the_page(client, catalogue):
    """Receipts already printed carry tokens made with ``compress=True``; they must keep working."""
    from django.core import signing

    dossier = dossier_in("resolved", procedure=catalogue.civil)
    printed = signing.dumps(dossier.code, salt="intake.status-lookup", compress=True)
    page = client.get(URL, {"t": printed}).content.decode()
    assert "Đã có kết quả" in page and dossier.code in page


@pytest.mark.parametrize("code", ["TSHT-260225-0042", "Mã có dấu \"và\" <ký tự>", ""])
def test_a_status_token_is_what_djangos_signer_makes(code, settings):
    """The lookup's own signer must give the very token ``signing.dumps`` gives, for any code
    and secret key, so both kinds of token load alike."""
    from unittest import mock

    from django.core import signing

    from intake.tokens import code_from_status_token

    for secret in ("first-secret-key", "second-secret-key"):
        settings.SECRET_KEY = secret
        with mock.patch("time.time", return_value=1_790_000_000.7):
            made = status_token(code)
            assert made == signing.dumps(code, salt="intake.status-lookup")
        assert code_from_status_token(made) == code


@pytest.mark.postgres
def test_the_lookup_statement_outside_query_capture_reads_and_refuses_like_django(catalogue):
    """Uncaptured, the statement goes past Django's cursor wrapper; it must still read the
    row, refuse inside a broken transaction and raise Django's database errors."""
    from django.db import DatabaseError, connection, transaction
    from django.db.transaction import TransactionManagementError

    from intake.online.public_status import _fetch_one, dossier_for_lookup

    dossier = dossier_in("received", procedure=catalogue.civil)
    assert not connection.queries_logged
    assert dossier_for_lookup(dossier.code).row.dossier.code == dossier.code
    with pytest.raises(DatabaseError), transaction.atomic():
        _fetch_one("SELECT * FROM no_such_table", {})
    with transaction.atomic():
        connection.needs_rollback = True
        with pytest.raises(TransactionManagementError):
            dossier_for_lookup(dossier.code)
        connection.needs_rollback = False


@pytest.mark.parametrize(("headers", "fragment"), [
    ({"HTTP_HX_REQUEST": "true"}, True),
    ({"HTTP_HX_REQUEST": "false"}, False),
    ({"HTTP_HX_REQUEST": ""}, False),
    ({}, False),
])
def test_only_htmx_gets_the_bare_answer(client, catalogue, headers, fragment):
    dossier = dossier_in("received", procedure=catalogue.civil)
    page = client.post(URL, {"code": dossier.code, "factor": "5678"}, REMOTE_ADDR="10.9.0.1",
                       **headers).content.decode()
    assert "Đã tiếp nhận" in page
    assert ("<html" not in page) is fragment


def test_malformed_input_gets_field_errors_not_a_500(client):
    response = client.post(URL, {"code": "", "factor": "12a"}, REMOTE_ADDR="10.0.0.4")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Có lỗi cần sửa" in page and "Nhập đúng 4 chữ số." in page


@pytest.mark.parametrize("data", [
    {"code": "TSHT-260225-0042", "factor": "5678"},
    {"code": "  tsht-260225-0042 ", "factor": " 5678 "},
    {"code": "", "factor": "5678"},
    {"code": "X" * 41, "factor": "5678"},
    {"code": "TSHT\x00", "factor": "5678"},
    {"code": "TSHT-260225-0042", "factor": "567"},
    {"code": "TSHT-260225-0042", "factor": "56a8"},
    {"code": "TSHT-260225-0042", "factor": "56789"},
    {"code": "TSHT-260225-0042"},
    {},
])
def test_a_search_is_valid_exactly_when_the_bound_form_is(data):
    """The lookup checks a search with the form's fields without binding it (see
    ``LookupForm.valid_values``); both ways must accept and clean the same input alike."""
    from django.http import QueryDict

    from intake.online.forms import LookupForm

    query = QueryDict(mutable=True)
    query.update(data)
    form = LookupForm(query)
    values = LookupForm.valid_values(query)
    assert (values is not None) == form.is_valid()
    if values:
        assert values == (form.cleaned_data["code"], form.cleaned_data["factor"])


def test_a_valid_search_on_the_full_page_keeps_what_was_typed(client, catalogue):
    dossier = dossier_in("in_progress", procedure=catalogue.civil)
    page = _post(client, dossier.code, "5678", htmx=False).content.decode()
    assert f'value="{dossier.code}"' in page and "Có lỗi cần sửa" not in page


def test_returned_dossier_offers_the_rating_link(client, catalogue):
    dossier = dossier_in("returned", procedure=catalogue.civil)
    page = _post(client, dossier.code, "5678").content.decode()
    assert "Đã trả kết quả" in page
    assert "/danh-gia/?t=" in page


def test_status_shows_what_is_asked_and_the_amount_due(client, catalogue, django_capture_on_commit_callbacks):
    from cases import actions

    dossier = dossier_in("in_progress", procedure=catalogue.land)
    with django_capture_on_commit_callbacks(execute=True):
        actions.dossier_request_payment(dossier=dossier, actor=dossier.handler,
                                         reason="Nộp lệ phí trước bạ", amount=450000)
    page = _post(client, dossier.code, "5678").content.decode()
    assert "Chờ thực hiện nghĩa vụ tài chính" in page and "450.000 đồng" in page
    incomplete = dossier_in("submitted", procedure=catalogue.civil)
    actions.dossier_request_completion(dossier=incomplete, actor=dossier.received_by,
                                        reason="Thiếu bản chụp căn cước")
    page = _post(client, incomplete.code, "5678").content.decode()
    assert "Cần hoàn thiện hồ sơ" in page and "Thiếu bản chụp căn cước" in page


@pytest.mark.parametrize("status", [s.value for s in __import__("cases.models", fromlist=["Status"]).Status])
@pytest.mark.parametrize("variant", ["bare", "full"])
def test_fragment_from_a_layout_is_the_template_rendered_in_full(status, variant):
    """The htmx answer fills a once-rendered layout; it must equal rendering the template."""
    from datetime import UTC, datetime

    from django.template.loader import render_to_string

    from intake.online.lookup import LookupResult
    from intake.online.public_status import PublicStatus, tracker
    from intake.online.views import _result_fragment

    full = variant == "full"
    at = datetime(2026, 2, 25, 1, 30, tzinfo=UTC)
    public = PublicStatus(
        code="TSHT-260225-0042", procedure_name='Đăng ký "khai sinh" <có> & yếu tố',
        initials="N. V. A.", status=status, headline="Tiêu đề <b>", next_step="Bước 'tiếp' & theo",
        to_bring="Căn cước\n<giấy tờ>" if full else "", steps=tracker(status),
        submitted_at=at, received_at=at if full else None, appointment_at=at if full else None,
        returned_at=at if full else None, amount_due=450000 if full else 0, stop_pending=False,
        can_rate=full,
    )
    result = LookupResult(status=public, token="tok.en:1" if full else "")
    expected = render_to_string("intake/lookup.html#result", {"searched": True, "result": result})
    assert _result_fragment(result) == expected
    assert "<b>" not in expected and "&lt;b&gt;" in expected


def test_the_not_found_fragment_is_the_template_rendered_in_full():
    from django.template.loader import render_to_string

    from intake.online.lookup import LookupResult
    from intake.online.views import _result_fragment

    result = LookupResult()
    expected = render_to_string("intake/lookup.html#result", {"searched": True, "result": result})
    assert _result_fragment(result) == expected
