import logging

from django.apps import AppConfig

from cases import hooks

logger = logging.getLogger(__name__)


def on_payment_request(event_id: int) -> None:
    """Open the payable item of a payment request (and tell the resident) as it commits.

    Done at once, not queued: the resident may pay as soon as the officer asked, and the
    notification sweep only covers dossiers that have a phone or an e-mail to write to.
    A failure here is logged and kept from the other apps' reactions to the same event.
    """
    from intake.notifications.services import notifications_for_event

    try:
        notifications_for_event(event_id=event_id)
    except Exception:
        logger.exception("Could not prepare notifications for dossier event %s", event_id)


def on_dossier_events(events: list[hooks.Published]) -> None:
    """Queue telling the resident about a commit's steps, off the request (or agency step)
    that made them: one task for all of them (a creation and its receipt are one commit).

    Writing the messages costs about as much as the step itself; a worker does it instead.
    A broker that cannot take the task loses nothing: ``notification_sweep`` writes the
    messages of any recent event that has none.
    """
    from intake.tasks import notify_events

    event_ids = [event.id for event in events]
    try:
        notify_events.delay(event_ids)
    except Exception:
        logger.exception(
            "Could not queue notifications for dossier events %s; the sweep will write them",
            event_ids,
        )


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "Tiếp nhận, dịch vụ công trực tuyến"

    def ready(self):
        from django.core import checks

        from intake.notifications.messages import NOTIFIED_ACTIONS
        from intake.payments.checks import payment_provider_check

        hooks.subscribe(on_payment_request, actions={"request_payment"})
        hooks.subscribe(on_dossier_events, actions=set(NOTIFIED_ACTIONS) - {"request_payment"},
                        batch=True)
        checks.register(payment_provider_check)
