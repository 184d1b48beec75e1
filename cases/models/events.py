"""The append-only history of every dossier: the audit trail and the source of the numbers."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove history."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Dossier events cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Dossier events cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Dossier events cannot be updated.")


class DossierEvent(models.Model):
    """One step a dossier took, or one thing done to it (viewing personal data included).

    Rows are only ever inserted: the ORM refuses updates and deletes, and on PostgreSQL a
    trigger refuses them too (migration ``0002``), so reports can trust the history.
    """

    # Indexed by ``(dossier, at)`` below, which serves every lookup by dossier: a second index
    # on the column alone only cost each inserted event.
    dossier = models.ForeignKey(
        "cases.Dossier", related_name="events", on_delete=models.PROTECT, db_index=False
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    action = models.CharField(_("thao tác"), max_length=40)
    from_status = models.CharField(_("từ trạng thái"), max_length=24, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=24, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    authorisation = models.ForeignKey(
        "cases.Authorisation",
        verbose_name=_("thực hiện theo ủy quyền"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    payload = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("sự kiện hồ sơ")
        verbose_name_plural = _("lịch sử hồ sơ")
        indexes = [
            models.Index(fields=["dossier", "at"]),
            models.Index(fields=["action", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Dossier events cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Dossier events cannot be deleted.")
