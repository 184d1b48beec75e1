"""The catalogue's texts in English on English pages, Vietnamese on Vietnamese pages and always
on the official forms; and an English for every text of ``cases/data/catalogue.json``."""

import pytest
from django.conf import settings

from cases import actions as case_actions
from cases.catalogue_english import catalogue_glossary, catalogue_texts
from cases.catalogue_import import catalogue_load
from cases.models import RequiredDocument
from intake.online import services as intake_services
from tests.factories import ProcedureFactory, applicant
from tests.workspace.helpers import pdf_text

BIRTH = next(p for p in catalogue_load()["procedures"] if p["code"] == "1.001193.000.00.00.H27")


def test_every_catalogue_text_has_its_english():
    glossary = catalogue_glossary()
    texts = catalogue_texts(catalogue_load())
    missing = sorted(text for text in texts if not glossary.get(text, "").strip())
    assert not missing, f"catalogue texts without English: {missing[:10]}"
    assert not sorted(set(glossary) - texts), "English for texts the catalogue no longer has"
    untranslated = sorted(text for text in texts if glossary[text] == text)
    assert not untranslated, f"English identical to the Vietnamese: {untranslated[:10]}"


@pytest.fixture
def birth(catalogue):
    procedure = ProcedureFactory(code="1.001193.000.00.00.H27", name=BIRTH["name"],
                                 field=catalogue.civil.field, department=catalogue.civil_office,
                                 form_fields=BIRTH["form_fields"], with_documents=False)
    for position, document in enumerate(BIRTH["documents"]):
        RequiredDocument.objects.create(procedure=procedure, name=document["name"],
                                        copy_type=document["copy_type"],
                                        mandatory=document["mandatory"], position=position)
    return procedure


def _read_in(client, language: str, url: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_procedure_list_names_procedures_and_fields_in_the_pages_language(client, birth):
    english = _read_in(client, "en", "/thu-tuc/")
    assert "<strong>Birth registration</strong>" in english
    assert "<h2>Civil status</h2>" in english
    assert "Thủ tục đăng ký khai sinh" not in english and "Hộ tịch" not in english
    vietnamese = _read_in(client, "vi", "/thu-tuc/")
    assert "<strong>Thủ tục đăng ký khai sinh</strong>" in vietnamese
    assert "Birth registration" not in vietnamese


def test_submission_form_labels_choices_and_documents_in_english(client, birth, resident):
    client.force_login(resident)
    english = _read_in(client, "en", f"/thu-tuc/{birth.code}/nop/")
    assert "<h1>Birth registration</h1>" in english
    for label in ("Full name of the child being registered", "Date of birth", "Sex",
                  "Mother&#x27;s personal identification number",
                  "Birth certificate (medical) or a document replacing it",
                  "Power of attorney (when filed on someone&#x27;s behalf)"):
        assert label in english
    assert '<option value="Nam">Male</option>' in english
    assert '<option value="Nữ">Female</option>' in english
    assert "Giới tính" not in english and "Giấy chứng sinh" not in english
    vietnamese = _read_in(client, "vi", f"/thu-tuc/{birth.code}/nop/")
    assert "Họ, chữ đệm, tên người được khai sinh" in vietnamese
    assert '<option value="Nam">Nam</option>' in vietnamese
    assert "Male" not in vietnamese and "Birth certificate" not in vietnamese


@pytest.mark.pdf
def test_staff_dossier_page_in_english_while_the_control_sheet_stays_vietnamese(
    client, birth, counter, resident
):
    dossier = intake_services.online_submit(
        user=resident, procedure=birth, applicant=applicant(),
        form_data={"child_name": "Nguyễn Minh Khôi", "child_birth_date": "2026-11-20",
                   "child_sex": "Nữ", "birth_place": "Thành Sen", "mother_id": "042190004321"},
        files={document: None for document in birth.documents.all()},
    )
    client.force_login(counter)
    english = _read_in(client, "en", f"/lam-viec/ho-so/{dossier.code}/")
    assert "Birth registration" in english
    assert "<dt>Full name of the child being registered</dt><dd>Nguyễn Minh Khôi</dd>" in english
    assert "<dt>Sex</dt><dd>Female</dd>" in english
    assert "Birth certificate (medical) or a document replacing it" in english
    assert "Giới tính" not in english and "Thủ tục đăng ký khai sinh" not in english
    vietnamese = _read_in(client, "vi", f"/lam-viec/ho-so/{dossier.code}/")
    assert "<dt>Giới tính</dt><dd>Nữ</dd>" in vietnamese
    assert "Birth registration" not in vietnamese

    case_actions.dossier_receive(dossier=dossier, actor=counter)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    sheet = client.get(f"/lam-viec/ho-so/{dossier.code}/bieu-mau/mau-06.pdf")
    text = pdf_text(b"".join(sheet.streaming_content) if sheet.streaming else sheet.content)
    assert "Thủ tục đăng ký khai sinh" in text and "Giới tính: Nữ" in text
    assert "Birth registration" not in text and "Female" not in text
