"""The procedure catalogue: fields, agencies and versioned procedures.

The departments a procedure is handled by are the organisation's units, owned by the base app
(``thanhsen.models.Department``) beside the accounts that belong to them.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.steps import allotment_errors, legal_hours
from thanhsen.models import Department


class Field(models.Model):
    """Lĩnh vực: the grouping of procedures used by the official report."""

    code = models.CharField(_("mã"), max_length=16, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    """The owner of an external system a bundle step is sent to."""

    code = models.CharField(_("mã"), max_length=16, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    system = models.CharField(_("hệ thống"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("cơ quan liên thông")
        verbose_name_plural = _("cơ quan liên thông")

    def __str__(self) -> str:
        return self.name


class CompetentAuthority(models.TextChoices):
    WARD_LEADER = "ward_leader", _("Chủ tịch UBND phường")
    CENTER_DIRECTOR = "center_director", _("Giám đốc Trung tâm")
    LAND_OFFICE = "land_office", _("Văn phòng Đăng ký đất đai")
    AGENCY = "agency", _("Cơ quan liên thông")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")


class CopyType(models.TextChoices):
    ORIGINAL = "original", _("Bản chính")
    CERTIFIED_COPY = "certified_copy", _("Bản sao chứng thực")
    COPY = "copy", _("Bản sao")
    ELECTRONIC = "electronic", _("Bản điện tử")


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("ngày làm việc")
    WORKING_HOURS = "working_hours", _("giờ làm việc")
    DAYS = "days", _("ngày")


ALLOTMENT_MESSAGES = {
    "not_a_mapping": _("Thời gian các bước phải là bảng bước → số giờ làm việc."),
    "unknown_step": _("Chỉ có các bước: counter, department, approval, return."),
    "bad_hours": _("Số giờ của mỗi bước phải là số không âm."),
    "over_legal_time": _("Tổng thời gian các bước vượt thời hạn giải quyết của thủ tục."),
}


def validate_step_allotments(value) -> None:
    """The shape of a configured split; its total against the legal time is checked by
    ``Procedure.clean`` and ``cases.actions.procedure_revise``, which know the limit."""
    for code in allotment_errors(value, total_hours=None):
        raise ValidationError(ALLOTMENT_MESSAGES[code], code=code)


class Procedure(models.Model):
    """One version of a procedure (thủ tục hành chính).

    A procedure is never edited once a dossier refers to it: a change publishes a new version
    (``cases.actions.procedure_revise``) so each dossier keeps the rules it was received under.
    """

    code = models.CharField(_("mã thủ tục"), max_length=40)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    is_current = models.BooleanField(_("đang áp dụng"), default=True)
    name = models.CharField(_("tên thủ tục"), max_length=400)
    field = models.ForeignKey(Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT)
    department = models.ForeignKey(
        Department, verbose_name=_("đơn vị xử lý"), on_delete=models.PROTECT
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan liên thông"), null=True, blank=True, on_delete=models.PROTECT
    )
    competent_authority = models.CharField(
        _("thẩm quyền quyết định"), max_length=20, choices=CompetentAuthority.choices
    )
    center_may_decide = models.BooleanField(
        _("Trung tâm được ủy quyền quyết định"), default=False
    )
    time_limit = models.PositiveIntegerField(_("thời hạn giải quyết"))
    time_unit = models.CharField(
        _("đơn vị thời hạn"), max_length=16, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    verification_time_limit = models.PositiveIntegerField(
        _("thời hạn khi cần xác minh"), null=True, blank=True
    )
    fee = models.JSONField(_("phí, lệ phí"), default=dict, blank=True)
    online_level = models.CharField(
        _("mức độ trực tuyến"), max_length=10, choices=OnlineLevel.choices
    )
    has_result_document = models.BooleanField(_("có văn bản kết quả"), default=True)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    illustrative = models.BooleanField(
        _("số liệu minh họa"),
        default=False,
        help_text=_("Mã, thời hạn hoặc phí chưa được đối chiếu với Cổng DVCQG."),
    )
    form_fields = models.JSONField(_("trường của tờ khai điện tử"), default=list, blank=True)
    step_allotments = models.JSONField(
        _("thời gian các bước (giờ làm việc)"), default=dict, blank=True,
        validators=[validate_step_allotments],
        help_text=_("Quy trình nội bộ: số giờ làm việc của bước tiếp nhận (counter), xử lý "
                    "(department), phê duyệt (approval), trả kết quả (return). Để trống: chia "
                    "theo mặc định."),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        ordering = ["field__name", "name"]
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="procedure_code_version"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(is_current=True), name="procedure_one_current_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def root_code(self) -> str:
        """The national root (``1.000656``) shared by every province's copy of a procedure."""
        return ".".join(self.code.split(".")[:2])

    def clean(self):
        super().clean()
        # The calendar module reads the ward's days off from this app's models.
        from cases.calendar import working_calendar

        total = legal_hours(limit=self.time_limit or 0, unit=self.time_unit,
                            cal=working_calendar())
        for code in allotment_errors(self.step_allotments, total_hours=total):
            raise ValidationError({"step_allotments": ALLOTMENT_MESSAGES[code]})

    @property
    def is_fee_bearing(self) -> bool:
        return self.fee.get("kind", "none") != "none"


class RequiredDocument(models.Model):
    """A component (thành phần hồ sơ) of the intake checklist."""

    procedure = models.ForeignKey(Procedure, related_name="documents", on_delete=models.CASCADE)
    name = models.CharField(_("tên giấy tờ"), max_length=400)
    copy_type = models.CharField(_("loại bản"), max_length=16, choices=CopyType.choices)
    quantity = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    mandatory = models.BooleanField(_("bắt buộc"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["procedure", "position", "id"]
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")

    def __str__(self) -> str:
        return self.name
