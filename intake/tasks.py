"""Celery tasks of intake: load by id, call a service, retry with a short back-off."""

from celery import shared_task

from intake.counter.services import counter_token_purge
from intake.notifications.services import (
    notification_deliver,
    notifications_for_event,
    notifications_sweep,
)
from intake.online.lookup import throttle_purge


@shared_task(bind=True, max_retries=5, acks_late=True)
def send_notification(self, notification_id: int) -> None:
    if notification_deliver(notification_id=notification_id):
        raise self.retry(countdown=30 * (self.request.retries + 1))


@shared_task(name="intake.tasks.notify_event", ignore_result=True)
def notify_event(event_id: int) -> int:
    """Write the resident's messages for one dossier event and send them.

    Queued when the event commits, so the request or agency step that made it does not wait
    for them; if it never runs, ``notification_sweep`` writes them (no event goes untold).
    Sent here rather than by one more task each: a message the gateway refuses goes to
    ``send_notification``'s retries, one left pending by a dying worker to the sweep.
    """
    written = notifications_for_event(event_id=event_id, queue=False)
    for notification_id in written:
        if notification_deliver(notification_id=notification_id):
            send_notification.apply_async((notification_id,), countdown=30)
    return len(written)


@shared_task
def lookup_throttle_purge() -> int:
    return throttle_purge()


@shared_task
def notification_sweep() -> dict:
    return notifications_sweep().__dict__


@shared_task
def counter_tokens_purge() -> int:
    return counter_token_purge()
