from django.contrib import admin

from .models import Industry, Milestone, Project, ProjectEvent, Stage


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


class EventInline(admin.TabularInline):
    model = ProjectEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "actor", "old", "new", "reason"]
    readonly_fields = fields
    ordering = ["at", "id"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    """Read-only until the web pages arrive: every write goes through the services."""

    list_display = ["code", "name", "unit", "stage", "review_state", "investment", "updated_at"]
    list_filter = ["district", "stage", "review_state", "industry"]
    search_fields = ["code", "name", "investor"]
    inlines = [MilestoneInline, EventInline]
    list_select_related = ["unit", "stage"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
