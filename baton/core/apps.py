from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Installed for its template filters (``{% load baton %}``); it has no models."""

    name = "baton.core"
    label = "core"
    verbose_name = "公共组件"
