from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "baton.visits"
    verbose_name = "外出招商与来访接待"

    def ready(self) -> None:
        from . import (
            timeline,  # noqa: F401 — a company's trips and receptions on its 客商库 timeline
            todo,  # noqa: F401 — trip reports due in 待办
        )
