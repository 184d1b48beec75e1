"""The simulated payment gateway: a provider that lives in this project, for development.

Its checkout page (``devtools.views.payment_simulator``) stands in for the bank's site. It
signs with ``PAYMENT_SIMULATOR_SECRET`` exactly as a real gateway signs with the merchant's
key, so intake verifies its messages like any other provider's.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.urls import reverse

from intake.payments.providers import ProviderNotice

#: Fields covered by the signature, in signing order.
SIGNED_FIELDS = ("reference", "amount", "status", "transaction")


class SimulatedProvider:
    name = "simulated"

    def __init__(self, secret: str | None = None):
        self._secret = (secret or settings.PAYMENT_SIMULATOR_SECRET).encode()

    def checkout_url(self, *, reference: str, amount: int) -> str:
        return reverse("devtools:payment_simulator", args=[reference])

    def sign(self, fields: dict) -> str:
        message = "|".join(str(fields.get(name, "")) for name in SIGNED_FIELDS)
        return hmac.new(self._secret, message.encode(), hashlib.sha256).hexdigest()

    def signed(self, **fields) -> dict:
        values = {name: str(fields[name]) for name in SIGNED_FIELDS}
        return {**values, "signature": self.sign(values)}

    def parse(self, params) -> ProviderNotice:
        values = {name: str(params.get(name, "")) for name in SIGNED_FIELDS}
        signature = str(params.get("signature", ""))
        ok = hmac.compare_digest(self.sign(values), signature)
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
