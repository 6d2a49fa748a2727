from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from baton.audit.services import Event, audit_write

from .models import User
from .services import sessions_end


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "__str__", "role", "district", "unit", "is_active"]
    list_filter = ["role", "district", "is_active"]
    # No one is made a superuser (三员分立): the flag is not on the form; nor is is_staff,
    # which follows the role (only the system administrator uses this site).
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("角色与范围"), {"fields": ("role", "city", "district", "unit", "person")}),
        (_("Permissions"), {"fields": ("is_active", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def save_model(self, request, obj, form, change):
        obj.is_staff = obj.role == User.Role.SYS_ADMIN
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            sessions_end(user=obj)  # a disabled account is signed out everywhere at once
        if change:
            _audit_user_change(request, obj, form)


def _audit_user_change(request, user: User, form) -> None:
    """Audit a role change and an account disabled or enabled (beside the admin's log)."""
    if "role" in form.changed_data:
        audit_write(
            request=request,
            event=Event.ROLE_CHANGED,
            obj=user,
            before={"role": form.initial.get("role")},
            after={"role": user.role},
        )
    if "is_active" in form.changed_data:
        audit_write(
            request=request,
            event=Event.USER_ENABLED if user.is_active else Event.USER_DISABLED,
            obj=user,
            before={"is_active": not user.is_active},
            after={"is_active": user.is_active},
        )
