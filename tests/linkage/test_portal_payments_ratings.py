"""A fee paid and a rating given reach the simulated portal, in order with the dossier's other
messages, and the rating stays anonymous in the dossier's history."""

import pytest

from cases import actions as case_actions
from cases.models import DossierEvent
from intake.models import Rating
from intake.online import services as intake_services
from linkage.framework import outbound
from linkage.framework.models import OutboundMessage, SyncStream
from tests.factories import dossier_in

pytestmark = pytest.mark.django_db

SCORES = {name: 2 for name in Rating.CRITERIA} | {"visits_score": 1, "overall_score": 0}


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr(outbound, "_enqueue", lambda stream_id: None)


def _deliver(dossier) -> str:
    return outbound.stream_deliver(SyncStream.objects.get(dossier=dossier).pk)


def _kinds(dossier) -> list[str]:
    return list(
        OutboundMessage.objects.filter(stream__dossier=dossier)
        .order_by("sequence")
        .values_list("kind", flat=True)
    )


def test_a_fee_paid_at_the_counter_is_sent_as_paid_at_receipt(catalogue, counter, portal):
    dossier = dossier_in("received", procedure=catalogue.land, counter=counter)
    case_actions.dossier_record_fee_payment(dossier=dossier, actor=counter, via="cash")
    assert _kinds(dossier)[-1] == "ThanhToan"
    assert _deliver(dossier).startswith("sent")
    body = OutboundMessage.objects.filter(stream__dossier=dossier, kind="ThanhToan").get().body
    assert body["PhiLePhi"] == {
        "SoTien": 30000,
        "ThoiDiemThu": 1,
        "TrangThaiThanhToan": 1,
        "NgayThanhToan": body["PhiLePhi"]["NgayThanhToan"],
    }
    assert [m["LoaiThongDiep"] for m in portal.portal.history(dossier.code)][-1] == "ThanhToan"
    assert portal.portal.stats()["rejected"] == 0


def test_a_fee_paid_when_the_result_is_collected_says_so(catalogue, counter, portal):
    dossier = dossier_in("returned", procedure=catalogue.land, counter=counter)
    kinds = _kinds(dossier)
    # The counter takes the fee just before handing the result over: payment, then return.
    assert kinds[-2:] == ["ThanhToan", "KetQua"]
    _deliver(dossier)
    fee = OutboundMessage.objects.filter(stream__dossier=dossier, kind="ThanhToan").get().body
    assert fee["PhiLePhi"]["ThoiDiemThu"] == 4
    sent = [m["LoaiThongDiep"] for m in portal.portal.history(dossier.code)]
    assert sent == kinds


def test_a_rating_is_sent_after_the_return_without_naming_anyone(catalogue, counter, portal):
    dossier = dossier_in("returned", procedure=catalogue.civil, counter=counter)
    intake_services.rating_submit(dossier_id=dossier.pk, scores=SCORES, comment="Cán bộ nhiệt tình")
    assert _kinds(dossier)[-2:] == ["KetQua", "DanhGia"]
    assert _deliver(dossier).startswith("sent")
    history = portal.portal.history(dossier.code)
    assert [m["LoaiThongDiep"] for m in history][-2:] == ["KetQua", "DanhGia"]
    assert [m["SoThuTu"] for m in history] == sorted(m["SoThuTu"] for m in history)
    body = OutboundMessage.objects.get(stream__dossier=dossier, kind="DanhGia").body
    assert body["DiemDanhGia"] == {
        "ThoiGianGiaiQuyet": 2,
        "SoLanDiLai": 1,
        "SoCoQuanLienHe": 2,
        "ThaiDoCanBo": 2,
        "CongKhaiThuTuc": 2,
        "MucDoHaiLong": 0,
    }
    assert body["GopY"] == "Cán bộ nhiệt tình"
    event = DossierEvent.objects.get(dossier=dossier, action="rate")
    assert event.actor is None and event.payload == {} and event.note == ""


def test_a_second_rating_is_refused_and_sends_nothing(catalogue, counter, portal):
    dossier = dossier_in("returned", procedure=catalogue.civil, counter=counter)
    intake_services.rating_submit(dossier_id=dossier.pk, scores=SCORES)
    with pytest.raises(Exception, match="đã được đánh giá"):
        intake_services.rating_submit(dossier_id=dossier.pk, scores=SCORES)
    assert _kinds(dossier).count("DanhGia") == 1
    assert DossierEvent.objects.filter(dossier=dossier, action="rate").count() == 1
