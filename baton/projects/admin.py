from django.contrib import admin

from baton.accounts.models import User

from .models import Industry, Milestone, Project, ProjectEvent, Stage
from .selectors import project_scope

BUSINESS_ROLES = {
    User.Role.UNIT_STAFF,
    User.Role.DISTRICT_OFFICE,
    User.Role.CITY_REVIEWER,
    User.Role.LEADER,
}


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "code", "report_group", "is_terminal", "allows_milestones"]
    ordering = ["order"]


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "date", "note"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.role in BUSINESS_ROLES


class EventInline(admin.TabularInline):
    model = ProjectEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "actor", "old", "new", "reason"]
    readonly_fields = fields
    ordering = ["at", "id"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.role in BUSINESS_ROLES


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    """Read-only until the web pages arrive: every write goes through the services."""

    list_display = ["code", "name", "unit", "stage", "review_state", "investment", "updated_at"]
    list_filter = ["district", "stage", "review_state", "industry"]
    search_fields = ["code", "name", "investor"]
    inlines = [MilestoneInline, EventInline]
    list_select_related = ["unit", "stage"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(project_scope(request.user))

    def has_module_permission(self, request):
        return request.user.is_active and request.user.role in BUSINESS_ROLES

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
