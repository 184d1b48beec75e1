"""Post-audit (hậu kiểm): the draw, the authoriser's review, corrections and the figures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cases import actions
from cases.delegation_services import authorisation_grant
from cases.models import Dossier, DossierEvent, Finding, PostAuditDraw, PostAuditRule
from cases.post_audit import (
    FEE,
    NEW_DELEGATE,
    REFUSAL,
    Rule,
    matched_reasons,
    redraw,
    uniform,
)
from cases.post_audit_review import post_audit_record_finding
from cases.post_audit_selectors import post_audit_report
from cases.tasks import post_audit_reminders
from intake.models import Notification
from tests.factories import UserFactory, dossier_in
from tests.intake.helpers import resident as make_resident
from thanhsen.errors import ApplicationError, ErrorKind
from thanhsen.roles import Role

pytestmark = pytest.mark.django_db

ONLY_RANDOM = Rule(source="", random_percent=10.0, every_refusal=False, fee_above=None,
                   every_decision=False, new_delegate_days=0)


def _share(secret: str) -> tuple[float, list[bool]]:
    drawn = [
        bool(matched_reasons(rule=ONLY_RANDOM, value=uniform(f"{i}:{i + 7}", secret=secret),
                             refused=False, fee=0, days_delegated=400))
        for i in range(10_000)
    ]
    return sum(drawn) / len(drawn), drawn


def test_the_random_share_holds_over_ten_thousand_decisions_and_is_reproducible():
    share, drawn = _share("bi-mat-cua-phuong")
    again, drawn_again = _share("bi-mat-cua-phuong")
    _other, drawn_other_secret = _share("bi-mat-khac")

    # 10% of 10,000: the standard deviation is 30 decisions, so ±1 point is over 3 sigma.
    assert 0.09 <= share <= 0.11
    assert drawn == drawn_again and again == share
    assert drawn != drawn_other_secret


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [({"refused": True}, REFUSAL), ({"fee": 500_001}, FEE), ({"days_delegated": 3}, NEW_DELEGATE)],
    ids=["refusal", "fee-above", "first-month"],
)
def test_risk_rules_draw_whatever_the_random_part_says(kwargs, reason):
    rule = Rule(source="", random_percent=0.0, every_refusal=True, fee_above=500_000,
                every_decision=False, new_delegate_days=30)
    values = {"refused": False, "fee": 0, "days_delegated": 400, **kwargs}

    assert matched_reasons(rule=rule, value=0.99, **values) == [reason]


@pytest.fixture
def chairman(catalogue):
    return UserFactory(role=Role.WARD_LEADER, position="Chủ tịch")


@pytest.fixture
def director(catalogue):
    return UserFactory(role=Role.CENTER_DIRECTOR, department=catalogue.center,
                       position="Giám đốc Trung tâm")


@pytest.fixture
def authorisation(chairman, director):
    today = timezone.localdate()
    return authorisation_grant(
        actor=chairman, authorised=director, procedure_codes=["1.000894"],
        valid_from=today - timedelta(days=200), valid_until=today + timedelta(days=90),
        document_number="15/QĐ-UBND", decision_date=today - timedelta(days=201),
    )


def decided(catalogue, chairman, director, *, refuse=False, resident=None):
    dossier = dossier_in("awaiting_approval", procedure=catalogue.civil, signer=chairman,
                         resident=resident)
    if refuse:
        return actions.dossier_refuse(dossier=dossier, actor=director, reason="Không đủ điều kiện")
    return actions.dossier_approve(dossier=dossier, actor=director)


def test_a_decision_under_delegation_is_drawn_when_signed_with_what_the_draw_used(
    catalogue, chairman, director, authorisation, settings
):
    settings.POST_AUDIT_SECRET = "bi-mat"
    dossier = decided(catalogue, chairman, director, refuse=True)

    draw = PostAuditDraw.objects.get(dossier=dossier)
    event = DossierEvent.objects.get(dossier=dossier, action="refuse")
    assert draw.decision_event == event and draw.authorisation == authorisation
    assert draw.hmac_message == f"{dossier.pk}:{event.pk}"
    assert draw.draw_value == uniform(draw.hmac_message, secret="bi-mat")
    assert REFUSAL in draw.reasons and draw.drawn
    assert draw.rule["random_percent"] == 10.0
    assert redraw(draw)
    assert draw.review_due_at > event.at + timedelta(days=13)  # 10 working days: two weeks+


def test_a_decision_in_one_s_own_right_is_not_drawn(catalogue, chairman):
    dossier = dossier_in("resolved", procedure=catalogue.civil, signer=chairman)

    assert not PostAuditDraw.objects.filter(dossier=dossier).exists()


def test_a_procedure_rule_draws_every_decision_of_it(catalogue, chairman, director, authorisation):
    PostAuditRule.objects.create(procedure_code="1.000894", random_percent=0,
                                 every_refusal=False, every_decision=True, new_delegate_days=0)

    dossier = decided(catalogue, chairman, director)

    assert PostAuditDraw.objects.get(dossier=dossier).reasons == ["procedure"]


def test_sai_opens_a_correction_the_resident_sees_and_is_told_of(
    tasks_in_process, catalogue, chairman, director, authorisation, client, django_capture_on_commit_callbacks
):
    owner = make_resident()
    dossier = decided(catalogue, chairman, director, refuse=True, resident=owner)
    draw = PostAuditDraw.objects.get(dossier=dossier)

    with django_capture_on_commit_callbacks(execute=True):
        post_audit_record_finding(draw=draw, actor=chairman, finding=Finding.WRONG,
                                  notes="Đủ điều kiện đăng ký; từ chối không đúng.")

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.correction_reason == "Đủ điều kiện đăng ký; từ chối không đúng."
    event = DossierEvent.objects.filter(dossier=dossier).latest("id")
    assert (event.action, event.actor) == ("open_correction", chairman)
    assert Notification.objects.filter(event=event, kind="correction").exists()
    client.force_login(owner)
    page = client.get(reverse("intake:my_dossier", args=[dossier.code])).content.decode()
    assert "Kết quả đang được điều chỉnh" in page
    assert "Đủ điều kiện đăng ký; từ chối không đúng." in page
    assert PostAuditDraw.objects.get(pk=draw.pk).correction_opened


def test_a_finding_can_suspend_the_delegation_and_later_decisions_are_refused(
    catalogue, chairman, director, authorisation
):
    draw = PostAuditDraw.objects.get(dossier=decided(catalogue, chairman, director, refuse=True))

    post_audit_record_finding(draw=draw, actor=chairman, finding=Finding.NEEDS_CORRECTION,
                              notes="Lý do từ chối chưa nêu căn cứ.", suspend=True)

    authorisation.refresh_from_db()
    assert authorisation.suspended_at is not None
    assert not Dossier.objects.get(pk=draw.dossier_id).correction_opened_at
    later = dossier_in("awaiting_approval", procedure=catalogue.civil, signer=chairman)
    with pytest.raises(ApplicationError) as info:
        actions.dossier_approve(dossier=later, actor=director)
    assert info.value.kind is ErrorKind.FORBIDDEN


def test_only_the_authoriser_reviews(catalogue, chairman, director, authorisation):
    draw = PostAuditDraw.objects.get(dossier=decided(catalogue, chairman, director, refuse=True))
    other_leader = UserFactory(role=Role.WARD_LEADER)

    with pytest.raises(ApplicationError) as info:
        post_audit_record_finding(draw=draw, actor=other_leader, finding=Finding.CORRECT)

    assert info.value.kind is ErrorKind.FORBIDDEN
    assert PostAuditDraw.objects.get(pk=draw.pk).reviewed_at is None


def test_a_finding_other_than_correct_needs_notes(catalogue, chairman, director, authorisation):
    draw = PostAuditDraw.objects.get(dossier=decided(catalogue, chairman, director, refuse=True))

    with pytest.raises(ApplicationError) as info:
        post_audit_record_finding(draw=draw, actor=chairman, finding=Finding.WRONG)

    assert "notes" in info.value.fields


def test_the_report_counts_coverage_findings_and_corrections(catalogue, chairman, director,
                                                             authorisation):
    PostAuditRule.objects.create(procedure_code="", random_percent=0, every_refusal=True,
                                 new_delegate_days=0)
    decided(catalogue, chairman, director)
    refused = decided(catalogue, chairman, director, refuse=True)
    post_audit_record_finding(draw=PostAuditDraw.objects.get(dossier=refused), actor=chairman,
                              finding=Finding.WRONG, notes="Sai căn cứ")

    report = post_audit_report()

    assert (report.decided, report.drawn, report.reviewed, report.corrections) == (2, 1, 1, 1)
    assert report.coverage == 0.5
    assert report.by_procedure[0]["wrong"] == 1
    assert report.by_delegate[0]["decided"] == 2


def _reminders(chairman):
    return [m for m in mail.outbox if m.to == [chairman.email]]


def test_the_authoriser_is_reminded_once_when_a_review_falls_due_and_once_when_overdue(
    catalogue, chairman, director, authorisation, settings
):
    assert settings.CELERY_BEAT_SCHEDULE["cases-post-audit-reminders"]["task"] == \
        "cases.tasks.post_audit_reminders"
    chairman.email = "chutich@thanhsen.example.vn"
    chairman.save(update_fields=["email"])
    draw = PostAuditDraw.objects.get(dossier=decided(catalogue, chairman, director, refuse=True))
    now = timezone.now()
    PostAuditDraw.objects.filter(pk=draw.pk).update(review_due_at=now + timedelta(days=20))

    assert post_audit_reminders() == {"due_soon": 0, "overdue": 0}
    PostAuditDraw.objects.filter(pk=draw.pk).update(review_due_at=now + timedelta(hours=3))
    post_audit_reminders()
    post_audit_reminders()

    [soon] = _reminders(chairman)
    assert soon.subject == f"Sắp đến hạn hậu kiểm hồ sơ {draw.dossier.code}"
    assert reverse("cases:post_audit_review", args=[draw.pk]) in soon.body

    PostAuditDraw.objects.filter(pk=draw.pk).update(review_due_at=now - timedelta(hours=1))
    post_audit_reminders()
    post_audit_reminders()

    assert [m.subject for m in _reminders(chairman)] == [
        f"Sắp đến hạn hậu kiểm hồ sơ {draw.dossier.code}",
        f"Quá hạn hậu kiểm hồ sơ {draw.dossier.code}",
    ]


def test_a_review_already_overdue_gets_only_the_overdue_reminder_and_a_reviewed_one_none(
    catalogue, chairman, director, authorisation
):
    chairman.email = "chutich@thanhsen.example.vn"
    chairman.save(update_fields=["email"])
    late = PostAuditDraw.objects.get(dossier=decided(catalogue, chairman, director, refuse=True))
    done = PostAuditDraw.objects.get(dossier=decided(catalogue, chairman, director, refuse=True))
    post_audit_record_finding(draw=done, actor=chairman, finding=Finding.CORRECT)
    PostAuditDraw.objects.filter(pk__in=[late.pk, done.pk]).update(
        review_due_at=timezone.now() - timedelta(days=1))

    assert post_audit_reminders() == {"due_soon": 0, "overdue": 1}

    [reminder] = _reminders(chairman)
    assert reminder.subject == f"Quá hạn hậu kiểm hồ sơ {late.dossier.code}"
