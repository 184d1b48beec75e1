"""The land pipeline through a real Redis, real Celery worker processes and the simulated land
office and tax authority: failures, lost replies, duplicated and reversed reply pages and a
worker killed with SIGKILL mid-way still end with every dossier's certificate back, each
message applied once by the office and the tax authority.

The test process plays Celery beat (the sweep's stream and land parts, a few times a second)
and the residents (paying each notice once it has arrived).
"""

import time

import pytest
from django.utils import timezone

from cases import actions as case_actions
from linkage.framework.outbound import streams_sweep
from linkage.land.sweep import land_sweep
from linkage.models import LandTransfer
from tests.linkage.celery_harness import FAST, private_worker
from tests.linkage.land_support import LandRig, land_dossier

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

LAND_FAST = {**FAST, "LAND_TIMEOUT_SECONDS": 1.0, "TAX_TIMEOUT_SECONDS": 1.0}


@pytest.fixture(scope="module")
def harness(django_db_setup, tmp_path_factory):
    systems = LandRig()
    env = {"LAND_BASE_URL": systems.land_url, "TAX_BASE_URL": systems.tax_url,
           "LAND_TIMEOUT_SECONDS": "1.0", "TAX_TIMEOUT_SECONDS": "1.0"}
    try:
        with private_worker(tmp_path_factory.mktemp("land-workers"), env=env) as (_redis, worker):
            yield systems, worker
    finally:
        systems.close()


def test_faults_and_a_killed_worker_still_bring_every_certificate_back_once(
    harness, settings, catalogue, counter, land_officer
):
    systems, worker = harness
    for name, value in LAND_FAST.items():
        setattr(settings, name, value)
    settings.LAND_BASE_URL, settings.TAX_BASE_URL = systems.land_url, systems.tax_url
    settings.PORTAL_BASE_URL = ""
    systems.reset()
    for simulator in (systems.land, systems.tax):
        simulator.configure(failure_rate=0.2, timeout_rate=0.1, timeout_sleep=1.5,
                            duplicate_reply_rate=0.5, reverse_replies=True)
    dossiers = []
    for number in range(6):
        dossier = land_dossier(catalogue, counter)
        dossiers.append(case_actions.dossier_assign(dossier=dossier, actor=counter,
                                                handler=land_officer))
        if number == 2:
            worker.kill()
            worker.start()

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        now = timezone.now()
        streams_sweep(now=now)
        land_sweep(now=now)  # a reply page lost to an injected failure is fetched next pass
        for transfer in LandTransfer.objects.filter(notice_at__isnull=False,
                                                    paid_at__isnull=True):
            systems.tax.pay(code=transfer.dossier.code)
        if not LandTransfer.objects.filter(result_at__isnull=True).exists():
            break
        time.sleep(0.25)
    left = list(LandTransfer.objects.filter(result_at__isnull=True).values_list(
        "dossier__code", "answered_at", "notice_at", "paid_at"))
    assert not left, left

    land, tax = systems.land.stats(), systems.tax.stats()
    for dossier in dossiers:
        dossier.refresh_from_db()
        assert dossier.result_file
        assert land["messages"][dossier.code] == ["ChuyenHoSo", "HoanThanhNghiaVuTaiChinh"]
        assert tax["messages"][dossier.code] == ["ChuyenThongTinThue"]
        actions = list(dossier.events.values_list("action", flat=True))
        assert actions.count("land_result") == 1 and actions.count("request_payment") == 1
    assert land["failures"] + tax["failures"] > 0
