from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp import admin as _totp_admin  # noqa: F401 (registers it)
from django_otp.plugins.otp_totp.models import TOTPDevice

from baton.audit.services import Event, audit_write

from .models import User
from .services import ADMIN_ROLE_BY_COMMAND, BUSINESS_ROLES, sessions_end

# 三员分立: an administrator's second factor is enrolled with a one-time code and reset by
# the security administrator, never made, read (its key, its QR code) or removed here.
admin.site.unregister(TOTPDevice)


class BusinessUserForm(UserChangeForm):
    """The configuration site's user form: business roles only (三员分立)."""

    class Meta(UserChangeForm.Meta):
        model = User
        fields = (
            "username",
            "first_name",
            "last_name",
            "email",
            "role",
            "city",
            "district",
            "unit",
            "person",
            "is_active",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        role.choices = [("", "---------")] + [(r.value, r.label) for r in BUSINESS_ROLES]
        role.error_messages["invalid_choice"] = ADMIN_ROLE_BY_COMMAND


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = BusinessUserForm
    list_display = ["username", "__str__", "role", "district", "unit", "is_active"]
    list_filter = ["role", "district", "is_active"]
    # No one is made a superuser (三员分立): the flag is not on the form; nor is is_staff,
    # which follows the role (only the system administrator uses this site).
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("角色与范围"), {"fields": ("role", "city", "district", "unit", "person")}),
        # Roles decide what a user may do; Django's groups and permissions are not used.
        (_("Permissions"), {"fields": ("is_active",)}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    # Accounts are created on 用户管理 (a one-time password, the area checked, audited),
    # or for the administrators with ``baton create-user``; an administrator's account
    # (its password, role, state) is not the system administrator's to change or delete.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_admin_role:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_admin_role:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if obj.role in User.ADMIN_ROLES or form.initial.get("role") in User.ADMIN_ROLES:
            raise PermissionDenied(ADMIN_ROLE_BY_COMMAND)  # the form and permissions refuse first
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
