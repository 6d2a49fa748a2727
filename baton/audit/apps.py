from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "baton.audit"
    label = "audit"
    verbose_name = "安全审计"

    def ready(self) -> None:
        from . import signals  # noqa: F401 — connects the receivers
