from django.apps import AppConfig


class OfficesConfig(AppConfig):
    name = "liaison.offices"
    verbose_name = "Offices, sides and members"

    def ready(self) -> None:
        from liaison.offices import events  # noqa: F401 - registers the event types
