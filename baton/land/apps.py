from django.apps import AppConfig


class LandConfig(AppConfig):
    name = "baton.land"
    label = "land"
    verbose_name = "招商地图"

    def ready(self) -> None:
        from . import signals  # noqa: F401 — connects the receiver that audits parcel changes
