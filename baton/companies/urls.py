from .views import urlpatterns

app_name = "companies"
__all__ = ["app_name", "urlpatterns"]
