from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkageConfig(AppConfig):
    name = "linkage"
    verbose_name = _("Liên thông")

    def ready(self):
        from cases import hooks
        from linkage.services import on_dossier_event

        hooks.subscribe(on_dossier_event)
