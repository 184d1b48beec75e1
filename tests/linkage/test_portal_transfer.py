"""Receipt regardless of boundary (Decree 118/2025): a dossier for another unit's competence is
received at the counter, transferred through the portal, and tracked until the unit
acknowledges it."""

import pytest
from django.urls import reverse

from cases import actions as case_actions
from cases.models import Dossier, DossierEvent, Status
from linkage.framework import outbound
from linkage.framework.models import MessageState, OutboundMessage, SyncStream
from linkage.portal.services import acknowledgements_pull
from tests.factories import dossier_in
from tests.workspace.helpers import text
from tests.workspace.test_counter_intake import form_data, post
from thanhsen.errors import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr(outbound, "_enqueue", lambda stream_id: None)


def test_the_counter_receives_for_another_ward_and_tracks_the_transfer(
    client, catalogue, counter, portal, settings
):
    settings.TRANSFER_UNITS = {"TSTP": "Phường Trần Phú"}
    portal.portal.configure(transfer_ack_delay=3600)  # the unit answers later than the portal
    client.force_login(counter)
    form = client.get(reverse("intake:counter_form", args=[catalogue.civil.code]))
    assert "Đơn vị có thẩm quyền giải quyết" in text(form) and "Phường Trần Phú" in text(form)
    response = post(client, catalogue.civil, form_data(catalogue.civil, competent_unit="TSTP"))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.status == Status.STOPPED and dossier.received_at is not None
    done = text(client.get(response["Location"]))
    assert "Đã tiếp nhận, chuyển đơn vị có thẩm quyền" in done
    assert "In giấy tiếp nhận (Mẫu 01)" in done and "Phường Trần Phú" in done
    event = DossierEvent.objects.get(dossier=dossier, action="transfer")
    assert event.payload == {"unit_code": "TSTP", "unit_name": "Phường Trần Phú"}
    kinds = list(
        OutboundMessage.objects.filter(stream__dossier=dossier)
        .order_by("sequence")
        .values_list("kind", flat=True)
    )
    assert kinds == ["TaoHoSo", "CapNhatTrangThai", "ChuyenHoSo"]

    outbound.stream_deliver(SyncStream.objects.get(dossier=dossier).pk)
    acknowledgements_pull()
    history = portal.portal.history(dossier.code)
    assert [m["LoaiThongDiep"] for m in history] == kinds
    assert history[-1]["TrangThaiHoSo"] == 2  # received here, handled there
    waiting = text(client.get(reverse("linkage:portal_transfers"), {"cho": "1"}))
    assert dossier.code in waiting and "Chờ đơn vị xác nhận" in waiting
    page = text(client.get(reverse("cases:dossier", args=[dossier.code])))
    assert "Chuyển hồ sơ → Phường Trần Phú" in page and "Chờ đơn vị xác nhận" in page

    portal.portal.configure(transfer_ack_delay=0)
    portal.portal.acks = [(0.0, ack) for _available, ack in portal.portal.acks]  # time passes
    acknowledgements_pull()
    transfer = OutboundMessage.objects.get(stream__dossier=dossier, kind="ChuyenHoSo")
    assert transfer.state == MessageState.ACKNOWLEDGED
    assert dossier.code not in text(client.get(reverse("linkage:portal_transfers"), {"cho": "1"}))
    listed = text(client.get(reverse("linkage:portal_transfers")))
    assert dossier.code in listed and "Đơn vị đã xác nhận" in listed
    page = text(client.get(reverse("cases:dossier", args=[dossier.code])))
    assert "Đơn vị đã xác nhận" in page


def test_a_transfer_only_with_a_receipt(client, catalogue, counter, settings):
    settings.TRANSFER_UNITS = {"TSTP": "Phường Trần Phú"}
    client.force_login(counter)
    response = post(
        client,
        catalogue.civil,
        form_data(
            catalogue.civil, decision="refuse_intake", reason="Sai mẫu", competent_unit="TSTP"
        ),
    )
    assert response.status_code == 400
    assert "Hồ sơ chỉ được chuyển đơn vị khi tiếp nhận." in text(response)
    response = post(client, catalogue.civil, form_data(catalogue.civil, competent_unit="XXXX"))
    assert response.status_code == 400
    assert not Dossier.objects.exists()


def test_only_a_fresh_receipt_is_transferred_and_never_to_this_unit(catalogue, counter, settings):
    assigned = dossier_in("in_progress", procedure=catalogue.civil, counter=counter)
    with pytest.raises(ApplicationError, match="Chỉ chuyển được hồ sơ vừa tiếp nhận"):
        case_actions.dossier_transfer(
            dossier=assigned, actor=counter, unit_code="TSTP", unit_name="Phường Trần Phú"
        )
    received = dossier_in("received", procedure=catalogue.civil, counter=counter)
    with pytest.raises(ApplicationError):
        case_actions.dossier_transfer(
            dossier=received,
            actor=counter,
            unit_code=settings.UNIT_CODE,
            unit_name=settings.UNIT_NAME,
        )
    received.refresh_from_db()
    assert received.status == Status.RECEIVED
    assert not DossierEvent.objects.filter(action="transfer").exists()
