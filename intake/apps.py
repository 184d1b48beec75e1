import logging

from django.apps import AppConfig

logger = logging.getLogger(__name__)


def on_dossier_event(event_id: int) -> None:
    """Tell the resident (and open a payable item for a payment request) after each step.

    A failure here is logged and kept from the other apps' reactions to the same event.
    """
    from intake.notifications.services import notifications_for_event

    try:
        notifications_for_event(event_id=event_id)
    except Exception:
        logger.exception("Could not prepare notifications for dossier event %s", event_id)


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "Tiếp nhận, dịch vụ công trực tuyến"

    def ready(self):
        from django.core import checks

        from cases import hooks
        from intake.notifications.messages import NOTIFIED_ACTIONS
        from intake.payments.checks import payment_provider_check

        hooks.subscribe(on_dossier_event, actions={*NOTIFIED_ACTIONS, "request_payment"})
        checks.register(payment_provider_check)
