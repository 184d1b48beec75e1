"""Pages of the reports app: thin, everything they show comes from selectors."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from cases.access import page_for
from cases.periods import Period, period_from_query
from cases.post_audit_selectors import post_audit_report
from cases.selectors import handover_at_risk
from reports import insights, rollups, services
from reports.cells import BESIDE_COLUMNS, BIEU06_COLUMNS, CELLS, DIMENSIONS
from reports.dashboard import SHORT_COLUMNS, figures, link_table, quick_periods
from reports.indicators import SCOPES, SPECS, indicator_list, indicator_total
from reports.models import ExportJob, ExportStatus
from reports.selectors import (
    ALL_COLUMNS,
    bundle_summary,
    dossier_drilldown,
    refresh_known,
    report_table,
    row_label,
    synthetic_withdrawals,
    transparency_months,
)
from thanhsen.errors import ApplicationError
from thanhsen.files import protect_file_response


def _period_or_error(request):
    try:
        return period_from_query(request.GET), None
    except ApplicationError as exc:
        return Period.current_month(), exc


def _error_page(request, error: ApplicationError):
    return render(request, "reports/error.html", {"error": error}, status=400)


def _common(request, period: Period, refreshed_at=None) -> dict:
    return {
        "period": period,
        "quick_periods": quick_periods(timezone.localdate()),
        "refreshed_at": refreshed_at or rollups.refreshed_at(),
        "columns": BIEU06_COLUMNS,
        "beside": BESIDE_COLUMNS,
        "cell_labels": {code: cell.label for code, cell in CELLS.items()},
    }


@page_for("reports")
def dashboard(request):
    period, error = _period_or_error(request)
    if error:
        return _error_page(request, error)
    grain = "week" if request.GET.get("nhom") == "tuan" else "month"
    stamp = rollups.refreshed_at()
    with refresh_known(stamp):
        shown = figures(period, grain, stamp=stamp)
        context = {
            **_common(request, period, stamp),
            **shown,
            "total": shown["by_field"].total,
            "short_columns": SHORT_COLUMNS,
            "scopes": SCOPES,
            "grain": grain,
            "at_risk": insights.dossiers_at_risk()[:6],
            "handover_risk": handover_at_risk()[:6],
            "now": timezone.now(),
            "bundles": bundle_summary(period=period),
            "synthetic_withdrawals": synthetic_withdrawals(period=period),
            "post_audit": post_audit_report(period=period),
        }
    return render(request, "reports/dashboard.html", context)


@page_for("reports")
def bieu06(request):
    period, error = _period_or_error(request)
    if error:
        return _error_page(request, error)
    dimension = request.GET.get("theo") or "field"
    source = request.GET.get("nguon") or "rollup"
    try:
        stamp = rollups.refreshed_at() if source == "rollup" else None
        table = link_table(report_table(period=period, dimension=dimension, source=source),
                           ALL_COLUMNS, at=stamp)
    except ApplicationError as exc:
        return _error_page(request, exc)
    return render(request, "reports/bieu06.html", {
        **_common(request, period), "table": table, "dimensions": DIMENSIONS, "source": source,
        "synthetic_withdrawals": synthetic_withdrawals(period=period, source=source),
    })


@page_for("reports")
def indicators(request):
    period, error = _period_or_error(request)
    if error:
        return _error_page(request, error)
    results = indicator_list(period=period)
    return render(request, "reports/indicators.html", {
        **_common(request, period), "indicators": results, "total": indicator_total(results),
        "scopes": SCOPES,
    })


@page_for("reports")
def insights_page(request):
    period, error = _period_or_error(request)
    if error:
        return _error_page(request, error)
    return render(request, "reports/insights.html", {
        **_common(request, period), **insights.insight_report(period=period),
    })


@page_for("reports")
def dossiers(request):
    period, error = _period_or_error(request)
    if error:
        return _error_page(request, error)
    cell = request.GET.get("o", "")
    dimension = request.GET.get("theo") or None
    key = request.GET.get("k")
    scope = request.GET.get("chi_so") or None
    try:
        qs = dossier_drilldown(period=period, cell=cell, dimension=dimension, key=key)
    except ApplicationError as exc:
        return _error_page(request, exc)
    if scope:
        if scope not in SCOPES:
            raise Http404
        qs = qs.filter(Q(**SCOPES[scope]))
    page = Paginator(qs, 50).get_page(request.GET.get("trang"))
    return render(request, "reports/dossiers.html", {
        **_common(request, period), "cell": CELLS[cell], "page": page,
        "count": page.paginator.count, "dimension": DIMENSIONS.get(dimension),
        "row_label": row_label(dimension, key), "scope": SPECS.get(scope),
        "now": timezone.now(),
    })


@page_for("reports")
@require_POST
def export_create(request):
    try:
        job = services.export_job_create(
            owner=request.user, kind=request.POST.get("loai", ""),
            file_format=request.POST.get("dinh_dang", ""), params=request.POST,
        )
    except ApplicationError as exc:
        return _error_page(request, exc)
    return redirect("reports:export", pk=job.pk)


@page_for("reports")
@vary_on_headers("HX-Request")
def export_status(request, pk: int):
    job = get_object_or_404(ExportJob, pk=pk, owner=request.user)
    template = "reports/export.html#progress" if request.htmx else "reports/export.html"
    return render(request, template, {"job": job, "running": job.status in (
        ExportStatus.PENDING, ExportStatus.RUNNING)})


@page_for("reports")
def export_download(request, pk: int):
    job = get_object_or_404(ExportJob, pk=pk, owner=request.user, status=ExportStatus.DONE)
    return protect_file_response(FileResponse(job.file.open("rb"), as_attachment=True,
                                              filename=job.file.name.rsplit("/", 1)[-1]))


def transparency(request):
    """Public: the ward's monthly figures, no login, no personal data."""
    return render(request, "reports/transparency.html", {"months": transparency_months()})
