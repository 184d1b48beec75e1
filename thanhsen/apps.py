from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThanhsenConfig(AppConfig):
    name = "thanhsen"
    verbose_name = _("Tài khoản và vai trò")

    def ready(self):
        from thanhsen import startup  # noqa: F401 — registers the deployment check
