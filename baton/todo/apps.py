from django.apps import AppConfig


class TodoConfig(AppConfig):
    name = "baton.todo"
    label = "todo"
    verbose_name = "待办事项"

    def ready(self) -> None:
        # The menu (baton/accounts/context_processors.py) shows the count on 工作台
        # without importing this app.
        from baton.accounts import context_processors

        from .selectors import menu_count

        context_processors.register_count("reports:home", menu_count)
