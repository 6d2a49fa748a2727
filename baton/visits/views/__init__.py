"""外出招商 and 来访接待 pages: lists, a record's page, recording and editing, the trip report
and the leads produced as dialogs, the monthly 考勤 table, exports and the import."""

from django.urls import path

from .importing import reception_import, trip_import
from .monthly import monthly, monthly_xlsx, reception_export, trip_export
from .receptions import (
    reception_detail,
    reception_edit,
    reception_lead,
    reception_list,
    reception_new,
)
from .settings import visit_settings
from .trips import trip_detail, trip_edit, trip_lead, trip_list, trip_new, trip_report

app_name = "visits"

urlpatterns = [
    path("", trip_list, name="list"),
    path("new/", trip_new, name="trip_new"),
    path("export/", trip_export, name="trip_export"),
    path("import/", trip_import, name="trip_import"),
    path("monthly/", monthly, name="monthly"),
    path("monthly/xlsx/", monthly_xlsx, name="monthly_xlsx"),
    path("settings/", visit_settings, name="settings"),
    path("<int:pk>/", trip_detail, name="trip_detail"),
    path("<int:pk>/edit/", trip_edit, name="trip_edit"),
    path("<int:pk>/report/", trip_report, name="trip_report"),
    path("<int:pk>/lead/", trip_lead, name="trip_lead"),
    path("receptions/", reception_list, name="receptions"),
    path("receptions/new/", reception_new, name="reception_new"),
    path("receptions/export/", reception_export, name="reception_export"),
    path("receptions/import/", reception_import, name="reception_import"),
    path("receptions/<int:pk>/", reception_detail, name="reception_detail"),
    path("receptions/<int:pk>/edit/", reception_edit, name="reception_edit"),
    path("receptions/<int:pk>/lead/", reception_lead, name="reception_lead"),
]
