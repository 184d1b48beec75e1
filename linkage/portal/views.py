"""Staff pages of the portal sync: the health page, the "cần xử lý" queue, one message."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.access import page_for
from cases.models import Dossier
from cases.periods import period_from_query
from cases.policy import sync_denial_reason
from linkage.framework.models import OutboundMessage, ReconciliationRun, SyncStream
from linkage.framework.outbound import TransportError
from linkage.portal import SYSTEM, selectors, services
from linkage.portal.reconciliation import reconciliation_run, synced_indicator
from thanhsen.errors import ApplicationError


def _may(request, action: str) -> bool:
    return sync_denial_reason(request.user, action) is None


@page_for("sync")
def health(request):
    now = timezone.now()
    health = selectors.sync_health(now=now)
    return render(request, "linkage/portal/health.html", {
        "health": health,
        "oldest_minutes": int((now - health.oldest_pending_at).total_seconds() // 60)
        if health.oldest_pending_at else None,
        "queue": selectors.attention_queue()[:10],
        "inbound_refused": selectors.inbound_refused()[:20],
        "may_act": _may(request, "retry"),
    })


@page_for("sync")
def queue(request):
    return render(request, "linkage/portal/queue.html", {
        "queue": selectors.attention_queue()[:200],
        "may_act": _may(request, "retry"),
    })


@page_for("sync")
def transfers(request):
    """Dossiers received here and transferred to the competent unit (Decree 118/2025), those
    the unit has not acknowledged first."""
    waiting_only = request.GET.get("cho") == "1"
    return render(request, "linkage/portal/transfers.html", {
        "transfers": selectors.transfer_list(waiting_only=waiting_only),
        "waiting_only": waiting_only,
    })


@page_for("sync")
def message_detail(request, pk: int):
    message = get_object_or_404(
        OutboundMessage.objects.select_related("stream__dossier", "resolved_by"), pk=pk
    )
    return render(request, "linkage/portal/message.html", {
        "message": message,
        "wire": services.envelope(message, message.stream.dossier.code),
        "may_act": _may(request, "retry"),
        "note_error": request.session.pop("portal_note_error", ""),
    })


def _back(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else fallback


@page_for("sync")
@require_POST
def stream_retry(request, pk: int):
    stream = get_object_or_404(SyncStream, pk=pk)
    try:
        services.stream_retry_now(stream=stream, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã đưa các thông điệp của hồ sơ vào hàng gửi lại ngay."))
    return redirect(_back(request, "linkage:portal_queue"))


@page_for("sync")
@require_POST
def message_correct(request, pk: int):
    message = get_object_or_404(OutboundMessage, pk=pk)
    try:
        services.message_mark_corrected(
            message=message, actor=request.user, note=request.POST.get("note", "")
        )
    except ApplicationError as exc:
        if exc.fields:
            request.session["portal_note_error"] = " ".join(
                str(m) for ms in exc.fields.values() for m in ms
            )
        messages.error(request, exc.message)
        return redirect("linkage:portal_message", pk=pk)
    messages.success(
        request,
        _("Đã đánh dấu đã xử lý; các thông điệp sau của hồ sơ được gửi tiếp, kèm một lần "
          "đồng bộ lại trạng thái."),
    )
    return redirect("linkage:portal_queue")


@page_for("sync")
@require_POST
def dossier_resync(request, code: str):
    dossier = get_object_or_404(Dossier, code=code)
    try:
        services.dossier_resync(dossier=dossier, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã đưa trạng thái hiện tại của hồ sơ vào hàng gửi lên Cổng."))
    return redirect(_back(request, "linkage:portal_health"))


@page_for("sync")
def reconciliation(request):
    """The last reconciliation with its mismatches (each with a resync), and a run on demand."""
    error = ""
    if request.method == "POST":
        if not _may(request, "retry"):
            error = sync_denial_reason(request.user, "retry")
        else:
            try:
                period = period_from_query(request.POST)
                reconciliation_run(start=period.first, end=period.last, actor=request.user)
            except ApplicationError as exc:
                error = exc.message
            except TransportError as exc:
                error = _("Không hỏi được Cổng (%(error)s); hãy thử lại sau.") % {"error": exc}
            else:
                messages.success(request, _("Đã đối soát xong."))
                return redirect("linkage:portal_reconciliation")
    run = ReconciliationRun.objects.filter(system=SYSTEM).select_related("ran_by").first()
    return render(request, "linkage/portal/reconciliation.html", {
        "run": run,
        "indicator": synced_indicator(start=run.period_start, end=run.period_end) if run else None,
        "error": error,
        "may_act": _may(request, "retry"),
        "kinds": {"missing": _("Cổng chưa có hồ sơ"), "status": _("Khác trạng thái"),
                  "unknown": _("Cổng có, ở đây không có")},
    }, status=400 if error else 200)
