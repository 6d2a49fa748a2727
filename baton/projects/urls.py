from .views import contact, library, problems, review

app_name = "projects"
urlpatterns = [*library.urls, *review.urls, *problems.urls, *contact.urls]
