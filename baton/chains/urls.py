from .views import urlpatterns

app_name = "chains"
__all__ = ["app_name", "urlpatterns"]
