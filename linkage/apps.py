from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkageConfig(AppConfig):
    name = "linkage"
    verbose_name = _("Liên thông")

    def ready(self):
        from cases import hooks
        from cases.labels import register_event_labels
        from linkage.labels import EVENT_LABELS
        from linkage.services import PARENT_ACTIONS, on_dossier_event

        hooks.subscribe(on_dossier_event, actions=PARENT_ACTIONS)
        register_event_labels(EVENT_LABELS)
