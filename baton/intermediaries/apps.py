from django.apps import AppConfig


class IntermediariesConfig(AppConfig):
    name = "baton.intermediaries"
    verbose_name = "中介机构与引荐人"

    def ready(self) -> None:
        from baton.policies import services_payment
        from baton.projects import hooks

        from . import todo  # noqa: F401 — 认定 waiting and rewards payable in 待办
        from .project_card import claims_card
        from .rewards import publicity_guard

        hooks.register_card("intermediary_claims", claims_card)

        if publicity_guard not in services_payment.PAY_GUARDS:
            services_payment.PAY_GUARDS.append(publicity_guard)
