from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "liaison.meetings"
    verbose_name = "Cadences, sessions and attendance"

    def ready(self) -> None:
        from liaison.meetings import events  # noqa: F401 - registers the event types
