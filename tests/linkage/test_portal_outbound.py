"""Dossier changes reach the simulated portal: written with the change, sent in order,
acknowledged, and a refusal parks only its own dossier."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from cases import actions
from linkage.framework import outbound
from linkage.framework.models import MessageState, OutboundMessage, SyncStream, SyncWarning
from linkage.portal import services as portal_services
from tests.factories import UserFactory, applicant, dossier_in, mandatory_papers
from thanhsen.errors import ApplicationError
from thanhsen.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    """The tests deliver by calling the worker's function; nothing goes to a broker."""
    monkeypatch.setattr(outbound, "_enqueue", lambda stream_id: None)


def _messages(dossier):
    return list(
        OutboundMessage.objects.filter(stream__dossier=dossier).order_by("sequence")
        .values_list("sequence", "kind", "state")
    )


def _deliver(dossier) -> str:
    stream = SyncStream.objects.get(dossier=dossier)
    return outbound.stream_deliver(stream.pk)


def test_each_change_writes_one_message_in_its_own_transaction(catalogue, counter, settings):
    settings.PORTAL_BASE_URL = ""
    dossier = actions.dossier_create(
        procedure_code=catalogue.civil.code, applicant=applicant(), channel="direct",
        actor=counter, receive=True, documents=mandatory_papers(catalogue.civil),
    )
    assert _messages(dossier) == [
        (1, "TaoHoSo", MessageState.PENDING),
        (2, "CapNhatTrangThai", MessageState.PENDING),
    ]
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.dossier_assign(dossier=dossier, actor=counter, handler=None,
                                department=catalogue.civil_office)
        raise RuntimeError("the request failed after the change")
    assert len(_messages(dossier)) == 2  # the rolled-back change left no message


def test_with_the_portal_unconfigured_messages_wait_and_go_once_it_is(
    catalogue, counter, portal_rig, settings
):
    settings.PORTAL_BASE_URL = ""
    portal_rig.reset()
    dossier = dossier_in("returned", procedure=catalogue.civil, counter=counter)
    assert _deliver(dossier) == "disabled"
    assert portal_rig.portal.stats()["received"] == 0
    settings.PORTAL_BASE_URL = portal_rig.url
    assert _deliver(dossier) == "sent 6"
    history = portal_rig.portal.history(dossier.code)
    assert [m["SoThuTu"] for m in history] == [1, 2, 3, 4, 5, 6]
    assert [m["TrangThaiHoSo"] for m in history] == [1, 2, 4, 4, 9, 10]


def test_acknowledgements_duplicated_and_reversed_are_recorded_once(catalogue, counter, portal):
    portal.portal.configure(duplicate_ack_rate=1.0, reverse_acks=True)
    dossier = dossier_in("resolved", procedure=catalogue.civil, counter=counter)
    _deliver(dossier)
    counts = portal_services.acknowledgements_pull()
    assert counts["acknowledged"] == 5 and counts["duplicate"] == 5
    states = {state for _seq, _kind, state in _messages(dossier)}
    assert states == {MessageState.ACKNOWLEDGED}
    assert set(OutboundMessage.objects.values_list("acknowledgements", flat=True)) == {2}
    assert portal_services.acknowledgements_pull()["acknowledged"] == 0  # the cursor moved on
    stats = portal.portal.stats()
    assert stats["duplicates"] == 0 and stats["out_of_order"] == 0


def test_a_refused_message_blocks_only_its_own_dossier(catalogue, counter, portal):
    refused = dossier_in("received", procedure=catalogue.civil, counter=counter)
    other = dossier_in("received", procedure=catalogue.civil, counter=counter)
    portal.portal.configure(reject_kinds=["TienDoXuLy"], reject_codes=[])
    actions.dossier_assign(dossier=refused, actor=counter, department=catalogue.civil_office,
                            handler=None)
    actions.dossier_assign(dossier=other, actor=counter, department=catalogue.civil_office,
                            handler=None)
    portal.portal.configure(reject_kinds=[], reject_codes=[refused.code])
    assert _deliver(refused) == "rejected"  # TaoHoSo ... refused at the first message
    portal.portal.configure(reject_codes=[])
    assert _deliver(other) == "sent 3"
    parked = OutboundMessage.objects.get(stream__dossier=refused, state=MessageState.REJECTED)
    assert parked.sequence == 1
    assert refused.code in parked.reason
    assert [state for _s, _k, state in _messages(refused)] == [
        MessageState.REJECTED, MessageState.PENDING, MessageState.PENDING
    ]
    assert _deliver(refused) == "skipped"  # blocked until staff act


def test_staff_retry_a_refused_message_then_the_rest_follows_in_order(catalogue, counter, portal):
    dossier = dossier_in("in_progress", procedure=catalogue.civil, counter=counter)
    portal.portal.configure(reject_codes=[dossier.code])
    _deliver(dossier)
    portal.portal.configure(reject_codes=[])
    stream = SyncStream.objects.get(dossier=dossier)
    portal_services.stream_retry_now(stream=stream, actor=counter)
    assert _deliver(dossier) == "sent 3"
    assert [m["SoThuTu"] for m in portal.portal.history(dossier.code)] == [1, 2, 3]


