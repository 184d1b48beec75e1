"""A land transfer end to end against the simulated office and tax authority: transferred with
its files on hand-over, cadastral data back, the tax notice pauses the clock (the dossier waits,
it is not overdue), the confirmed payment resumes it, the certificate comes back as the result."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import actions as case_actions
from cases.models import Dossier, PauseKind, Status
from cases.selectors import dossier_queue_filters
from intake.models import Payment, PaymentStatus
from intake.payments.selectors import obligations_pending
from intake.payments.services import payment_record_cash
from linkage.framework import outbound
from linkage.framework.models import MessageState, OutboundMessage, SyncStream
from linkage.land import SYSTEM as LAND
from linkage.land.pipeline import replies_pull, reply_accept
from linkage.land.selectors import land_hops
from linkage.models import LandTransfer
from linkage.tax import SYSTEM as TAX
from tests.linkage.land_support import land_dossier
from thanhsen.errors import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    """The tests deliver by calling the worker's function; nothing goes to a broker."""
    monkeypatch.setattr(outbound, "_enqueue", lambda stream_id: None)


def deliver(dossier, system) -> str:
    return outbound.stream_deliver(SyncStream.objects.get(dossier=dossier, system=system).pk)


def take(simulator, *, at=None) -> list:
    """Every reply the simulator holds, applied as if it arrived at ``at``."""
    verdicts = []
    for item in simulator.reply_page("")["PhanHoi"]:
        verdicts.append(reply_accept(LAND if simulator.prefix == "VPDK" else TAX, item, at=at))
    return verdicts


def test_a_land_transfer_goes_to_the_office_pays_its_tax_and_comes_back_with_the_certificate(
    catalogue, counter, land_officer, land_systems, client
):
    now = timezone.now()
    start = now - timedelta(days=30)
    dossier = land_dossier(catalogue, counter, at=start)
    case_actions.dossier_assign(dossier=dossier, actor=counter, handler=land_officer, at=start)

    # Handed over: transferred in the same transaction, with the scanned contract.
    assert LandTransfer.objects.filter(dossier=dossier).exists()
    assert deliver(dossier, LAND) == "sent 1"
    stats = land_systems.land.stats()
    assert stats["dossiers"] == [dossier.code]
    assert stats["messages"][dossier.code] == ["ChuyenHoSo"]

    # The office acknowledges and answers with the cadastral data and the tax information.
    verdicts = take(land_systems.land, at=start + timedelta(days=1))
    assert verdicts == ["acknowledged", "applied"]
    transfer = LandTransfer.objects.get(dossier=dossier)
    assert transfer.parcel["SoThua"] and transfer.tax_sent_at

    # The center forwards it to the tax authority, whose notice pauses the clock.
    assert deliver(dossier, TAX) == "sent 1"
    assert take(land_systems.tax, at=start + timedelta(days=2)) == ["acknowledged", "applied"]
    dossier.refresh_from_db()
    assert dossier.status == Status.AWAITING_PAYMENT
    assert dossier.pauses.filter(kind=PauseKind.PAYMENT, ended_at__isnull=True).exists()
    payment = Payment.objects.get(dossier=dossier, status=PaymentStatus.PENDING)
    assert payment.amount == 37_500_000  # 2 % + 0.5 % of 1.5 billion
    # Paid at the tax authority: neither the cash desk nor the gateway takes it.
    assert payment.levied_by == TAX
    assert not obligations_pending(dossier.code).exists()
    with pytest.raises(ApplicationError, match="nộp tại cơ quan thuế"):
        payment_record_cash(payment=payment, actor=counter)
    # Past the original due date, the dossier waits: it is not overdue.
    original_due = dossier.due_at
    assert original_due < now
    filters = dossier_queue_filters(land_officer, now=now)
    assert not Dossier.objects.filter(filters["overdue"], pk=dossier.pk).exists()
    assert Dossier.objects.filter(filters["awaiting_payment"], pk=dossier.pk).exists()
    client.force_login(land_officer)
    page = client.get(f"/lam-viec/ho-so/{dossier.code}/").content.decode()
    assert "Liên thông đất đai" in page
    assert "Chờ thực hiện nghĩa vụ tài chính" in page

    # The resident pays at the tax authority; its confirmation resumes the clock.
    assert land_systems.tax.pay(code=dossier.code)
    replies_pull(TAX)
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS
    assert dossier.due_at > now > original_due  # moved by the time the pause lasted
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID

    # The office is told and issues the certificate: the dossier's result, downloadable.
    assert deliver(dossier, LAND) == "sent 1"
    assert land_systems.land.stats()["messages"][dossier.code] == [
        "ChuyenHoSo", "HoanThanhNghiaVuTaiChinh"]
    replies_pull(LAND)
    dossier.refresh_from_db()
    assert dossier.result_file
    download = client.get(f"/lam-viec/ho-so/{dossier.code}/tep/ket-qua/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")

    hops = land_hops(dossier)
    assert [hop.done for hop in hops] == [True] * len(hops)
    assert OutboundMessage.objects.filter(
        stream__dossier=dossier, stream__system__in=[LAND, TAX]
    ).exclude(state=MessageState.ACKNOWLEDGED).count() == 0


def test_a_hand_over_rolled_back_transfers_nothing(catalogue, counter, land_officer, land_systems):
    from django.db import transaction

    dossier = land_dossier(catalogue, counter)
    with pytest.raises(RuntimeError), transaction.atomic():
        case_actions.dossier_assign(dossier=dossier, actor=counter, handler=land_officer)
        raise RuntimeError("the request failed after the change")
    assert not LandTransfer.objects.filter(dossier=dossier).exists()
    assert not OutboundMessage.objects.filter(stream__system=LAND).exists()


def test_a_procedure_the_office_does_not_decide_is_not_transferred(
    catalogue, counter, handler, land_systems
):
    from tests.factories import dossier_in

    dossier = dossier_in("in_progress", procedure=catalogue.civil, counter=counter,
                         handler=handler)
    assert not LandTransfer.objects.filter(dossier=dossier).exists()
    assert land_hops(dossier) == []
