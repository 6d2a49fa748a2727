"""The leading group office's monthly meeting (月例会): an agenda drafted from the month's
figures, attendance, minutes, and decisions tracked to closure as 督办."""

from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "baton.meetings"
    verbose_name = "月例会"

    def ready(self) -> None:
        from . import todo  # noqa: F401 — decisions assigned to a unit in its 待办
