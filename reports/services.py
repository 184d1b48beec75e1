"""Writes of the reports app: export jobs (never dossier state; rollups are in ``rollups``)."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _

from cases.periods import period_from_query
from reports.models import ExportJob
from reports.selectors import dimension_get
from thanhsen.errors import invalid

#: What can be exported, and in which formats.
EXPORTS = {
    "bieu06": ("csv", "xlsx", "pdf"),
    "indicators": ("csv", "xlsx", "pdf"),
    "insights": ("pdf",),
}


def export_job_create(*, owner, kind: str, file_format: str, params) -> ExportJob:
    """Validate the request, record the job, and queue its task once the row is committed."""
    from reports.tasks import export_run

    if kind not in EXPORTS:
        message = _("Không có loại báo cáo này.")
        raise invalid("loai", message, summary=message)
    if file_format not in EXPORTS[kind]:
        raise invalid("dinh_dang", _("Định dạng không được hỗ trợ."),
                      summary=_("Định dạng không được hỗ trợ cho báo cáo này."))
    period = period_from_query(params)
    dimension = params.get("theo") or "field"
    dimension_get(dimension)
    with transaction.atomic():
        job = ExportJob.objects.create(
            owner=owner, kind=kind, file_format=file_format,
            params={**period.as_query(), "theo": dimension},
        )
        transaction.on_commit(partial(export_run.delay, job.pk))
    return job

