"""Start-up check: ``PAYMENT_PROVIDER`` must name a provider some installed app registered.

Without it a misspelt name, or ``simulated`` on a server without the development tools,
would silently turn online payment off; ``migrate`` and ``check`` stop on it instead.
"""

from django.conf import settings
from django.core.checks import Error

from intake.payments.providers import provider_registered


def payment_provider_check(app_configs, **kwargs) -> list[Error]:
    name = settings.PAYMENT_PROVIDER
    if not name or provider_registered(name):
        return []
    return [Error(
        f"PAYMENT_PROVIDER={name!r} is not a payment provider of any installed app.",
        hint="Leave PAYMENT_PROVIDER empty to take fees at the counter only, or install the app "
             "that registers it (the simulated gateway needs DEVTOOLS=1).",
        id="intake.E001",
    )]
