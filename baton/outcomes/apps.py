"""What a signed project promised (履约) and what a landed project delivers (效益): promises
with check dates, yearly results, 亩均 figures, and the batches from 生成 to 投产生效."""

from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "baton.outcomes"
    verbose_name = "履约与效益"

    def ready(self) -> None:
        from baton.policies import services_payment
        from baton.projects import hooks

        from . import todo  # noqa: F401 — broken and at-risk promises in 待办
        from .project_card import outcomes_card
        from .services import pay_guard

        hooks.register_card("outcomes", outcomes_card)
        if pay_guard not in services_payment.PAY_GUARDS:
            services_payment.PAY_GUARDS.append(pay_guard)
