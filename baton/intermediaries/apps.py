from django.apps import AppConfig


class IntermediariesConfig(AppConfig):
    name = "baton.intermediaries"
    verbose_name = "中介机构与引荐人"

    def ready(self) -> None:
        from baton.policies import services_payment

        from .rewards import publicity_guard

        if publicity_guard not in services_payment.PAY_GUARDS:
            services_payment.PAY_GUARDS.append(publicity_guard)
