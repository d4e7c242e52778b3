from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "liaison.demo"
    verbose_name = "Demo office"
