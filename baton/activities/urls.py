from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_new, name="new"),
    path("export/", views.activity_export, name="export"),
    path("import/", views.activity_import, name="import"),
    path("plan/", views.plan, name="plan"),
    path("plan/settings/", views.plan_settings, name="plan_settings"),
    path("plan/<int:pk>/remove/", views.plan_remove, name="plan_remove"),
    path("calendar/", views.calendar, name="calendar"),
    path("<str:code>/", views.activity_detail, name="detail"),
    path("<str:code>/edit/", views.activity_edit, name="edit"),
    path("<str:code>/signings/", views.signing_list, name="signings"),
    path("<str:code>/signings/add/", views.signing_add, name="sign"),
    path("<str:code>/signings/remove/", views.signing_remove, name="unsign"),
]
