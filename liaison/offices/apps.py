from django.apps import AppConfig


class OfficesConfig(AppConfig):
    name = "liaison.offices"
    verbose_name = "Offices, sides and members"

    def ready(self) -> None:
        from liaison.offices import accounts, events  # noqa: F401 - registers the event types

        # The operator's acts on accounts, wherever they are made (offices/accounts.py).
        accounts.connect()
