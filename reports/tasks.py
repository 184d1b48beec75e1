"""Celery tasks of reports: exports with progress, and the rollup refresh run by beat."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cases.periods import Period
from reports import dashboard, exports, rollups
from reports.models import ExportJob, ExportStatus

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def export_run(job_id: int) -> None:
    """Claim the job (a duplicate delivery finds it claimed and stops), build, save."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.PENDING).update(
        status=ExportStatus.RUNNING, progress=1)
    if not claimed:
        return
    job = ExportJob.objects.get(pk=job_id)

    def progress(value: int) -> None:
        ExportJob.objects.filter(pk=job_id).update(progress=value)

    try:
        period = Period.from_params(job.params)
        name, content = exports.build(job.kind, job.file_format, period,
                                      job.params.get("theo", "field"), progress)
        with transaction.atomic():
            job.file.save(name, ContentFile(content), save=False)
            job.status, job.progress, job.finished_at = ExportStatus.DONE, 100, timezone.now()
            job.save(update_fields=["file", "status", "progress", "finished_at"])
    except Exception as exc:  # the job page shows the failure; the log keeps the trace
        logger.exception("export %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now())


@shared_task
def rollup_refresh() -> None:
    """Refresh, then compute the dashboard of every quick period (this month, the default, last
    month, this year, the last 12 months) into the cache under the new refresh time, so the
    first leader after a refresh does not wait for the live counts over other apps' tables
    (payments, ratings, result files); the indicators page shares their counts."""
    rollups.refresh()
    dashboard.warm()
