"""Writes of the residents' messages: one delivery-log row per (dossier event, channel), its
sending claimed once, and the sweep that finishes what the on-commit path could not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone, translation

from cases.models import DossierEvent
from intake.models import (
    DeliveryStatus,
    Notification,
    NotificationChannel,
)
from intake.notifications import adapters
from intake.notifications.messages import NOTIFIED_ACTIONS, message_for
from intake.payments.services import payment_for_request

#: A message about a step recorded with a moment older than this is history being entered
#: (demo data, back-filled paper records), not news: it is not sent.
NOTIFY_MAX_AGE = timedelta(hours=1)
NOTIFY_MAX_ATTEMPTS = 5
#: How long the on-commit path has to write and queue an event's messages before the sweep
#: takes over, and how long a claimed message may stay "sending" before it is thought lost.
NOTIFY_SWEEP_GRACE = timedelta(minutes=2)
NOTIFY_SENDING_STALE = timedelta(minutes=10)


def notifications_for_event(*, event_id: int, queue: bool = True) -> list[int]:
    """Write the delivery-log rows for one dossier event and queue their sending.

    Unique (event, channel) rows make a duplicated publication harmless: only rows created
    here are returned (and queued; with ``queue=False`` the caller sends them itself).
    """
    from intake.tasks import send_notification

    event = DossierEvent.objects.select_related("dossier", "dossier__procedure").get(pk=event_id)
    if event.action == "request_payment":
        payment_for_request(event=event)
    dossier = event.dossier
    # Residents are written to in Vietnamese, whatever language the officer's page is in.
    with translation.override(settings.LANGUAGE_CODE):
        message = message_for(event, dossier)
    if message is None or event.at < timezone.now() - NOTIFY_MAX_AGE:
        return []
    created = []
    for channel, recipient in (
        (NotificationChannel.SMS, dossier.applicant_phone),
        (NotificationChannel.EMAIL, dossier.applicant_email),
    ):
        if not recipient:
            continue
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    dossier=dossier, event=event, kind=message.kind, channel=channel,
                    recipient=recipient, subject=message.subject, body=message.text,
                )
        except IntegrityError:
            continue
        created.append(notification.pk)
        if queue:
            transaction.on_commit(
                lambda pk=notification.pk: send_notification.delay(pk), robust=True
            )
    return created


def notification_deliver(*, notification_id: int) -> bool:
    """Send one logged message unless another run already has; ``True`` asks for a retry.

    The row is claimed by a conditional update (pending → sending), so a task delivered
    twice, or retried after a success, sends nothing the second time.
    """
    claimed = Notification.objects.filter(
        pk=notification_id, status=DeliveryStatus.PENDING
    ).update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now())
    if not claimed:
        return False
    notification = Notification.objects.get(pk=notification_id)
    try:
        if notification.channel == NotificationChannel.EMAIL:
            reference = adapters.send_email(
                to=notification.recipient, subject=notification.subject,
                text=notification.body, key=notification.idempotency_key,
            )
        else:
            reference = adapters.send_sms(
                to=notification.recipient, text=notification.body,
                key=notification.idempotency_key,
            )
    except adapters.DeliveryError as exc:
        retry = notification.attempts < NOTIFY_MAX_ATTEMPTS
        Notification.objects.filter(pk=notification_id).update(
            status=DeliveryStatus.PENDING if retry else DeliveryStatus.FAILED,
            last_error=str(exc)[:2000],
        )
        return retry
    Notification.objects.filter(pk=notification_id).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), provider_reference=reference[:100],
        last_error="",
    )
    return False


@dataclass(frozen=True)
class NotificationSweep:
    written: int
    requeued: int
    released: int


def notifications_sweep() -> NotificationSweep:
    """Make sure no step goes untold: what the on-commit path could not finish, beat finishes.

    - a recent event whose messages were never written (the process died after the commit,
      or writing failed) gets them now;
    - a message still pending after the grace period (its task was never queued because the
      broker was down, or was lost) is queued again;
    - a message claimed but still "sending" long after (the worker died mid-send) goes back to
      pending. The gateway receives the same idempotency key again, so it sends at most once.
    The claim (pending → sending) keeps a message queued twice from going out twice.
    """
    from intake.tasks import send_notification

    now = timezone.now()
    released = Notification.objects.filter(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - NOTIFY_SENDING_STALE
    ).update(status=DeliveryStatus.PENDING)
    untold = (
        DossierEvent.objects.filter(
            action__in=[*NOTIFIED_ACTIONS, "request_payment"],
            at__gte=now - NOTIFY_MAX_AGE, at__lt=now - NOTIFY_SWEEP_GRACE,
        )
        .exclude(dossier__applicant_phone="", dossier__applicant_email="")
        .exclude(Exists(Notification.objects.filter(event=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )
    written = sum(len(notifications_for_event(event_id=pk)) for pk in untold)
    stale = list(Notification.objects.filter(
        status=DeliveryStatus.PENDING, attempts__lt=NOTIFY_MAX_ATTEMPTS,
        created_at__lt=now - NOTIFY_SWEEP_GRACE,
    ).values_list("pk", flat=True))
    for pk in stale:
        send_notification.delay(pk)
    return NotificationSweep(written=written, requeued=len(stale), released=released)
