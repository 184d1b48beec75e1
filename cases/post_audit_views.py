"""Post-audit pages: the authoriser's queue with warnings and figures, the review, the export."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.access import forbidden, page_for
from cases.delegation import may_delegate
from cases.delegation_forms import FindingForm
from cases.delegation_views import _apply_error
from cases.labels import EVENT_LABELS
from cases.models import Status
from cases.post_audit_review import post_audit_record_finding
from cases.post_audit_selectors import (
    post_audit_get,
    post_audit_queue,
    post_audit_report,
    post_audit_reviewed,
    review_warning_from,
)
from thanhsen.errors import ApplicationError


def _leader_only(request):
    if not may_delegate(request.user):
        return forbidden(request, _("Trang hậu kiểm dành cho lãnh đạo UBND phường."))
    return None


@page_for("post_audit")
def queue(request):
    """``/lam-viec/hau-kiem/``: decisions drawn for review, with deadline warnings, and figures."""
    if (denied := _leader_only(request)) is not None:
        return denied
    return render(request, "cases/post_audit/queue.html", {
        "queue": post_audit_queue(user=request.user),
        "reviewed": post_audit_reviewed(user=request.user),
        "report": post_audit_report(),
        "now": timezone.now(),
        "warn_from": review_warning_from(timezone.now()),
    })


@page_for("post_audit")
@require_http_methods(["GET", "POST"])
def review(request, pk: int):
    if (denied := _leader_only(request)) is not None:
        return denied
    draw = post_audit_get(user=request.user, pk=pk)
    if draw is None:
        raise Http404(_("Không tìm thấy quyết định cần hậu kiểm."))
    form = FindingForm()
    status = 200
    if request.method == "POST":
        form = FindingForm(request.POST)
        if form.is_valid():
            try:
                post_audit_record_finding(draw=draw, actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                _apply_error(form, exc)
            else:
                messages.success(request, _("Đã ghi kết luận hậu kiểm hồ sơ %(code)s.")
                                 % {"code": draw.dossier.code})
                return redirect("cases:post_audit")
        status = 400
    return render(request, "cases/post_audit/review.html", {
        "draw": draw, "dossier": draw.dossier, "form": form, "event_labels": EVENT_LABELS,
        "status_labels": dict(Status.choices),
    }, status=status)


def _counts(row: dict) -> list[int]:
    return [row["decided"], row["n_drawn"], row["correct"], row["needs_correction"], row["wrong"]]


@page_for("post_audit")
def export(request):
    """The figures as CSV (UTF-8 with BOM, so spreadsheets read the diacritics)."""
    if (denied := _leader_only(request)) is not None:
        return denied
    report = post_audit_report()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="hau-kiem.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_("Nhóm"), _("Tên"), _("Quyết định theo ủy quyền"), _("Rút hậu kiểm"),
                     _("Đúng"), _("Cần chấn chỉnh"), _("Sai")])
    for row in report.by_delegate:
        name = f"{row['authorisation__authorised__last_name']} {row['authorisation__authorised__first_name']}"
        writer.writerow([_("Người được ủy quyền"), name, *_counts(row)])
    for row in report.by_procedure:
        writer.writerow([_("Thủ tục"), f"{row['dossier__procedure__name']} ({row['dossier__procedure__code']})",
                         *_counts(row)])
    for row in report.by_month:
        writer.writerow([_("Tháng"), timezone.localtime(row["month"]).strftime("%m/%Y"), *_counts(row)])
    writer.writerow([_("Tổng"), _("Tỷ lệ rút (rút ÷ quyết định)"), report.decided, report.drawn,
                     "", "", ""])
    writer.writerow([_("Tổng"), _("Số điều chỉnh kết quả"), report.corrections, "", "", "", ""])
    return response
