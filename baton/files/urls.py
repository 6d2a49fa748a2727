from . import views

# Mounted under projects/ (config/urls.py): /projects/<code>/attachments/ and
# /projects/attachments/<id>/.
app_name = "files"
urlpatterns = views.urls
