from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "baton.policies"
    label = "policies"
    verbose_name = "政策库"

    def ready(self) -> None:
        # What the project page shows of this app without importing it (projects/hooks.py).
        from baton.projects import hooks

        from . import (
            project_card,
            timeline,  # noqa: F401 — a company's applications on its 客商库 timeline
            todo,  # noqa: F401 — 政策兑现 deadlines, payments and 补正 in 待办
        )

        hooks.register_card("policy_delivery", project_card.delivery_card)
