from .views import urlpatterns

app_name = "policies"
__all__ = ["app_name", "urlpatterns"]
