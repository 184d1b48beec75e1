"""Admin: bundle kinds are configuration (editable); bundles and steps are read for support."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from linkage.models import (
    Bundle,
    BundleKind,
    BundleKindStep,
    BundleStep,
    InboundItem,
    OutboundMessage,
    ReconciliationRun,
)


class BundleKindStepInline(admin.TabularInline):
    model = BundleKindStep
    extra = 0


@admin.register(BundleKind)
class BundleKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "root_procedure_code", "time_limit"]
    inlines = [BundleKindStepInline]


class BundleStepInline(admin.TabularInline):
    model = BundleStep
    extra = 0
    can_delete = False
    fields = [
        "position",
        "procedure",
        "agency",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
        "completed_at",
    ]
    readonly_fields = fields


@admin.register(Bundle)
class BundleAdmin(admin.ModelAdmin):
    list_display = ["dossier", "kind", "state", "due_at", "completed_at"]
    list_filter = ["kind", "state"]
    search_fields = ["dossier__code"]
    readonly_fields = [
        "dossier",
        "kind",
        "state",
        "needs_verification",
        "time_limit",
        "due_at",
        "classification",
        "corrections",
        "created_at",
        "completed_at",
    ]
    inlines = [BundleStepInline]

    def has_add_permission(self, request):
        return False


class _ReadOnly(admin.ModelAdmin):
    """The sync log is evidence: read here, changed only through the services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboundMessage)
class OutboundMessageAdmin(_ReadOnly):
    list_display = ["dossier_code", "sequence", "kind", "state", "created_at", "sent_at",
                    "acknowledged_at", "warning"]
    list_filter = ["state", "warning", "kind"]
    list_select_related = ["stream__dossier"]
    search_fields = ["stream__dossier__code", "message_id"]

    @admin.display(description=_("hồ sơ"))
    def dossier_code(self, message):
        return message.stream.dossier.code


@admin.register(InboundItem)
class InboundItemAdmin(_ReadOnly):
    list_display = ["external_id", "system", "dossier", "offers", "received_at", "error"]
    search_fields = ["external_id", "dossier__code"]


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(_ReadOnly):
    list_display = ["system", "period_start", "period_end", "ran_at", "checked"]
