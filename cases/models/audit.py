"""Post-audit (hậu kiểm) of decisions taken under delegation (Decree 63/2024).

The authoriser stays accountable, so a share of the decisions taken in their name is drawn for
their review afterwards. ``PostAuditRule`` says, per procedure, which decisions are drawn;
``PostAuditDraw`` is one row per decision taken under delegation, drawn or not, carrying what
the draw used (the HMAC input, the uniform number, the rule as it stood, the reasons that
matched) so anyone holding the secret can re-run it, and the review when there is one.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PostAuditRule(models.Model):
    """Which decisions of a procedure are drawn; a blank code is the rule for every procedure.

    A decision is drawn when any part matches: the random share, a refusal, a fee above the
    threshold, every decision of the procedure (e.g. land), or a delegate in the first days
    of their first authorisation.
    """

    procedure_code = models.CharField(
        _("mã thủ tục hoặc mã gốc"),
        max_length=40,
        blank=True,
        unique=True,
        help_text=_("Để trống: quy tắc chung cho mọi thủ tục không có quy tắc riêng."),
    )
    random_percent = models.DecimalField(
        _("tỷ lệ rút ngẫu nhiên (%)"), max_digits=5, decimal_places=2, default=10
    )
    every_refusal = models.BooleanField(_("rút mọi quyết định từ chối"), default=True)
    fee_above = models.PositiveIntegerField(
        _("rút khi phí, lệ phí trên (đồng)"), null=True, blank=True
    )
    every_decision = models.BooleanField(
        _("rút mọi quyết định của thủ tục"),
        default=False,
        help_text=_("Ví dụ các thủ tục đất đai."),
    )
    new_delegate_days = models.PositiveSmallIntegerField(
        _("rút mọi quyết định trong số ngày đầu được ủy quyền"), default=30
    )

    class Meta:
        verbose_name = _("quy tắc hậu kiểm")
        verbose_name_plural = _("quy tắc hậu kiểm")
        constraints = [
            models.CheckConstraint(
                condition=Q(random_percent__gte=0) & Q(random_percent__lte=100),
                name="post_audit_rule_percent_range",
            )
        ]

    def __str__(self) -> str:
        return self.procedure_code or str(_("Quy tắc chung"))


class Finding(models.TextChoices):
    CORRECT = "correct", _("Đúng")
    NEEDS_CORRECTION = "needs_correction", _("Cần chấn chỉnh")
    WRONG = "wrong", _("Sai")


class PostAuditDraw(models.Model):
    dossier = models.ForeignKey(
        "cases.Dossier", verbose_name=_("hồ sơ"), on_delete=models.PROTECT,
        related_name="post_audits",
    )
    decision_event = models.OneToOneField(
        "cases.DossierEvent", verbose_name=_("quyết định"), on_delete=models.PROTECT,
        related_name="post_audit",
    )
    authorisation = models.ForeignKey(
        "cases.Authorisation", verbose_name=_("văn bản ủy quyền"), on_delete=models.PROTECT,
        related_name="post_audits",
    )
    decided_at = models.DateTimeField(_("ký lúc"))
    outcome = models.CharField(_("kết quả"), max_length=10)
    drawn = models.BooleanField(_("được rút hậu kiểm"), default=False)
    reasons = models.JSONField(_("quy tắc khớp"), default=list, blank=True)
    rule = models.JSONField(_("quy tắc áp dụng"), default=dict)
    hmac_message = models.CharField(_("dữ liệu rút thăm"), max_length=120)
    draw_value = models.FloatField(_("số ngẫu nhiên"))
    review_due_at = models.DateTimeField(_("hạn hậu kiểm"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("hậu kiểm lúc"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người hậu kiểm"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    finding = models.CharField(_("kết luận"), max_length=20, choices=Finding.choices, blank=True)
    notes = models.TextField(_("nhận xét"), blank=True)
    correction_opened = models.BooleanField(_("đã mở điều chỉnh"), default=False)
    suspended_delegation = models.BooleanField(_("đã tạm đình chỉ ủy quyền"), default=False)
    #: When the authoriser was reminded that the review falls due soon, and that it is overdue.
    due_soon_reminded_at = models.DateTimeField(_("nhắc sắp đến hạn lúc"), null=True, blank=True)
    overdue_reminded_at = models.DateTimeField(_("nhắc quá hạn lúc"), null=True, blank=True)

    class Meta:
        ordering = ["review_due_at", "id"]
        verbose_name = _("hậu kiểm")
        verbose_name_plural = _("hậu kiểm")
        indexes = [
            models.Index(fields=["drawn", "reviewed_at"]),
            models.Index(fields=["authorisation", "decided_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(finding="") | Q(reviewed_at__isnull=False),
                name="post_audit_finding_has_review_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} ({self.get_finding_display() or '-'})"
