from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "baton.news"
    verbose_name = "读新闻"
