"""Reconciliation with the portal: mismatches listed with a resync, and the 766 indicator."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.periods import Period
from linkage.framework import outbound
from linkage.framework.models import MessageState, OutboundMessage, ReconciliationRun, SyncStream
from linkage.portal.reconciliation import reconciliation_run, synced_indicator
from linkage.portal.services import acknowledgements_pull
from reports.indicators import indicator_list
from reports.selectors import dossier_drilldown
from tests.factories import UserFactory, dossier_in
from tests.workspace.helpers import text
from thanhsen.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr(outbound, "_enqueue", lambda stream_id: None)


def _sync(dossier):
    outbound.stream_deliver(SyncStream.objects.get(dossier=dossier).pk)


def test_mismatches_are_listed_and_a_resync_fixes_them(catalogue, counter, portal, client):
    today = timezone.localdate()
    synced = dossier_in("returned", procedure=catalogue.civil, counter=counter)
    _sync(synced)
    behind = dossier_in("received", procedure=catalogue.civil, counter=counter)
    _sync(behind)
    acknowledgements_pull()
    # The portal lost the last change of ``behind`` (as if an operator rolled it back there).
    portal.portal.dossiers[behind.code][-1]["TrangThaiHoSo"] = 1
    missing = dossier_in("received", procedure=catalogue.civil, counter=counter)
    # Staff set its messages aside instead of sending them: the portal never heard of it.
    OutboundMessage.objects.filter(stream__dossier=missing).update(state=MessageState.CORRECTED)
    in_flight = dossier_in("received", procedure=catalogue.civil, counter=counter)
    run = reconciliation_run(start=today, end=today)
    assert run.checked == 4
    by_code = {m["code"]: m for m in run.mismatches}
    assert by_code[behind.code] == {"code": behind.code, "kind": "status", "ours": 2,
                                    "theirs": 1}
    assert by_code[missing.code]["kind"] == "missing"
    assert synced.code not in by_code and in_flight.code not in by_code
    client.force_login(counter)
    page = client.get(reverse("linkage:portal_reconciliation")).content.decode()
    assert behind.code in page and "Khác trạng thái" in page and "Đồng bộ lại" in page
    client.post(reverse("linkage:portal_resync", args=[behind.code]))
    _sync(behind)
    acknowledgements_pull()
    again = reconciliation_run(start=today, end=today, actor=counter)
    assert behind.code not in {m["code"] for m in again.mismatches}


def test_the_synced_indicator_counts_acknowledged_receipts(catalogue, counter, portal):
    today = timezone.localdate()
    acknowledged = [dossier_in("received", procedure=catalogue.civil, counter=counter)
                    for _ in range(3)]
    for dossier in acknowledged:
        _sync(dossier)
    acknowledgements_pull()
    dossier_in("received", procedure=catalogue.civil, counter=counter)  # not sent yet
    indicator = synced_indicator(start=today, end=today)
    assert (indicator.synced, indicator.received_here, indicator.received_there) == (3, 4, None)
    reconciliation_run(start=today, end=today)
    indicator = synced_indicator(start=today, end=today)
    assert indicator.received_there == 3 and indicator.denominator == 4
    assert indicator.ratio == 0.75


def test_the_766_report_reads_the_sync_log_and_lists_the_synced_dossiers(
    catalogue, counter, portal, client
):
    today = timezone.localdate()
    period = Period(today, today)
    waiting = dossier_in("received", procedure=catalogue.civil, counter=counter)
    indicator = {x.spec.code: x for x in indicator_list(period=period)}["portal_sync"]
    assert not indicator.available  # the portal has acknowledged nothing yet
    synced = [dossier_in("received", procedure=catalogue.civil, counter=counter)
              for _ in range(3)]
    for dossier in synced:
        _sync(dossier)
    acknowledgements_pull()
    indicator = {x.spec.code: x for x in indicator_list(period=period)}["portal_sync"]
    assert (indicator.measure.numerator, indicator.measure.denominator) == (3, 4)
    assert indicator.score == Decimal("4.50")  # 75% of 6 points, no target
    listed = set(dossier_drilldown(period=period, cell="portal_synced"))
    assert listed == set(synced) and waiting not in listed
    client.force_login(UserFactory(role=Role.WARD_LEADER))
    page = text(client.get(reverse("reports:indicators"), period.as_query()))
    assert "Hồ sơ đồng bộ lên Cổng DVCQG" in page and "75,00%" in page
    assert "Tiếp nhận tại đơn vị: 4" in page
    listing = text(client.get(reverse("reports:dossiers"), {**period.as_query(),
                                                             "o": "portal_synced"}))
    assert "3 hồ sơ" in listing and waiting.code not in listing


def test_only_the_counter_and_director_run_it(client, handler, catalogue):
    client.force_login(handler)
    response = client.post(reverse("linkage:portal_reconciliation"), {"tu": "2026-12-01"})
    assert response.status_code == 400
    assert "Vai trò của bạn không được thực hiện thao tác này." in response.content.decode()
    assert not ReconciliationRun.objects.exists()
