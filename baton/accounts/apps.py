from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "baton.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        from . import checks  # noqa: F401 — registers the field-encryption self-test
