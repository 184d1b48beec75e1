"""Payment pages: start (resident), the simulated gateway, the signed return, the callback."""

from __future__ import annotations

import json

from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from cases.selectors import dossier_visible_to
from intake import services
from intake.models import NoticeVerdict, Payment, PaymentStatus
from intake.online.lookup import client_ip
from intake.online.views import _resident_required
from intake.payments.providers import SimulatedProvider, provider_get
from thanhsen.request_guard import accepts_malformed_text


@_resident_required
@require_POST
def payment_start(request, reference):
    """Send the resident to the provider's checkout for their own pending payment."""
    payment = get_object_or_404(
        Payment, reference=reference, status=PaymentStatus.PENDING,
        dossier__in=dossier_visible_to(request.user),
    )
    return HttpResponseRedirect(
        provider_get().checkout_url(reference=payment.reference, amount=payment.amount)
    )


@require_http_methods(["GET", "POST"])
def payment_simulator(request, reference):
    """The simulated gateway's checkout page (stands in for the bank's site).

    Paying sends the signed server-to-server callback first, then the browser back with a
    signed return, as real gateways do; the amount it signs is the one it was asked for.
    """
    payment = Payment.objects.filter(reference=reference).select_related("dossier").first()
    if payment is None:
        raise Http404
    if request.method == "GET":
        return render(request, "intake/payments/simulator.html", {"payment": payment})
    provider = SimulatedProvider()
    paid = request.POST.get("action") == "pay"
    fields = provider.signed(
        reference=payment.reference, amount=payment.amount,
        status="paid" if paid else "failed",
        transaction=f"SIM{payment.pk:08d}" if paid else "",
    )
    services.payment_receive_notice(params=fields, channel="callback",
                                    remote_addr=client_ip(request), provider_name=provider.name)
    query = "&".join(f"{k}={v}" for k, v in fields.items())
    return redirect(f"{reverse('intake:payment_return')}?{query}")


@accepts_malformed_text
def payment_return(request):
    """Where the provider sends the browser back: verified like the callback, shown to the user."""
    outcome = services.payment_receive_notice(
        params=request.GET, channel="return", remote_addr=client_ip(request)
    )
    ok = outcome.verdict in (NoticeVerdict.ACCEPTED, NoticeVerdict.REPLAYED)
    return render(request, "intake/payments/result.html", {
        "ok": ok, "payment": outcome.payment if ok else None,
        "failed": outcome.verdict == NoticeVerdict.FAILED,
    }, status=400 if outcome.verdict == NoticeVerdict.MALFORMED else 200)


@accepts_malformed_text
@csrf_exempt
@require_POST
def payment_callback(request):
    """Server-to-server notification (JSON or form body). Answers what it made of it."""
    if request.content_type == "application/json":
        try:
            params = json.loads(request.body or b"{}")
        except ValueError:
            params = {}
        if not isinstance(params, dict):
            params = {}
    else:
        params = request.POST
    outcome = services.payment_receive_notice(
        params=params, channel="callback", remote_addr=client_ip(request)
    )
    accepted = outcome.verdict in (NoticeVerdict.ACCEPTED, NoticeVerdict.REPLAYED)
    return JsonResponse({"result": str(outcome.verdict)}, status=200 if accepted else 400)
