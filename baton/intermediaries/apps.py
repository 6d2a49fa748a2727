from django.apps import AppConfig


class IntermediariesConfig(AppConfig):
    name = "baton.intermediaries"
    verbose_name = "中介机构与引荐人"
