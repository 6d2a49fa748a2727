from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "baton.companies"
    label = "companies"
    verbose_name = "客商库"
