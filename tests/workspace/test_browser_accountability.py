"""Issue 15 in Debian's Chromium: the chairman delegates to the director, the director signs
under it, the post-audit draws the decision, the chairman reviews it as "cần chấn chỉnh", and
the resident's signed result verifies from its QR code's page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Authorisation, Finding, PostAuditDraw, Status
from intake.signing.models import SignedDocument
from tests.factories import UserFactory, dossier_in
from tests.samples import pdf_bytes
from tests.workspace.helpers import pdf_text
from thanhsen.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.pdf, pytest.mark.django_db(transaction=True)]

PASSWORD = "matkhau-thu-nghiem"


def login(page, live_server, user):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_delegate_sign_post_audit_and_verify(page, live_server, catalogue, counter, handler,
                                            screenshot, tmp_path):
    page.set_viewport_size({"width": 1280, "height": 900})
    chairman = UserFactory(role=Role.WARD_LEADER, position="Chủ tịch")
    director = UserFactory(role=Role.CENTER_DIRECTOR, department=catalogue.center,
                           position="Giám đốc Trung tâm")
    resident = UserFactory(role=Role.RESIDENT)
    dossier = dossier_in("awaiting_approval", procedure=catalogue.civil, counter=counter,
                         handler=handler, resident=resident)
    scan = tmp_path / "qd-30.pdf"
    scan.write_bytes(pdf_bytes())
    today = timezone.localdate()

    login(page, live_server, chairman)
    page.goto(live_server.url + reverse("cases:delegation"))
    page.select_option("#id_authorised", str(director.pk))
    page.check(f"input[name=procedure_codes][value='{catalogue.civil.code}']")
    page.fill("#id_valid_from", today.isoformat())
    page.fill("#id_valid_until", (today + timedelta(days=90)).isoformat())
    page.fill("#id_document_number", "30/QĐ-UBND")
    page.fill("#id_decision_date", today.isoformat())
    page.set_input_files("#id_scan", str(scan))
    page.click("button:has-text('Ghi vào sổ ủy quyền')")
    page.wait_for_selector("text=Đã ghi văn bản ủy quyền số 30/QĐ-UBND.")
    screenshot("register")
    assert Authorisation.objects.get().authorised == director

    login(page, live_server, director)
    page.goto(live_server.url + reverse("cases:dossier", args=[dossier.code]))
    assert "Bạn ký theo ủy quyền" in page.inner_text(".actions")
    page.click("summary:has-text('Phê duyệt, ký')")
    page.click("button:has-text('Xác nhận: Phê duyệt, ký')")
    page.wait_for_selector("text=Đã thực hiện: Phê duyệt, ký.")
    dossier.refresh_from_db()
    assert dossier.status == Status.RESOLVED
    assert dossier.signed_as == ["TUQ. CHỦ TỊCH", "GIÁM ĐỐC TRUNG TÂM"]
    draw = PostAuditDraw.objects.get(dossier=dossier)
    assert draw.drawn  # a delegate in their first month: every decision is drawn

    login(page, live_server, chairman)
    page.goto(live_server.url + reverse("cases:post_audit"))
    screenshot("post-audit-queue")
    page.click(f"a:has-text('{dossier.code}')")
    page.check(f"input[name=finding][value={Finding.NEEDS_CORRECTION}]")
    page.fill("#id_notes", "Ghi đủ căn cứ pháp lý trong quyết định.")
    screenshot("post-audit-review")
    page.click("button:has-text('Ghi kết luận')")
    page.wait_for_selector("text=Đã ghi kết luận hậu kiểm")
    draw.refresh_from_db()
    assert draw.finding == Finding.NEEDS_CORRECTION and draw.reviewer == chairman

    login(page, live_server, resident)
    page.goto(live_server.url + reverse("intake:my_dossier", args=[dossier.code]))
    result = page.request.get(live_server.url + page.get_attribute("[data-result]", "href"))
    assert result.headers["content-type"] == "application/pdf"
    assert "TUQ. CHỦ TỊCH" in pdf_text(result.body())
    document = SignedDocument.objects.get(dossier=dossier, key="ket-qua")
    page.goto(live_server.url + reverse("signing:verify", args=[document.id]))
    assert page.inner_text("[data-verdict] h2") == "Hợp lệ"
    assert "TUQ. CHỦ TỊCH / GIÁM ĐỐC TRUNG TÂM" in page.inner_text("main")
    page.set_input_files("#id_copy", files=[{"name": "ket-qua.pdf", "mimeType": "application/pdf",
                                             "buffer": result.body()}])
    page.click("button:has-text('Kiểm tra')")
    page.wait_for_selector("[data-copy-verdict=valid]")
    screenshot("verified")
