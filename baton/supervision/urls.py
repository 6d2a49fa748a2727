from . import views

# Mounted under projects/ beside the projects app (config/urls.py): the addresses are
# those of a project's pages (/projects/<code>/problems/) and of the lists beside them.
app_name = "supervision"
urlpatterns = views.urls
