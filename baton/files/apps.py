from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "baton.files"
    label = "files"
    verbose_name = "附件"

    def ready(self) -> None:
        # What projects shows of this app without importing it (baton/projects/hooks.py).
        from baton.projects import hooks

        from . import events, project_page

        hooks.register_card("attachments", project_page.attachments_card)
        hooks.register_wording(events.KIND, events.word, references=events.REFERENCES)
