"""Electronic certification of copies from originals (chứng thực bản sao điện tử, 2.000815).

Decree 23/2015 and Decree 45/2020 art. 10: the original is shown, the officer scans it, the
signer adds the certification statement (lời chứng) and a number from the year's register.
One row per certification dossier; the number is given when it is signed, never before, so
the register has no holes for dossiers that were stopped.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.uploads import ScanPath


class CopyCertification(models.Model):
    dossier = models.OneToOneField(
        "cases.Dossier", related_name="certification", on_delete=models.PROTECT
    )
    document_name = models.CharField(_("tên giấy tờ, văn bản"), max_length=400)
    pages = models.PositiveSmallIntegerField(_("số trang"))
    fee = models.PositiveIntegerField(_("lệ phí (đồng)"))
    scan = models.FileField(_("bản quét bản chính"), upload_to=ScanPath("certifications/scans"))
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    number = models.PositiveIntegerField(_("số chứng thực"), null=True, blank=True)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ký chứng thực"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    certified_at = models.DateTimeField(_("chứng thực lúc"), null=True, blank=True)
    certified_pdf = models.FileField(
        _("bản sao điện tử đã chứng thực"), upload_to="certifications/certified/%Y/%m/", blank=True
    )

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = _("chứng thực bản sao điện tử")
        verbose_name_plural = _("chứng thực bản sao điện tử")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number"],
                condition=Q(number__isnull=False),
                name="copy_certification_register_number",
            )
        ]

    def __str__(self) -> str:
        return self.register_number or self.document_name

    @property
    def register_number(self) -> str:
        """As printed: ``<number>/<year>/SCT/BS`` — the register book of electronic copies."""
        if self.number is None:
            return ""
        return f"{self.number}/{self.year}/SCT/BS"
