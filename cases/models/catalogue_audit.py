"""Who changed the catalogue, and what: procedures carry the legal time limits and the fees,
so every edit of one (a new version or an in-place correction) leaves a row here."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class CatalogueChange(models.Model):
    procedure = models.ForeignKey(
        "cases.Procedure", verbose_name=_("thủ tục"), on_delete=models.CASCADE,
        related_name="changes",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người sửa"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    at = models.DateTimeField(_("lúc"), auto_now_add=True)
    #: ``{field: {"old": value, "new": value}}`` with foreign keys as their ids.
    changes = models.JSONField(_("nội dung thay đổi"), encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("thay đổi danh mục thủ tục")
        verbose_name_plural = _("thay đổi danh mục thủ tục")

    def __str__(self) -> str:
        return f"{self.procedure} @ {self.at:%d/%m/%Y %H:%M}"
