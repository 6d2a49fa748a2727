from django.urls import path

from . import views, views_figures

app_name = "outcomes"

urlpatterns = [
    path("", views_figures.figures, name="figures"),
    path("rows/", views_figures.batch_rows, name="rows"),
    path("promises/", views.promise_list, name="promises"),
    path("check/", views.check_run, name="check"),
    path("import/", views.results_import, name="import"),
    path("project/<project_code:code>/promise/", views.promise_new, name="promise_new"),
    path("project/<project_code:code>/result/", views.result_new, name="result_new"),
    path("promises/<int:pk>/", views.promise_edit, name="promise_edit"),
    path("results/<int:pk>/", views.result_edit, name="result_edit"),
]
