"""Admin for the catalogue, the calendar and delegation; dossiers and history read-only.

A dossier's status is never edited by hand: it moves only through services, so the admin
shows it (``FSMAdminMixin``) without a form field for it.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_fsm.admin import FSMAdminMixin

from cases import actions
from cases.models import (
    Agency,
    Authorisation,
    CalendarDay,
    CatalogueChange,
    Dossier,
    DossierDocument,
    DossierEvent,
    Field,
    PostAuditDraw,
    PostAuditRule,
    Procedure,
    RequiredDocument,
)


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "system"]
    search_fields = ["code", "name"]


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "name", "field", "time_limit", "time_unit", "is_current",
                    "illustrative"]
    list_filter = ["is_current", "field", "online_level", "competent_authority", "illustrative"]
    search_fields = ["code", "name"]
    readonly_fields = ["version", "is_current", "created_at"]
    inlines = [RequiredDocumentInline]

    def save_model(self, request, obj, form, change):
        """Once dossiers use a version, an edit publishes the next version instead."""
        if change and obj.dossiers.exists():
            changes = {name: getattr(obj, name) for name in form.changed_data}
            new = actions.procedure_revise(procedure=obj, changes=changes, actor=request.user)
            obj.pk = new.pk
            self.message_user(request, _("Đã ban hành phiên bản %(v)s.") % {"v": new.version})
            return
        before = Procedure.objects.get(pk=obj.pk) if change else None
        super().save_model(request, obj, form, change)
        if change:
            actions.catalogue_change_record(
                before=before, after=obj, fields=form.changed_data, actor=request.user
            )


@admin.register(CatalogueChange)
class CatalogueChangeAdmin(admin.ModelAdmin):
    """Read-only: the audit of catalogue edits is written by the services, never by hand."""

    list_display = ["at", "procedure", "actor"]
    list_filter = ["procedure__code"]
    readonly_fields = ["at", "procedure", "actor", "changes"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "note"]
    list_filter = ["kind"]
    date_hierarchy = "date"


@admin.register(Authorisation)
class AuthorisationAdmin(admin.ModelAdmin):
    list_display = ["document_number", "authoriser", "authorised", "valid_from", "valid_until",
                    "revoked_at"]
    list_filter = ["valid_until"]
    autocomplete_fields = ["authoriser", "authorised"]


@admin.register(PostAuditRule)
class PostAuditRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "random_percent", "every_refusal", "fee_above", "every_decision",
                    "new_delegate_days"]
    search_fields = ["procedure_code"]


@admin.register(PostAuditDraw)
class PostAuditDrawAdmin(admin.ModelAdmin):
    """The draws are evidence: read-only here; findings are recorded on the review page."""

    list_display = ["dossier", "authorisation", "decided_at", "drawn", "reasons", "finding"]
    list_filter = ["drawn", "finding"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DossierDocumentInline(admin.TabularInline):
    model = DossierDocument
    extra = 0
    can_delete = False
    readonly_fields = ["name", "copy_type", "quantity", "file", "reused", "uploaded_at"]


class DossierEventInline(admin.TabularInline):
    model = DossierEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "action", "from_status", "to_status", "actor", "note",
                       "authorisation", "payload"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Dossier)
class DossierAdmin(FSMAdminMixin, admin.ModelAdmin):
    fsm_fields = ["status"]
    list_display = ["code", "procedure", "status", "channel", "received_at", "due_at"]
    list_filter = ["status", "channel", "procedure__field"]
    search_fields = ["code", "applicant_name", "applicant_id_number", "applicant_phone"]
    list_select_related = ["procedure"]
    inlines = [DossierDocumentInline, DossierEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Dossier._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fsm_object_transitions(self, request, obj):
        return []
