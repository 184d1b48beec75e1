"""Admin: bundle kinds are configuration (editable); bundles and steps are read for support."""

from django.contrib import admin

from linkage.models import Bundle, BundleKind, BundleKindStep, BundleStep


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
