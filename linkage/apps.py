from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkageConfig(AppConfig):
    name = "linkage"
    verbose_name = _("Liên thông")

    def ready(self):
        from cases import hooks
        from cases.labels import register_event_labels
        from linkage.bundles import PARENT_ACTIONS, on_dossier_events
        from linkage.civil_status import services as civil_status
        from linkage.framework import outbound
        from linkage.labels import EVENT_LABELS, LAND_EVENT_LABELS
        from linkage.land import services as land_services
        from linkage.portal import mapping
        from linkage.portal.services import CONNECTOR, record_events

        hooks.subscribe(on_dossier_events, actions={"create", *PARENT_ACTIONS}, batch=True)
        hooks.subscribe_in_transaction(record_events, actions=mapping.SYNCED_ACTIONS,
                                       batch=True)
        outbound.register(CONNECTOR)
        hooks.subscribe_in_transaction(civil_status.record_approval, actions={"approve"})
        hooks.hold_results(civil_status.result_hold)
        outbound.register(civil_status.CONNECTOR)
        hooks.subscribe_in_transaction(land_services.on_handover, actions={"assign"})
        outbound.register(land_services.LAND_CONNECTOR)
        outbound.register(land_services.TAX_CONNECTOR)
        register_event_labels(LAND_EVENT_LABELS)
        register_event_labels(EVENT_LABELS)
        # Register the Celery tasks in every process, the web's included: the services send
        # them by name (``linkage.outbox``, ``linkage.framework.outbound``), so with eager
        # tasks (no Redis) they run in-process.
        import_module("linkage.tasks")
