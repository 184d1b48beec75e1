"""Pages of the registry connector: the civil-status officer's queue (returned registrations
with the registry's reason, to correct and resend; those still with the registry; messages
needing attention), and the resident's download of the electronic extract."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.access import page_for
from cases.policy import sync_denial_reason
from cases.selectors import dossier_get
from cases.uploads import upload_response
from linkage.civil_status import SYSTEM, selectors, services
from linkage.framework.models import SyncStream
from linkage.models import CivilRegistration, RegistrationState
from linkage.portal import services as sync_services
from linkage.portal.selectors import attention_queue
from thanhsen.errors import ApplicationError


@page_for("workspace")
def queue(request):
    health = selectors.registry_health()
    return render(request, "linkage/civil_status/queue.html", {
        "registrations": selectors.registrations_visible_to(request.user)[:200],
        "health": health,
        "attention": attention_queue(SYSTEM)[:50],
        "refused": selectors.replies_refused()[:20],
        "may_retry": sync_denial_reason(request.user, "retry") is None,
        "errors": {int(k): v for k, v in request.session.pop("civil_status_errors", {}).items()},
        "now": timezone.now(),
    })


@page_for("workspace")
@require_POST
def correct(request, pk: int):
    record = get_object_or_404(CivilRegistration, pk=pk)
    try:
        services.registration_correct(
            record=record, actor=request.user, value=request.POST.get("value", ""),
            note=request.POST.get("note", ""),
        )
    except ApplicationError as exc:
        details = " ".join(str(m) for ms in (exc.fields or {}).values() for m in ms)
        request.session["civil_status_errors"] = {str(pk): details or exc.message}
        messages.error(request, exc.message)
        return redirect(reverse("linkage:civil_status_queue") + f"#registration-{pk}")
    messages.success(request, _("Đã sửa và gửi lại đăng ký tới Cơ sở dữ liệu hộ tịch."))
    return redirect("linkage:civil_status_queue")


@page_for("workspace")
@require_POST
def stream_retry(request, pk: int):
    stream = get_object_or_404(SyncStream, pk=pk, system=SYSTEM)
    try:
        sync_services.stream_retry_now(stream=stream, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã đưa đăng ký của hồ sơ vào hàng gửi lại ngay."))
    return redirect("linkage:civil_status_queue")


@page_for("resident")
def my_extract(request, code: str):
    """The resident's electronic extract, once the registry has issued it."""
    try:
        dossier = dossier_get(user=request.user, code=code)
    except ApplicationError as exc:
        raise Http404 from exc
    registered = CivilRegistration.objects.filter(
        dossier=dossier, state=RegistrationState.REGISTERED
    ).exists()
    if not registered or not dossier.result_file:
        raise Http404(_("Chưa có trích lục điện tử."))
    return upload_response(dossier.result_file, download_name=f"trich-luc-{dossier.code}")
