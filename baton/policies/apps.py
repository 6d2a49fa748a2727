from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "baton.policies"
    label = "policies"
    verbose_name = "政策库"
