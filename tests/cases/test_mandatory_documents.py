"""No receipt while a mandatory document is missing, on every path that receives.

The counter's form checks early; the receive service holds the rule, so the API's
``receive: true`` and the dossier page's receive action are refused the same way.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import actions
from cases.models import Dossier, DossierEvent, RequiredDocument
from tests.factories import applicant
from thanhsen.errors import ApplicationError

pytestmark = pytest.mark.django_db

DOSSIERS = "/api/v1/dossiers/"


@pytest.fixture
def birth_proof(catalogue):
    """A second mandatory paper for the marriage procedure, besides the factory's "Tờ khai"."""
    return RequiredDocument.objects.create(
        procedure=catalogue.civil, name="Giấy xác nhận tình trạng hôn nhân", copy_type="original")


def body(procedure_code: str, names: list[str]) -> dict:
    return {
        "procedure": procedure_code,
        "channel": "direct",
        "receive": True,
        "applicant": {"name": "Lê Thị Hoa", "id_number": "042185006789", "phone": "0912345678",
                      "address": "Tổ dân phố 3, phường Thành Sen, Hà Tĩnh"},
        "documents": [{"name": name, "copy_type": "original"} for name in names],
    }


def test_api_refuses_to_receive_without_a_mandatory_document(as_user, counter, catalogue, birth_proof):
    before = Dossier.objects.count(), DossierEvent.objects.count()

    response = as_user(counter).post(DOSSIERS, body(catalogue.civil.code, ["Tờ khai"]), format="json")

    assert response.status_code == 400
    message = response.json()["fields"]["documents"][0]
    assert "Còn thiếu giấy tờ bắt buộc" in message
    assert "Giấy xác nhận tình trạng hôn nhân" in message
    assert "Tờ khai" not in message
    assert (Dossier.objects.count(), DossierEvent.objects.count()) == before


def test_api_receives_when_every_mandatory_document_is_there(as_user, counter, catalogue, birth_proof):
    names = ["Tờ khai", " giấy xác nhận  tình trạng hôn nhân"]

    response = as_user(counter).post(DOSSIERS, body(catalogue.civil.code, names), format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "received"


def test_optional_documents_are_not_required(as_user, counter, catalogue):
    RequiredDocument.objects.create(procedure=catalogue.civil, name="Ảnh chân dung", mandatory=False)

    response = as_user(counter).post(DOSSIERS, body(catalogue.civil.code, ["Tờ khai"]), format="json")

    assert response.status_code == 201, response.json()


def test_dossier_page_receive_action_names_the_missing_documents(client, counter, catalogue, birth_proof):
    dossier = actions.dossier_create(
        procedure_code=catalogue.civil.code, applicant=applicant(), channel="direct", actor=counter,
        documents=[actions.SubmittedDocument(name="Tờ khai", copy_type="original")],
    )
    client.force_login(counter)

    response = client.post(f"/lam-viec/ho-so/{dossier.code}/thao-tac/receive/", {})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Còn thiếu giấy tờ bắt buộc" in page
    assert "Giấy xác nhận tình trạng hôn nhân" in page
    dossier.refresh_from_db()
    assert dossier.status == "submitted" and dossier.received_at is None


def test_a_document_linked_to_the_requirement_counts_whatever_its_name(counter, catalogue, birth_proof):
    dossier = actions.dossier_create(
        procedure_code=catalogue.civil.code, applicant=applicant(), channel="direct", actor=counter,
        receive=True,
        documents=[
            actions.SubmittedDocument(name="Tờ khai", copy_type="original"),
            actions.SubmittedDocument(name="Bản xác nhận của UBND xã Cẩm Xuyên", copy_type="original",
                                       required_document_id=birth_proof.pk),
        ],
    )

    assert dossier.status == "received"


def test_copy_certification_receives_the_original_it_is_given(counter, catalogue):
    """Its one mandatory paper is the original shown at the counter, whatever that paper is."""
    assert [d.name for d in catalogue.certification.documents.filter(mandatory=True)] == ["Tờ khai"]

    dossier = actions.copy_certification_receive(
        procedure_code=catalogue.certification.code, applicant=applicant(), actor=counter,
        document_name="Giấy khai sinh", pages=1,
        scan=SimpleUploadedFile("ban-chinh.pdf", b"%PDF-1.4\n", content_type="application/pdf"),
    )

    assert dossier.status == "received"
    assert dossier.documents.get().name == "Giấy khai sinh"


def test_a_receipt_at_creation_names_every_missing_paper_in_catalogue_order(counter, catalogue,
                                                                             birth_proof):
    RequiredDocument.objects.filter(procedure=catalogue.civil).exclude(pk=birth_proof.pk).update(
        position=9)
    RequiredDocument.objects.filter(pk=birth_proof.pk).update(position=1)
    with pytest.raises(ApplicationError) as refused:
        actions.dossier_create(procedure_code=catalogue.civil.code, applicant=applicant(),
                               channel="direct", actor=counter, receive=True, documents=[])
    message = refused.value.fields["documents"][0]
    assert message.index("Giấy xác nhận tình trạng hôn nhân") < message.index("Tờ khai")


def test_a_procedure_without_mandatory_papers_is_received_at_creation(counter, catalogue):
    RequiredDocument.objects.filter(procedure=catalogue.civil).update(mandatory=False)
    dossier = actions.dossier_create(procedure_code=catalogue.civil.code, applicant=applicant(),
                                     channel="direct", actor=counter, receive=True, documents=[])
    assert dossier.status == "received"
