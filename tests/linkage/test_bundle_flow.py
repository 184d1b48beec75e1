"""The bundle's life through the services, one attempt at a time (no broker: tasks run here)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import actions as case_actions
from cases.models import DossierEvent, DossierPause
from intake.models import Notification
from linkage import outbox
from linkage.adapters import AgencyError, AgencyReply
from linkage.bundles import (
    bundle_correction_complete,
    bundle_relatives_confirmed,
    bundle_relatives_wait_start,
    bundle_submit,
    step_retry_now,
)
from linkage.models import Bundle, BundleState, BundleStep, Outbox, StepState
from linkage.selectors import bundle_classification, bundle_tracks_for
from linkage.sweep import bundle_sweep
from linkage.tasks import step_run
from tests.linkage import support
from thanhsen.errors import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    """Record what would be published instead of sending it: each test runs the steps itself."""
    sent = []

    monkeypatch.setattr(outbox, "_enqueue", sent.append)
    return sent


def _dependents(bundle):
    return list(BundleStep.objects.filter(bundle=bundle, is_root=False).order_by("position"))


def test_birth_bundle_goes_out_after_the_civil_status_step(
    tasks_in_process, django_capture_on_commit_callbacks
):
    people = support.load_catalogue()
    bundle = support.submit(people, "birth")
    assert [s.procedure.code for s in bundle.steps.order_by("position")] == [
        support.BIRTH_REGISTRATION,
        support.RESIDENCE,
        support.HEALTH_CARD,
    ]
    assert {s.state for s in _dependents(bundle)} == {StepState.WAITING}
    assert bundle.time_limit == 3 and bundle.due_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        support.approve(people, bundle)
    steps = _dependents(bundle)
    assert {s.state for s in steps} == {StepState.READY}
    assert Outbox.objects.filter(step__in=steps, published_at__isnull=False).count() == 2
    residence = steps[0]
    assert residence.time_limit == 2 and residence.agency.code == "BCA_CT"

    adapter = support.FakeAdapter()
    with django_capture_on_commit_callbacks(execute=True):
        for step in steps:
            assert step_run(step.pk, adapter=adapter) == "done"
    bundle.refresh_from_db()
    assert bundle.state == BundleState.COMPLETED
    assert bundle.classification in ("early", "on_time")
    actions = list(
        DossierEvent.objects.filter(dossier=bundle.dossier).values_list("action", flat=True)
    )
    assert actions.count("bundle_step_done") == 3 and actions[-1] == "bundle_complete"
    tracks = bundle_tracks_for(bundle.dossier)
    assert [t.status for t in tracks] == ["done", "done", "done"]
    assert tracks[2].result == "Thẻ bảo hiểm y tế TE1"
    told = Notification.objects.filter(dossier=bundle.dossier, channel="sms")
    step_messages = [n.body for n in told.filter(kind="bundle_step")]
    assert len(step_messages) == 3  # the civil-status step and the two agencies
    assert any("Thẻ bảo hiểm y tế" in body and "TE1" in body for body in step_messages)
    assert told.filter(kind="bundle_complete").count() == 1


def test_a_duplicate_delivery_does_nothing(django_capture_on_commit_callbacks):
    people = support.load_catalogue()
    bundle = support.submit(people, "birth")
    with django_capture_on_commit_callbacks(execute=True):
        support.approve(people, bundle)
    step = _dependents(bundle)[0]
    adapter = support.FakeAdapter()
    assert step_run(step.pk, adapter=adapter) == "done"
    assert step_run(step.pk, adapter=adapter) == "skipped"
    assert len(adapter.calls) == 1


@pytest.mark.parametrize(
    "chosen, limit",
    [
        ((), 1),  # death registration and deletion of residence, no benefit
        ((support.SURVIVOR,), 9),
        ((support.SURVIVOR, support.MERITORIOUS), 18),
    ],
)
def test_death_bundle_limit_follows_the_beneficiary_group(chosen, limit):
    people = support.load_catalogue()
    bundle = support.submit(people, "death", chosen=chosen)
    assert bundle.time_limit == limit
    assert bundle.steps.count() == 2 + len(chosen)


def test_death_bundle_refuses_five_procedures_and_leaves_nothing_behind():
    people = support.load_catalogue()
    with pytest.raises(ApplicationError) as error:
        support.submit(
            people, "death", chosen=(support.SURVIVOR, support.MERITORIOUS, support.FUNERAL_SUPPORT)
        )
    assert "2, 3, 4" in str(error.value.fields["chosen_procedures"][0])
    assert not Bundle.objects.exists()


def test_failures_back_off_then_need_attention_then_retry_now(
    settings, django_capture_on_commit_callbacks
):
    settings.LINKAGE_MAX_ATTEMPTS = 3
    settings.LINKAGE_RETRY_BASE_SECONDS = 10
    people = support.load_catalogue()
    bundle = support.submit(people, "birth")
    with django_capture_on_commit_callbacks(execute=True):
        support.approve(people, bundle)
    step = _dependents(bundle)[0]
    failing = support.FakeAdapter(script=[AgencyError("HTTP 503 Service Unavailable")] * 3)
    before = timezone.now()
    assert step_run(step.pk, adapter=failing) == "failed"
    step.refresh_from_db()
    assert step.state == StepState.RETRYING and step.attempts == 1
    assert (
        before + timedelta(seconds=5)
        <= step.next_attempt_at
        <= timezone.now() + timedelta(seconds=10)
    )
    assert step_run(step.pk, adapter=failing) == "skipped"  # not due yet

    for _ in range(2):
        BundleStep.objects.filter(pk=step.pk).update(next_attempt_at=timezone.now())
        step_run(step.pk, adapter=failing)
    step.refresh_from_db()
    assert step.state == StepState.NEEDS_ATTENTION and "503" in step.last_error

    with django_capture_on_commit_callbacks(execute=True):
        step_retry_now(step=step, actor=people.counter)
    assert step_run(step.pk, adapter=support.FakeAdapter()) == "done"


def test_outsider_may_not_retry(django_capture_on_commit_callbacks):
    people = support.load_catalogue()
    bundle = support.submit(people, "birth")
    with django_capture_on_commit_callbacks(execute=True):
        support.approve(people, bundle)
    step = _dependents(bundle)[0]
    with pytest.raises(ApplicationError) as error:
        step_retry_now(step=step, actor=people.resident)
    assert error.value.kind == "forbidden"


def test_return_for_correction_goes_back_to_the_civil_status_step(
    django_capture_on_commit_callbacks,
):
    people = support.load_catalogue()
    bundle = support.submit(people, "birth")
    with django_capture_on_commit_callbacks(execute=True):
        support.approve(people, bundle)
    residence, card = _dependents(bundle)
    old_key = residence.idempotency_key
    rejecting = support.FakeAdapter(script=[AgencyReply(status="returned", reason="Sai ngày sinh")])
    with django_capture_on_commit_callbacks(execute=True):
        assert step_run(residence.pk, adapter=rejecting) == "returned"
    bundle.refresh_from_db()
    assert bundle.state == BundleState.CORRECTION and bundle.corrections == 1
    card.refresh_from_db()
    assert card.state == StepState.WAITING
    assert step_run(card.pk, adapter=support.FakeAdapter()) == "skipped"
    tracks = bundle_tracks_for(bundle.dossier)
    assert tracks[0].status == "problem" and "trả về" in tracks[1].label
    event = DossierEvent.objects.filter(dossier=bundle.dossier, action="bundle_return").get()
    assert event.note == "Sai ngày sinh"

    with pytest.raises(ApplicationError):
        bundle_correction_complete(bundle=bundle, actor=people.handler, note="  ")
    with django_capture_on_commit_callbacks(execute=True):
        bundle_correction_complete(bundle=bundle, actor=people.handler, note="Sửa ngày sinh")
    residence.refresh_from_db()
    assert residence.state == StepState.READY and residence.idempotency_key != old_key
    adapter = support.FakeAdapter()
    with django_capture_on_commit_callbacks(execute=True):
        step_run(residence.pk, adapter=adapter)
        step_run(card.pk, adapter=adapter)
    bundle.refresh_from_db()
    assert bundle.state == BundleState.COMPLETED


def test_relatives_confirmation_is_a_pause_that_holds_the_benefit_steps(
    django_capture_on_commit_callbacks,
):
    people = support.load_catalogue()
    bundle = support.submit(people, "death", chosen=(support.SURVIVOR,))
    due_before = bundle.due_at
    bundle_relatives_wait_start(bundle=bundle, actor=people.counter)
    with django_capture_on_commit_callbacks(execute=True):
        support.approve(people, bundle)
    deletion, survivor = _dependents(bundle)
    assert deletion.state == StepState.READY and survivor.state == StepState.WAITING
    assert "VNeID" in bundle_tracks_for(bundle.dossier)[2].label
    with django_capture_on_commit_callbacks(execute=True):
        bundle_relatives_confirmed(
            bundle=bundle, actor=people.counter, at=timezone.now() + timedelta(days=4)
        )
    survivor.refresh_from_db()
    bundle.refresh_from_db()
    assert survivor.state == StepState.READY
    assert DossierPause.objects.get(dossier=bundle.dossier).ended_at is not None
    assert bundle.due_at > due_before


def test_sweep_recovers_a_lost_hook_a_stale_claim_and_an_unpublished_outbox(
    settings, django_capture_on_commit_callbacks, _no_broker
):
    settings.LINKAGE_OUTBOX_GRACE_SECONDS = 0
    people = support.load_catalogue()
    bundle = support.submit(people, "birth")
    support.approve(people, bundle)  # commit hooks not run: as if the process died
    assert Bundle.objects.get(pk=bundle.pk).state == BundleState.CIVIL_STATUS
    bundle_sweep()
    residence, card = _dependents(bundle)
    assert residence.state == StepState.READY
    # The hook's publish did not run either: the sweep publishes the outbox.
    assert bundle_sweep()["published"] == 2
    assert Outbox.objects.filter(published_at__isnull=True).count() == 0

    BundleStep.objects.filter(pk=residence.pk).update(
        state=StepState.SENDING, claimed_at=timezone.now() - timedelta(hours=1)
    )
    counts = bundle_sweep()
    residence.refresh_from_db()
    assert counts["stale"] == 1 and residence.state == StepState.RETRYING
    assert residence.pk in _no_broker


def test_refused_parent_cancels_the_bundle(django_capture_on_commit_callbacks):
    people = support.load_catalogue()
    bundle = support.submit(people, "birth")
    dossier = case_actions.dossier_assign(
        dossier=bundle.dossier, actor=people.counter, handler=people.handler
    )
    dossier = case_actions.dossier_submit_for_approval(dossier=dossier, actor=people.handler)
    with django_capture_on_commit_callbacks(execute=True):
        case_actions.dossier_refuse(dossier=dossier, actor=people.leader, reason="Giấy tờ giả")
    bundle.refresh_from_db()
    assert bundle.state == BundleState.CANCELLED
    assert {s.state for s in _dependents(bundle)} == {StepState.CANCELLED}


def test_an_agency_that_answers_later_is_polled_for_its_result(django_capture_on_commit_callbacks):
    people = support.load_catalogue()
    bundle = support.submit(people, "birth")
    with django_capture_on_commit_callbacks(execute=True):
        support.approve(people, bundle)
    step = _dependents(bundle)[0]
    adapter = support.FakeAdapter(script=[AgencyReply(status="received", reference="CT-77")])
    assert step_run(step.pk, adapter=adapter) == "received"
    step.refresh_from_db()
    assert step.state == StepState.SENT and step.sent_at and step.acknowledged_at is None
    assert step_run(step.pk, adapter=adapter) == "skipped"  # next poll not due yet
    BundleStep.objects.filter(pk=step.pk).update(next_attempt_at=timezone.now())
    assert step_run(step.pk, adapter=adapter) == "done"
    assert adapter.calls[-1][:3] == ("status", "BCA_CT", "CT-77")
    step.refresh_from_db()
    assert step.attempts == 1 and step.acknowledged_at is not None


def test_sweep_warns_of_steps_not_passed_on_and_past_their_limit(
    django_capture_on_commit_callbacks,
):
    people = support.load_catalogue()
    bundle = support.submit(people, "birth")
    with django_capture_on_commit_callbacks(execute=True):
        support.approve(people, bundle)
    residence, card = _dependents(bundle)
    now = timezone.now()
    BundleStep.objects.filter(pk=residence.pk).update(ready_at=now - timedelta(minutes=11))
    BundleStep.objects.filter(pk=card.pk).update(due_at=now - timedelta(days=1))
    bundle_sweep()
    residence.refresh_from_db()
    card.refresh_from_db()
    assert residence.warnings == ["not_passed_on"]
    assert card.warnings == ["overdue"]


def test_sweep_cancels_a_bundle_whose_parent_was_stopped_while_the_hook_was_lost():
    people = support.load_catalogue()
    bundle = support.submit(people, "birth")
    case_actions.dossier_stop(dossier=bundle.dossier, actor=people.counter, reason="Rút hồ sơ")
    assert bundle_sweep()["reconciled"] == 1
    bundle.refresh_from_db()
    assert bundle.state == BundleState.CANCELLED


def test_a_bundle_waiting_on_the_relatives_is_not_warned_overdue(
    django_capture_on_commit_callbacks,
):
    people = support.load_catalogue()
    bundle = support.submit(people, "death", chosen=(support.SURVIVOR,))
    bundle_relatives_wait_start(bundle=bundle, actor=people.counter)
    with django_capture_on_commit_callbacks(execute=True):
        support.approve(people, bundle)
    deletion, _survivor = _dependents(bundle)
    past = timezone.now() - timedelta(days=2)
    BundleStep.objects.filter(pk=deletion.pk).update(due_at=past)
    Bundle.objects.filter(pk=bundle.pk).update(due_at=past)
    bundle_sweep()
    deletion.refresh_from_db()
    assert "overdue" not in deletion.warnings
    assert bundle_classification(Bundle.objects.get(pk=bundle.pk)) == "within"

    bundle_relatives_confirmed(bundle=bundle, actor=people.counter)
    BundleStep.objects.filter(pk=deletion.pk).update(due_at=past)
    Bundle.objects.filter(pk=bundle.pk).update(due_at=past)
    bundle_sweep()
    deletion.refresh_from_db()
    assert "overdue" in deletion.warnings
    assert bundle_classification(Bundle.objects.get(pk=bundle.pk)) == "overdue"


def test_ending_the_relatives_pause_re_dates_the_parent_dossier_at_once(
    django_capture_on_commit_callbacks,
):
    people = support.load_catalogue()
    bundle = support.submit(people, "death", chosen=(support.SURVIVOR,))
    parent_due_before = bundle.dossier.due_at
    bundle_relatives_wait_start(bundle=bundle, actor=people.counter)
    with django_capture_on_commit_callbacks(execute=True):
        bundle_relatives_confirmed(
            bundle=bundle, actor=people.counter, at=timezone.now() + timedelta(days=4)
        )

    bundle.dossier.refresh_from_db()
    assert parent_due_before is not None and bundle.dossier.due_at > parent_due_before
    assert bundle.dossier.quality_due_at > parent_due_before


def test_the_tasks_sent_by_name_are_registered():
    """The outbox and the portal's streams send their tasks by name (no import of the tasks
    module, which imports them); ``LinkageConfig.ready`` registers those names in every
    process, so a typo or a renamed task fails here, not in production."""
    from celery import current_app

    from linkage.framework import outbound

    assert {outbox.RUN_STEP, outbound.DELIVER_STREAM} <= set(current_app.tasks)


def test_a_bundle_filed_unreceived_is_dated_when_its_dossier_is_received(
    django_capture_on_commit_callbacks
):
    people = support.load_catalogue()
    at = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        filed = bundle_submit(kind_code="birth", applicant=support.applicant(), actor=people.counter,
                              channel="direct", documents=support.papers("birth", at), at=at)
    assert filed.due_at is None
    with django_capture_on_commit_callbacks(execute=True):
        case_actions.dossier_receive(dossier=filed.dossier, actor=people.counter, at=at)
    filed.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        received_at_once = support.submit(people, "birth", at=at)
    received_at_once.refresh_from_db()
    assert filed.due_at is not None
    assert filed.due_at == received_at_once.due_at
