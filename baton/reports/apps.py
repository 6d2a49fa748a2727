from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "baton.reports"
    label = "reports"
    verbose_name = "统计报表"

    def ready(self) -> None:
        # The project page's 打印项目卡片, shown without projects importing this app.
        from baton.projects import hooks

        from .card import print_card

        hooks.register_card("print", print_card)
