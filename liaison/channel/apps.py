from django.apps import AppConfig


class ChannelConfig(AppConfig):
    name = "liaison.channel"
    verbose_name = "Official messages, receipts and private notes"

    def ready(self) -> None:
        from liaison.channel import events  # noqa: F401 - registers the event types
