"""Counter intake: the checklist, the three decisions, uploads by content, double submits."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Dossier, Status
from tests.workspace.helpers import PDF, png, text

pytestmark = pytest.mark.django_db


def form_data(procedure, *, decision="receive", token=None, present=True, **extra):
    data = {
        "applicant_name": "Nguyễn Thị Hoa", "id_number": "042190000123", "phone": "0912 345 678",
        "address": "Số 7, đường Trần Phú, phường Thành Sen", "email": "", "channel": "direct",
        "reason": "", "decision": decision, "token": token or uuid.uuid4().hex,
    }
    for doc in procedure.documents.all():
        if present:
            data[f"doc_{doc.pk}_present"] = "on"
        data[f"doc_{doc.pk}_copy_type"] = doc.copy_type
        data[f"doc_{doc.pk}_quantity"] = "1"
    data.update(extra)
    return data


def post(client, procedure, data):
    return client.post(reverse("intake:counter_form", args=[procedure.code]), data)


def test_picking_a_procedure_by_name_without_diacritics(client, catalogue, counter):
    client.force_login(counter)
    page = text(client.get(reverse("intake:counter_intake"), {"q": "dang ky ket hon"}))
    assert "Đăng ký kết hôn" in page and "Đăng ký thường trú" not in page
    assert "1 thủ tục" in page


def test_counter_receives_and_sees_the_confirmation(client, catalogue, counter):
    client.force_login(counter)
    response = post(client, catalogue.civil, form_data(catalogue.civil))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.status == Status.RECEIVED and dossier.channel == "direct"
    assert dossier.applicant_phone == "0912345678"
    assert [d.name for d in dossier.documents.all()] == ["Tờ khai"]
    page = text(client.get(response["Location"]))
    assert "Đã tiếp nhận hồ sơ" in page and dossier.code in page
    assert "Hẹn trả kết quả" in page and "Tiếp theo" in page
    assert "In giấy tiếp nhận (Mẫu 01)" in page


def test_double_submit_creates_one_dossier(client, catalogue, counter):
    client.force_login(counter)
    first = post(client, catalogue.civil, form_data(catalogue.civil, token="same"))
    second = post(client, catalogue.civil, form_data(catalogue.civil, token="same"))
    assert Dossier.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert "bấm gửi hai lần" in text(client.get(second["Location"]))


def test_receiving_without_a_mandatory_paper_is_refused_with_guidance(client, catalogue, counter):
    client.force_login(counter)
    response = post(client, catalogue.civil, form_data(catalogue.civil, present=False))
    assert response.status_code == 400
    page = text(response)
    assert "Có lỗi cần sửa" in page and "Còn thiếu giấy tờ bắt buộc: Tờ khai" in page
    assert Dossier.objects.count() == 0


def test_field_errors_are_shown_beside_the_fields(client, catalogue, counter):
    client.force_login(counter)
    response = post(client, catalogue.civil, form_data(catalogue.civil, id_number="12", phone="abc"))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_id_number-error"' in html and 'id="id_phone-error"' in html
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số." in text(response)


def test_request_completion_records_the_dossier_and_the_reasons(client, catalogue, counter):
    client.force_login(counter)
    response = post(client, catalogue.civil, form_data(
        catalogue.civil, decision="request_completion", reason="Thiếu giấy xác nhận tình trạng hôn nhân"))
    dossier = Dossier.objects.get()
    assert dossier.status == Status.SUBMITTED
    assert dossier.completion_request == "Thiếu giấy xác nhận tình trạng hôn nhân"
    assert "Mẫu 02" in text(client.get(response["Location"]))


def test_refusal_needs_reasons(client, catalogue, counter):
    client.force_login(counter)
    response = post(client, catalogue.civil, form_data(catalogue.civil, decision="refuse_intake"))
    assert response.status_code == 400
    assert "Cần ghi rõ nội dung cần hoàn thiện hoặc lý do từ chối." in text(response)
    response = post(client, catalogue.civil, form_data(
        catalogue.civil, decision="refuse_intake", reason="Không thuộc thẩm quyền", token="t-2"))
    assert Dossier.objects.get().status == Status.NOT_ACCEPTED


def test_a_scan_is_checked_by_content_not_by_name(client, catalogue, counter):
    doc = catalogue.civil.documents.get()
    client.force_login(counter)
    fake = SimpleUploadedFile("to-khai.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    response = post(client, catalogue.civil, form_data(catalogue.civil, **{f"doc_{doc.pk}_file": fake}))
    assert response.status_code == 400
    assert "không phải PDF, JPEG hoặc PNG" in text(response)
    real = SimpleUploadedFile("scan.bin", PDF, content_type="application/octet-stream")
    response = post(client, catalogue.civil, form_data(
        catalogue.civil, token="t-3", **{f"doc_{doc.pk}_file": real}))
    assert response.status_code == 302
    assert Dossier.objects.get().documents.get().file.read() == PDF


def test_a_scan_over_the_size_limit_is_refused(client, catalogue, counter, monkeypatch):
    monkeypatch.setattr("cases.uploads.MAX_UPLOAD_BYTES", 10)
    doc = catalogue.civil.documents.get()
    client.force_login(counter)
    response = post(client, catalogue.civil, form_data(catalogue.civil, **{f"doc_{doc.pk}_file": png()}))
    assert response.status_code == 400
    assert "lớn hơn giới hạn" in text(response)


@pytest.mark.parametrize("persona", ["handler", "leader"])
def test_other_roles_get_a_403(client, catalogue, personas, persona):
    client.force_login(personas[persona])
    assert client.get(reverse("intake:counter_intake")).status_code == 403
    response = post(client, catalogue.civil, form_data(catalogue.civil))
    assert response.status_code == 403
    assert Dossier.objects.count() == 0



def _applicant():
    from cases.actions import Applicant

    return Applicant(name="Nguyễn Thị Hoa", id_number="042190000123", phone="0912345678",
                     address="Số 7, đường Trần Phú, phường Thành Sen")


def test_the_counter_service_refuses_with_the_dossier_and_its_history(catalogue, counter):
    from intake.counter.services import REFUSE, counter_intake_record

    dossier = counter_intake_record(
        procedure=catalogue.civil, decision=REFUSE, applicant=_applicant(), channel="direct",
        actor=counter, reason="Thiếu giấy khai sinh bản chính",
    )

    assert dossier.status == Status.NOT_ACCEPTED
    assert list(dossier.events.values_list("action", flat=True)) == ["create", "refuse_intake"]


def test_a_decision_that_fails_leaves_no_half_created_dossier(catalogue, counter):
    from intake.counter.services import COMPLETE, counter_intake_record
    from thanhsen.errors import ApplicationError

    with pytest.raises(ApplicationError) as error:
        counter_intake_record(
            procedure=catalogue.civil, decision=COMPLETE, applicant=_applicant(),
            channel="direct", actor=counter, reason="",
        )

    assert "reason" in error.value.fields
    assert not Dossier.objects.exists()
