"""The payment-provider interface and the simulated gateway behind it.

A provider sends the resident to its checkout page, then tells us the outcome twice: by the
browser's return (signed query string) and by a server-to-server callback (signed body).
Both carry the same fields and are verified the same way; neither is trusted unsigned.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.urls import reverse

#: Fields covered by the signature, in signing order.
SIGNED_FIELDS = ("reference", "amount", "status", "transaction")


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


class SimulatedProvider:
    """A gateway that lives in this project (``/cong-thanh-toan-mo-phong/``), signing with
    ``PAYMENT_SIMULATOR_SECRET`` exactly as a real one signs with the merchant's key."""

    name = "simulated"

    def __init__(self, secret: str | None = None):
        self._secret = (secret or settings.PAYMENT_SIMULATOR_SECRET).encode()

    def checkout_url(self, *, reference: str, amount: int) -> str:
        return reverse("intake:payment_simulator", args=[reference])

    def sign(self, fields: dict) -> str:
        message = "|".join(str(fields.get(name, "")) for name in SIGNED_FIELDS)
        return hmac.new(self._secret, message.encode(), hashlib.sha256).hexdigest()

    def signed(self, **fields) -> dict:
        values = {name: str(fields[name]) for name in SIGNED_FIELDS}
        return {**values, "signature": self.sign(values)}

    def parse(self, params) -> ProviderNotice:
        values = {name: str(params.get(name, "")) for name in SIGNED_FIELDS}
        signature = str(params.get("signature", ""))
        # As bytes: compare_digest refuses str with non-ASCII characters (a 500 otherwise).
        ok = hmac.compare_digest(self.sign(values).encode(), signature.encode(errors="replace"))
        try:
            amount = int(values["amount"])
        except ValueError:
            amount = None
        return ProviderNotice(
            reference=values["reference"][:64],
            amount=amount,
            status=values["status"],
            transaction=values["transaction"][:64],
            signature_ok=ok,
        )


def provider_get(name: str | None = None) -> PaymentProvider:
    name = name or settings.PAYMENT_PROVIDER
    if name == SimulatedProvider.name:
        return SimulatedProvider()
    raise LookupError(f"Unknown payment provider: {name!r}")
