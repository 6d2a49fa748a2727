from . import views

app_name = "notices"
urlpatterns = views.urls
