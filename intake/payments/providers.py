"""The payment-provider interface and the registry the configured provider is taken from.

A provider sends the resident to its checkout page, then tells us the outcome twice: by the
browser's return and by a server-to-server callback. Both carry the same fields and are
verified the same way; neither is trusted unsigned.

Providers are not imported here: the app that brings one registers it under its name
(``provider_register`` in its ``AppConfig.ready``), and ``PAYMENT_PROVIDER`` names the one in
use. With no provider named (the production default until a real gateway is contracted)
online payment is not offered and fees are paid at the counter. The development tools
register the simulated gateway (``devtools``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings


@dataclass(frozen=True)
class ProviderNotice:
    reference: str
    amount: int | None
    status: str  # "paid" or "failed"
    transaction: str
    signature_ok: bool


class PaymentProvider(Protocol):
    name: str

    def checkout_url(self, *, reference: str, amount: int) -> str: ...

    def parse(self, params) -> ProviderNotice: ...


_PROVIDERS: dict[str, Callable[[], PaymentProvider]] = {}


def provider_register(name: str, factory: Callable[[], PaymentProvider]) -> None:
    """Make a provider available under ``name`` (called from its app's ``ready``)."""
    _PROVIDERS[name] = factory


def provider_registered(name: str) -> bool:
    return name in _PROVIDERS


def online_payment_offered() -> bool:
    """Whether residents may pay online: a provider is named and its app is installed.

    A name without its app is refused at start-up by the ``intake.E001`` check; here it only
    keeps the pages from offering a checkout nobody could serve.
    """
    return provider_registered(settings.PAYMENT_PROVIDER)


def provider_get(name: str | None = None) -> PaymentProvider:
    name = name or settings.PAYMENT_PROVIDER
    if name not in _PROVIDERS:
        raise LookupError(f"Unknown payment provider: {name!r}")
    return _PROVIDERS[name]()
