"""The registry of signed documents and of the certificates that signed them.

``SignedDocument`` is allocated before the PDF is laid out, so the QR code printed on the page
can open its own registry entry; the signed bytes, their SHA-256 and the moment of signing
(the server's clock, or the trusted timestamp where one is configured) are stored with it.
``SignerCertificate`` records each signing certificate once, and its revocation: a document
signed before the revocation stays valid for its signing time, one signed at or after it not.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SignerCertificate(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ký"), on_delete=models.PROTECT,
        related_name="signing_certificates",
    )
    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64, unique=True)
    serial = models.CharField(_("số hiệu chứng thư"), max_length=80)
    subject = models.CharField(_("chủ thể"), max_length=400)
    issuer = models.CharField(_("tổ chức cấp"), max_length=400)
    not_before = models.DateTimeField(_("hiệu lực từ"))
    not_after = models.DateTimeField(_("hiệu lực đến"))
    revoked_at = models.DateTimeField(_("thu hồi từ"), null=True, blank=True)
    revocation_reason = models.CharField(_("lý do thu hồi"), max_length=400, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chứng thư số")
        verbose_name_plural = _("chứng thư số")

    def __str__(self) -> str:
        return f"{self.subject} ({self.serial})"


class DocumentKind(models.TextChoices):
    FORM = "form", _("Biểu mẫu")
    RESULT = "result", _("Kết quả giải quyết")
    CERTIFIED_COPY = "certified_copy", _("Bản sao điện tử có chứng thực")


class SignedDocument(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dossier = models.ForeignKey(
        "cases.Dossier", verbose_name=_("hồ sơ"), on_delete=models.PROTECT,
        related_name="signed_documents",
    )
    kind = models.CharField(_("loại"), max_length=20, choices=DocumentKind.choices)
    key = models.CharField(
        _("khóa văn bản"), max_length=40,
        help_text=_("Biểu mẫu (mau-01 … mau-05), “ket-qua” hoặc “ban-sao”."),
    )
    title = models.CharField(_("tên văn bản"), max_length=200)
    reference = models.CharField(
        _("số, ký hiệu"), max_length=80, blank=True,
        help_text=_("Ví dụ số chứng thực trong sổ năm."),
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ký"), on_delete=models.PROTECT,
        related_name="+",
    )
    signed_as = models.JSONField(_("dòng thẩm quyền ký"), default=list, blank=True)
    authorisation_number = models.CharField(_("văn bản ủy quyền"), max_length=60, blank=True)
    certificate = models.ForeignKey(
        SignerCertificate, verbose_name=_("chứng thư số"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="documents",
    )
    signed_at = models.DateTimeField(_("ký lúc"), null=True, blank=True)
    timestamped = models.BooleanField(_("có dấu thời gian tin cậy"), default=False)
    sha256 = models.CharField(_("SHA-256 của tệp đã ký"), max_length=64, blank=True, db_index=True)
    file = models.FileField(_("tệp đã ký"), upload_to="signed/%Y/%m/", blank=True)
    superseded_by = models.ForeignKey(
        "self", verbose_name=_("được thay thế bởi"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="supersedes",
        help_text=_("Kết quả đã điều chỉnh sau hậu kiểm được cấp thay văn bản này."),
    )
    #: What the document was made from (the dossier's state): a form is signed once per state.
    basis = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("văn bản đã ký số")
        verbose_name_plural = _("văn bản đã ký số")
        indexes = [models.Index(fields=["dossier", "key", "basis"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.id})"
