"""Notifications: written per dossier event and channel, sent once however often the event
is published or the task runs, logged for staff."""

import json
import threading
import time
from datetime import timedelta

import pytest
from celery.signals import task_postrun
from django.core import mail
from django.utils import timezone

from cases import actions, hooks
from cases.models import DossierEvent
from intake import tasks
from intake.models import DeliveryStatus, Notification
from intake.notifications import adapters
from intake.notifications.services import NotificationSweep, notifications_sweep
from intake.tasks import notify_event, notify_events, send_notification
from tests.factories import UserFactory, dossier_in
from tests.intake.helpers import resident
from thanhsen.celery import app
from thanhsen.roles import Role


@pytest.fixture(autouse=True)
def _sms_to_file(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    return tmp_path / "sms"


def _sms_sent(folder):
    return [json.loads(line) for path in folder.glob("*.jsonl") for line in path.read_text().splitlines()]


def test_receipt_sends_one_sms_and_one_email_with_the_status_link(catalogue, settings, _sms_to_file,
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_in("received", procedure=catalogue.civil, resident=resident())
    assert Notification.objects.filter(dossier=dossier, kind="submitted").count() == 2
    rows = Notification.objects.filter(dossier=dossier, kind="received")
    assert sorted(rows.values_list("channel", flat=True)) == ["email", "sms"]
    assert set(rows.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    sms = [m for m in _sms_sent(_sms_to_file) if dossier.code in m["text"] and "tiếp nhận" in m["text"]]
    assert len(sms) == 1 and sms[0]["to"] == "0912345678"
    assert "/tra-cuu/?t=" in sms[0]["text"]
    email = [m for m in mail.outbox if "đã được tiếp nhận" in m.body]
    assert len(email) == 1 and email[0].to == ["an@example.vn"]
    assert email[0].extra_headers["X-Idempotency-Key"].startswith("dossier-event-")


def test_publishing_an_event_twice_writes_and_sends_once(catalogue, _sms_to_file,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_in("received", procedure=catalogue.civil)
    event = DossierEvent.objects.get(dossier=dossier, action="receive")
    before = len(_sms_sent(_sms_to_file))
    with django_capture_on_commit_callbacks(execute=True):
        hooks.publish([hooks.Published(event.pk, event.action, dossier.pk)])
        hooks.publish([hooks.Published(event.pk, event.action, dossier.pk)])
    assert Notification.objects.filter(event=event).count() == 2  # sms + email
    assert len(_sms_sent(_sms_to_file)) == before


def test_task_delivered_twice_sends_once(catalogue, _sms_to_file, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_in("in_progress", procedure=catalogue.civil)
    notification = Notification.objects.get(dossier=dossier, kind="received", channel="sms")
    sent = len(_sms_sent(_sms_to_file))
    send_notification.apply(args=[notification.pk])
    send_notification.apply(args=[notification.pk])
    notification.refresh_from_db()
    assert len(_sms_sent(_sms_to_file)) == sent
    assert notification.attempts == 1 and notification.status == DeliveryStatus.SENT


def test_gateway_failure_is_logged_and_retried_until_sent(catalogue, monkeypatch,
                                                          django_capture_on_commit_callbacks):
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs["key"])
        if len(calls) == 1:
            raise adapters.DeliveryError("gateway timeout")
        return "gw-1"

    monkeypatch.setattr(adapters, "send_sms", flaky)
    app.conf.task_eager_propagates = False
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_in("submitted", procedure=catalogue.civil)
        actions.dossier_request_completion(dossier=dossier, actor=UserFactory(role=Role.COUNTER_OFFICER),
                                            reason="Ảnh căn cước bị mờ")
    # Eager Celery runs the retry at once: the first attempt failed, the second sent.
    notification = Notification.objects.get(dossier=dossier, channel="sms")
    assert notification.status == DeliveryStatus.SENT and notification.provider_reference == "gw-1"
    assert notification.attempts == 2
    assert calls == [notification.idempotency_key] * 2
    send_notification.apply(args=[notification.pk])
    assert len(calls) == 2


def test_a_message_that_keeps_failing_ends_failed_with_its_error(catalogue, monkeypatch,
                                                                  django_capture_on_commit_callbacks):
    def down(**kwargs):
        raise adapters.DeliveryError("connection refused")

    monkeypatch.setattr(adapters, "send_sms", down)
    app.conf.task_eager_propagates = False
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_in("received", procedure=catalogue.civil)
    notification = Notification.objects.get(dossier=dossier, channel="sms")
    assert notification.status == DeliveryStatus.FAILED
    assert notification.last_error == "connection refused" and notification.attempts == 5
    assert Notification.objects.get(dossier=dossier, channel="email").status == DeliveryStatus.SENT


def test_events_recorded_in_the_past_are_history_not_news(catalogue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier_in("received", procedure=catalogue.civil, at=timezone.now() - timedelta(days=3))
    assert not Notification.objects.exists()


def test_each_step_the_resident_must_hear_about_is_notified(catalogue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier_in("returned", procedure=catalogue.civil)
        stopped = dossier_in("stopped", procedure=catalogue.civil)
    kinds = set(Notification.objects.filter(channel="sms").values_list("kind", flat=True))
    assert {"received", "result_ready", "returned", "stopped"} <= kinds
    assert "submitted" not in kinds  # counter dossiers: the receipt is in the resident's hand
    assert "assign" not in kinds
    assert Notification.objects.filter(dossier=stopped, kind="stopped").exists()
    returned = Notification.objects.get(kind="returned", channel="sms")
    assert "/danh-gia/?t=" in returned.body


def test_staff_see_the_delivery_log_and_residents_do_not(client, catalogue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_in("received", procedure=catalogue.civil)
    client.force_login(UserFactory(role=Role.COUNTER_OFFICER))
    page = client.get("/can-bo/thong-bao/").content.decode()
    assert dossier.code in page and "Đã gửi" in page
    client.force_login(resident())
    assert client.get("/can-bo/thong-bao/").status_code == 403


class _FinishedTasks:
    """The ids of the tasks the in-process worker has run, to wait for one of them."""

    def __init__(self):
        self._ids = set()
        self._changed = threading.Condition()

    def __call__(self, task_id=None, **kwargs):
        with self._changed:
            self._ids.add(task_id)
            self._changed.notify_all()

    def wait_for(self, task_id: str) -> None:
        with self._changed:
            ran = self._changed.wait_for(lambda: task_id in self._ids, timeout=60)
        assert ran, "the worker never ran the task"


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_real_worker_sends_once_per_transition(catalogue, _sms_to_file):
    from celery.contrib.testing.worker import start_worker

    app.conf.task_always_eager = False
    finished = _FinishedTasks()
    task_postrun.connect(finished, weak=False)
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        dossier = dossier_in("received", procedure=catalogue.civil)
        # The worker writes the messages (queued when the receipt committed), then sends them.
        told = Notification.objects.filter(dossier=dossier, channel="sms", kind="received")
        deadline = time.monotonic() + 15
        while not told.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        notification = told.get()
        send_notification.delay(notification.pk)  # a duplicate delivery of the same message
        while time.monotonic() < deadline:
            notification.refresh_from_db()
            if notification.status == DeliveryStatus.SENT:
                break
            time.sleep(0.1)
        duplicate = send_notification.delay(notification.pk)
        finished.wait_for(duplicate.id)
    task_postrun.disconnect(finished)
    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.SENT and notification.attempts == 1
    assert len([m for m in _sms_sent(_sms_to_file) if dossier.code in m["text"]]) == 1


def test_residents_are_written_to_in_vietnamese_even_from_an_english_page(
        catalogue, counter, django_capture_on_commit_callbacks):
    from django.utils import translation

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)

    body = Notification.objects.get(dossier=dossier, event__action="receive", channel="sms").body
    assert "đã được tiếp nhận" in body


def _sms_about(folder, dossier, words):
    return [m for m in _sms_sent(folder) if dossier.code in m["text"] and words in m["text"]]


def test_the_sweep_tells_the_resident_what_the_commit_hook_never_did(catalogue, _sms_to_file,
                                                                     django_capture_on_commit_callbacks):
    # Recorded five minutes ago; the process died after the commit, before its reactions ran.
    dossier = dossier_in("received", procedure=catalogue.civil, at=timezone.now() - timedelta(minutes=5))
    assert not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_sweep().written == 2
    rows = Notification.objects.filter(dossier=dossier, kind="received")
    assert set(rows.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert len(_sms_about(_sms_to_file, dossier, "tiếp nhận")) == 1
    assert notifications_sweep() == NotificationSweep(written=0, requeued=0, released=0)
    assert len(_sms_about(_sms_to_file, dossier, "tiếp nhận")) == 1


def test_a_message_written_but_never_sent_is_sent_by_the_sweep(
        catalogue, monkeypatch, _sms_to_file, django_capture_on_commit_callbacks):
    def worker_died(**kwargs):
        return False

    with monkeypatch.context() as patch:
        # The worker wrote the messages and died before sending them.
        patch.setattr(tasks, "notification_deliver", worker_died)
        with django_capture_on_commit_callbacks(execute=True):
            dossier = dossier_in("received", procedure=catalogue.civil)
    rows = Notification.objects.filter(dossier=dossier, kind="received")
    assert set(rows.values_list("status", flat=True)) == {DeliveryStatus.PENDING}
    assert notifications_sweep().requeued == 0  # still within the on-commit path's grace
    rows.update(created_at=timezone.now() - timedelta(minutes=5))
    assert notifications_sweep().requeued == 2
    assert set(rows.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert len(_sms_about(_sms_to_file, dossier, "tiếp nhận")) == 1


def test_a_message_left_sending_by_a_dead_worker_goes_out_again_with_the_same_key(
        catalogue, monkeypatch, django_capture_on_commit_callbacks):
    keys = []
    monkeypatch.setattr(adapters, "send_sms", lambda **kwargs: keys.append(kwargs["key"]) or "gw-2")
    with monkeypatch.context() as patch:
        patch.setattr(tasks, "notification_deliver", lambda **kwargs: False)
        with django_capture_on_commit_callbacks(execute=True):
            dossier = dossier_in("received", procedure=catalogue.civil)
    sms = Notification.objects.get(dossier=dossier, kind="received", channel="sms")
    # A worker claimed it and was killed before it could say how the sending went.
    Notification.objects.filter(pk=sms.pk).update(
        status=DeliveryStatus.SENDING, attempts=1, claimed_at=timezone.now() - timedelta(minutes=3),
        created_at=timezone.now() - timedelta(minutes=3))
    assert notifications_sweep().released == 0
    Notification.objects.filter(pk=sms.pk).update(claimed_at=timezone.now() - timedelta(minutes=11))
    assert notifications_sweep().released == 1
    sms.refresh_from_db()
    assert sms.status == DeliveryStatus.SENT and sms.attempts == 2
    assert keys == [sms.idempotency_key]


def test_the_request_that_makes_a_step_leaves_its_messages_to_a_worker(
        catalogue, monkeypatch, _sms_to_file, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(notify_events, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_in("received", procedure=catalogue.civil)

    assert not Notification.objects.filter(dossier=dossier).exists()
    events = DossierEvent.objects.filter(dossier=dossier, action__in=["create", "receive"])
    assert sorted(pk for batch in queued for pk in batch) == sorted(events.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        for batch in queued:
            notify_events(batch)
    rows = Notification.objects.filter(dossier=dossier, kind="received")
    assert set(rows.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert len(_sms_about(_sms_to_file, dossier, "tiếp nhận")) == 1


def test_a_task_queued_per_event_before_the_release_still_tells_the_resident(
        catalogue, monkeypatch, _sms_to_file, django_capture_on_commit_callbacks):
    """A broker may still hold ``notify_event`` tasks (one per event) when the release that
    queues ``notify_events`` starts: they write and send the messages as before."""
    monkeypatch.setattr(notify_events, "delay", lambda event_ids: None)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_in("received", procedure=catalogue.civil)
    receipt = DossierEvent.objects.get(dossier=dossier, action="receive")
    with django_capture_on_commit_callbacks(execute=True):
        notify_event(receipt.pk)
    rows = Notification.objects.filter(dossier=dossier, kind="received")
    assert set(rows.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert len(_sms_about(_sms_to_file, dossier, "tiếp nhận")) == 1


def test_a_broker_down_when_the_step_commits_loses_no_message(
        catalogue, monkeypatch, _sms_to_file, django_capture_on_commit_callbacks):
    def broker_down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    with monkeypatch.context() as patch:
        patch.setattr(notify_events, "delay", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            # Five minutes ago: the sweep leaves the on-commit path a grace period.
            dossier = dossier_in("received", procedure=catalogue.civil,
                                 at=timezone.now() - timedelta(minutes=5))
    assert dossier.status == "received"  # the step itself went through
    assert not Notification.objects.filter(dossier=dossier).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_sweep().written == 2  # the creation and the receipt, by SMS
    rows = Notification.objects.filter(dossier=dossier, kind="received")
    assert set(rows.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert len(_sms_about(_sms_to_file, dossier, "tiếp nhận")) == 1
