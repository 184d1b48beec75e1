"""Portal sync through a real Redis, real Celery worker processes and the portal simulator.

The test process plays Celery beat: it runs the sweep's portal parts (re-publish what is due,
fetch acknowledgements) a few times a second instead of every minute, with back-off and claim
timeouts shortened to match.
"""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from cases import actions
from linkage.framework.models import MessageState, OutboundMessage, SyncStream
from linkage.framework.outbound import streams_sweep
from linkage.portal.sweep import portal_sweep
from linkage.tasks import deliver_stream
from tests.factories import applicant, dossier_in, mandatory_papers
from tests.linkage.celery_harness import FAST, private_worker
from tests.linkage.portal_support import PortalRig

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

PORTAL_FAST = {**FAST, "PORTAL_TIMEOUT_SECONDS": 1.0}
#: The issue's outage: five minutes of the simulator's outage window.
OUTAGE_SECONDS = 300


@pytest.fixture(scope="module")
def harness(django_db_setup, tmp_path_factory):
    portal = PortalRig()
    env = {"PORTAL_BASE_URL": portal.url,
           "PORTAL_TIMEOUT_SECONDS": str(PORTAL_FAST["PORTAL_TIMEOUT_SECONDS"])}
    try:
        with private_worker(tmp_path_factory.mktemp("portal-workers"), env=env) as (redis, worker):
            yield redis, portal, worker
    finally:
        portal.close()


@pytest.fixture
def rig(harness, settings):
    redis, portal, worker = harness
    for name, value in PORTAL_FAST.items():
        setattr(settings, name, value)
    settings.PORTAL_BASE_URL = portal.url
    settings.PORTAL_TOKEN_URL = ""
    portal.reset()
    if not worker.running():
        worker.start()
    yield redis, portal, worker
    worker.stop()


