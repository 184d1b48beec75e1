"""An e-certified copy reused as a component of another dossier, and the 766 reuse metric."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import actions
from cases.delegation_services import authorisation_grant
from cases.models import DossierDocument
from cases.periods import Period
from intake.documents.certified import render_certified_copy
from intake.signing.models import SignedDocument
from intake.signing.reuse import dossier_reuse_certified_copy_by_reference
from reports import rollups
from reports.indicators import indicator_list
from tests.factories import UserFactory, applicant, dossier_in
from tests.intake.helpers import resident as make_resident
from tests.workspace.helpers import png, text
from thanhsen.errors import ApplicationError
from thanhsen.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def certified(catalogue, counter, handler):
    """A birth certificate copy certified at the center for the default applicant."""

    def make(**applicant_overrides):
        chairman = UserFactory(role=Role.WARD_LEADER, position="Chủ tịch")
        director = UserFactory(role=Role.CENTER_DIRECTOR, department=catalogue.center,
                               position="Giám đốc Trung tâm")
        today = timezone.localdate()
        authorisation_grant(actor=chairman, authorised=director,
                            procedure_codes=[catalogue.certification.root_code],
                            valid_from=today - timedelta(days=1),
                            valid_until=today + timedelta(days=30),
                            document_number="15/QĐ-UBND", decision_date=today)
        dossier = actions.copy_certification_receive(
            procedure_code=catalogue.certification.code,
            applicant=applicant(**applicant_overrides), actor=counter,
            document_name="Giấy khai sinh", pages=1, scan=png())
        actions.dossier_assign(dossier=dossier, actor=handler, handler=handler)
        dossier = actions.dossier_submit_for_approval(dossier=dossier, actor=handler)
        return actions.copy_certification_certify(dossier=dossier, actor=director,
                                                   render=render_certified_copy)

    return make


def reuse_rate():
    rollups.refresh(full=True)
    today = timezone.localdate()
    result = {r.spec.code: r for r in indicator_list(period=Period.month(today.year, today.month))}
    return result["reuse"].measure.numerator, result["reuse"].measure.denominator


def test_the_counter_attaches_a_certified_copy_by_its_number_and_the_766_metric_counts_it(
    client, catalogue, counter, certified
):
    certification = certified()
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    assert reuse_rate() == (0, 2)
    client.force_login(counter)
    page = text(client.get(reverse("cases:dossier", args=[dossier.code])))
    assert "Dùng lại bản sao điện tử có chứng thực" in page

    done = client.post(reverse("signing:reuse_copy_at_counter", args=[dossier.code]),
                       {"reference": f" {certification.register_number.lower()} "}, follow=True)

    assert "Đã thêm bản sao điện tử có chứng thực vào thành phần hồ sơ." in text(done)
    component = DossierDocument.objects.get(dossier=dossier, certified_copy=certification)
    assert component.reused and component.copy_type == "electronic"
    assert certification.register_number in component.name
    with component.file.open("rb") as attached, certification.certified_pdf.open("rb") as signed:
        assert attached.read() == signed.read()
    assert "tái sử dụng" in text(done)
    assert dossier.events.filter(action="reuse_certified_copy", actor=counter).exists()
    assert reuse_rate() == (1, 2)

    again = client.post(reverse("signing:reuse_copy_at_counter", args=[dossier.code]),
                        {"reference": certification.register_number}, follow=True)
    assert "Bản sao này đã là thành phần của hồ sơ." in text(again)
    assert DossierDocument.objects.filter(certified_copy=certification).count() == 1


def test_the_resident_attaches_their_own_copy_online_by_its_verification_id(
    client, catalogue, certified
):
    certification = certified()
    other_persons = certified(id_number="042090009999", name="Trần Thị Bình")
    owner = make_resident()
    dossier = dossier_in("submitted", procedure=catalogue.civil, resident=owner)
    signed_id = SignedDocument.objects.get(dossier=certification.dossier, kind="certified_copy").pk
    client.force_login(owner)
    url = reverse("signing:reuse_copy_online", args=[dossier.code])
    assert url in client.get(reverse("intake:my_dossier", args=[dossier.code])).content.decode()

    foreign = client.post(url, {"reference": other_persons.register_number}, follow=True)
    unknown = client.post(url, {"reference": "999/2026/SCT/BS"}, follow=True)
    garbage = client.post(url, {"reference": "abc"}, follow=True)
    done = client.post(url, {"reference": f"https://mc.example.vn/xac-thuc/{signed_id}/"},
                       follow=True)

    assert "Bản sao này không được chứng thực cho người nộp hồ sơ." in text(foreign)
    assert "Không có bản sao điện tử có chứng thực nào với số hoặc mã này." in text(unknown)
    assert "Nhập số chứng thực (ví dụ 12/2026/SCT/BS)" in text(garbage)
    assert "Đã thêm bản sao điện tử có chứng thực vào thành phần hồ sơ." in text(done)
    [component] = DossierDocument.objects.filter(dossier=dossier, reused=True)
    assert component.certified_copy == certification


def test_a_copy_whose_signed_file_was_altered_is_not_reused(catalogue, counter, certified):
    certification = certified()
    document = SignedDocument.objects.get(dossier=certification.dossier, kind="certified_copy")
    SignedDocument.objects.filter(pk=document.pk).update(sha256="0" * 64)
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)

    with pytest.raises(ApplicationError) as info:
        dossier_reuse_certified_copy_by_reference(dossier=dossier, actor=counter,
                                                  reference=certification.register_number)
    assert info.value.fields["reference"] == [
        "Bản sao này không còn hợp lệ nên không dùng lại được."]
    assert not DossierDocument.objects.filter(dossier=dossier, reused=True).exists()
