"""The land pipeline under faults: duplicated and out-of-order replies end in the same dossier,
a result file that is not what it claims is refused, and an office that is down holds its
messages back (with the service-level warning) until it recovers, then they go in order."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import actions as case_actions
from cases.models import Status
from linkage.framework import outbound, service_levels
from linkage.framework.models import (
    InboundItem,
    MessageState,
    OutboundMessage,
    SyncStream,
    SyncWarning,
)
from linkage.land import SYSTEM as LAND
from linkage.land.pipeline import WAITING, Verdict, replies_pull, reply_accept, waiting_retry
from linkage.land.sweep import land_sweep
from linkage.models import LandTransfer
from linkage.tax import SYSTEM as TAX
from tests.linkage.land_support import land_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr(outbound, "_enqueue", lambda stream_id: None)


def deliver(dossier, system) -> str:
    return outbound.stream_deliver(SyncStream.objects.get(dossier=dossier, system=system).pk)


def handed_over(catalogue, counter, land_officer):
    dossier = land_dossier(catalogue, counter)
    return case_actions.dossier_assign(dossier=dossier, actor=counter, handler=land_officer)


def run_to_the_end(dossier, rig) -> None:
    deliver(dossier, LAND)
    land_sweep()
    deliver(dossier, TAX)
    land_sweep()
    rig.tax.pay(code=dossier.code)
    land_sweep()
    deliver(dossier, LAND)
    land_sweep()


def test_every_reply_listed_twice_and_pages_reversed_end_in_one_result(
    catalogue, counter, land_officer, land_systems
):
    land_systems.land.configure(duplicate_reply_rate=1.0, reverse_replies=True)
    land_systems.tax.configure(duplicate_reply_rate=1.0, reverse_replies=True)
    dossier = handed_over(catalogue, counter, land_officer)

    run_to_the_end(dossier, land_systems)

    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS and dossier.result_file
    actions = list(dossier.events.values_list("action", flat=True))
    for once in ("land_transfer", "land_answer", "request_payment", "confirm_payment",
                 "land_result"):
        assert actions.count(once) == 1, once
    assert all(item.offers == 2 for item in InboundItem.objects.all())
    assert not OutboundMessage.objects.exclude(state=MessageState.ACKNOWLEDGED).filter(
        stream__system__in=[LAND, TAX]).exists()


def test_a_payment_confirmed_before_its_notice_waits_for_it(
    catalogue, counter, land_officer, land_systems
):
    dossier = handed_over(catalogue, counter, land_officer)
    deliver(dossier, LAND)
    replies_pull(LAND)
    deliver(dossier, TAX)
    notice = next(r for r in land_systems.tax.reply_page("")["PhanHoi"]
                  if r["LoaiPhanHoi"] == "ThongBaoNopTien")
    confirmation = land_systems.tax.pay(code=dossier.code)

    assert reply_accept(TAX, confirmation) == Verdict.WAITING
    waiting = InboundItem.objects.get(external_id=confirmation["MaPhanHoi"])
    assert waiting.error.startswith(WAITING)
    assert reply_accept(TAX, notice) == Verdict.APPLIED
    assert waiting_retry(TAX) == 1

    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS
    assert LandTransfer.objects.get(dossier=dossier).paid_at is not None


def test_a_result_before_the_payment_waits_then_becomes_the_result(
    catalogue, counter, land_officer, land_systems
):
    dossier = handed_over(catalogue, counter, land_officer)
    deliver(dossier, LAND)
    replies_pull(LAND)
    early = land_systems.land._result(dossier.code)
    result = {"MaPhanHoi": "VPDK-EARLY", "LoaiPhanHoi": early[0], "MaHoSo": dossier.code,
              "ThoiDiem": "20260901080000", **early[1]}

    assert reply_accept(LAND, result) == Verdict.WAITING
    dossier.refresh_from_db()
    assert not dossier.result_file

    deliver(dossier, TAX)
    replies_pull(TAX)
    land_systems.tax.pay(code=dossier.code)
    replies_pull(TAX)
    assert waiting_retry(LAND) == 1
    dossier.refresh_from_db()
    assert dossier.result_file


def test_a_result_file_that_is_not_what_it_claims_is_refused(
    catalogue, counter, land_officer, land_systems
):
    land_systems.land.configure(tax_procedures=["9.999999"])  # no obligations: result at once
    dossier = handed_over(catalogue, counter, land_officer)
    deliver(dossier, LAND)
    page = land_systems.land.reply_page("")["PhanHoi"]
    result = next(r for r in page if r["LoaiPhanHoi"] == "KetQua")
    result["TepKetQua"]["MaBam"] = "0" * 64
    for reply in page:
        reply_accept(LAND, reply)

    dossier.refresh_from_db()
    assert not dossier.result_file
    refused = InboundItem.objects.get(external_id=result["MaPhanHoi"])
    assert refused.error == "Tệp kết quả không khớp mã băm Văn phòng đã gửi."


def test_the_office_down_holds_messages_with_a_warning_until_it_recovers(
    catalogue, counter, land_officer, land_systems
):
    land_systems.land.configure(outage=True)
    dossier = handed_over(catalogue, counter, land_officer)

    assert deliver(dossier, LAND) == "failed"
    message = OutboundMessage.objects.get(stream__system=LAND, stream__dossier=dossier)
    assert message.state == MessageState.PENDING and "HTTP 503" in message.last_error
    later = timezone.now() + timedelta(minutes=11)
    service_levels.warnings_raise(system=LAND, now=later)
    message.refresh_from_db()
    assert message.warning == SyncWarning.NOT_SYNCED
    assert LAND not in land_sweep()  # the office's replies could not be fetched: no crash

    land_systems.land.configure(outage=False)
    SyncStream.objects.filter(dossier=dossier, system=LAND).update(
        next_attempt_at=timezone.now())
    assert deliver(dossier, LAND) == "sent 1"
    replies_pull(LAND)
    service_levels.warnings_raise(system=LAND, now=later)
    message.refresh_from_db()
    assert message.state == MessageState.ACKNOWLEDGED and message.warning == ""
    assert land_systems.land.stats()["dossiers"] == [dossier.code]


def test_reconciliation_finds_a_dossier_the_office_lost(
    catalogue, counter, land_officer, land_systems
):
    from linkage.land.reconciliation import MISSING, land_reconcile

    dossier = handed_over(catalogue, counter, land_officer)
    deliver(dossier, LAND)
    replies_pull(LAND)
    assert land_reconcile().mismatches == []

    land_systems.land.reset()  # the office's system lost what it held
    run = land_reconcile()
    assert run.mismatches == [{"code": dossier.code, "kind": MISSING, "ours": "DaTraThongTin",
                               "theirs": None}]
