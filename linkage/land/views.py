"""The land officers' pages: their queue of dossiers at the office and the tax authority, and
the transfer of a dossier handed over before the office was connected."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.access import page_for
from cases.models import Dossier
from linkage.land.selectors import land_queue
from linkage.land.services import dossier_transfer_to_office
from thanhsen.errors import ApplicationError


@page_for("land")
def queue(request):
    return render(request, "linkage/land/queue.html", {"rows": land_queue()})


@page_for("land")
@require_POST
def transfer(request, code: str):
    dossier = get_object_or_404(Dossier, code=code)
    try:
        dossier_transfer_to_office(dossier=dossier, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã chuyển hồ sơ và các tệp đến Văn phòng Đăng ký đất đai."))
    return redirect("cases:dossier", code=dossier.code)
