"""The land office's and the tax authority's contracts, validated both ways: what we send is
checked before it leaves (and by the simulators, with the same files), what they answer is
checked on arrival, and neither side lets a non-conforming message through."""

import base64

import pytest

from linkage.framework import outbound
from linkage.framework.models import InboundItem, MessageState, OutboundMessage, SyncStream
from linkage.land import SYSTEM as LAND
from linkage.land import contract as land_contract
from linkage.land.pipeline import Verdict, reply_accept
from linkage.land.services import LAND_CONNECTOR
from linkage.tax import SYSTEM as TAX
from linkage.tax import contract as tax_contract
from tests.linkage.land_support import land_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr(outbound, "_enqueue", lambda stream_id: None)


@pytest.mark.parametrize("module", [land_contract, tax_contract], ids=["land", "tax"])
def test_every_message_and_reply_kind_has_its_schema(module):
    names = set(module.CONTRACT.names())
    assert set(module.OUTGOING.values()) <= names
    assert set(module.REPLIES.values()) <= names
    assert {module.ACCEPTANCE, module.REPLY_PAGE} <= names


def test_the_transfer_leaves_per_contract_with_its_files_inside(
    catalogue, counter, land_officer, land_systems
):
    from cases import actions as case_actions

    dossier = land_dossier(catalogue, counter)
    case_actions.dossier_assign(dossier=dossier, actor=counter, handler=land_officer)
    message = OutboundMessage.objects.get(stream__system=LAND, stream__dossier=dossier)
    wire = LAND_CONNECTOR.envelope(message, dossier.code)

    assert land_contract.CONTRACT.errors("chuyen_ho_so", wire) == []
    files = [c["TepTin"] for c in wire["ThanhPhanHoSo"] if "TepTin" in c]
    assert len(files) == 1 and base64.b64decode(files[0]["NoiDung"]).startswith(b"%PDF")
    assert "DuongDan" not in files[0]  # our storage path never leaves


def test_a_message_the_contract_refuses_is_parked_with_the_reason_not_sent(
    catalogue, counter, land_officer, land_systems
):
    from cases import actions as case_actions

    dossier = land_dossier(catalogue, counter)
    case_actions.dossier_assign(dossier=dossier, actor=counter, handler=land_officer)
    message = OutboundMessage.objects.get(stream__system=LAND, stream__dossier=dossier)
    message.body = {**message.body, "MaTTHC": "not a code"}
    message.save(update_fields=["body"])

    stream = SyncStream.objects.get(dossier=dossier, system=LAND)
    assert outbound.stream_deliver(stream.pk) == "rejected"
    message.refresh_from_db()
    assert message.state == MessageState.REJECTED
    assert message.reason.startswith("Không đúng hợp đồng: MaTTHC")
    assert land_systems.land.stats()["received"] == 0


def test_the_simulator_refuses_a_message_not_per_contract(land_systems):
    status, body, _delay = land_systems.land.receive({"LoaiThongDiep": "ChuyenHoSo"})
    assert status == 422 and body["TrangThai"] == "TuChoi"
    assert body["LyDo"].startswith("Không đúng hợp đồng")


@pytest.mark.parametrize("reply", [
    {"LoaiPhanHoi": "ThongBaoNopTien", "MaPhanHoi": "X1", "MaHoSo": "H1",
     "ThoiDiem": "20260901080000", "SoThongBao": "TB1", "SoTien": -5, "HanNop": "20261001",
     "NoiDung": "Thuế"},
    {"LoaiPhanHoi": "Khac", "MaPhanHoi": "X2", "MaHoSo": "H1", "ThoiDiem": "20260901080000"},
    ["not", "an", "object"],
], ids=["negative amount", "unknown kind", "not an object"])
def test_a_reply_not_per_contract_is_refused_and_changes_nothing(reply):
    assert reply_accept(TAX, reply) == Verdict.INVALID
    assert not InboundItem.objects.exists()
