from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "baton.activities"
    verbose_name = "招商活动"
