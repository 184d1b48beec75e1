"""The simulated payment gateway's checkout page (stands in for the bank's site)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from devtools.simulators.payments import SimulatedProvider
from intake.models import Payment
from intake.online.lookup import client_ip
from intake.payments import services


@login_required
@require_http_methods(["GET", "POST"])
def payment_simulator(request, reference):
    """Only the resident whose dossier owes the payment may open or pay it (anyone else gets
    a 404, as for a reference that does not exist), and only while the simulated gateway is
    the configured provider.

    Paying sends the signed server-to-server callback first, then the browser back with a
    signed return, as real gateways do; the amount it signs is the one it was asked for.
    """
    if settings.PAYMENT_PROVIDER != SimulatedProvider.name:
        raise Http404
    payment = get_object_or_404(
        Payment.objects.select_related("dossier"),
        reference=reference, dossier__applicant_user=request.user,
    )
    if request.method == "GET":
        return render(request, "devtools/payment_simulator.html", {"payment": payment})
    provider = SimulatedProvider()
    paid = request.POST.get("action") == "pay"
    fields = provider.signed(
        reference=payment.reference, amount=payment.amount,
        status="paid" if paid else "failed",
        transaction=f"SIM{payment.pk:08d}" if paid else "",
    )
    services.payment_receive_notice(params=fields, channel="callback",
                                    remote_addr=client_ip(request), provider_name=provider.name)
    return redirect(f"{reverse('intake:payment_return')}?{urlencode(fields)}")
