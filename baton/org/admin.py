from django import forms
from django.contrib import admin

from .models import City, District, Person, Unit


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["district", "name", "short_name", "kind", "division_code", "order", "is_active"]

    def clean_kind(self):
        # A promotion unit may hold projects, run relay legs and be assessed: turned into a
        # 协调部门 here it would keep them; a 协调部门 turned into a promotion unit would
        # give its staff the promotion pages. Either is a new unit.
        kind = self.cleaned_data["kind"]
        was = self.instance.kind if self.instance.pk else None
        coordinating = Unit.Kind.COORDINATING
        if was is not None and (was == coordinating) != (kind == coordinating):
            raise forms.ValidationError(
                "协调部门与招商单位不能互相转换：请新建一个单位，原单位可停用。"
            )
        return kind


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "city", "review_levels"]
    list_filter = ["city"]

    def get_readonly_fields(self, request, obj=None):
        # Who admits a district's projects is the city's decision, made when the district
        # is set up: switched to one level here, a district office would admit alone.
        return ["city", "review_levels"] if obj is not None else []


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    form = UnitForm
    list_display = ["name", "kind", "district", "division_code", "is_active"]
    list_filter = ["district", "kind", "is_active"]
    search_fields = ["name", "short_name"]

    def get_readonly_fields(self, request, obj=None):
        # A unit holds projects of its district: moved to another district here, it would
        # hold them across the boundary no service allows (a handoff stays in the district).
        return ["district"] if obj is not None else []


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "level", "rank", "district", "unit", "is_active"]
    list_editable = ["rank"]
    list_filter = ["level", "district"]
    search_fields = ["name", "title"]
