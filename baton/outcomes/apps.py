from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "baton.outcomes"
    verbose_name = "履约与效益"
