"""Celery tasks of intake: load by id, call a service, retry with a short back-off."""

from celery import shared_task

from intake.counter.services import counter_token_purge
from intake.notifications.services import notification_deliver, notifications_sweep
from intake.online.lookup import throttle_purge


@shared_task(bind=True, max_retries=5, acks_late=True)
def send_notification(self, notification_id: int) -> None:
    if notification_deliver(notification_id=notification_id):
        raise self.retry(countdown=30 * (self.request.retries + 1))


@shared_task
def lookup_throttle_purge() -> int:
    return throttle_purge()


@shared_task
def notification_sweep() -> dict:
    return notifications_sweep().__dict__


@shared_task
def counter_tokens_purge() -> int:
    return counter_token_purge()
