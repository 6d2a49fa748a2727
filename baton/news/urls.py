from django.urls import path

from . import views

app_name = "news"

urlpatterns = [
    path("", views.read, name="read"),
    path("drafts/", views.draft_list, name="drafts"),
    path("drafts/new/", views.draft_new, name="draft_new"),
    path("drafts/<int:pk>/", views.draft_detail, name="draft"),
    path("drafts/<int:pk>/accept/", views.draft_decide, {"action": "accept"}, name="accept"),
    path("drafts/<int:pk>/merge/", views.draft_decide, {"action": "merge"}, name="merge"),
    path("drafts/<int:pk>/discard/", views.draft_decide, {"action": "discard"}, name="discard"),
]
