"""Payments: the fee at submission and obligations asked for during processing, paid through
the (simulated) gateway or in cash. Valid, tampered, replayed and wrong-amount messages."""

import pytest
from django.utils import translation

from cases import actions as case_actions
from cases.models import DossierEvent, Status
from devtools.simulators.payments import SimulatedProvider
from intake.models import NoticeVerdict, Payment, PaymentNotice, PaymentPurpose, PaymentStatus
from tests.factories import UserFactory, dossier_in
from tests.intake.helpers import resident
from thanhsen.roles import Role

CALLBACK = "/thanh-toan-callback/"


def _obligation(catalogue, owner, django_capture_on_commit_callbacks, amount=1_250_000):
    dossier = dossier_in("in_progress", procedure=catalogue.land, resident=owner)
    with django_capture_on_commit_callbacks(execute=True):
        case_actions.dossier_request_payment(
            dossier=dossier, actor=dossier.handler, reason="Nộp thuế thu nhập cá nhân", amount=amount
        )
    return Payment.objects.get(dossier=dossier, purpose=PaymentPurpose.OBLIGATION)


def _signed(payment, **overrides):
    fields = dict(reference=payment.reference, amount=payment.amount, status="paid",
                  transaction="BANK0001")
    fields.update(overrides)
    return SimulatedProvider().signed(**fields)


@pytest.fixture
def paid_request(catalogue, django_capture_on_commit_callbacks):
    return _obligation(catalogue, resident(), django_capture_on_commit_callbacks)


def test_payment_request_becomes_a_payable_item_once(paid_request):
    assert paid_request.amount == 1_250_000 and paid_request.status == PaymentStatus.PENDING
    assert paid_request.dossier.status == Status.AWAITING_PAYMENT


def test_valid_callback_pays_and_resumes_the_dossier(client, paid_request):
    response = client.post(CALLBACK, _signed(paid_request), content_type="application/json")
    assert response.status_code == 200 and response.json() == {"result": "accepted"}
    paid_request.refresh_from_db()
    dossier = paid_request.dossier
    dossier.refresh_from_db()
    assert paid_request.status == PaymentStatus.PAID and paid_request.method == "online"
    assert dossier.status == Status.IN_PROGRESS
    event = DossierEvent.objects.get(dossier=dossier, action="confirm_payment")
    assert event.actor.username == "cong-thanh-toan" and paid_request.reference in event.note
    assert not event.actor.has_usable_password()


def test_tampered_callback_changes_nothing_and_is_logged(client, paid_request):
    fields = _signed(paid_request)
    fields["transaction"] = "BANK9999"  # changed after signing
    response = client.post(CALLBACK, fields)
    assert response.status_code == 400 and response.json() == {"result": "forged"}
    paid_request.refresh_from_db()
    assert paid_request.status == PaymentStatus.PENDING
    assert paid_request.dossier.status == Status.AWAITING_PAYMENT
    assert PaymentNotice.objects.get().verdict == NoticeVerdict.FORGED


def test_signed_with_another_key_is_forged(client, paid_request):
    fields = SimulatedProvider(secret="not-our-key").signed(
        reference=paid_request.reference, amount=paid_request.amount, status="paid", transaction="X")
    assert client.post(CALLBACK, fields).json() == {"result": "forged"}


def test_wrong_amount_changes_nothing_and_is_logged(client, paid_request):
    response = client.post(CALLBACK, _signed(paid_request, amount=1_000), content_type="application/json")
    assert response.status_code == 400 and response.json() == {"result": "wrong_amount"}
    paid_request.refresh_from_db()
    assert paid_request.status == PaymentStatus.PENDING
    assert PaymentNotice.objects.get().verdict == NoticeVerdict.WRONG_AMOUNT


def test_replayed_callback_is_acknowledged_and_changes_nothing(client, paid_request):
    fields = _signed(paid_request)
    client.post(CALLBACK, fields, content_type="application/json")
    again = client.post(CALLBACK, fields, content_type="application/json")
    assert again.status_code == 200 and again.json() == {"result": "replayed"}
    assert DossierEvent.objects.filter(dossier=paid_request.dossier, action="confirm_payment").count() == 1
    other = client.post(CALLBACK, _signed(paid_request, transaction="BANK0002"),
                        content_type="application/json")
    assert other.json() == {"result": "conflict"}
    paid_request.refresh_from_db()
    assert paid_request.provider_transaction == "BANK0001"
    assert list(PaymentNotice.objects.order_by("received_at", "id").values_list("verdict", flat=True)) == [
        "accepted", "replayed", "conflict"]


