"""A post-audit "sai" finding, then the corrected result: signed again, the old one superseded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import actions
from cases.delegation_services import authorisation_grant, authorisation_suspend
from cases.models import Dossier, Finding, Outcome, PostAuditDraw
from cases.post_audit_review import post_audit_record_finding
from intake.models import Notification
from intake.signing.documents import signed_result
from intake.signing.models import SignedDocument
from intake.signing.verify import VALID, verify_copy
from tests.factories import UserFactory, dossier_in
from tests.intake.helpers import resident as make_resident
from tests.workspace.helpers import pdf_text
from thanhsen.errors import ApplicationError, ErrorKind
from thanhsen.roles import Role

pytestmark = pytest.mark.django_db

WRONG = "Đủ điều kiện đăng ký; từ chối không đúng."


@pytest.fixture
def chairman(catalogue):
    return UserFactory(role=Role.WARD_LEADER, position="Chủ tịch")


@pytest.fixture
def director(catalogue):
    return UserFactory(role=Role.CENTER_DIRECTOR, department=catalogue.center,
                       position="Giám đốc Trung tâm")


@pytest.fixture
def refused_wrongly(catalogue, chairman, director, django_capture_on_commit_callbacks):
    """A refusal signed by the director under delegation, found "sai" by the chairman; the
    first signed result was already issued and handed to the resident."""
    today = timezone.localdate()
    authorisation_grant(
        actor=chairman, authorised=director, procedure_codes=["1.000894"],
        valid_from=today - timedelta(days=200), valid_until=today + timedelta(days=90),
        document_number="15/QĐ-UBND", decision_date=today - timedelta(days=201),
    )
    owner = make_resident()
    dossier = dossier_in("awaiting_approval", procedure=catalogue.civil, signer=chairman,
                         resident=owner)
    dossier = actions.dossier_refuse(dossier=dossier, actor=director, reason="Thiếu giấy tờ")
    first = signed_result(dossier)
    with django_capture_on_commit_callbacks(execute=True):
        post_audit_record_finding(draw=PostAuditDraw.objects.get(dossier=dossier),
                                  actor=chairman, finding=Finding.WRONG, notes=WRONG)
    return Dossier.objects.get(pk=dossier.pk), first, owner


def test_the_authoriser_reissues_the_corrected_result_which_supersedes_the_old_one(
    tasks_in_process, client, chairman, refused_wrongly, django_capture_on_commit_callbacks
):
    dossier, first, owner = refused_wrongly
    resolved_at = dossier.resolved_at

    with django_capture_on_commit_callbacks(execute=True):
        actions.dossier_correct_result(dossier=dossier, actor=chairman, outcome=Outcome.APPROVED,
                                        reason="Chấp thuận đăng ký khai sinh.")

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert (dossier.outcome, dossier.decided_by) == (Outcome.APPROVED, chairman)
    assert dossier.decided_under is None and dossier.signed_as[0].startswith("TM.")
    assert dossier.resolved_at == resolved_at  # the statistics keep the first decision's time
    assert dossier.correction_opened_at is None and dossier.result_corrected_at
    event = dossier.events.latest("id")
    assert (event.action, event.actor) == ("correct_result", chairman)
    told = Notification.objects.get(event=event, channel="email")
    assert told.kind == "result_corrected" and "chấp thuận" in told.body

    new = signed_result(dossier)
    assert new.pk != first.pk and new.signer == chairman
    assert SignedDocument.objects.get(pk=first.pk).superseded_by == new
    with new.file.open("rb") as stored:
        content = stored.read()
    assert verify_copy(content).state == VALID
    assert "thay thế kết quả đã cấp trước đó" in pdf_text(content)
    assert "hồ sơ được giải quyết theo đề nghị" in pdf_text(content)

    old_page = client.get(reverse("signing:verify", args=[first.pk])).content.decode()
    assert "Văn bản này đã được thay thế" in old_page
    assert reverse("signing:verify", args=[new.pk]) in old_page
    new_page = client.get(reverse("signing:verify", args=[new.pk])).content.decode()
    assert "Văn bản này đã được thay thế" not in new_page

    client.force_login(owner)
    mine = client.get(reverse("intake:my_dossier", args=[dossier.code])).content.decode()
    assert "Kết quả đã được điều chỉnh" in mine and "Kết quả đang được điều chỉnh" not in mine
    download = client.get(reverse("signing:my_result", args=[dossier.code]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content if download.streaming else [download.content]) \
        == content


def test_a_suspended_delegate_cannot_reissue_and_nothing_is_corrected_twice(
    catalogue, chairman, director, refused_wrongly
):
    dossier, _first, _owner = refused_wrongly
    authorisation_suspend(authorisation=dossier.decided_under, actor=chairman,
                          reason="Hậu kiểm: từ chối sai.")
    with pytest.raises(ApplicationError) as suspended:
        actions.dossier_correct_result(dossier=dossier, actor=director,
                                        outcome=Outcome.APPROVED, reason="Chấp thuận")
    assert suspended.value.kind is ErrorKind.FORBIDDEN

    actions.dossier_correct_result(dossier=dossier, actor=chairman, outcome=Outcome.REFUSED,
                                    reason="Từ chối: thiếu tờ khai (Điều 16 Luật Hộ tịch).")

    with pytest.raises(ApplicationError) as again:
        actions.dossier_correct_result(dossier=dossier, actor=chairman,
                                        outcome=Outcome.APPROVED, reason="Chấp thuận")
    assert again.value.kind is ErrorKind.CONFLICT

    other = dossier_in("resolved", procedure=catalogue.civil, signer=chairman)
    with pytest.raises(ApplicationError) as not_open:
        actions.dossier_correct_result(dossier=other, actor=chairman,
                                        outcome=Outcome.APPROVED, reason="Chấp thuận")
    assert not_open.value.kind is ErrorKind.CONFLICT


def test_the_corrected_refusal_needs_its_reasons(chairman, refused_wrongly):
    dossier, _first, _owner = refused_wrongly

    with pytest.raises(ApplicationError) as info:
        actions.dossier_correct_result(dossier=dossier, actor=chairman,
                                        outcome=Outcome.REFUSED, reason="  ")

    assert "reason" in info.value.fields
    assert Dossier.objects.get(pk=dossier.pk).correction_opened_at


def test_the_chairman_reissues_from_the_dossier_page(client, chairman, refused_wrongly):
    dossier, _first, _owner = refused_wrongly
    url = reverse("cases:action", args=[dossier.code, "correct_result"])
    client.force_login(chairman)
    page = client.get(reverse("cases:dossier", args=[dossier.code])).content.decode()
    assert url in page and "Cấp lại kết quả đã điều chỉnh" in page
    empty = client.post(url, {"correct_result-outcome": "approved", "correct_result-reason": ""})
    assert empty.status_code == 400
    assert "Cần ghi rõ nội dung kết quả đã điều chỉnh." in empty.content.decode()

    done = client.post(url, {"correct_result-outcome": "approved",
                             "correct_result-reason": "Chấp thuận đăng ký khai sinh."}, follow=True)

    assert "Đã thực hiện: Cấp lại kết quả đã điều chỉnh." in done.content.decode()
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.outcome == Outcome.APPROVED and dossier.result_corrected_at
    assert url not in done.content.decode()
