from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "liaison.records"
    verbose_name = "Meeting records, readouts, minutes, frameworks and commitments"

    def ready(self) -> None:
        # In ready(), not at the top: the events module imports models, which Django
        # loads only after every app's config.
        from liaison.records import events  # noqa: F401 - registers the event types
