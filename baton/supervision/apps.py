from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "baton.supervision"
    label = "supervision"
    verbose_name = "存在问题与督办"

    def ready(self) -> None:
        # What projects shows of this app without importing it (baton/projects/hooks.py).
        from baton.projects import hooks

        from . import asof, events, project_page

        hooks.register_card("problems", project_page.problems_card)
        for kind, word in events.WORDING.items():
            hooks.register_wording(kind, word, references=events.REFERENCES)
        hooks.register_drill("open_problem", asof.open_problem_at)
        hooks.register_drill("acted_by", asof.acts)
