from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "baton.assessment"
    verbose_name = "考核办法"
