"""One land dossier's journey through the land office and the tax authority.

The messages themselves are the framework's outbox (``OutboundMessage``, per system) and the
replies its ``InboundItem`` rows; this row keeps what they established, one timestamp per hop,
so the dossier page, the land officers' queue and Mẫu 06 read the hops without replaying them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
