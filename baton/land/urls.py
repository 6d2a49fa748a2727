from django.urls import path, register_converter

from . import views
from .models import CODE_PATTERN


class LandCodeConverter:
    """A parcel or building code such as XA-2019-M01 (letters, digits, - and _)."""

    regex = CODE_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(LandCodeConverter, "land_code")

app_name = "land"
urlpatterns = [
    path("", views.map_view, name="map"),
    path("parcels.geojson", views.parcels_geojson, name="parcels_geojson"),
    path("boundary.geojson", views.boundary_geojson, name="boundary"),
    path("parcels/<land_code:code>/", views.parcel_detail, name="parcel"),
    path("parcels/<land_code:code>/reserve/", views.parcel_reserve, name="reserve"),
    path("parcels/<land_code:code>/release/", views.parcel_release, name="release"),
    path("parcels/<land_code:code>/status/", views.parcel_status, name="status"),
    path("buildings/<land_code:code>/", views.building_detail, name="building"),
    path("match/", views.match_view, name="match"),
    path("import/", views.import_view, name="import"),
]
