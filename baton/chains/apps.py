from django.apps import AppConfig


class ChainsConfig(AppConfig):
    name = "baton.chains"
    label = "chains"
    verbose_name = "产业链图谱"
