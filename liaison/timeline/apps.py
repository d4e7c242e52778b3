from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "liaison.timeline"
    verbose_name = "The office's chronology"
