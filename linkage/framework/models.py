"""The framework's tables: an ordered message outbox per (system, dossier), and cursors.

``SyncStream`` is one dossier's conversation with one outside system. It is the work item a
worker claims (a conditional UPDATE on ``claimed_at``), so at most one worker talks about a
dossier at a time and its messages leave in ``sequence`` order. ``OutboundMessage`` rows are
written in the same transaction as the dossier change they describe; each has a message id the
other side deduplicates on, and keeps its acknowledgement or rejection.
"""

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class WorkItem(models.Model):
    """What every claimable item of the integration layer carries (bundle steps too)."""

    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lần tới lúc"), null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)

    class Meta:
        abstract = True


class SyncStream(WorkItem):
    system = models.CharField(_("hệ thống"), max_length=32)
    dossier = models.ForeignKey(
        "cases.Dossier", verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="+"
    )
    last_sequence = models.PositiveIntegerField(_("số thứ tự thông điệp cuối"), default=0)
    delivered_sequence = models.PositiveIntegerField(_("đã gửi đến số thứ tự"), default=0)
    blocked = models.BooleanField(_("bị chặn vì thông điệp bị từ chối"), default=False)
    last_success_at = models.DateTimeField(_("gửi được lần cuối lúc"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["system", "dossier"], name="sync_stream_once"),
        ]
        indexes = [
            models.Index(
                fields=["system", "next_attempt_at"],
                condition=Q(delivered_sequence__lt=F("last_sequence"), blocked=False),
                name="sync_stream_due",
            ),
            models.Index(
                fields=["claimed_at"], condition=Q(claimed_at__isnull=False),
                name="sync_stream_claimed",
            ),
        ]
        verbose_name = _("luồng đồng bộ")
        verbose_name_plural = _("luồng đồng bộ")

    def __str__(self) -> str:
        return f"{self.system}:{self.dossier_id}"


class MessageState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã gửi, chờ biên nhận")
    ACKNOWLEDGED = "acknowledged", _("Đã có biên nhận")
    REJECTED = "rejected", _("Bị từ chối")
    CORRECTED = "corrected", _("Đã xử lý thay (bỏ qua)")


class SyncWarning(models.TextChoices):
    NOT_SYNCED = "not_synced", _("Chưa gửi được sau 10 phút")
    NOT_ACKNOWLEDGED = "not_acknowledged", _("Chưa có biên nhận sau 2 giờ làm việc")
    REJECTED = "rejected", _("Bị từ chối")
    BLOCKED = "blocked", _("Chờ thông điệp trước bị từ chối")


class OutboundMessage(models.Model):
    stream = models.ForeignKey(SyncStream, related_name="messages", on_delete=models.CASCADE)
    sequence = models.PositiveIntegerField(_("số thứ tự"))
    message_id = models.UUIDField(_("mã thông điệp"), default=uuid.uuid4, unique=True)
    kind = models.CharField(_("loại thông điệp"), max_length=40)
    event = models.ForeignKey(
        "cases.DossierEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.JSONField(_("nội dung"))
    created_at = models.DateTimeField(_("ghi lúc"))
    state = models.CharField(
        _("trạng thái"), max_length=16, choices=MessageState.choices, default=MessageState.PENDING
    )
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("có biên nhận lúc"), null=True, blank=True)
    acknowledgements = models.PositiveIntegerField(_("số biên nhận đã nhận"), default=0)
    reason = models.TextField(_("lý do từ chối"), blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    warning = models.CharField(
        _("cảnh báo"), max_length=20, choices=SyncWarning.choices, blank=True
    )
    resolved_by = models.ForeignKey(
        "thanhsen.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_note = models.TextField(_("ghi chú xử lý"), blank=True)

    class Meta:
        ordering = ["stream", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["stream", "sequence"], name="outbound_message_order"),
        ]
        indexes = [
            models.Index(fields=["state", "created_at"]),
            models.Index(fields=["sent_at"]),
            models.Index(
                fields=["warning"], condition=~Q(warning=""), name="outbound_message_warned"
            ),
        ]
        verbose_name = _("thông điệp đồng bộ")
        verbose_name_plural = _("thông điệp đồng bộ")

    def __str__(self) -> str:
        return f"{self.stream_id}#{self.sequence} {self.kind}"


class SyncCursor(models.Model):
    """Where a pull from an outside system stopped (acknowledgements, inbound dossiers)."""

    system = models.CharField(max_length=32)
    name = models.CharField(max_length=32)
    value = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["system", "name"], name="sync_cursor_once"),
        ]


class InboundItem(models.Model):
    """One item an outside system offered us, stored once by its external id."""

    system = models.CharField(_("hệ thống"), max_length=32)
    external_id = models.CharField(_("mã bên ngoài"), max_length=80)
    kind = models.CharField(_("loại"), max_length=40)
    body = models.JSONField(_("nội dung"))
    received_at = models.DateTimeField(_("nhận lúc"))
    offers = models.PositiveIntegerField(_("số lần được gửi"), default=1)
    dossier = models.ForeignKey(
        "cases.Dossier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["system", "external_id"], name="inbound_item_once"),
        ]
        verbose_name = _("hồ sơ, dữ liệu nhận về")
        verbose_name_plural = _("hồ sơ, dữ liệu nhận về")


class ReconciliationRun(models.Model):
    """One comparison of what we hold with what an outside system holds, over a period."""

    system = models.CharField(_("hệ thống"), max_length=32)
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    ran_at = models.DateTimeField(_("đối soát lúc"))
    ran_by = models.ForeignKey(
        "thanhsen.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked = models.PositiveIntegerField(_("số hồ sơ đã so"), default=0)
    held_by_them = models.PositiveIntegerField(_("số hồ sơ bên kia giữ"), default=0)
    mismatches = models.JSONField(_("chênh lệch"), default=list)

    class Meta:
        ordering = ["-ran_at", "-id"]
        verbose_name = _("lần đối soát")
        verbose_name_plural = _("lần đối soát")
