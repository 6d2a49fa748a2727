from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "baton.assessment"
    verbose_name = "考核办法"

    def ready(self) -> None:
        from baton.projects import hooks

        from .drill import credited_caption, credited_projects

        hooks.register_drill("credited", credited_projects)
        hooks.register_drill("credited_caption", credited_caption)
