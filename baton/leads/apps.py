from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "baton.leads"
    verbose_name = "投资信息"
