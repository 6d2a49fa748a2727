from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "baton.notices"
    label = "notices"
    verbose_name = "通知"

    def ready(self) -> None:
        # Notices follow the events the product apps write (they never import this app).
        from . import signals  # noqa: F401
