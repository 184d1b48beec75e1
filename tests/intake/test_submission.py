"""Accounts, online submission with the e-form, uploads and drafts, the confirmation page,
"my dossiers" and completing a dossier the counter sent back."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import actions as case_actions
from cases.models import Dossier, RequiredDocument, Status
from intake.models import OnlineDraft, OnlineSubmission, Payment, PaymentStatus
from tests.factories import ProcedureFactory, UserFactory, dossier_in
from tests.intake.helpers import PDF, PNG, pdf, resident
from thanhsen.roles import Role

FORM_FIELDS = [
    {"name": "child_name", "label": "Họ, chữ đệm, tên người được khai sinh", "type": "text",
     "required": True},
    {"name": "child_birth_date", "label": "Ngày, tháng, năm sinh", "type": "date", "required": True},
    {"name": "child_sex", "label": "Giới tính", "type": "choice", "choices": ["Nam", "Nữ"],
     "required": True},
    {"name": "mother_id", "label": "Số định danh cá nhân của mẹ", "type": "id_number",
     "required": True},
]


@pytest.fixture
def birth(catalogue):
    procedure = ProcedureFactory(code="1.001193.000.00.00.H27", name="Thủ tục đăng ký khai sinh",
                                 department=catalogue.civil_office, form_fields=FORM_FIELDS,
                                 fee={"kind": "fixed", "amount": 8000}, with_documents=False)
    RequiredDocument.objects.create(procedure=procedure, name="Giấy chứng sinh", copy_type="original")
    RequiredDocument.objects.create(procedure=procedure, name="Văn bản ủy quyền",
                                    copy_type="certified_copy", mandatory=False)
    return procedure


def _doc_field(procedure, position=0):
    return f"d-doc_{procedure.documents.order_by('position', 'id')[position].pk}"


def _form(procedure, **overrides):
    data = {
        "a-name": "Nguyễn Văn An", "a-id_number": "042090001234", "a-phone": "0912345678",
        "a-email": "an@example.vn", "a-address": "Số 5 Phan Đình Phùng, Thành Sen",
        "f-child_name": "Nguyễn Minh Khôi", "f-child_birth_date": "2026-11-20", "f-child_sex": "Nam",
        "f-mother_id": "042190004321", "s-declaration": "on", "action": "submit",
        _doc_field(procedure): pdf(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_register_then_log_in_with_phone_or_email(client, db):
    response = client.post("/dang-ky/", {
        "full_name": "Trần Thị Bình", "phone": "+84 987 654 321", "email": "binh@example.vn",
        "password1": "Sen-hong-2026", "password2": "Sen-hong-2026",
    })
    assert response.status_code == 302 and response.url == "/thu-tuc/"
    client.logout()
    for login in ("0987654321", "binh@example.vn", "BINH@example.vn", "+84987654321"):
        response = client.post("/dang-nhap/", {"username": login, "password": "Sen-hong-2026"})
        assert response.status_code == 302, login
        client.logout()
    wrong = client.post("/dang-nhap/", {"username": "0987654321", "password": "sai"})
    assert wrong.status_code == 200


def test_register_refuses_a_taken_phone_and_weak_password_with_a_summary(client, db):
    resident(phone="0987654321")
    page = client.post("/dang-ky/", {
        "full_name": "Trần Thị Bình", "phone": "0987654321", "password1": "123", "password2": "123",
    }).content.decode()
    assert "Có lỗi cần sửa" in page and "Số điện thoại này đã có tài khoản" in page


def test_a_sign_up_that_loses_the_race_for_an_e_mail_gets_a_form_error(client, db, monkeypatch):
    """Two sign-ups with one address: the second passed the form's check before the first
    committed (simulated by skipping the check); the database refuses it, the page says why."""
    from django.contrib.auth import get_user_model

    from intake.online.forms import RegisterForm

    resident(phone="0987654321", email="binh@example.vn")
    monkeypatch.setattr(RegisterForm, "clean_email", lambda form: form.cleaned_data["email"])
    response = client.post("/dang-ky/", {
        "full_name": "Trần Thị Bình", "phone": "0977654321", "email": "BINH@example.vn",
        "password1": "Sen-hong-2026", "password2": "Sen-hong-2026",
    })

    assert response.status_code == 200
    page = response.content.decode()
    assert "Có lỗi cần sửa" in page and "Thư điện tử này đã có tài khoản" in page
    assert get_user_model().objects.filter(email__iexact="binh@example.vn").count() == 1
    assert not get_user_model().objects.filter(phone="0977654321").exists()


def test_staff_cannot_be_logged_in_by_phone(client, db):
    UserFactory(role=Role.COUNTER_OFFICER, phone="0911111111", username="tiepnhan-x",
                password="Mat-khau-2026")
    assert client.post("/dang-nhap/", {"username": "0911111111", "password": "Mat-khau-2026"}).status_code == 200
    assert client.post("/dang-nhap/", {"username": "tiepnhan-x", "password": "Mat-khau-2026"}).status_code == 302


def test_catalogue_lists_online_procedures_and_asks_anonymous_users_to_log_in(client, birth):
    page = client.get("/thu-tuc/").content.decode()
    assert "Thủ tục đăng ký khai sinh" in page and "8.000 đồng" in page and "đăng nhập" in page
    response = client.get(f"/thu-tuc/{birth.code}/nop/")
    assert response.status_code == 302 and "/dang-nhap/" in response.url


def test_submission_creates_a_submitted_online_dossier_with_its_eform_and_fee(client, birth):
    owner = resident()
    client.force_login(owner)
    response = client.post(f"/thu-tuc/{birth.code}/nop/", _form(birth))
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response.url == f"/ho-so-cua-toi/{dossier.code}/da-nop/"
    assert dossier.status == Status.SUBMITTED and dossier.channel == "online"
    assert dossier.applicant_user == owner and dossier.fee_amount == 8000
    assert OnlineSubmission.objects.get(dossier=dossier).form_data["child_birth_date"] == "2026-11-20"
    document = dossier.documents.get()
    assert document.name == "Giấy chứng sinh" and document.file.read() == PDF
    payment = Payment.objects.get(dossier=dossier)
    assert payment.amount == 8000 and payment.status == PaymentStatus.PENDING
    page = client.get(response.url).content.decode()
    assert dossier.code in page and "Tiếp theo" in page and "8.000 đồng" in page
    assert dossier.events.get().actor == owner


def test_without_a_payment_provider_the_fee_is_paid_at_the_counter(client, birth, settings):
    settings.PAYMENT_PROVIDER = ""
    client.force_login(resident())
    form = client.get(f"/thu-tuc/{birth.code}/nop/").content.decode()
    assert "Nộp phí tại quầy tiếp nhận của Trung tâm." in form
    assert "Thanh toán trực tuyến" not in form
    response = client.post(f"/thu-tuc/{birth.code}/nop/", _form(birth))
    page = client.get(response.url).content.decode()
    assert "Nộp phí, lệ phí tại quầy tiếp nhận của Trung tâm trong giờ làm việc:" in page
    assert "8.000 đồng" in page and "Thanh toán trực tuyến" not in page


def test_server_validates_the_eform_and_the_declaration(client, birth):
    client.force_login(resident())
    page = client.post(f"/thu-tuc/{birth.code}/nop/", _form(
        birth, **{"f-child_name": "", "f-mother_id": "12345", "f-child_sex": "Khác",
                  "s-declaration": None})).content.decode()
    assert "Có lỗi cần sửa" in page
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số." in page
    assert "Cần xác nhận lời cam đoan" in page
    assert 'href="#id_f-child_name"' in page
    assert not Dossier.objects.exists()


def test_upload_type_is_checked_by_content_not_by_name(client, birth):
    client.force_login(resident())
    fake = SimpleUploadedFile("giay-chung-sinh.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    page = client.post(f"/thu-tuc/{birth.code}/nop/", _form(birth, **{_doc_field(birth): fake})).content.decode()
    assert "không phải PDF, JPEG hoặc PNG" in page
    missing = client.post(f"/thu-tuc/{birth.code}/nop/", _form(birth, **{_doc_field(birth): None})).content.decode()
    assert "Cần tải lên giấy tờ này." in missing
    assert not Dossier.objects.exists()


def test_upload_size_limit(client, birth, monkeypatch):
    monkeypatch.setattr("cases.uploads.MAX_UPLOAD_BYTES", 100)
    client.force_login(resident())
    big = SimpleUploadedFile("scan.png", PNG + b"\x00" * 200, content_type="image/png")
    page = client.post(f"/thu-tuc/{birth.code}/nop/", _form(birth, **{_doc_field(birth): big})).content.decode()
    assert "lớn hơn giới hạn" in page


def test_draft_keeps_typed_values_and_files_then_submits(client, birth):
    owner = resident()
    client.force_login(owner)
    response = client.post(f"/thu-tuc/{birth.code}/nop/", _form(
        birth, action="draft", **{"f-mother_id": "sai", "a-id_number": ""}))
    assert response.status_code == 302
    draft = OnlineDraft.objects.get(user=owner)
    assert draft.data["form"]["child_name"] == "Nguyễn Minh Khôi" and draft.files.count() == 1
    page = client.get(f"/thu-tuc/{birth.code}/nop/").content.decode()
    assert 'value="Nguyễn Minh Khôi"' in page and "giay-to.pdf" in page
    assert "Bản nháp" in client.get("/ho-so-cua-toi/").content.decode()
    # The draft's file counts: the final submission needs no new upload.
    response = client.post(f"/thu-tuc/{birth.code}/nop/", _form(birth, **{_doc_field(birth): None}))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.documents.get().file.read() == PDF
    assert not OnlineDraft.objects.exists()


def test_a_resident_cannot_open_anothers_dossier(client, catalogue):
    mine = dossier_in("received", procedure=catalogue.civil, resident=resident())
    client.force_login(resident(phone="0987654321", email="b@example.vn"))
    assert client.get(f"/ho-so-cua-toi/{mine.code}/").status_code == 404
    assert client.get(f"/ho-so-cua-toi/{mine.code}/da-nop/").status_code == 404
    assert mine.code not in client.get("/ho-so-cua-toi/").content.decode()


def test_staff_get_403_on_resident_pages(client, catalogue):
    client.force_login(UserFactory(role=Role.COUNTER_OFFICER))
    assert client.get("/ho-so-cua-toi/").status_code == 403


def test_resident_completes_the_same_dossier_after_a_completion_request(client, catalogue,
                                                                        django_capture_on_commit_callbacks):
    owner = resident()
    dossier = dossier_in("submitted", procedure=catalogue.civil, resident=owner)
    counter = UserFactory(role=Role.COUNTER_OFFICER)
    case_actions.dossier_request_completion(dossier=dossier, actor=counter,
                                             reason="Bổ sung ảnh chụp rõ căn cước của người nộp.")
    client.force_login(owner)
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "Bổ sung ảnh chụp rõ căn cước" in page and "Gửi bổ sung" in page
    empty = client.post(f"/ho-so-cua-toi/{dossier.code}/", {"action": "complete"}).content.decode()
    assert "Hãy tải lên giấy tờ bổ sung" in empty
    response = client.post(f"/ho-so-cua-toi/{dossier.code}/", {
        "action": "complete", "c-files": [pdf("cccd.pdf")], "c-note": "Đã chụp lại căn cước"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED and dossier.completion_request == ""
    assert dossier.documents.filter(name="Bổ sung: cccd.pdf").exists()
    assert dossier.events.filter(action="complete", actor=owner).exists()
    case_actions.dossier_receive(dossier=dossier, actor=counter)
    assert "Đã tiếp nhận" in client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()


def test_resident_supplements_when_the_handler_asks(client, catalogue):
    owner = resident()
    dossier = dossier_in("supplement_requested", procedure=catalogue.civil, resident=owner)
    client.force_login(owner)
    client.post(f"/ho-so-cua-toi/{dossier.code}/", {"action": "complete", "c-files": [pdf()]})
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS and dossier.supplemented_at


def test_resident_asks_to_stop(client, catalogue):
    owner = resident()
    dossier = dossier_in("received", procedure=catalogue.civil, resident=owner)
    client.force_login(owner)
    page = client.post(f"/ho-so-cua-toi/{dossier.code}/", {"action": "stop", "x-reason": ""}).content.decode()
    assert "Có lỗi cần sửa" in page
    client.post(f"/ho-so-cua-toi/{dossier.code}/", {"action": "stop", "x-reason": "Nộp nhầm thủ tục"})
    dossier.refresh_from_db()
    assert dossier.stop_requested_at and dossier.dvcqg_status == 7
