"""Small staff pages of intake: the delivery log, anonymous ratings, complaints, and taking
a payment in cash at the counter."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Avg
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.access import page_for
from cases.models import Dossier
from intake.models import Complaint, Payment, Rating
from intake.notifications import selectors as notification_selectors
from intake.online import selectors, services
from intake.payments import selectors as payment_selectors
from intake.payments import services as payment_services
from thanhsen.errors import ApplicationError


@page_for("delivery_log")
def notification_log(request):
    page = Paginator(notification_selectors.notification_log(), 50).get_page(request.GET.get("trang"))
    return render(request, "intake/staff/notifications.html", {"page": page})


@page_for("workspace")
def ratings(request):
    items = selectors.ratings_anonymous()
    averages = items.aggregate(**{name: Avg(name) for name in Rating.CRITERIA})
    criteria = [(Rating._meta.get_field(n).verbose_name, averages[n]) for n in Rating.CRITERIA]
    page = Paginator(items, 50).get_page(request.GET.get("trang"))
    return render(request, "intake/staff/ratings.html",
                  {"page": page, "criteria": criteria, "names": Rating.CRITERIA})


@page_for("workspace")
def complaints(request):
    return render(request, "intake/staff/complaints.html",
                  {"complaints": selectors.complaints_open()[:200]})


@page_for("workspace")
@require_POST
def complaint_answer(request, pk):
    complaint = get_object_or_404(Complaint, pk=pk)
    try:
        services.complaint_answer(complaint=complaint, actor=request.user,
                                  answer=request.POST.get("answer", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã ghi nhận câu trả lời."))
    return redirect("intake:staff_complaints")


@page_for("payments")
def payments(request):
    """The cash desk: every fee still due and every pending obligation, by dossier code."""
    code = (request.GET.get("q") or "").strip().upper()
    return render(request, "intake/staff/payments.html", {
        "fees": payment_selectors.fees_due(code)[:100],
        "obligations": payment_selectors.obligations_pending(code)[:100],
        "code": code,
    })


def _cash_taken(request, payment) -> None:
    messages.success(request, _("Đã ghi nhận thu tiền mặt %(amount)s đồng cho hồ sơ %(code)s.")
                     % {"amount": f"{payment.amount:,}".replace(",", "."),
                        "code": payment.dossier.code})


@page_for("payments")
@require_POST
def payment_cash(request, reference):
    payment = get_object_or_404(Payment, reference=reference)
    try:
        payment_services.payment_record_cash(payment=payment, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        _cash_taken(request, payment)
    return redirect("intake:staff_payments")


@page_for("payments")
@require_POST
def fee_cash(request, code):
    dossier = get_object_or_404(Dossier, code=code)
    try:
        payment = payment_services.fee_collect_cash(dossier=dossier, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        _cash_taken(request, payment)
    return redirect("intake:staff_payments")
