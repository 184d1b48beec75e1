"""Admin for intake: the delivery log and payment notices are read-only evidence."""

from django.contrib import admin

from intake.models import (
    Complaint,
    Notification,
    Payment,
    PaymentNotice,
    Rating,
    SignedDocument,
    SignerCertificate,
    VNeIDIdentity,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "dossier", "kind", "channel", "recipient", "status", "attempts",
                    "sent_at"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["dossier__code", "recipient"]
    list_select_related = ["dossier"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["reference", "dossier", "purpose", "amount", "status", "method", "paid_at"]
    list_filter = ["status", "method", "purpose"]
    search_fields = ["reference", "dossier__code", "provider_transaction"]
    list_select_related = ["dossier"]


@admin.register(PaymentNotice)
class PaymentNoticeAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "provider", "channel", "reference", "verdict", "remote_addr"]
    list_filter = ["verdict", "channel"]
    search_fields = ["reference"]


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    """Without the dossier: staff see ratings, not who gave them."""

    list_display = ["created_at", "procedure", *Rating.CRITERIA, "comment"]
    fields = ["created_at", "procedure", *Rating.CRITERIA, "comment"]
    list_filter = ["overall_score"]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "name", "received_at", "due_at", "status", "answered_at"]
    list_filter = ["status", "kind"]
    search_fields = ["code", "name", "phone", "dossier_code"]
    readonly_fields = ["code", "received_at", "due_at", "answered_at", "answered_by", "user"]


@admin.register(SignedDocument)
class SignedDocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "dossier", "signer", "signed_at", "reference", "sha256"]
    search_fields = ["dossier__code", "reference"]


@admin.register(SignerCertificate)
class SignerCertificateAdmin(admin.ModelAdmin):
    """Only a revocation is recorded by hand (from the CA's list or a lost key report)."""

    list_display = ["subject", "serial", "not_after", "revoked_at"]
    fields = ["user", "subject", "issuer", "serial", "fingerprint", "not_before", "not_after",
              "revoked_at", "revocation_reason"]
    readonly_fields = ["user", "subject", "issuer", "serial", "fingerprint", "not_before",
                       "not_after"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(VNeIDIdentity)
class VNeIDIdentityAdmin(ReadOnlyAdmin):
    """Which account each VNeID identity signs in to (written only by the sign-in)."""

    list_display = ["id_number", "user", "linked_at"]
    search_fields = ["id_number", "user__username", "user__phone"]
    list_select_related = ["user"]

    def has_delete_permission(self, request, obj=None):
        return True  # unlinking lets the next VNeID sign-in match or create the account afresh
