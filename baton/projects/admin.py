from django.contrib import admin

from .models import Industry, Stage
from .permissions import can_add_catalogue

# Projects are not in the admin: business data is read and written in the web pages,
# scoped by role, and the system administrator does not see it (三员分立).


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "code", "report_group", "is_terminal", "allows_milestones"]
    ordering = ["order"]


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]

    def has_add_permission(self, request):
        # The one rule for adding a catalogue value; a ledger import applies it too.
        return super().has_add_permission(request) and can_add_catalogue(request.user)