def test_garbage_bodies_are_refused_not_500(client, db):
    assert client.post(CALLBACK, b"{not json", content_type="application/json").status_code == 400
    assert client.post(CALLBACK, b"[1, 2]", content_type="application/json").status_code == 400
    assert client.post(CALLBACK, {"reference": "nope"}).json() == {"result": "forged"}


def test_resident_pays_through_the_simulated_gateway_and_comes_back(client, catalogue,
                                                                     django_capture_on_commit_callbacks):
    owner = resident()
    payment = _obligation(catalogue, owner, django_capture_on_commit_callbacks)
    client.force_login(owner)
    start = client.post(f"/thanh-toan/{payment.reference}/")
    assert start.status_code == 302 and start.url == f"/cong-thanh-toan-mo-phong/{payment.reference}/"
    page = client.get(start.url).content.decode()
    assert "1.250.000 đồng" in page and "mô phỏng" in page
    back = client.post(start.url, {"action": "pay"})
    assert back.status_code == 302 and back.url.startswith("/thanh-toan-ket-qua/?")
    result = client.get(back.url).content.decode()
    assert "Thanh toán thành công" in result
    verdicts = list(PaymentNotice.objects.order_by("id").values_list("channel", "verdict"))
    assert verdicts == [("callback", "accepted"), ("return", "replayed")]


def test_tampered_return_url_shows_failure(client, paid_request):
    fields = _signed(paid_request, amount=1)
    fields["amount"] = str(paid_request.amount)
    query = "&".join(f"{k}={v}" for k, v in fields.items())
    page = client.get(f"/thanh-toan-ket-qua/?{query}").content.decode()
    assert "Không xác nhận được giao dịch" in page
    paid_request.refresh_from_db()
    assert paid_request.status == PaymentStatus.PENDING


def test_another_resident_cannot_start_my_payment(client, paid_request):
    client.force_login(resident(phone="0987654321", email="b@example.vn"))
    assert client.post(f"/thanh-toan/{paid_request.reference}/").status_code == 404


def test_counter_records_cash_and_the_dossier_resumes(client, paid_request, catalogue):
    officer = UserFactory(role=Role.COUNTER_OFFICER, department=catalogue.center)
    client.force_login(officer)
    page = client.get("/can-bo/thu-phi/").content.decode()
    assert paid_request.dossier.code in page
    response = client.post(f"/can-bo/thu-phi/{paid_request.reference}/tien-mat/", follow=True)
    assert "Đã ghi nhận thu tiền mặt 1.250.000 đồng" in response.content.decode()
    paid_request.refresh_from_db()
    assert paid_request.method == "cash" and paid_request.recorded_by == officer
    assert paid_request.dossier.status == Status.IN_PROGRESS
    again = client.post(f"/can-bo/thu-phi/{paid_request.reference}/tien-mat/", follow=True)
    assert "đã được thanh toán" in again.content.decode()


def test_the_cash_desk_searches_by_code_with_q(client, paid_request, catalogue):
    client.force_login(UserFactory(role=Role.COUNTER_OFFICER, department=catalogue.center))
    page = client.get("/can-bo/thu-phi/").content.decode()
    assert 'name="q"' in page
    code = paid_request.dossier.code
    assert code in client.get("/can-bo/thu-phi/", {"q": code.lower()}).content.decode()
    assert code not in client.get("/can-bo/thu-phi/", {"q": "KHONG-CO"}).content.decode()


def test_a_resident_cannot_record_cash(paid_request):
    from intake.payments.services import payment_record_cash
    from thanhsen.errors import ApplicationError

    with pytest.raises(ApplicationError):
        payment_record_cash(payment=paid_request, actor=paid_request.dossier.applicant_user)


def test_an_anonymous_visitor_cannot_settle_a_fee_through_the_simulator(client, paid_request):
    """The simulated gateway's "pay" button once settled any fee for anyone who knew its
    reference: the page now sends a visitor to the login page and changes nothing."""
    page = f"/cong-thanh-toan-mo-phong/{paid_request.reference}/"
    paid = client.post(page, {"action": "pay"})
    paid_request.refresh_from_db()
    assert paid_request.status == PaymentStatus.PENDING
    assert paid_request.dossier.status == Status.AWAITING_PAYMENT
    assert not PaymentNotice.objects.exists()
    for response in (paid, client.get(page)):
        assert response.status_code == 302 and response.url.startswith("/dang-nhap/?next=")


