"""The portal contract: well-formed schemas, and what conforms and what does not."""

import uuid
from datetime import timedelta

import pytest
from jsonschema import Draft202012Validator

from cases import actions
from linkage.framework.contract import ContractError
from linkage.framework.models import OutboundMessage
from linkage.portal import services as portal_services
from linkage.portal.contract import CONTRACT, OUTGOING, schema_for
from tests.factories import PATHS, dossier_in


def _status_update(**changes) -> dict:
    message = {
        "PhienBan": "1",
        "MaThongDiep": str(uuid.uuid4()),
        "SoThuTu": 2,
        "LoaiThongDiep": "CapNhatTrangThai",
        "MaHoSo": "TSHT-260115-0001",
        "MaDonVi": "TSHT",
        "ThoiDiem": "20260115083000",
        "TrangThaiHoSo": 2,
        "BuocXuLy": {
            "TenBuoc": "Tiếp nhận hồ sơ",
            "DonViXuLy": "Trung tâm Phục vụ hành chính công phường Thành Sen",
            "CanBoXuLy": "Trần Thị Bình",
            "NgayBatDau": "20260115083000",
        },
        "NgayTiepNhan": "20260115083000",
        "NgayHenTra": "20260120163000",
    }
    message.update(changes)
    return message


def test_every_schema_is_a_valid_json_schema_and_every_outgoing_kind_has_one():
    for name in CONTRACT.names():
        Draft202012Validator.check_schema(CONTRACT._schemas[name])
    assert set(OUTGOING.values()) <= set(CONTRACT.names())


def test_a_conforming_status_update_passes():
    assert CONTRACT.errors("cap_nhat_trang_thai", _status_update()) == []


@pytest.mark.parametrize(
    "changes, where",
    [
        ({"TrangThaiHoSo": 11}, "TrangThaiHoSo"),
        ({"NgayHenTra": "2026-01-20"}, "NgayHenTra"),
        ({"MaThongDiep": "abc"}, "MaThongDiep"),
        ({"SoThuTu": 0}, "SoThuTu"),
        ({"TruongLa": 1}, "TruongLa"),
    ],
)
def test_a_non_conforming_message_is_refused_with_where_and_why(changes, where):
    with pytest.raises(ContractError) as refused:
        CONTRACT.check("cap_nhat_trang_thai", _status_update(**changes))
    assert where in refused.value.reason


def test_a_missing_field_is_named():
    message = _status_update()
    del message["BuocXuLy"]
    with pytest.raises(ContractError) as refused:
        CONTRACT.check("cap_nhat_trang_thai", message)
    assert "BuocXuLy" in refused.value.reason


def test_an_acknowledgement_rejecting_needs_a_reason():
    ack = {"MaThongDiep": str(uuid.uuid4()), "MaHoSo": "X", "SoThuTu": 1, "KetQua": "TuChoi",
           "ThoiDiem": "20260115083000"}
    assert CONTRACT.errors("bien_nhan", ack)
    assert CONTRACT.errors("bien_nhan", {**ack, "LyDo": "Sai mã thủ tục"}) == []


@pytest.mark.django_db
@pytest.mark.parametrize("state", sorted(PATHS))
def test_every_message_the_lifecycle_writes_conforms(state, catalogue, counter):
    """Each path through the lifecycle, with the land procedure's fee, extension and stop."""
    procedure = catalogue.land if state == "awaiting_payment" else catalogue.civil
    dossier = dossier_in(state, procedure=procedure, counter=counter)
    if state == "in_progress":
        actions.dossier_extend(
            dossier=dossier, actor=dossier.handler, reason="Cần xác minh thêm",
            new_due_at=dossier.due_at + timedelta(days=3),
        )
    messages = OutboundMessage.objects.filter(stream__dossier=dossier).order_by("sequence")
    assert [m.sequence for m in messages] == list(range(1, len(messages) + 1))
    assert messages[0].kind == "TaoHoSo"
    for message in messages:
        wire = portal_services.envelope(message, dossier.code)
        CONTRACT.check(schema_for(message.kind), wire)
