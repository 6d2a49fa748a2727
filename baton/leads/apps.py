from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "baton.leads"
    verbose_name = "投资信息"

    def ready(self) -> None:
        from . import (
            timeline,  # noqa: F401 — a company's leads on its 客商库 timeline
            todo,  # noqa: F401 — leads due, 撞车 and reassignable leads in 待办
        )
