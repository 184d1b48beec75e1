"""Each form is printed from the event that made it: that act's actor (name and title), its
date, its reason and the authority it was taken under; never the last event's actor, never
today's date."""

from datetime import date, datetime, time

import pytest
from django.urls import reverse

from cases import actions
from cases.deadlines import VIETNAM_TZ
from cases.models import Authorisation
from tests.factories import UserFactory, applicant
from tests.workspace.helpers import pdf_pages, pdf_text
from thanhsen.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]


def at(day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(date(2026, 3, day), time(hour, minute), VIETNAM_TZ)


def dated(day: int) -> str:
    return f"ngày {day:02d} tháng 03 năm 2026"


@pytest.fixture
def people(catalogue):
    return {
        "counter": UserFactory(role=Role.COUNTER_OFFICER, department=catalogue.center,
                               last_name="Lê", first_name="Thu Tiếp"),
        "land": UserFactory(role=Role.LAND_OFFICER, department=catalogue.land_office,
                            last_name="Phạm", first_name="Văn Địa"),
        "handler": UserFactory(role=Role.HANDLING_OFFICER, department=catalogue.civil_office,
                               last_name="Hoàng", first_name="Xuân Xử"),
        "leader": UserFactory(role=Role.WARD_LEADER, last_name="Trần", first_name="Minh Chủ"),
        "director": UserFactory(role=Role.CENTER_DIRECTOR, department=catalogue.center,
                                last_name="Võ", first_name="Đức Xem"),
    }


def _received(procedure, people, handler):
    dossier = actions.dossier_create(
        procedure_code=procedure.code, applicant=applicant(), actor=people["counter"],
        channel="direct", at=at(2),
        documents=[actions.SubmittedDocument(name="Tờ khai", copy_type="original")],
    )
    dossier = actions.dossier_receive(dossier=dossier, actor=people["counter"], at=at(2))
    return actions.dossier_assign(dossier=dossier, actor=people["counter"], handler=handler,
                                   at=at(2, 9, 10))


def _form(client, user, dossier, key) -> bytes:
    client.force_login(user)
    response = client.get(reverse("intake:document", args=[dossier.code, key]))
    assert response.status_code == 200
    return response.content


@pytest.fixture
def land_dossier(catalogue, people):
    """Supplement asked by the land officer, apology by the land officer, stop at the counter,
    and the director looking at it after each."""
    dossier = _received(catalogue.land, people, people["land"])
    dossier = actions.dossier_request_supplement(
        dossier=dossier, actor=people["land"], reason="Thiếu sơ đồ thửa đất", at=at(3, 10))
    actions.dossier_record_personal_data_view(dossier=dossier, actor=people["director"],
                                               at=at(3, 11))
    dossier = actions.dossier_supplement(dossier=dossier, actor=people["counter"], at=at(4))
    dossier = actions.dossier_extend(
        dossier=dossier, actor=people["land"], new_due_at=at(25, 17, 30),
        reason="Chờ đo đạc lại ranh giới thửa đất", at=at(5, 14))
    dossier = actions.dossier_stop(dossier=dossier, actor=people["counter"],
                                    reason="Công dân rút hồ sơ", at=at(9, 8))
    actions.dossier_record_personal_data_view(dossier=dossier, actor=people["director"],
                                               at=at(10, 8))
    return dossier


def test_mau_02_names_the_officer_who_asked_and_the_day_asked(client, people, land_dossier):
    text = pdf_text(_form(client, people["counter"], land_dossier, "mau-02"))
    assert "Thiếu sơ đồ thửa đất" in text
    assert "Phạm Văn Địa" in text and "Lê Thu Tiếp" not in text
    assert dated(3) in text


def test_mau_04_is_the_apology_and_extension_request_signed_by_a_person_on_one_page(
    client, people, land_dossier
):
    content = _form(client, people["counter"], land_dossier, "mau-04")
    text = pdf_text(content)
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in text
    assert "Phạm Văn Địa" in text and "Chờ đo đạc lại ranh giới thửa đất" in text
    assert dated(5) in text and "25/03/2026" in text
    assert pdf_pages(content) == 1


def test_mau_05_names_who_stopped_it_not_who_looked_last(client, people, land_dossier):
    text = pdf_text(_form(client, people["counter"], land_dossier, "mau-05"))
    assert "Lê Thu Tiếp" in text and "Võ Đức Xem" not in text
    assert dated(9) in text


def test_mau_03_names_the_signer_of_the_refusal_not_the_director_who_viewed_it(
    client, catalogue, people
):
    dossier = _received(catalogue.civil, people, people["handler"])
    dossier = actions.dossier_submit_for_approval(dossier=dossier, actor=people["handler"],
                                                   at=at(3))
    dossier = actions.dossier_refuse(dossier=dossier, actor=people["leader"],
                                      reason="Không đủ điều kiện kết hôn", at=at(4, 10))
    actions.dossier_record_personal_data_view(dossier=dossier, actor=people["director"],
                                               at=at(6))
    text = pdf_text(_form(client, people["director"], dossier, "mau-03"))
    assert "Trần Minh Chủ" in text and "Võ Đức Xem" not in text
    assert "Không đủ điều kiện kết hôn" in text
    assert dated(4) in text


def test_mau_03_at_intake_names_the_counter_officer_and_the_day(client, catalogue, people):
    dossier = actions.dossier_create(
        procedure_code=catalogue.civil.code, applicant=applicant(), actor=people["counter"],
        channel="direct", at=at(2),
        documents=[actions.SubmittedDocument(name="Tờ khai", copy_type="original")],
    )
    dossier = actions.dossier_refuse_intake(dossier=dossier, actor=people["counter"],
                                             reason="Không thuộc thẩm quyền", at=at(2, 15))
    actions.dossier_record_personal_data_view(dossier=dossier, actor=people["director"],
                                               at=at(6))
    text = pdf_text(_form(client, people["director"], dossier, "mau-03"))
    assert "Lê Thu Tiếp" in text and "Võ Đức Xem" not in text
    assert dated(2) in text


def test_mau_03_signed_under_an_authorisation_says_tuq_and_names_the_document(
    client, catalogue, people
):
    Authorisation.objects.create(
        authoriser=people["leader"], authorised=people["director"],
        procedure_codes=[catalogue.civil.root_code], valid_from=date(2026, 3, 1),
        valid_until=date(2026, 12, 31), document_number="15/QĐ-UBND",
    )
    dossier = _received(catalogue.civil, people, people["handler"])
    dossier = actions.dossier_submit_for_approval(dossier=dossier, actor=people["handler"],
                                                   at=at(3))
    dossier = actions.dossier_refuse(dossier=dossier, actor=people["director"],
                                      reason="Không đủ điều kiện", at=at(4, 10))
    text = pdf_text(_form(client, people["counter"], dossier, "mau-03"))
    # The signed form's signing block: the authoriser's title above the signer's.
    assert "TUQ. CHỦ TỊCH" in text and "GIÁM ĐỐC TRUNG TÂM" in text
    assert "Võ Đức Xem" in text and "15/QĐ-UBND" in text
