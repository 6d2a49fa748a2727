from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "baton.activities"
    verbose_name = "招商活动"

    def ready(self) -> None:
        from . import (
            timeline,  # noqa: F401 — a company's activities and signings on its 客商库 timeline
            todo,  # noqa: F401 — activities whose actual cost is owed, in 待办
        )
