from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "baton.ops"
    label = "ops"
    verbose_name = "运维"

    def ready(self) -> None:
        from . import checks  # noqa: F401 — registers the 国密 self-test
