"""Reconciliation with the tax authority: per notice, its number, amount and payment, ours
against what the authority lists. A notice it does not know, a payment it recorded that we did
not, and an amount that differs are each listed, on the run and on the sync health page; an
answer not per its contract is refused before anything is compared."""

import pytest

from cases import actions as case_actions
from linkage import tasks
from linkage.framework import outbound
from linkage.framework.models import ReconciliationRun, SyncStream
from linkage.land import SYSTEM as LAND
from linkage.land.pipeline import replies_pull
from linkage.land.reconciliation import AMOUNT, MISSING, PAID, UNKNOWN, tax_reconcile
from linkage.models import LandTransfer
from linkage.tax import SYSTEM as TAX
from tests.linkage.land_support import land_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr(outbound, "_enqueue", lambda stream_id: None)


def deliver(dossier, system) -> str:
    return outbound.stream_deliver(SyncStream.objects.get(dossier=dossier, system=system).pk)


@pytest.fixture
def noticed(catalogue, counter, land_officer, land_systems):
    """A land transfer whose tax notice has arrived here; the resident has yet to pay."""
    dossier = land_dossier(catalogue, counter)
    case_actions.dossier_assign(dossier=dossier, actor=counter, handler=land_officer)
    deliver(dossier, LAND)
    replies_pull(LAND)
    deliver(dossier, TAX)
    replies_pull(TAX)
    dossier.land_transfer.refresh_from_db()
    return dossier


def test_a_notice_held_alike_on_both_sides_is_no_mismatch(noticed, land_systems):
    run = tax_reconcile()
    assert run.system == TAX and run.mismatches == []
    assert (run.checked, run.held_by_them) == (1, 1)

    land_systems.tax.pay(code=noticed.code)
    replies_pull(TAX)
    assert tax_reconcile().mismatches == []


def test_a_notice_the_authority_does_not_know_is_listed(noticed, land_systems):
    number = noticed.land_transfer.notice_number
    land_systems.tax.reset()  # the authority's system lost its notices

    run = tax_reconcile()

    assert run.mismatches == [
        {"code": noticed.code, "notice": number, "kind": MISSING, "ours": number, "theirs": None}
    ]


def test_a_payment_the_authority_recorded_that_we_did_not_is_listed(noticed, land_systems):
    land_systems.tax.pay(code=noticed.code)  # its confirmation never pulled here

    run = tax_reconcile()

    assert run.mismatches == [
        {
            "code": noticed.code,
            "notice": noticed.land_transfer.notice_number,
            "kind": PAID,
            "ours": False,
            "theirs": True,
        }
    ]


def test_an_amount_that_differs_is_listed(noticed):
    transfer = noticed.land_transfer
    LandTransfer.objects.filter(pk=transfer.pk).update(notice_amount=transfer.notice_amount + 1000)

    run = tax_reconcile()

    assert run.mismatches == [
        {
            "code": noticed.code,
            "notice": transfer.notice_number,
            "kind": AMOUNT,
            "ours": transfer.notice_amount + 1000,
            "theirs": transfer.notice_amount,
        }
    ]


def test_a_notice_only_the_authority_holds_is_listed(noticed):
    number = noticed.land_transfer.notice_number
    LandTransfer.objects.filter(pk=noticed.land_transfer.pk).update(notice_number="")

    run = tax_reconcile()

    assert run.mismatches == [
        {"code": noticed.code, "notice": number, "kind": UNKNOWN, "ours": None, "theirs": number}
    ]


def test_an_answer_not_per_the_contract_stores_no_run(noticed, land_systems, monkeypatch):
    monkeypatch.setattr(
        land_systems.tax,
        "reconciliation",
        lambda: {"ThongBao": [{"SoThongBao": "TB1", "SoTien": "nhiều"}]},
    )

    assert tasks.tax_reconcile_daily() == 0
    assert not ReconciliationRun.objects.filter(system=TAX).exists()


def test_the_daily_task_stores_the_run_shown_on_the_sync_health_page(
    noticed, land_systems, client, director
):
    land_systems.tax.pay(code=noticed.code)
    assert tasks.tax_reconcile_daily() == 1
    assert tasks.land_reconcile_daily() == 0

    client.force_login(director)
    page = client.get("/lien-thong/cong-dvcqg/").content.decode()

    assert "Đối soát với Văn phòng lúc" in page
    assert "Đối soát với cơ quan thuế lúc" in page and "1 chênh lệch" in page
    assert "cơ quan thuế ghi đã nộp, ở đây chưa ghi nhận" in page
    assert f"thông báo {noticed.land_transfer.notice_number}" in page
