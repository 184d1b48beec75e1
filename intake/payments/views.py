"""Payment pages: start (resident), the provider's signed return, its callback.

Without a provider (``online_payment_offered``) fees are paid at the counter: starting an
online payment says so, and the provider's return and callback do not exist.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cases.access import page_for
from cases.selectors import dossier_visible_to
from intake.models import NoticeVerdict, Payment, PaymentStatus
from intake.online.lookup import client_ip
from intake.payments import services
from intake.payments.providers import online_payment_offered, provider_get
from thanhsen.request_guard import accepts_malformed_text


@page_for("resident")
@require_POST
def payment_start(request, reference):
    """Send the resident to the provider's checkout for their own pending payment."""
    payment = get_object_or_404(
        Payment, reference=reference, status=PaymentStatus.PENDING,
        dossier__in=dossier_visible_to(request.user),
    )
    if payment.levied_by:
        messages.info(request, services.LEVIED_ELSEWHERE)
        return redirect("intake:my_dossier", code=payment.dossier.code)
    if not online_payment_offered():
        messages.info(request, _("Chưa có thanh toán trực tuyến: mời nộp phí, lệ phí tại quầy "
                                 "tiếp nhận của Trung tâm trong giờ làm việc."))
        return redirect("intake:my_dossier", code=payment.dossier.code)
    return HttpResponseRedirect(
        provider_get().checkout_url(reference=payment.reference, amount=payment.amount)
    )


@accepts_malformed_text
def payment_return(request):
    """Where the provider sends the browser back: verified like the callback, shown to the user."""
    if not online_payment_offered():
        raise Http404
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
    if not online_payment_offered():
        return JsonResponse({"result": "no_provider"}, status=404)
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
