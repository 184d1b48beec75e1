from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Development only: simulators of outside systems and demo data; production imports none."""

    name = "devtools"
    verbose_name = "Development tools"
