"""The configuration site: each district's notice channels (beside the districts)."""

from django.contrib import admin
from django.utils import timezone

from .forms import ChannelForm
from .models import Channel


class ChannelAdminForm(ChannelForm):
    class Meta(ChannelForm.Meta):
        fields = ["district", *ChannelForm.Meta.fields]


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    form = ChannelAdminForm
    list_display = ["district", "email_enabled", "webhook_kind", "updated_at", "updated_by"]
    list_filter = ["webhook_kind", "email_enabled"]
    readonly_fields = ["updated_at", "updated_by"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "district"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        obj.updated_at, obj.updated_by = timezone.now(), request.user
        super().save_model(request, obj, form, change)
