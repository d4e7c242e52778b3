from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "liaison.meetings"
    verbose_name = "Cadences, sessions and attendance"

    def ready(self) -> None:
        # In ready(), not at the top: the events module imports models, which Django
        # loads only after every app's config.
        from liaison.meetings import events  # noqa: F401 - registers the event types
