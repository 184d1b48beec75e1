"""Publishing steps to Celery: right after commit, and again from the sweep if that failed.

A publish that fails (Redis down, process about to die) leaves the outbox row unpublished;
the sweep publishes it later. Publishing twice is harmless: the task's claim decides.
"""

from __future__ import annotations

from celery import current_app
from django.utils import timezone

from linkage.framework import publish as framework_publish
from linkage.models import BundleStep, Outbox

#: The Celery task that runs one step (``linkage.tasks.run_step``).
RUN_STEP = "linkage.tasks.run_step"


def publish_on_commit(outbox_ids: list[int]) -> None:
    framework_publish.on_commit(outbox_ids, publish)


def publish(outbox_ids: list[int]) -> int:
    """Send each outbox row's step; returns how many went to the broker."""
    if not outbox_ids:
        return 0
    rows = list(
        Outbox.objects.filter(pk__in=outbox_ids, published_at__isnull=True).values_list(
            "pk", "step_id"
        )
    )
    sent = _send_all([step_id for _pk, step_id in rows])
    if sent:
        Outbox.objects.filter(pk__in=[pk for pk, _step in rows[:sent]]).update(
            published_at=timezone.now()
        )
    return sent


def send_steps(step_ids: list[int]) -> int:
    return _send_all(step_ids)


def _send_all(step_ids: list[int]) -> int:
    """Publish in order until the broker fails; one UPDATE marks what went (a batch is cheap)."""
    sent = framework_publish.send_in_order(step_ids, lambda step_id: _enqueue(step_id), what="step")
    if sent:
        BundleStep.objects.filter(pk__in=step_ids[:sent]).update(queued_at=timezone.now())
    return sent


def _enqueue(step_id: int) -> None:
    # Sent by name, so this module needs no import of the tasks that import the services
    # (``LinkageConfig.ready`` registers them). No publish retries: a dead broker must not
    # hold the request; the sweep retries.
    current_app.tasks[RUN_STEP].apply_async((step_id,), retry=False)
