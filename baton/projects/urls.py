from .views import contact, library, review

app_name = "projects"
urlpatterns = [*library.urls, *review.urls, *contact.urls]
