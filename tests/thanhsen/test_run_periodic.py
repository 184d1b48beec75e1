"""Without a broker, `make run` runs the beat schedule in one process."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from intake.models import LookupThrottle


@pytest.mark.django_db(transaction=True)
def test_each_scheduled_task_runs_once_and_a_failing_one_does_not_stop_the_others(monkeypatch, capfd):
    from intake import tasks as intake_tasks

    LookupThrottle.objects.create(key="ip:10.0.0.9", failures=20,
                                  window_ends_at=timezone.now() - timedelta(seconds=1))
    LookupThrottle.objects.create(key="ip:10.0.0.8", failures=1,
                                  window_ends_at=timezone.now() + timedelta(minutes=5))

    def broken():
        raise RuntimeError("sweep broke")

    monkeypatch.setattr(intake_tasks.notification_sweep, "run", broken)
    call_command("run_periodic", once=True)

    assert list(LookupThrottle.objects.values_list("key", flat=True)) == ["ip:10.0.0.8"]
    logged = capfd.readouterr().err
    assert "periodic task intake-notification-sweep" in logged and "sweep broke" in logged