def drive(done, *, timeout: float = 90.0) -> None:
    """Sweep (as beat would) until ``done()`` or fail with what is left."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = timezone.now()
        streams_sweep(now=now)
        portal_sweep(now=now)
        if done():
            return
        time.sleep(0.25)
    left = list(
        OutboundMessage.objects.exclude(state=MessageState.ACKNOWLEDGED)
        .values_list("stream__dossier__code", "sequence", "state", "last_error")[:10]
    )
    raise AssertionError(f"not finished in {timeout} s; messages left: {left}")


def all_acknowledged() -> bool:
    return not OutboundMessage.objects.exclude(state=MessageState.ACKNOWLEDGED).exists()


def assert_in_order_without_duplicates(portal, dossiers) -> None:
    stats = portal.portal.stats()
    assert stats["duplicates"] == 0 and stats["out_of_order"] == 0
    for dossier in dossiers:
        expected = OutboundMessage.objects.filter(stream__dossier=dossier).count()
        sequences = [m["SoThuTu"] for m in portal.portal.history(dossier.code)]
        assert sequences == list(range(1, expected + 1)), dossier.code


def test_portal_down_while_dossiers_change_all_arrive_after_in_order(rig, catalogue, counter):
    _redis, portal, _worker = rig
    portal.portal.configure(outage=True)
    dossiers = [
        dossier_in(state, procedure=catalogue.civil, counter=counter)
        for state in ("returned", "resolved", "in_progress", "stopped", "not_accepted") * 8
    ]
    # The worker has tried and backed off; nothing reached the portal.
    drive(lambda: SyncStream.objects.filter(attempts__gt=0).count() >= 10, timeout=30)
    assert portal.portal.stats()["accepted"] == 0
    portal.portal.configure(outage=False)
    drive(all_acknowledged)
    assert_in_order_without_duplicates(portal, dossiers)
    assert sum(portal.portal.stats()["messages"].values()) == OutboundMessage.objects.count()


def changed_at_five_counters(catalogue, counter, *, count: int) -> list:
    """``count`` dossiers received, one in five also sent to a department, by five sessions
    at once (each thread its own database connection), as a busy center would."""

    papers = mandatory_papers(catalogue.civil)

    def one(number: int):
        try:
            dossier = actions.dossier_create(
                procedure_code=catalogue.civil.code, applicant=applicant(), channel="direct",
                actor=counter, receive=True, documents=papers,
            )
            if number % 5 == 0:
                actions.dossier_assign(dossier=dossier, actor=counter,
                                        department=catalogue.civil_office, handler=None)
            return dossier
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=5) as pool:
        return list(pool.map(one, range(count)))


def test_an_outage_window_while_500_dossiers_change_then_all_arrive_in_order_once(
    rig, catalogue, counter
):
    _redis, portal, _worker = rig
    portal.portal.configure(outage_seconds=OUTAGE_SECONDS)
    dossiers = changed_at_five_counters(catalogue, counter, count=500)
    # Down all along: the worker has tried, been refused and backed off; nothing went in.
    drive(lambda: portal.portal.stats()["outage_refusals"] > 0, timeout=10)
    assert portal.portal.stats()["accepted"] == 0
    # The five minutes pass for the simulator (its window closes; the test does not wait).
    portal.portal.configure(outage_seconds=0)
    drive(all_acknowledged, timeout=90)
    assert OutboundMessage.objects.count() == 1100
    assert_in_order_without_duplicates(portal, dossiers)
    stats = portal.portal.stats()
    assert stats["outage_refusals"] > 0 and stats["replays"] == 0
    assert sum(stats["messages"].values()) == 1100


def test_lost_replies_duplicate_and_reversed_acks_and_a_killed_worker(rig, catalogue, counter):
    _redis, portal, worker = rig
    portal.portal.configure(latency=0.02, timeout_rate=0.1, timeout_sleep=1.5,
                            duplicate_ack_rate=0.5, reverse_acks=True)
    dossiers, killed = [], False
    for number in range(40):
        dossiers.append(dossier_in("returned", procedure=catalogue.civil, counter=counter))
        if not killed and number == 15:
            worker.kill()
            killed = True
            worker.start()
    drive(all_acknowledged, timeout=120)
    stats = portal.portal.stats()
    # Replies were lost; each such message was then either sent again under its id (a replay
    # the portal deduplicates) or confirmed by the acknowledgement pull first, whichever came
    # sooner on this machine: either way it reached the portal once, in order.
    assert stats["timeouts"] > 0
    assert_in_order_without_duplicates(portal, dossiers)
    assert OutboundMessage.objects.filter(acknowledgements__gt=1).exists()


def test_a_refused_message_waits_with_its_reason_and_blocks_only_its_dossier(
    rig, catalogue, counter
):
    _redis, portal, _worker = rig
    refused = dossier_in("received", procedure=catalogue.civil, counter=counter)
    drive(all_acknowledged)
    portal.portal.configure(reject_codes=[refused.code])
    actions.dossier_assign(dossier=refused, actor=counter, department=catalogue.civil_office,
                            handler=None)
    others = [dossier_in("returned", procedure=catalogue.civil, counter=counter)
              for _ in range(5)]
    drive(lambda: OutboundMessage.objects.filter(state=MessageState.ACKNOWLEDGED).count()
          == OutboundMessage.objects.count() - 1)
    parked = OutboundMessage.objects.get(state=MessageState.REJECTED)
    assert parked.stream.dossier_id == refused.pk and refused.code in parked.reason
    assert_in_order_without_duplicates(portal, others)
    assert [m["SoThuTu"] for m in portal.portal.history(refused.code)] == [1, 2]


def test_redis_down_while_statuses_change_nothing_is_lost(rig, catalogue, counter):
    redis, portal, _worker = rig
    redis.stop()
    try:
        dossiers = [dossier_in("returned", procedure=catalogue.civil, counter=counter)
                    for _ in range(5)]
        assert OutboundMessage.objects.count() == 30
    finally:
        redis.start()
    drive(all_acknowledged)
    assert_in_order_without_duplicates(portal, dossiers)


def test_the_same_task_delivered_twice_sends_each_message_once(rig, catalogue, counter):
    _redis, portal, _worker = rig
    portal.portal.configure(latency=0.1)
    dossier = dossier_in("returned", procedure=catalogue.civil, counter=counter)
    stream = SyncStream.objects.get(dossier=dossier)
    for _ in range(3):
        deliver_stream.delay(stream.pk)
    drive(all_acknowledged)
    stats = portal.portal.stats()
    assert stats["received"] == 6 and stats["replays"] == 0
    assert_in_order_without_duplicates(portal, [dossier])
