"""The delegation register: who may authorise whom for what, revocation, and the signing lines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases import actions
from cases.delegation_services import authorisation_grant, authorisation_revoke
from cases.models import Authorisation, Dossier
from tests.factories import UserFactory, dossier_in
from thanhsen.errors import ApplicationError, ErrorKind
from thanhsen.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def chairman(catalogue):
    return UserFactory(role=Role.WARD_LEADER, position="Chủ tịch")


@pytest.fixture
def vice_chairman(catalogue):
    return UserFactory(role=Role.WARD_LEADER, position="Phó Chủ tịch")


@pytest.fixture
def director(catalogue):
    return UserFactory(role=Role.CENTER_DIRECTOR, department=catalogue.center,
                       position="Giám đốc Trung tâm")


def grant(authoriser, authorised, codes=("1.000894",), **overrides):
    today = timezone.localdate()
    values = dict(
        actor=authoriser, authorised=authorised, procedure_codes=list(codes),
        valid_from=today - timedelta(days=1), valid_until=today + timedelta(days=90),
        document_number="15/QĐ-UBND", decision_date=today - timedelta(days=2),
    )
    values.update(overrides)
    return authorisation_grant(**values)


def refused(call, kind: ErrorKind) -> ApplicationError:
    with pytest.raises(ApplicationError) as info:
        call()
    assert info.value.kind is kind
    return info.value


def awaiting_approval(catalogue, chairman):
    return dossier_in("awaiting_approval", procedure=catalogue.civil, signer=chairman)


def test_chairman_authorises_the_director_with_the_decision_as_written(catalogue, chairman,
                                                                       director):
    scan = SimpleUploadedFile("qd-15.pdf", b"%PDF-1.4 scan", content_type="application/pdf")

    authorisation = grant(chairman, director, scan=scan)

    authorisation.refresh_from_db()
    assert authorisation.authoriser == chairman and authorisation.authorised == director
    assert authorisation.procedure_codes == ["1.000894"]
    assert authorisation.document_number == "15/QĐ-UBND"
    assert authorisation.decision_date == timezone.localdate() - timedelta(days=2)
    assert authorisation.scan.read() == b"%PDF-1.4 scan"
    assert (authorisation.authoriser_title, authorisation.authorised_title) == (
        "Chủ tịch", "Giám đốc Trung tâm")


def test_a_delegate_may_not_delegate_further(catalogue, chairman, director):
    grant(chairman, director)
    specialist = UserFactory(role=Role.COUNTER_OFFICER, department=catalogue.center)

    error = refused(lambda: grant(director, specialist), ErrorKind.FORBIDDEN)

    assert error.message == "Người được ủy quyền không được ủy quyền lại cho người khác."
    assert not Authorisation.objects.filter(authorised=specialist).exists()


def test_only_procedures_the_catalogue_marks_delegable(catalogue, chairman, director):
    error = refused(lambda: grant(chairman, director, codes=[catalogue.land.code]),
                    ErrorKind.INVALID)

    assert error.fields["procedure_codes"] == [
        "Thủ tục “Đăng ký biến động đất đai” không được phép ủy quyền cho Trung tâm quyết định."
    ]


def test_only_the_center_s_people_receive_the_power(catalogue, chairman, handler):
    error = refused(lambda: grant(chairman, handler), ErrorKind.INVALID)

    assert "authorised" in error.fields
    assert not Authorisation.objects.exists()


def test_revocation_needs_a_reason(catalogue, chairman, director):
    authorisation = grant(chairman, director)

    error = refused(lambda: authorisation_revoke(authorisation=authorisation, actor=chairman,
                                                 reason=" "), ErrorKind.INVALID)

    assert "reason" in error.fields
    authorisation.refresh_from_db()
    assert authorisation.revoked_at is None


def test_a_decision_after_revocation_is_refused(catalogue, chairman, director):
    authorisation = grant(chairman, director)
    before = awaiting_approval(catalogue, chairman)
    actions.dossier_approve(dossier=before, actor=director)
    after = awaiting_approval(catalogue, chairman)

    authorisation_revoke(authorisation=authorisation, actor=chairman,
                         reason="Điều chuyển công tác")
    error = refused(lambda: actions.dossier_approve(dossier=after, actor=director),
                    ErrorKind.FORBIDDEN)

    assert error.message == "Văn bản ủy quyền đã hết hiệu lực hoặc đã bị thu hồi."
    assert Dossier.objects.get(pk=after.pk).status == "awaiting_approval"
    assert Dossier.objects.get(pk=before.pk).decided_under == authorisation
    authorisation.refresh_from_db()
    assert (authorisation.revoked_by, authorisation.revocation_reason) == (
        chairman, "Điều chuyển công tác")


def test_a_decision_under_authorisation_states_tuq_with_the_authoriser_s_title(
    catalogue, vice_chairman, director
):
    grant(vice_chairman, director)
    dossier = awaiting_approval(catalogue, vice_chairman)
    director.position = "Giám đốc"
    director.save()

    actions.dossier_approve(dossier=dossier, actor=director)

    assert Dossier.objects.get(pk=dossier.pk).signed_as == [
        "TUQ. PHÓ CHỦ TỊCH", "GIÁM ĐỐC TRUNG TÂM"
    ]


@pytest.mark.parametrize(
    ("position", "lines"),
    [("Chủ tịch", ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
     ("Phó Chủ tịch", ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"])],
    ids=["chairman-own-right", "vice-chairman-signs-for"],
)
def test_a_leader_signs_in_their_own_right(catalogue, position, lines):
    leader = UserFactory(role=Role.WARD_LEADER, position=position)
    dossier = awaiting_approval(catalogue, leader)

    actions.dossier_refuse(dossier=dossier, actor=leader, reason="Không đủ điều kiện")

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.signed_as == lines
    assert dossier.decided_under is None


def test_a_named_specialist_of_the_center_signs_under_authorisation(catalogue, chairman):
    specialist = UserFactory(role=Role.COUNTER_OFFICER, department=catalogue.center,
                             position="Chuyên viên")
    authorisation = grant(chairman, specialist, codes=["2.000815", "1.000894"])
    dossier = awaiting_approval(catalogue, chairman)

    actions.dossier_approve(dossier=dossier, actor=specialist)

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.decided_under == authorisation
    assert dossier.signed_as == ["TUQ. CHỦ TỊCH", "CHUYÊN VIÊN"]
