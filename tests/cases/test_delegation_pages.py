"""The register and post-audit pages: who sees what, and the forms' round trips."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases import actions
from cases.delegation_services import authorisation_grant
from cases.models import Authorisation, Finding, PostAuditDraw
from tests.factories import UserFactory, dossier_in
from tests.samples import pdf_bytes
from thanhsen.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def chairman(catalogue):
    return UserFactory(role=Role.WARD_LEADER, position="Chủ tịch")


@pytest.fixture
def director(catalogue):
    return UserFactory(role=Role.CENTER_DIRECTOR, department=catalogue.center,
                       position="Giám đốc Trung tâm")


def grant(chairman, director, **overrides):
    today = timezone.localdate()
    values = dict(actor=chairman, authorised=director, procedure_codes=["1.000894"],
                  valid_from=today - timedelta(days=40), valid_until=today + timedelta(days=10),
                  document_number="15/QĐ-UBND", decision_date=today - timedelta(days=41))
    return authorisation_grant(**{**values, **overrides})


def test_the_leader_sees_who_holds_what_expiring_and_decisions_taken(catalogue, client, chairman,
                                                                     director):
    authorisation = grant(chairman, director)
    dossier = dossier_in("awaiting_approval", procedure=catalogue.civil, signer=chairman)
    actions.dossier_approve(dossier=dossier, actor=director)
    client.force_login(chairman)

    page = client.get(reverse("cases:delegation")).content.decode()

    assert page.count('data-authorisation="15/QĐ-UBND"') == 2  # in force, and expiring soon
    assert "Sắp hết hiệu lực" in page
    row = page.split('data-authorisation="15/QĐ-UBND"')[1].split("</tr>")[0]
    assert '<td class="num">1</td>' in row
    assert authorisation.authorised_title in row


def test_the_leader_records_an_authorisation_with_its_scan(catalogue, client, chairman, director):
    client.force_login(chairman)
    today = timezone.localdate()

    response = client.post(reverse("cases:delegation"), {
        "authorised": director.pk, "procedure_codes": [catalogue.civil.code],
        "valid_from": today.isoformat(), "valid_until": (today + timedelta(days=30)).isoformat(),
        "document_number": "20/QĐ-UBND", "decision_date": today.isoformat(),
        "scan": SimpleUploadedFile("qd.pdf", pdf_bytes(), content_type="application/pdf"),
    })

    assert response.status_code == 302
    authorisation = Authorisation.objects.get(document_number="20/QĐ-UBND")
    assert authorisation.procedure_codes == [catalogue.civil.code]
    assert authorisation.scan


def test_the_form_refuses_a_missing_scan_with_a_message(catalogue, client, chairman, director):
    client.force_login(chairman)

    response = client.post(reverse("cases:delegation"), {"authorised": director.pk})

    assert response.status_code == 400
    assert "Có lỗi cần sửa" in response.content.decode()
    assert not Authorisation.objects.exists()


def test_the_leader_revokes_from_the_page(catalogue, client, chairman, director):
    authorisation = grant(chairman, director)
    client.force_login(chairman)

    client.post(reverse("cases:delegation_revoke", args=[authorisation.pk]),
                {"reason": "Hết nhu cầu"})

    authorisation.refresh_from_db()
    assert authorisation.revocation_reason == "Hết nhu cầu"


def test_the_delegate_sees_what_they_may_sign(catalogue, client, chairman, director):
    grant(chairman, director)
    client.force_login(director)

    page = client.get(reverse("cases:delegation")).content.decode()

    assert "Thẩm quyền ký của tôi" in page
    assert catalogue.civil.name in page
    assert "TUQ. CHỦ TỊCH / GIÁM ĐỐC TRUNG TÂM" in page
    assert director.authorisations_received.count() == 1
    assert client.post(reverse("cases:delegation"), {}).status_code == 200
    assert not Authorisation.objects.filter(authoriser=director).exists()


def test_a_handler_may_not_open_the_register_or_the_post_audit(client, handler):
    client.force_login(handler)

    assert client.get(reverse("cases:delegation")).status_code == 403
    assert client.get(reverse("cases:post_audit")).status_code == 403


def test_the_authoriser_reviews_from_the_queue(catalogue, client, chairman, director):
    grant(chairman, director)
    dossier = dossier_in("awaiting_approval", procedure=catalogue.civil, signer=chairman)
    actions.dossier_refuse(dossier=dossier, actor=director, reason="Thiếu giấy tờ")
    draw = PostAuditDraw.objects.get(dossier=dossier)
    client.force_login(chairman)

    queue = client.get(reverse("cases:post_audit")).content.decode()
    review = client.get(reverse("cases:post_audit_review", args=[draw.pk])).content.decode()
    response = client.post(reverse("cases:post_audit_review", args=[draw.pk]),
                           {"finding": Finding.NEEDS_CORRECTION, "notes": "Nêu rõ căn cứ"})

    assert f'data-draw="{dossier.code}"' in queue
    assert "TUQ. CHỦ TỊCH / GIÁM ĐỐC TRUNG TÂM" in review
    assert "Thiếu giấy tờ" in review
    assert response.status_code == 302
    assert PostAuditDraw.objects.get(pk=draw.pk).finding == Finding.NEEDS_CORRECTION
    export = client.get(reverse("cases:post_audit_export")).content.decode("utf-8-sig")
    assert "Cần chấn chỉnh" in export.splitlines()[0]


def test_another_leader_cannot_open_someone_else_s_review(catalogue, client, chairman, director):
    grant(chairman, director)
    dossier = dossier_in("awaiting_approval", procedure=catalogue.civil, signer=chairman)
    actions.dossier_refuse(dossier=dossier, actor=director, reason="Thiếu giấy tờ")
    client.force_login(UserFactory(role=Role.WARD_LEADER))

    response = client.get(reverse("cases:post_audit_review",
                                  args=[PostAuditDraw.objects.get(dossier=dossier).pk]))

    assert response.status_code == 404


def test_the_leader_s_dashboard_shows_post_audit_coverage(catalogue, client, chairman, director):
    grant(chairman, director)
    dossier = dossier_in("awaiting_approval", procedure=catalogue.civil, signer=chairman)
    actions.dossier_refuse(dossier=dossier, actor=director, reason="Thiếu giấy tờ")
    client.force_login(chairman)

    page = client.get(reverse("reports:dashboard")).content.decode()

    section = page.split("data-post-audit")[1].split("</section>")[0]
    assert "Hậu kiểm quyết định theo ủy quyền" in section
    assert "100%" in section  # one decision under delegation, drawn (a refusal)
    assert reverse("cases:post_audit") in section
