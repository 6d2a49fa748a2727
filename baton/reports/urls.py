from django.urls import path

from . import views, views_cockpit

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("reports/monthly/", views.monthly, name="monthly"),
    path("reports/monthly/docx/", views.monthly_docx, name="monthly_docx"),
    path("reports/monthly/xlsx/", views.monthly_xlsx, name="monthly_xlsx"),
    path("reports/monthly/pack/", views.monthly_pack, name="monthly_pack"),
    path("reports/monthly/publish/", views.monthly_publish, name="monthly_publish"),
    path("reports/monthly/notes/", views.monthly_notes, name="monthly_notes"),
    path("reports/work/", views.work, name="work"),
    path("reports/project/<str:code>/card/", views.project_card, name="project_card"),
    path("cockpit/", views_cockpit.cockpit, name="cockpit"),
]
