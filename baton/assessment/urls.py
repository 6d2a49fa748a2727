from django.urls import path

from . import views, views_figures, views_rankings, views_records

app_name = "assessment"
urlpatterns = [
    path("", views.index, name="index"),
    path("figures/", views_figures.figures, name="figures"),
    path("figures/upload/", views_figures.figures_upload, name="figures_upload"),
    path("figures/<int:pk>/delete/", views_figures.figure_delete, name="figure_delete"),
    path("schemes/new/", views.scheme_create, name="scheme_create"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme"),
    path("schemes/<int:pk>/edit/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/units/", views.scheme_units, name="scheme_units"),
    path("schemes/<int:pk>/targets/", views.scheme_targets, name="scheme_targets"),
    path("schemes/<int:pk>/indicators/new/", views.indicator_new, name="indicator_new"),
    path("schemes/<int:pk>/publish/", views.scheme_publish, name="scheme_publish"),
    path("schemes/<int:pk>/copy/", views.scheme_copy, name="scheme_copy"),
    path("schemes/<int:pk>/delete/", views.scheme_delete, name="scheme_delete"),
    path("schemes/<int:pk>/scores/", views_rankings.scheme_scores, name="scheme_scores"),
    path("schemes/<int:pk>/rank/", views_rankings.scheme_rank, name="scheme_rank"),
    path("schemes/<int:pk>/rank/<int:job_id>/", views_rankings.rank_job, name="rank_job"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/delete/", views.indicator_delete, name="indicator_delete"),
    path("rankings/<int:pk>/", views_rankings.ranking_detail, name="ranking"),
    path("rankings/<int:pk>/publish/", views_rankings.ranking_publish, name="ranking_publish"),
    path("rankings/<int:pk>/discard/", views_rankings.ranking_discard, name="ranking_discard"),
    path("rankings/<int:pk>/records/", views_records.ranking_records, name="ranking_records"),
    path("rankings/<int:pk>/xlsx/", views_rankings.ranking_xlsx, name="ranking_xlsx"),
    path("rankings/<int:pk>/docx/", views_rankings.ranking_docx, name="ranking_docx"),
]
