from .views import library, problems, review

app_name = "projects"
urlpatterns = [*library.urls, *review.urls, *problems.urls]
