from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "liaison.api"
    verbose_name = "JSON API"
