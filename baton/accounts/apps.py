from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "baton.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        from . import signals  # noqa: F401 — connects the receivers that audit logins
