"""Signed documents: PAdES signatures, the registry, the public verification page, revocation."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader

from cases import actions
from cases.delegation_services import authorisation_grant
from intake.documents.certified import render_certified_copy
from intake.signing.documents import signed_result
from intake.signing.models import SignedDocument
from intake.signing.services import certificate_revoke, document_sign
from intake.signing.verify import REVOKED, TAMPERED, UNKNOWN, VALID, registry_verdict, verify_copy
from tests.factories import UserFactory, applicant, dossier_in
from tests.workspace.helpers import pdf_text, png, text
from thanhsen.errors import ApplicationError
from thanhsen.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def chairman(catalogue):
    return UserFactory(role=Role.WARD_LEADER, position="Chủ tịch")


@pytest.fixture
def director(catalogue):
    return UserFactory(role=Role.CENTER_DIRECTOR, department=catalogue.center,
                       position="Giám đốc Trung tâm")


def delegate(chairman, director, codes):
    today = timezone.localdate()
    return authorisation_grant(actor=chairman, authorised=director, procedure_codes=codes,
                               valid_from=today - timedelta(days=1),
                               valid_until=today + timedelta(days=30),
                               document_number="15/QĐ-UBND", decision_date=today)


def signatures(content: bytes) -> list:
    return PdfFileReader(io.BytesIO(content)).embedded_signatures


def test_the_receipt_is_a_signed_pdf_with_one_registry_entry(client, catalogue, counter):
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    client.force_login(counter)
    url = reverse("intake:document", args=[dossier.code, "mau-01"])

    first, again = client.get(url).content, client.get(url).content

    assert first == again
    [signature] = signatures(first)
    assert signature.signer_cert.subject.native["common_name"] == str(counter)
    document = SignedDocument.objects.get(dossier=dossier, key="mau-01")
    assert document.signer == counter
    assert verify_copy(first).state == VALID
    assert "xác thực" in pdf_text(first)  # the QR caption: it opens the verification page


def test_a_certified_copy_carries_the_statement_the_number_and_a_signature_under_tuq(
    client, catalogue, counter, handler, chairman, director
):
    delegate(chairman, director, [catalogue.certification.root_code])
    dossier = actions.copy_certification_receive(
        procedure_code=catalogue.certification.code, applicant=applicant(), actor=counter,
        document_name="Giấy khai sinh", pages=1, scan=png())
    actions.dossier_assign(dossier=dossier, actor=handler, handler=handler)
    dossier = actions.dossier_submit_for_approval(dossier=dossier, actor=handler)

    certification = actions.copy_certification_certify(dossier=dossier, actor=director,
                                                        render=render_certified_copy)

    content = certification.certified_pdf.read()
    assert len(signatures(content)) == 1
    words = pdf_text(content)
    assert "Lời chứng của người thực hiện chứng thực".upper() in words.upper()
    assert certification.register_number in words
    assert "TUQ. CHỦ TỊCH" in words and "GIÁM ĐỐC TRUNG TÂM" in words
    document = SignedDocument.objects.get(dossier=dossier, key="ban-sao")
    assert document.reference == certification.register_number
    page = text(client.get(reverse("signing:verify", args=[document.id])))
    assert "Hợp lệ" in page and certification.register_number in page
    assert "TUQ. CHỦ TỊCH / GIÁM ĐỐC TRUNG TÂM" in page and "15/QĐ-UBND" in page
    assert applicant().name not in page and applicant().id_number not in page


def test_a_one_byte_change_verifies_as_tampered(client, catalogue, chairman):
    dossier = dossier_in("resolved", procedure=catalogue.civil, signer=chairman)
    document = signed_result(dossier)
    content = document.file.read()
    position = content.index(b"stream") + 200
    changed = content[:position] + bytes([content[position] ^ 0x01]) + content[position + 1:]

    assert verify_copy(content).state == VALID
    assert verify_copy(changed).state == TAMPERED
    response = client.post(reverse("signing:verify", args=[document.id]),
                           {"copy": _upload(changed)})
    assert "Đã bị sửa đổi sau khi ký" in text(response)


def test_a_pdf_that_is_not_in_the_registry_is_unknown(catalogue, chairman, counter, client):
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    client.force_login(counter)
    unsigned = client.get(reverse("intake:document", args=[dossier.code, "mau-06"])).content

    assert verify_copy(unsigned).state == UNKNOWN


def test_revocation_keeps_earlier_signatures_valid_and_later_ones_not(catalogue, chairman):
    before = signed_result(dossier_in("resolved", procedure=catalogue.civil, signer=chairman))
    after = signed_result(dossier_in("resolved", procedure=catalogue.civil, signer=chairman))
    SignedDocument.objects.filter(pk=before.pk).update(
        signed_at=timezone.now() - timedelta(hours=2))
    before.refresh_from_db()

    # The key was reported lost with effect from an hour ago: the CA revoked it from then.
    certificate_revoke(certificate=after.certificate, reason="Mất thiết bị ký số",
                       revoked_at=timezone.now() - timedelta(hours=1))

    assert before.certificate_id == after.certificate_id
    assert registry_verdict(SignedDocument.objects.get(pk=before.pk)).state == VALID
    assert registry_verdict(SignedDocument.objects.get(pk=after.pk)).state == REVOKED
    assert verify_copy(after.file.read()).state == REVOKED


def test_a_revoked_certificate_signs_nothing(catalogue, chairman):
    first = signed_result(dossier_in("resolved", procedure=catalogue.civil, signer=chairman))
    certificate_revoke(certificate=first.certificate, reason="Hết hạn sử dụng")
    dossier = dossier_in("resolved", procedure=catalogue.civil, signer=chairman)

    with pytest.raises(ApplicationError):
        document_sign(dossier=dossier, key="ket-qua", kind="result", title="Kết quả",
                      signer_user=chairman, render=lambda url: b"")

    assert not SignedDocument.objects.filter(dossier=dossier).exists()


def test_the_result_states_the_authority_it_was_signed_under(catalogue, chairman, director):
    delegate(chairman, director, ["1.000894"])
    dossier = dossier_in("awaiting_approval", procedure=catalogue.civil, signer=chairman)
    dossier = actions.dossier_approve(dossier=dossier, actor=director)

    document = signed_result(dossier)

    words = pdf_text(document.file.read())
    assert "TUQ. CHỦ TỊCH" in words and "GIÁM ĐỐC TRUNG TÂM" in words
    assert "15/QĐ-UBND" in words
    assert document.signed_as == ["TUQ. CHỦ TỊCH", "GIÁM ĐỐC TRUNG TÂM"]


def test_the_verification_page_of_an_unknown_id_is_a_404(client):
    response = client.get(reverse("signing:verify",
                                  args=["00000000-0000-0000-0000-000000000000"]))

    assert response.status_code == 404


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("ban-sao.pdf", content, content_type="application/pdf")
