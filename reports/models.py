"""Tables of the reports app: the calendar dimension, the daily rollup and export jobs.

The rollup is a materialisation of the live cells in ``reports.cells``: one row per day and
(procedure, department, handler, channel) with the day's counts and the end-of-day snapshot
of open dossiers, including what other apps' tables say of those dossiers (fee payments,
ratings and complaints, electronic results, copy certifications, VNeID filings). It never
holds anything the dossier table and those tables cannot recompute.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportDay(models.Model):
    """One local calendar day with its instants, so SQL can bucket timestamps without time zones."""

    day = models.DateField(primary_key=True)
    start_at = models.DateTimeField(db_index=True)
    end_at = models.DateTimeField()
    is_working_day = models.BooleanField(default=True)

    class Meta:
        ordering = ["day"]


class DayCounts(models.Model):
    """What happened on a day (or in a month, summed), under the rollup's finest key."""

    procedure = models.ForeignKey("cases.Procedure", on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        "thanhsen.Department", null=True, on_delete=models.CASCADE, related_name="+"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(max_length=10)

    received = models.PositiveIntegerField(default=0)
    resolved_early = models.PositiveIntegerField(default=0)
    resolved_on_time = models.PositiveIntegerField(default=0)
    resolved_overdue = models.PositiveIntegerField(default=0)
    #: Σ working days from receipt to result, for the average processing time.
    resolved_working_days = models.PositiveIntegerField(default=0)
    stopped = models.PositiveIntegerField(default=0)
    not_accepted = models.PositiveIntegerField(default=0)
    #: Received that day with at least one digitised / reused component.
    digitised = models.PositiveIntegerField(default=0)
    reused = models.PositiveIntegerField(default=0)
    #: Received that day: of a fee-bearing procedure; of those, fee paid online; filed from a
    #: VNeID account.
    fee_bearing_received = models.PositiveIntegerField(default=0)
    paid_online = models.PositiveIntegerField(default=0)
    vneid_received = models.PositiveIntegerField(default=0)
    #: Resolved that day: of a procedure issuing a result document; of those, with an
    #: electronic result; complained about or rated "không hài lòng"; rated at all.
    with_result_document = models.PositiveIntegerField(default=0)
    e_result = models.PositiveIntegerField(default=0)
    resolved_complained = models.PositiveIntegerField(default=0)
    resolved_rated = models.PositiveIntegerField(default=0)
    #: Electronic copy certifications signed that day.
    e_certified = models.PositiveIntegerField(default=0)
    #: Dossiers whose fee was paid online that day (by payment day, not receipt day): which
    #: procedures saw an online payment in a period.
    fee_paid_online = models.PositiveIntegerField(default=0)
    #: Received that day and handled end-to-end online (``cases.quality_flags``).
    end_to_end_online = models.PositiveIntegerField(default=0)
    #: Stopped that day as a withdrawal a development seeding invented (``cases.synthetic``).
    stopped_synthetic = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class DailyRollup(DayCounts):
    """A day's counts, and the snapshot of the dossiers open at its end."""

    day = models.DateField()
    #: Open at the end of the day (received, not yet resolved or stopped).
    open_end = models.PositiveIntegerField(default=0)
    open_overdue_end = models.PositiveIntegerField(default=0)
    #: Open at the end of the day and complained about / rated (the snapshot side of the two).
    open_complained_end = models.PositiveIntegerField(default=0)
    open_rated_end = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day"])]


class MonthlyRollup(DayCounts):
    """A calendar month's day counts summed (snapshots stay daily): a period of whole months
    reads a dozen rows per key instead of a year of days. Rewritten with its days."""

    month = models.DateField(help_text="The month's first day.")

    class Meta:
        indexes = [models.Index(fields=["month"])]


class RollupState(models.Model):
    """Singleton: how far the rollup has been brought up to date."""

    last_event_id = models.BigIntegerField(default=0)
    #: Ratings and complaints are not dossier events but change past days' counts too.
    last_rating_id = models.BigIntegerField(default=0)
    last_complaint_id = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    first_day = models.DateField(null=True, blank=True)


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ")
    RUNNING = "running", _("Đang tạo")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Lỗi")


class ExportJob(models.Model):
    """A file a leader asked for, made by a Celery task, downloadable by its owner."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("loại báo cáo"), max_length=20)
    file_format = models.CharField(_("định dạng"), max_length=8)
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=ExportStatus.choices,
                              default=ExportStatus.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
