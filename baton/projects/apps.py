from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "baton.projects"
    label = "projects"
    verbose_name = "招商项目"

    def ready(self) -> None:
        from . import signals  # noqa: F401 — connects the receiver that audits every project change
