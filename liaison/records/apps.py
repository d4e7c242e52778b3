from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "liaison.records"
    verbose_name = "Meeting records, readouts, minutes, frameworks and commitments"

    def ready(self) -> None:
        from liaison.records import events  # noqa: F401 - registers the event types