def test_another_resident_cannot_open_or_pay_my_fee_in_the_simulator(client, paid_request):
    client.force_login(resident(phone="0987654321", email="b@example.vn"))
    page = f"/cong-thanh-toan-mo-phong/{paid_request.reference}/"
    assert client.get(page).status_code == 404
    assert client.post(page, {"action": "pay"}).status_code == 404
    paid_request.refresh_from_db()
    assert paid_request.status == PaymentStatus.PENDING
    assert not PaymentNotice.objects.exists()


def test_the_simulator_is_closed_while_another_provider_is_configured(client, paid_request,
                                                                       settings):
    settings.PAYMENT_PROVIDER = ""
    client.force_login(paid_request.dossier.applicant_user)
    page = f"/cong-thanh-toan-mo-phong/{paid_request.reference}/"
    assert client.post(page, {"action": "pay"}).status_code == 404
    paid_request.refresh_from_db()
    assert paid_request.status == PaymentStatus.PENDING


# --- no payment provider (production's default): fees are paid at the counter --------------
@pytest.fixture
def counter_only(settings):
    settings.PAYMENT_PROVIDER = ""


def test_without_a_provider_the_resident_is_told_to_pay_at_the_counter(client, paid_request,
                                                                       counter_only):
    client.force_login(paid_request.dossier.applicant_user)
    page = client.get(f"/ho-so-cua-toi/{paid_request.dossier.code}/").content.decode()
    assert "1.250.000 đồng" in page
    assert "Nộp khoản này tại quầy tiếp nhận của Trung tâm trong giờ làm việc" in page
    assert "Nộp tiền tại quầy tiếp nhận của Trung tâm" in page  # the status card's next step
    assert "Thanh toán trực tuyến" not in page
    assert f"/thanh-toan/{paid_request.reference}/" not in page


def test_without_a_provider_the_counter_is_said_in_english_too(client, paid_request, counter_only,
                                                               settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(paid_request.dossier.applicant_user)
    with translation.override(settings.LANGUAGE_CODE):  # the page leaves English active
        page = client.get(f"/ho-so-cua-toi/{paid_request.dossier.code}/").content.decode()
    assert "Pay this amount at the intake counter of the Center during working hours" in page
    assert "Pay online" not in page


def test_without_a_provider_online_payment_cannot_start_and_the_gateway_pages_are_gone(
        client, paid_request, counter_only):
    client.force_login(paid_request.dossier.applicant_user)
    started = client.post(f"/thanh-toan/{paid_request.reference}/", follow=True)
    assert started.redirect_chain == [(f"/ho-so-cua-toi/{paid_request.dossier.code}/", 302)]
    assert "Chưa có thanh toán trực tuyến: mời nộp phí, lệ phí tại quầy" in started.content.decode()
    fields = _signed(paid_request)
    callback = client.post(CALLBACK, fields, content_type="application/json")
    assert callback.status_code == 404 and callback.json() == {"result": "no_provider"}
    query = "&".join(f"{k}={v}" for k, v in fields.items())
    assert client.get(f"/thanh-toan-ket-qua/?{query}").status_code == 404
    paid_request.refresh_from_db()
    assert paid_request.status == PaymentStatus.PENDING
    assert not PaymentNotice.objects.exists()


def test_an_online_fee_payment_is_the_dossiers_fee_paid_online(client, catalogue):
    from intake.online import services

    owner = resident()
    document = catalogue.land.documents.get()
    dossier = services.online_submit(
        user=owner, procedure=catalogue.land, applicant=case_actions.Applicant(
            name="Nguyễn Văn An", id_number="042090001234", phone="0912345678", address="Thành Sen"),
        form_data={}, files={document: None},
    )
    fee = Payment.objects.get(dossier=dossier, purpose=PaymentPurpose.FEE)
    assert dossier.fee_due
    response = client.post(CALLBACK, _signed(fee), content_type="application/json")
    assert response.json() == {"result": "accepted"}
    dossier.refresh_from_db()
    assert not dossier.fee_due and dossier.fee_paid_via == "online"
    assert DossierEvent.objects.filter(dossier=dossier, action="pay_fee").count() == 1


def test_the_cash_desk_cannot_take_a_fee_twice(catalogue, counter):
    from intake.payments import services
    from thanhsen.errors import ApplicationError

    dossier = dossier_in("received", procedure=catalogue.land, counter=counter)
    services.fee_collect_cash(dossier=dossier, actor=counter)
    dossier.refresh_from_db()
    assert dossier.fee_paid_via == "cash"
    with pytest.raises(ApplicationError, match="không còn phí"):
        services.fee_collect_cash(dossier=dossier, actor=counter)
    assert Payment.objects.filter(dossier=dossier, status=PaymentStatus.PAID).count() == 1
