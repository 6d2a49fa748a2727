from .views import urlpatterns

app_name = "leads"
__all__ = ["app_name", "urlpatterns"]
