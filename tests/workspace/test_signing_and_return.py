"""Approval under delegation, electronic copy certification, and the return of the result."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases import actions
from cases.models import Authorisation, CopyCertification, DossierEvent, Status
from tests.factories import applicant, dossier_in
from tests.workspace.helpers import PDF, pdf_text, png, text

pytestmark = pytest.mark.django_db


def authorise(leader, director, *, codes, days=30, until=None):
    today = timezone.localdate()
    return Authorisation.objects.create(
        authoriser=leader, authorised=director, procedure_codes=codes,
        valid_from=today - timedelta(days=1), valid_until=until or today + timedelta(days=days),
        document_number="15/QĐ-UBND",
    )


def approve(client, dossier, note=""):
    return client.post(reverse("cases:action", args=[dossier.code, "approve"]), {"approve-note": note})


def test_director_approves_under_a_valid_authorisation(client, catalogue, counter, handler, director, leader):
    authorise(leader, director, codes=[catalogue.civil.root_code])
    dossier = dossier_in("awaiting_approval", procedure=catalogue.civil, counter=counter, handler=handler)
    client.force_login(director)
    page = text(client.get(reverse("cases:dossier", args=[dossier.code])))
    assert "Bạn ký theo ủy quyền" in page and "15/QĐ-UBND" in page
    assert approve(client, dossier).status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RESOLVED and dossier.decided_under.document_number == "15/QĐ-UBND"
    event = DossierEvent.objects.get(dossier=dossier, action="approve")
    assert event.authorisation_id == dossier.decided_under_id
    page = text(client.get(reverse("cases:dossier", args=[dossier.code])))
    assert "Ký theo ủy quyền của" in page


@pytest.mark.parametrize("case", ["expired", "out_of_scope"])
def test_expired_or_out_of_scope_authorisation_is_refused_with_a_reason(
    client, catalogue, counter, handler, director, leader, case
):
    if case == "expired":
        authorise(leader, director, codes=[catalogue.civil.code], until=timezone.localdate() - timedelta(days=1))
        reason = "Văn bản ủy quyền đã hết hiệu lực hoặc đã bị thu hồi."
    else:
        authorise(leader, director, codes=[catalogue.certification.root_code])
        reason = "Bạn không có văn bản ủy quyền còn hiệu lực cho thủ tục này."
    dossier = dossier_in("awaiting_approval", procedure=catalogue.civil, counter=counter, handler=handler)
    client.force_login(director)
    assert reason in text(client.get(reverse("cases:dossier", args=[dossier.code])))
    response = approve(client, dossier)
    assert response.status_code == 403 and reason in text(response)
    dossier.refresh_from_db()
    assert dossier.status == Status.AWAITING_APPROVAL


def receive_certification(catalogue, counter, *, pages=3, scan=None):
    return actions.copy_certification_receive(
        procedure_code=catalogue.certification.code, applicant=applicant(), actor=counter,
        document_name="Bằng tốt nghiệp trung học phổ thông", pages=pages, scan=scan or png(),
    )


def test_counter_intake_of_a_certification_takes_the_scan_and_the_fee(client, catalogue, counter):
    client.force_login(counter)
    procedure = catalogue.certification
    doc = procedure.documents.get()
    data = {
        "applicant_name": "Lê Thị Mai", "id_number": "042190000999", "phone": "0912000999",
        "address": "Thành Sen", "channel": "direct", "decision": "receive", "token": "c-1",
        f"doc_{doc.pk}_present": "on", f"doc_{doc.pk}_copy_type": "original",
        f"doc_{doc.pk}_quantity": "1", "document_name": "Giấy khai sinh", "pages": "4",
    }
    missing_scan = client.post(reverse("intake:counter_form", args=[procedure.code]), data)
    assert missing_scan.status_code == 400 and "Cần tải lên bản quét bản chính." in text(missing_scan)
    data["scan"] = png()
    response = client.post(reverse("intake:counter_form", args=[procedure.code]), {**data, "token": "c-2"})
    assert response.status_code == 302
    certification = CopyCertification.objects.get()
    assert certification.pages == 4 and certification.fee == 2 * 2000 + 2 * 1000
    assert certification.number is None


@pytest.mark.pdf
def test_certifying_gives_register_numbers_and_a_certified_pdf(
    client, catalogue, counter, handler, director, leader
):
    authorise(leader, director, codes=[catalogue.certification.root_code])
    first = receive_certification(catalogue, counter, pages=3)
    second = receive_certification(catalogue, counter, pages=1, scan=SimpleUploadedFile("s.pdf", PDF))
    for dossier in (first, second):
        actions.dossier_assign(dossier=dossier, actor=handler, handler=handler)
        actions.dossier_submit_for_approval(dossier=dossier, actor=handler)
    client.force_login(director)
    page = client.get(reverse("cases:dossier", args=[first.code])).content.decode()
    assert reverse("intake:certify", args=[first.code]) in page
    for dossier in (first, second):
        response = client.post(reverse("intake:certify", args=[dossier.code]))
        assert response.status_code == 302
    year = timezone.localdate().year
    one, two = (CopyCertification.objects.get(dossier=d) for d in (first, second))
    assert (one.number, two.number) == (1, 2)
    assert one.signer == director and one.dossier.status == Status.RESOLVED
    assert one.dossier.decided_under is not None
    content = pdf_text(one.certified_pdf.read())
    assert "Chứng thực bản sao điện tử này đúng với bản chính." in content
    assert f"1/{year}/SCT/BS" in content and "5.000 đồng" in content
    assert "Bằng tốt nghiệp trung học phổ thông" in content
    again = client.post(reverse("intake:certify", args=[first.code]), follow=True)
    assert CopyCertification.objects.filter(number__isnull=False).count() == 2
    assert f"Bản sao đã được chứng thực, số 1/{year}/SCT/BS." in text(again)


def test_certification_refused_without_authority_leaves_no_number(client, catalogue, counter, handler, director):
    dossier = receive_certification(catalogue, counter)
    actions.dossier_assign(dossier=dossier, actor=handler, handler=handler)
    actions.dossier_submit_for_approval(dossier=dossier, actor=handler)
    client.force_login(director)
    response = client.post(reverse("intake:certify", args=[dossier.code]))
    assert response.status_code == 403
    assert CopyCertification.objects.get().number is None


def returned(client, dossier, **data):
    body = {f"return_result-{k}": v for k, v in data.items()}
    return client.post(reverse("cases:action", args=[dossier.code, "return_result"]), body)


def test_return_in_person_records_who_collected_it(client, catalogue, counter):
    dossier = dossier_in("resolved", procedure=catalogue.civil, counter=counter)
    client.force_login(counter)
    missing = returned(client, dossier, method="in_person")
    assert missing.status_code == 400
    assert "Cần ghi người nhận kết quả" in text(missing)
    ok = returned(client, dossier, method="in_person", collected_by="Nguyễn Văn An (chính chủ)")
    assert ok.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and dossier.returned_by == counter
    assert dossier.collected_by == "Nguyễn Văn An (chính chủ)"
    page = text(client.get(reverse("cases:dossier", args=[dossier.code])))
    assert "Nhận trực tiếp tại Trung tâm" in page


def test_online_return_hands_over_the_result_file(client, catalogue, counter):
    dossier = dossier_in("resolved", procedure=catalogue.civil, counter=counter)
    client.force_login(counter)
    assert "Trả kết quả trực tuyến cần tệp kết quả." in text(returned(client, dossier, method="online"))
    bad = returned(client, dossier, method="online",
                   result_file=SimpleUploadedFile("kq.pdf", b"MZ\x90\x00 not a pdf"))
    assert bad.status_code == 400 and "không phải PDF" in text(bad)
    ok = returned(client, dossier, method="online", result_file=SimpleUploadedFile("kq.pdf", PDF))
    assert ok.status_code == 302
    download = client.get(reverse("cases:file", args=[dossier.code, "ket-qua"]))
    assert b"".join(download.streaming_content) == PDF


def test_handler_may_not_return_the_result(client, catalogue, counter, handler):
    dossier = dossier_in("resolved", procedure=catalogue.civil, counter=counter, handler=handler)
    client.force_login(handler)
    response = returned(client, dossier, method="in_person", collected_by="X")
    assert response.status_code == 403
    dossier.refresh_from_db()
    assert dossier.status == Status.RESOLVED
