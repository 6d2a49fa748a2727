from . import views

app_name = "todo"
urlpatterns = views.urls
