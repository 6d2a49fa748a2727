from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "baton.meetings"
    verbose_name = "月例会"
