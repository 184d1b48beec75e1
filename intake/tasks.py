"""Celery tasks of intake: load by id, call a service, retry with a short back-off."""

import logging

from celery import shared_task

from intake.counter.services import counter_token_purge
from intake.notifications.services import (
    notification_deliver,
    notifications_for_event,
    notifications_sweep,
)
from intake.online.lookup import throttle_purge

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=5, acks_late=True)
def send_notification(self, notification_id: int) -> None:
    if notification_deliver(notification_id=notification_id):
        raise self.retry(countdown=30 * (self.request.retries + 1))


@shared_task(name="intake.tasks.notify_events", ignore_result=True)
def notify_events(event_ids: list[int]) -> int:
    """Write the resident's messages for a commit's dossier events, in order, and send them.

    Queued when the events commit, so the request or agency step that made them does not wait
    for them; if it never runs, ``notification_sweep`` writes them (no event goes untold).
    Sent here rather than by one more task each: a message the gateway refuses goes to
    ``send_notification``'s retries, one left pending by a dying worker to the sweep. One
    event failing (logged) does not keep the others' messages back.
    """
    written = 0
    for event_id in event_ids:
        try:
            written += _notify(event_id)
        except Exception:
            logger.exception("Could not write the messages of dossier event %s; the sweep will",
                             event_id)
    return written


@shared_task(name="intake.tasks.notify_event", ignore_result=True)
def notify_event(event_id: int) -> int:
    """One event's messages: what was queued per event before ``notify_events`` (a broker may
    still hold such tasks when a new release starts)."""
    return _notify(event_id)


def _notify(event_id: int) -> int:
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