def test_marking_corrected_sets_the_message_aside_and_resyncs(catalogue, counter, portal):
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    _deliver(dossier)
    actions.dossier_assign(dossier=dossier, actor=counter, department=catalogue.civil_office,
                            handler=None)
    portal.portal.configure(reject_kinds=["TienDoXuLy"])
    assert _deliver(dossier) == "rejected"
    parked = OutboundMessage.objects.get(state=MessageState.REJECTED)
    with pytest.raises(ApplicationError):
        portal_services.message_mark_corrected(message=parked, actor=counter, note="")
    resident = UserFactory(role=Role.RESIDENT)
    with pytest.raises(ApplicationError):
        portal_services.message_mark_corrected(message=parked, actor=resident, note="Đã sửa")
    portal_services.message_mark_corrected(
        message=parked, actor=counter, note="Đã sửa trực tiếp trên Cổng"
    )
    assert _deliver(dossier) == "sent 1"
    history = portal.portal.history(dossier.code)
    assert [(m["SoThuTu"], m["LoaiThongDiep"]) for m in history] == [
        (1, "TaoHoSo"), (2, "CapNhatTrangThai"), (4, "CapNhatTrangThai")
    ]


def test_a_message_that_breaks_our_own_contract_is_parked_before_it_leaves(
    catalogue, counter, portal
):
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    OutboundMessage.objects.filter(sequence=2).update(body={"TrangThaiHoSo": 42})
    assert _deliver(dossier) == "rejected"
    parked = OutboundMessage.objects.get(sequence=2)
    assert parked.reason.startswith("Không đúng hợp đồng")
    assert portal.portal.history(dossier.code)[-1]["SoThuTu"] == 1


def test_portal_down_backs_off_then_catches_up_in_order(catalogue, counter, portal, settings):
    dossier = dossier_in("in_progress", procedure=catalogue.civil, counter=counter)
    portal.portal.configure(outage=True)
    assert _deliver(dossier) == "failed"
    stream = SyncStream.objects.get(dossier=dossier)
    assert stream.next_attempt_at > timezone.now()
    assert "503" in stream.last_error
    assert _deliver(dossier) == "skipped"  # waiting out its back-off
    portal.portal.configure(outage=False)
    SyncStream.objects.filter(pk=stream.pk).update(next_attempt_at=timezone.now())
    assert _deliver(dossier) == "sent 3"
    assert [m["SoThuTu"] for m in portal.portal.history(dossier.code)] == [1, 2, 3]


def test_service_level_warnings_and_what_clears_them(catalogue, counter, portal, settings):
    settings.PORTAL_BASE_URL = ""
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    now = timezone.now()
    assert portal_services.warnings_raise(now=now) == 0
    assert portal_services.warnings_raise(now=now + timedelta(minutes=11)) == 2
    assert set(OutboundMessage.objects.values_list("warning", flat=True)) == {
        SyncWarning.NOT_SYNCED
    }
    settings.PORTAL_BASE_URL = portal.url
    _deliver(dossier)
    sent_at = OutboundMessage.objects.first().sent_at
    # Three days later no acknowledgement has come: more than 2 working hours whatever the day.
    portal_services.warnings_raise(now=sent_at + timedelta(days=3))
    assert set(OutboundMessage.objects.values_list("warning", flat=True)) == {
        SyncWarning.NOT_ACKNOWLEDGED
    }
    portal_services.acknowledgements_pull()
    portal_services.warnings_raise(now=sent_at + timedelta(days=3))
    assert set(OutboundMessage.objects.values_list("warning", flat=True)) == {""}


def test_a_dossier_from_before_the_sync_began_opens_with_its_creation(
    catalogue, counter, portal
):
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    SyncStream.objects.filter(dossier=dossier).delete()  # as if written before this release
    actions.dossier_assign(dossier=dossier, actor=counter, department=catalogue.civil_office,
                            handler=None)
    assert _messages(dossier) == [
        (1, "TaoHoSo", MessageState.PENDING), (2, "TienDoXuLy", MessageState.PENDING)
    ]
    assert _deliver(dossier) == "sent 2"
    assert portal.portal.stats()["rejected"] == 0


def test_messages_written_together_for_a_dossier_from_before_the_sync_follow_its_opening(
    catalogue, counter, portal
):
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    SyncStream.objects.filter(dossier=dossier).delete()  # as if written before this release
    at = timezone.now()
    with transaction.atomic():
        outbound.messages_append(
            system="dvcqg", dossier_id=dossier.pk,
            messages=[OutboundMessage(kind=kind, body={}, created_at=at) for kind in
                      ("TienDoXuLy", "CapNhatTrangThai")],
            opening=lambda: ("TaoHoSo", {}),
        )
    assert _messages(dossier) == [
        (1, "TaoHoSo", MessageState.PENDING), (2, "TienDoXuLy", MessageState.PENDING),
        (3, "CapNhatTrangThai", MessageState.PENDING),
    ]
    assert SyncStream.objects.get(dossier=dossier).last_sequence == 3


def test_a_creation_received_at_once_tells_the_portal_its_papers_and_then_its_receipt(
    catalogue, counter, settings
):
    settings.PORTAL_BASE_URL = ""
    papers = mandatory_papers(catalogue.civil)
    dossier = actions.dossier_create(
        procedure_code=catalogue.civil.code, applicant=applicant(), channel="direct",
        actor=counter, receive=True, documents=papers,
    )
    creation, receipt = OutboundMessage.objects.filter(stream__dossier=dossier).order_by("sequence")
    assert [(p["TenGiayTo"], p["SoLuong"]) for p in creation.body["ThanhPhanHoSo"]] == [
        (p.name, p.quantity) for p in papers
    ]
    assert creation.body["TrangThaiHoSo"] == 1 and creation.event.action == "create"
    assert receipt.body["BuocXuLy"]["TenBuoc"] == "Tiếp nhận hồ sơ"
    assert receipt.event.action == "receive"
    # The caller's dossier reads its papers from the database again afterwards.
    dossier.documents.create(name="Giấy tờ nộp thêm")
    assert dossier.documents.count() == len(papers) + 1 == len(dossier.documents.all())
