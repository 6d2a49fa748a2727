from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "baton.projects"
    label = "projects"
    verbose_name = "招商项目"

    def ready(self) -> None:
        from . import (
            company_timeline,  # noqa: F401 — a company's projects on its 客商库 timeline
            search_keys,  # noqa: F401 — keeps the search keys (pinyin, contact) in step
            signals,  # noqa: F401 — connects the receiver that audits every project change
        )
