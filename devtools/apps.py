from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Development tools: demo data, history seeding and the simulators.

    Installed only when ``DEVTOOLS`` is on (by default with ``DEBUG``); no production app
    imports it. What production apps offer as hooks it fills in here: the simulated gateway
    becomes a payment provider (``PAYMENT_PROVIDER=simulated``, the development default).
    """

    name = "devtools"
    verbose_name = "Công cụ phát triển"

    def ready(self):
        from devtools.simulators.payments import SimulatedProvider
        from intake.payments.providers import provider_register

        provider_register(SimulatedProvider.name, SimulatedProvider)
