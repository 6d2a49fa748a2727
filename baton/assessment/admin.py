from django import forms
from django.contrib import admin

from .models import Indicator, Scheme, SchemeUnit, Target


class _PromotionUnitForm(forms.ModelForm):
    """A unit assessed or given a target: a promotion unit, never a 协调部门."""

    def clean_unit(self):
        unit = self.cleaned_data["unit"]
        if unit is not None:  # a city scheme's party is a district
            unit.check_promotion()
        return unit


class SchemeUnitInline(admin.TabularInline):
    model = SchemeUnit
    form = _PromotionUnitForm
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ("order", "name", "kind", "weight", "cap", "floor", "config")


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "city", "district", "period_kind", "status", "published_at")
    list_filter = ("status", "period_kind", "city", "district")
    readonly_fields = ("status", "published_at", "published_by", "copied_from")
    inlines = [SchemeUnitInline, IndicatorInline]

    def has_change_permission(self, request, obj=None):
        # Published schemes are frozen; a change is a new version (services.scheme_copy).
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("scheme", "order", "name", "kind", "weight", "cap", "floor")
    list_filter = ("kind",)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.scheme.is_frozen:
            return False
        return super().has_change_permission(request, obj)


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    form = _PromotionUnitForm
    list_display = ("indicator", "unit", "district", "part", "value")
