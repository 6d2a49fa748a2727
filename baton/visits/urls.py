from .views import urlpatterns

app_name = "visits"
__all__ = ["app_name", "urlpatterns"]
