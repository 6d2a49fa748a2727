from .views import contact, handoffs, library, review

app_name = "projects"
urlpatterns = [*library.urls, *handoffs.urls, *review.urls, *contact.urls]
