from django.apps import AppConfig


class LandConfig(AppConfig):
    name = "baton.land"
    label = "land"
    verbose_name = "招商地图"
