from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "baton.projects"
    label = "projects"
    verbose_name = "招商项目"
