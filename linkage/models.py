"""Bundles (liên thông, Decree 63/2024): a parent dossier with one step per agency procedure.

The database is the source of truth and Celery only executes: each ``BundleStep`` row is both
the step's record and its work item (state, attempts, next attempt time, idempotency key), and
``Outbox`` rows written in the same transaction as a state change make sure a step that became
ready is published even when the broker or the process dies between commit and publish.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linkage.framework.models import (  # noqa: F401 — the framework's tables belong to this app
    InboundItem,
    MessageState,
    OutboundMessage,
    ReconciliationRun,
    SyncCursor,
    SyncStream,
    SyncWarning,
    WorkItem,
)


class BundleKind(models.Model):
    """A group of procedures filed together (birth or death), loaded from the catalogue.

    Versioned by the date it takes effect: a bundle is governed by the version in force on
    the day it is filed (Decree 301/2026 adds the child's ID card to the birth bundle from
    1 September 2026, under catalogue code 3.000722). ``code`` names the group (``birth``,
    ``death``) across its versions.
    """

    code = models.CharField(_("mã"), max_length=16)
    effective_from = models.DateField(
        _("áp dụng từ ngày"), null=True, blank=True,
        help_text=_("Để trống cho phiên bản áp dụng từ trước."),
    )
    catalogue_code = models.CharField(_("mã thủ tục liên thông trong danh mục"), max_length=40,
                                      blank=True)
    name = models.CharField(_("tên nhóm thủ tục liên thông"), max_length=300)
    root_procedure_code = models.CharField(_("thủ tục hộ tịch (bước đầu)"), max_length=40)
    time_limit = models.PositiveIntegerField(_("thời hạn (ngày làm việc)"), null=True, blank=True)
    verification_time_limit = models.PositiveIntegerField(
        _("thời hạn khi cần xác minh"), null=True, blank=True
    )
    max_procedures = models.PositiveSmallIntegerField(
        _("số thủ tục tối đa"), null=True, blank=True,
        help_text=_("Số thủ tục tối đa trong một hồ sơ liên thông, kể cả thủ tục bắt buộc."),
    )
    time_limit_by_group = models.JSONField(
        _("thời hạn theo nhóm đối tượng"),
        default=dict,
        blank=True,
        help_text=_('Mã gốc của thủ tục người nộp chọn → số ngày làm việc của cả nhóm, ví dụ '
                    '{"1.010824": 18}; khóa "<mã>:elderly" khi người mất từ 80 tuổi đang hưởng '
                    "trợ cấp hằng tháng."),
    )

    class Meta:
        ordering = ["code", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"],
                                    name="bundle_kind_version_once"),
        ]
        verbose_name = _("loại liên thông")
        verbose_name_plural = _("loại liên thông")

    def __str__(self) -> str:
        return self.name


class BundleKindStep(models.Model):
    """One procedure of a bundle kind, with the limit it has inside the bundle."""

    kind = models.ForeignKey(BundleKind, related_name="steps", on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField()
    procedure_code = models.CharField(_("mã thủ tục"), max_length=40)
    optional = models.BooleanField(_("người nộp chọn"), default=False)
    time_limit = models.PositiveIntegerField(_("thời hạn trong liên thông (ngày làm việc)"))
    verification_time_limit = models.PositiveIntegerField(
        _("thời hạn khi cần xác minh"), null=True, blank=True
    )
    awaits_relatives = models.BooleanField(
        _("chờ thân nhân xác nhận qua VNeID"),
        default=False,
        help_text=_("Bước chỉ được gửi đi khi không còn chờ xác nhận của thân nhân."),
    )

    class Meta:
        ordering = ["kind", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "procedure_code"], name="bundle_kind_step_once"
            ),
        ]
        verbose_name = _("bước của loại liên thông")
        verbose_name_plural = _("bước của loại liên thông")

    def __str__(self) -> str:
        return f"{self.kind.code}#{self.position} {self.procedure_code}"


class BundleState(models.TextChoices):
    CIVIL_STATUS = "civil_status", _("Đang đăng ký hộ tịch")
    IN_PROGRESS = "in_progress", _("Đang liên thông")
    CORRECTION = "correction", _("Trả về để sửa hộ tịch")
    COMPLETED = "completed", _("Hoàn thành")
    CANCELLED = "cancelled", _("Đã dừng")


class Bundle(models.Model):
    dossier = models.OneToOneField(
        "cases.Dossier",
        verbose_name=_("hồ sơ chính"),
        related_name="bundle",
        on_delete=models.PROTECT,
    )
    kind = models.ForeignKey(BundleKind, verbose_name=_("loại"), on_delete=models.PROTECT)
    state = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=BundleState.choices,
        default=BundleState.CIVIL_STATUS,
    )
    needs_verification = models.BooleanField(_("cần xác minh"), default=False)
    time_limit = models.PositiveIntegerField(_("thời hạn cả nhóm (ngày làm việc)"))
    due_at = models.DateTimeField(_("hạn cả nhóm"), null=True, blank=True)
    classification = models.CharField(_("xếp loại"), max_length=10, blank=True)
    corrections = models.PositiveSmallIntegerField(_("số lần trả về sửa"), default=0)
    created_at = models.DateTimeField(_("tạo lúc"))
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"])]
        verbose_name = _("hồ sơ liên thông")
        verbose_name_plural = _("hồ sơ liên thông")

    def __str__(self) -> str:
        return f"{self.kind.code}:{self.dossier_id}"


class StepState(models.TextChoices):
    WAITING = "waiting", _("Chờ bước trước")
    READY = "ready", _("Sẵn sàng gửi")
    SENDING = "sending", _("Đang gửi")
    RETRYING = "retrying", _("Chờ gửi lại")
    SENT = "sent", _("Đã gửi, chờ kết quả")
    POLLING = "polling", _("Đang hỏi kết quả")
    DONE = "done", _("Hoàn thành")
    RETURNED = "returned", _("Bị trả về để sửa")
    NEEDS_ATTENTION = "needs_attention", _("Cần xử lý")
    CANCELLED = "cancelled", _("Đã dừng")


#: States in which a worker holds the step: stale claims are handed back by the sweep.
CLAIMED_STATES = (StepState.SENDING, StepState.POLLING)


class BundleStep(WorkItem):
    bundle = models.ForeignKey(Bundle, related_name="steps", on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField()
    procedure = models.ForeignKey(
        "cases.Procedure", verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "cases.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_root = models.BooleanField(_("bước hộ tịch"), default=False)
    awaits_relatives = models.BooleanField(default=False)
    state = models.CharField(
        _("trạng thái"), max_length=16, choices=StepState.choices, default=StepState.WAITING
    )
    idempotency_key = models.UUIDField(_("khóa chống trùng"), default=uuid.uuid4, unique=True)
    external_reference = models.CharField(_("số tham chiếu của cơ quan"), max_length=80, blank=True)
    ready_at = models.DateTimeField(_("sẵn sàng lúc"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("cơ quan tiếp nhận lúc"), null=True, blank=True)
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    time_limit = models.PositiveIntegerField(_("thời hạn (ngày làm việc)"))
    due_at = models.DateTimeField(_("hạn của bước"), null=True, blank=True)
    result = models.JSONField(_("kết quả"), default=dict, blank=True)
    warnings = models.JSONField(_("cảnh báo"), default=list, blank=True)

    class Meta:
        ordering = ["bundle", "position"]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "position"], name="bundle_step_position"),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["state", "claimed_at"]),
        ]
        verbose_name = _("bước liên thông")
        verbose_name_plural = _("bước liên thông")

    def __str__(self) -> str:
        return f"{self.bundle_id}#{self.position} {self.get_state_display()}"


class Outbox(models.Model):
    """A step to publish to Celery, written in the transaction that made it ready."""

    step = models.ForeignKey(BundleStep, related_name="+", on_delete=models.CASCADE)
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(published_at__isnull=True),
                name="outbox_unpublished",
            )
        ]
        verbose_name = _("thư chờ gửi")
        verbose_name_plural = _("thư chờ gửi")


class RegistrationKind(models.TextChoices):
    BIRTH = "KhaiSinh", _("Đăng ký khai sinh")
    DEATH = "KhaiTu", _("Đăng ký khai tử")
    MARRIAGE = "KetHon", _("Đăng ký kết hôn")
    EXTRACT = "BanSaoTrichLuc", _("Cấp bản sao trích lục hộ tịch")


class RegistrationState(models.TextChoices):
    AWAITING = "awaiting", _("Chờ Cơ sở dữ liệu hộ tịch trả kết quả")
    CORRECTION = "correction", _("Bị trả về để sửa")
    REGISTERED = "registered", _("Đã đăng ký, có trích lục")


class CivilRegistration(models.Model):
    """A dossier's registration in the civil-status registry (the Ministry of Justice's shared
    e-civil-status software): what was sent, the registry's number, book and page, or the
    field it returned for correction. One per dossier; each (re)submission is an outbox
    message of the ``hotich`` stream, ``message`` the one the registry's answer must name.

    It lives here, beside the bundles, because the bundle sweep reads it (a bundle's
    civil-status step waits for the registry) and the connector writes it.
    """

    dossier = models.OneToOneField(
        "cases.Dossier", verbose_name=_("hồ sơ"), on_delete=models.CASCADE,
        related_name="civil_registration",
    )
    kind = models.CharField(_("loại đăng ký"), max_length=16, choices=RegistrationKind.choices)
    state = models.CharField(
        _("trạng thái"), max_length=12, choices=RegistrationState.choices,
        default=RegistrationState.AWAITING,
    )
    submissions = models.PositiveSmallIntegerField(_("số lần gửi"), default=1)
    message = models.ForeignKey(
        OutboundMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("thông điệp đang chờ trả lời"),
    )
    corrections = models.JSONField(_("các trường đã sửa"), default=dict, blank=True)
    returned_field = models.CharField(_("trường bị trả về"), max_length=100, blank=True)
    returned_reason = models.TextField(_("lý do trả về"), blank=True)
    returned_at = models.DateTimeField(_("trả về lúc"), null=True, blank=True)
    number = models.CharField(_("số đăng ký"), max_length=40, blank=True)
    book = models.CharField(_("quyển số"), max_length=40, blank=True)
    page = models.CharField(_("trang số"), max_length=20, blank=True)
    registered_at = models.DateTimeField(_("đăng ký lúc"), null=True, blank=True)
    extract_sha256 = models.CharField(_("mã băm trích lục"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("gửi lần đầu lúc"))

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"])]
        verbose_name = _("đăng ký hộ tịch điện tử")
        verbose_name_plural = _("đăng ký hộ tịch điện tử")

    def __str__(self) -> str:
        return f"{self.kind}:{self.dossier_id}"


#: One land dossier's journey through the land office and the tax authority. The messages
#: themselves are the framework's outbox (``OutboundMessage``, per system) and the replies its
#: ``InboundItem`` rows; this row keeps what they established, one timestamp per hop, so the
#: dossier page, the land officers' queue and Mẫu 06 read the hops without replaying them.
class LandTransfer(models.Model):
    dossier = models.OneToOneField(
        "cases.Dossier", verbose_name=_("hồ sơ"), on_delete=models.CASCADE,
        related_name="land_transfer",
    )
    sent_at = models.DateTimeField(_("chuyển Văn phòng lúc"))
    sent_by = models.ForeignKey(
        "thanhsen.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("Văn phòng trả thông tin lúc"), null=True, blank=True)
    parcel = models.JSONField(_("thông tin địa chính"), default=dict, blank=True)
    tax_info = models.JSONField(_("thông tin chuyển cơ quan thuế"), default=dict, blank=True)
    tax_sent_at = models.DateTimeField(_("chuyển cơ quan thuế lúc"), null=True, blank=True)
    notice_at = models.DateTimeField(_("có thông báo nộp tiền lúc"), null=True, blank=True)
    notice_number = models.CharField(_("số thông báo"), max_length=60, blank=True)
    notice_amount = models.PositiveBigIntegerField(_("số tiền phải nộp"), null=True, blank=True)
    notice_deadline = models.DateField(_("hạn nộp"), null=True, blank=True)
    paid_at = models.DateTimeField(_("cơ quan thuế xác nhận đã nộp lúc"), null=True, blank=True)
    result_at = models.DateTimeField(_("Văn phòng trả kết quả lúc"), null=True, blank=True)
    result_kind = models.CharField(_("loại kết quả"), max_length=20, blank=True)
    result_number = models.CharField(_("số kết quả"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("hồ sơ liên thông đất đai")
        verbose_name_plural = _("hồ sơ liên thông đất đai")
        indexes = [
            models.Index(fields=["result_at"], condition=models.Q(result_at__isnull=True),
                         name="land_transfer_open"),
        ]

    def __str__(self) -> str:
        return f"land:{self.dossier_id}"
