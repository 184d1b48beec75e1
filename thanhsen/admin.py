from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from thanhsen.forms import AdminLoginForm
from thanhsen.models import Department, LoginAttempt, User

#: The admin's login counts against the same limits as the public login page.
admin.site.login_form = AdminLoginForm


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "role", "department", "is_active"]
    list_filter = ["role", "department", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email", "phone"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Một cửa"), {"fields": ("role", "department", "phone")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("Một cửa"), {"fields": ("role", "department", "phone")}),
    )


@admin.register(LoginAttempt)
class LoginAttemptAdmin(admin.ModelAdmin):
    """Failed and refused logins, read-only: evidence of who tried what from where."""

    list_display = ["at", "username", "account", "client_ip", "channel", "blocked"]
    list_filter = ["blocked", "channel", "at"]
    search_fields = ["username", "account", "client_ip"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
