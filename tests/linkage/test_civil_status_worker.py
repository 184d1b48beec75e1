"""The civil-status registry through a real Redis, real Celery worker processes and the
registry simulator: an outage, lost and duplicated replies in any order, a return for
correction, and a worker killed mid-step, and still every approved registration is registered
once with its extract.

The test process plays Celery beat: it runs the sweep's parts (re-publish what is due, pull the
registry's replies) a few times a second instead of every minute.
"""

import time

import pytest
from django.utils import timezone

from cases import actions as case_actions
from cases.models import Dossier, Procedure
from linkage.civil_status import services as registry_services
from linkage.civil_status.sweep import civil_status_sweep
from linkage.framework.models import SyncStream
from linkage.framework.outbound import streams_sweep
from linkage.models import CivilRegistration, RegistrationState
from tests.factories import applicant, mandatory_papers
from tests.linkage import support
from tests.linkage.celery_harness import FAST, private_worker
from tests.linkage.civil_status_support import RegistryRig

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

REGISTRY_FAST = {**FAST, "CIVIL_STATUS_TIMEOUT_SECONDS": 1.0}


@pytest.fixture(scope="module")
def harness(django_db_setup, tmp_path_factory):
    registry = RegistryRig()
    env = {"CIVIL_STATUS_BASE_URL": registry.url, "PORTAL_BASE_URL": "",
           "CIVIL_STATUS_TIMEOUT_SECONDS": "1.0"}
    try:
        with private_worker(tmp_path_factory.mktemp("registry-workers"), env=env) as (redis,
                                                                                      worker):
            yield redis, registry, worker
    finally:
        registry.close()


@pytest.fixture
def rig(harness, settings):
    redis, registry, worker = harness
    for name, value in REGISTRY_FAST.items():
        setattr(settings, name, value)
    settings.CIVIL_STATUS_BASE_URL = registry.url
    settings.PORTAL_BASE_URL = ""
    registry.reset()
    if not worker.running():
        worker.start()
    yield redis, registry, worker
    worker.stop()


@pytest.fixture
def people(rig):
    return support.load_catalogue()


def approved(people) -> Dossier:
    procedure = Procedure.objects.get(code=support.BIRTH_REGISTRATION, is_current=True)
    dossier = case_actions.dossier_create(
        procedure_code=procedure.code, applicant=applicant(), channel="direct",
        actor=people.counter, receive=True, documents=mandatory_papers(procedure),
    )
    dossier = case_actions.dossier_assign(dossier=dossier, actor=people.counter, handler=people.handler)
    dossier = case_actions.dossier_submit_for_approval(dossier=dossier, actor=people.handler)
    return case_actions.dossier_approve(dossier=dossier, actor=people.leader)


def drive(done, *, timeout: float = 90.0) -> None:
    """Sweep (as beat would) until ``done()`` or fail with what is left."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = timezone.now()
        streams_sweep(now=now)
        civil_status_sweep(now=now)
        if done():
            return
        time.sleep(0.25)
    left = list(CivilRegistration.objects.exclude(state=RegistrationState.REGISTERED)
                .values_list("dossier__code", "state")[:10])
    raise AssertionError(f"not finished in {timeout} s; registrations left: {left}")


def all_registered() -> bool:
    return not CivilRegistration.objects.exclude(state=RegistrationState.REGISTERED).exists()


def assert_registered_once(registry, dossiers) -> None:
    stats = registry.registry.stats()
    assert stats["duplicates"] == 0
    assert stats["codes"] == sorted(d.code for d in dossiers)
    for dossier in Dossier.objects.filter(pk__in=[d.pk for d in dossiers]):
        assert dossier.result_file, dossier.code
        assert dossier.events.filter(action="civil_status_registered").count() == 1


def test_registry_down_while_officers_approve_all_registered_after(rig, people):
    _redis, registry, _worker = rig
    registry.registry.configure(outage=True)
    dossiers = [approved(people) for _ in range(6)]
    drive(lambda: SyncStream.objects.filter(system="hotich", attempts__gt=0).count() >= 3,
          timeout=30)
    assert registry.registry.stats()["accepted"] == 0
    registry.registry.configure(outage=False)
    drive(all_registered)
    assert_registered_once(registry, dossiers)


def test_lost_and_disordered_replies_a_correction_and_a_killed_worker(rig, people):
    _redis, registry, worker = rig
    registry.registry.configure(latency=0.02, timeout_rate=0.2, timeout_sleep=1.5,
                                duplicate_reply_rate=0.5, reverse_replies=True)
    # The first is held back until the registry knows to return it.
    registry.registry.configure(outage=True)
    dossiers = [approved(people)]
    registry.registry.configure(return_codes=[dossiers[0].code], outage=False)
    for number in range(1, 20):
        dossiers.append(approved(people))
        if number == 8:
            worker.kill()
            worker.start()
    drive(lambda: CivilRegistration.objects.filter(
        state=RegistrationState.CORRECTION).exists())
    returned = CivilRegistration.objects.get(state=RegistrationState.CORRECTION)
    registry_services.registration_correct(record=returned, actor=people.handler,
                                           value="Nguyễn Văn Sửa")
    drive(all_registered, timeout=120)
    assert registry.registry.stats()["timeouts"] > 0
    assert_registered_once(registry, dossiers)
    returned.refresh_from_db()
    assert returned.submissions == 2
