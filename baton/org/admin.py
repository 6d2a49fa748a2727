from django.contrib import admin

from .models import City, District, Person, Unit


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
