from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "liaison.web"
    verbose_name = "Web pages"
