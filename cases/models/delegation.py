"""Written authorisation (ủy quyền) to decide in a ward leader's name.

Law 63/2025/QH15 art. 9: written, for a set period, with content and scope; the authoriser
remains accountable and the authorised party may not delegate further. So an authoriser is
always the holder of the power (a ward leader), never someone acting under another record.

The register keeps the decision as written (number, date, scanned file, the titles of both
parties on that day: a signature under it names them) and its end: revoked with a reason,
or suspended after a post-audit finding. A record is in force at a moment when the moment
lies in its period and before its revocation or suspension.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from thanhsen.roles import Role


class Authorisation(models.Model):
    authoriser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ủy quyền"),
        on_delete=models.PROTECT,
        related_name="authorisations_given",
    )
    authorised = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người được ủy quyền"),
        on_delete=models.PROTECT,
        related_name="authorisations_received",
    )
    procedure_codes = models.JSONField(
        _("thủ tục trong phạm vi ủy quyền"),
        default=list,
        help_text=_("Mã thủ tục hoặc mã gốc (ví dụ 2.000815); áp dụng cho mọi phiên bản."),
    )
    valid_from = models.DateField(_("hiệu lực từ ngày"))
    valid_until = models.DateField(_("hiệu lực đến ngày"))
    document_number = models.CharField(_("số văn bản ủy quyền"), max_length=60)
    decision_date = models.DateField(_("ngày ký văn bản ủy quyền"), null=True, blank=True)
    scan = models.FileField(
        _("bản quét văn bản ủy quyền"), upload_to="authorisations/%Y/", blank=True
    )
    authoriser_title = models.CharField(_("chức vụ người ủy quyền"), max_length=120, blank=True)
    authorised_title = models.CharField(
        _("chức vụ người được ủy quyền"), max_length=120, blank=True
    )
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thu hồi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revocation_reason = models.TextField(_("lý do thu hồi"), blank=True)
    suspended_at = models.DateTimeField(_("tạm đình chỉ lúc"), null=True, blank=True)
    suspension_reason = models.TextField(_("lý do tạm đình chỉ"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("văn bản ủy quyền")
        verbose_name_plural = _("văn bản ủy quyền")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="authorisation_period_valid"
            ),
            models.CheckConstraint(
                condition=~Q(authoriser=F("authorised")), name="authorisation_not_to_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_number}: {self.authoriser} → {self.authorised}"

    def clean(self):
        if self.authoriser_id and self.authoriser.role != Role.WARD_LEADER:
            raise ValidationError(
                {"authoriser": _("Chỉ lãnh đạo UBND phường mới được ủy quyền; không ủy quyền lại.")}
            )

    def ended_before(self, at) -> bool:
        """Revoked or suspended at or before the moment ``at`` (a datetime)."""
        return any(end is not None and end <= at for end in (self.revoked_at, self.suspended_at))

    def covers(self, procedure_code: str) -> bool:
        return any(
            procedure_code == code or procedure_code.startswith(code + ".")
            for code in self.procedure_codes
        )
