"""Bundles through a real Redis, real Celery worker processes and the agency simulator.

The test process plays Celery beat: it runs the same sweep the beat task runs, a few times a
second instead of every minute, with retry and claim timeouts shortened to match.
"""

import time
from dataclasses import dataclass

import pytest

from linkage.bundles import bundle_correction_complete
from linkage.models import Bundle, BundleState, BundleStep, Outbox, StepState
from linkage.sweep import bundle_sweep
from linkage.tasks import run_step
from tests.linkage import support
from tests.linkage.celery_harness import FAST, PrivateRedis, Simulator, Worker, private_worker

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@dataclass
class Harness:
    redis: PrivateRedis
    simulator: Simulator
    worker: Worker


@pytest.fixture(scope="module")
def harness(django_db_setup, tmp_path_factory):
    simulator = Simulator()
    try:
        with private_worker(tmp_path_factory.mktemp("workers"), agency_url=simulator.url) as (
            redis, worker
        ):
            yield Harness(redis, simulator, worker)
    finally:
        simulator.close()


@pytest.fixture
def rig(harness, settings):
    """The harness with a running worker, stopped again before the test database is flushed.

    A worker still finishing a test's leftover tasks would hold row locks while the flush
    truncates the tables (a deadlock), and the next test would find the leftovers.
    """
    for name, value in FAST.items():
        setattr(settings, name, value)
    settings.AGENCY_BASE_URL = harness.simulator.url
    harness.simulator.reset()
    if not harness.worker.running():
        harness.worker.start()
    yield harness
    harness.worker.stop()


def drive(done, *, timeout: float = 60.0) -> None:
    """Sweep (as beat would) until ``done()`` or fail with what is left."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        bundle_sweep()
        if done():
            return
        time.sleep(0.25)
    left = list(
        BundleStep.objects.exclude(state=StepState.DONE).values_list("state", "last_error")[:10]
    )
    raise AssertionError(f"not finished in {timeout} s; steps left: {left}")


def all_completed(count: int):
    return lambda: Bundle.objects.filter(state=BundleState.COMPLETED).count() == count


def test_birth_bundle_end_to_end(rig):
    people = support.load_catalogue()
    bundle = support.submit(people, "birth", chosen=(support.ID_CARD,))
    support.approve(people, bundle)
    drive(all_completed(1))
    steps = {
        s.procedure.code: s
        for s in BundleStep.objects.filter(bundle=bundle).select_related("procedure")
    }
    assert steps[support.HEALTH_CARD].result["document"] == "Thẻ bảo hiểm y tế"
    assert steps[support.HEALTH_CARD].result["number"].startswith("TE1")
    assert steps[support.RESIDENCE].acknowledged_at is not None
    stats = rig.simulator.stats()
    assert stats["registrations"] == 3 and stats["duplicates"] == 0


def test_death_bundles_with_two_three_and_four_procedures(rig):
    people = support.load_catalogue()
    choices = [(), (support.FUNERAL_SUPPORT,), (support.SURVIVOR, support.MERITORIOUS)]
    for chosen in choices:
        support.approve(people, support.submit(people, "death", chosen=chosen))
    drive(all_completed(3))
    # By beneficiary group: none (death and deletion only) 1, social assistance 6, meritorious 18.
    assert sorted(Bundle.objects.values_list("time_limit", flat=True)) == [1, 6, 18]
    assert rig.simulator.stats()["registrations"] == 1 + 2 + 3


def test_simulator_failing_a_third_of_calls_every_bundle_finishes(rig):
    rig.simulator.reset(failure_rate=0.3, timeout_rate=0.1, timeout_sleep=1.5)
    people = support.load_catalogue()
    for _ in range(15):
        support.approve(people, support.submit(people, "birth"))
    drive(all_completed(15), timeout=90)
    stats = rig.simulator.stats()
    assert stats["failures"] > 0 and stats["timeouts"] > 0
    assert stats["registrations"] == 30 and stats["duplicates"] == 0 and stats["max_per_key"] == 1


def test_the_same_task_delivered_twice_registers_once(rig):
    rig.simulator.reset(latency=0.3)
    people = support.load_catalogue()
    bundle = support.submit(people, "birth")
    support.approve(people, bundle)
    steps = BundleStep.objects.filter(bundle=bundle, is_root=False)
    for step in steps:
        run_step.delay(step.pk)
        run_step.delay(step.pk)
    drive(all_completed(1))
    stats = rig.simulator.stats()
    assert stats["registrations"] == 2 and stats["max_per_key"] == 1
    # Only claimed deliveries reach the agency: three messages per step, one call each (more
    # only if a slow reply timed out and was retried under its claim, with the same key).
    assert stats["submissions"] == sum(steps.values_list("attempts", flat=True))


def test_worker_killed_mid_run_then_restarted_finishes_all_without_duplicates(rig):
    """All the work is queued before the worker starts, and the kill waits for the 60th step
    done: it lands mid-run whatever the machine's speed (asserted, not hoped)."""
    rig.simulator.reset(latency=0.1)
    people = support.load_catalogue()
    total = 200
    rig.worker.stop()
    for _ in range(total):
        support.approve(people, support.submit(people, "birth"))
    rig.worker.start()
    drive(lambda: BundleStep.objects.filter(is_root=False, state=StepState.DONE).count() >= 60)
    rig.worker.kill()
    assert BundleStep.objects.filter(is_root=False).exclude(state=StepState.DONE).exists()
    rig.worker.start()
    drive(all_completed(total), timeout=120)
    stats = rig.simulator.stats()
    assert stats["registrations"] == 2 * total
    assert stats["duplicates"] == 0 and stats["max_per_key"] == 1


def test_redis_stopped_while_bundles_are_created_nothing_is_lost(rig):
    people = support.load_catalogue()
    rig.redis.stop()
    try:
        for _ in range(3):
            support.approve(people, support.submit(people, "birth"))
        bundle_sweep()
        assert Outbox.objects.filter(published_at__isnull=True).count() == 6
        assert Bundle.objects.filter(state=BundleState.IN_PROGRESS).count() == 3
    finally:
        rig.redis.start()
    drive(all_completed(3), timeout=90)
    assert rig.simulator.stats()["registrations"] == 6


def test_return_for_correction_round_trip(rig):
    rig.simulator.reset(return_procedures=[support.RESIDENCE])
    people = support.load_catalogue()
    bundle = support.submit(people, "birth")
    support.approve(people, bundle)
    drive(lambda: Bundle.objects.get(pk=bundle.pk).state == BundleState.CORRECTION)
    residence = BundleStep.objects.get(bundle=bundle, procedure__code=support.RESIDENCE)
    assert residence.state == StepState.RETURNED and "không khớp" in residence.last_error
    bundle_correction_complete(
        bundle=bundle, actor=people.handler, note="Sửa ngày sinh theo CSDL dân cư"
    )
    drive(all_completed(1))
    stats = rig.simulator.stats()
    assert stats["returned"] == 1 and stats["registrations"] == 2 and stats["duplicates"] == 0
