"""Dossiers residents filed on the portal reach the counter once, with checked files, and the
counter's answer goes back as the portal's status."""

import pytest

from cases import actions
from cases.models import Channel, Status
from linkage.framework import outbound
from linkage.framework.models import InboundItem, OutboundMessage, SyncStream
from linkage.portal.inbound import Verdict, inbound_pull
from linkage.portal.sweep import portal_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr(outbound, "_enqueue", lambda stream_id: None)


@pytest.fixture
def offering(portal, catalogue):
    portal.portal.configure(offer_procedures=[catalogue.civil.code])
    return portal


def test_an_offered_dossier_arrives_once_however_often_it_is_offered(offering, counter):
    offering.portal.configure(offer_twice=True)
    offered = offering.portal.offer()
    assert inbound_pull() == {Verdict.CREATED: 1, Verdict.DUPLICATE: 1, Verdict.INVALID: 0,
                              Verdict.BAD_FILE: 0}
    assert inbound_pull()[Verdict.CREATED] == 0  # the cursor moved past it
    item = InboundItem.objects.get()
    assert item.external_id == offered["MaHoSoDVCQG"] and item.offers == 2
    dossier = item.dossier
    assert dossier.status == Status.SUBMITTED and dossier.channel == Channel.ONLINE
    assert dossier.applicant_name == "Lê Thị Hoa"
    document = dossier.documents.get()
    assert document.name == "Tờ khai" and document.file.read().startswith(b"%PDF-")


def test_a_file_that_is_not_what_it_claims_makes_no_dossier_and_is_kept_with_the_reason(
    offering, client, counter
):
    offering.portal.configure(bad_file_rate=1.0)
    offering.portal.offer()
    assert inbound_pull()[Verdict.BAD_FILE] == 1
    item = InboundItem.objects.get()
    assert item.dossier is None
    assert "không phải PDF, JPEG hoặc PNG" in item.error
    client.force_login(counter)
    page = client.get("/lien-thong/cong-dvcqg/").content.decode()
    assert "Hồ sơ từ Cổng không nhận được" in page and item.external_id in page


def test_a_push_is_authenticated_checked_and_idempotent(offering, client, settings):
    settings.PORTAL_PUSH_TOKEN = "bi-mat"
    item = offering.portal.offer()
    url = "/api/v1/portal/dossiers/"
    assert client.post(url, item, content_type="application/json").status_code == 403
    headers = {"Authorization": "Bearer bi-mat"}
    first = client.post(url, item, content_type="application/json", headers=headers)
    assert first.status_code == 201 and first.json()["verdict"] == "created"
    again = client.post(url, item, content_type="application/json", headers=headers)
    assert again.status_code == 200 and again.json()["code"] == first.json()["code"]
    broken = {**item, "MaHoSoDVCQG": "G-X", "MaTTHC": "không-phải-mã"}
    refused = client.post(url, broken, content_type="application/json", headers=headers)
    assert refused.status_code == 400 and "MaTTHC" in refused.json()["reason"]


def test_receipt_completion_request_and_refusal_go_back_as_2_5_and_3(offering, counter):
    for _ in range(3):
        offering.portal.offer()
    portal_sweep()
    received, to_complete, refused = [i.dossier for i in InboundItem.objects.order_by("pk")]
    actions.dossier_receive(dossier=received, actor=counter)
    actions.dossier_request_completion(dossier=to_complete, actor=counter,
                                        reason="Thiếu bản sao giấy khai sinh")
    actions.dossier_refuse_intake(dossier=refused, actor=counter,
                                   reason="Không thuộc thẩm quyền giải quyết")
    for stream in SyncStream.objects.all():
        assert outbound.stream_deliver(stream.pk) == "sent 2"
    statuses = {
        dossier.code: [m["TrangThaiHoSo"] for m in offering.portal.history(dossier.code)]
        for dossier in (received, to_complete, refused)
    }
    assert statuses == {received.code: [1, 2], to_complete.code: [1, 5], refused.code: [1, 3]}
    creation = OutboundMessage.objects.get(stream__dossier=received, sequence=1)
    assert creation.body["MaHoSoDVCQG"] == InboundItem.objects.get(dossier=received).external_id
    assert offering.portal.stats()["linked"] == 3
