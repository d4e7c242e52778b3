from django.apps import AppConfig


class ChannelConfig(AppConfig):
    name = "liaison.channel"
    verbose_name = "Official messages, receipts and private notes"

    def ready(self) -> None:
        # In ready(), not at the top: the events module imports models, which Django
        # loads only after every app's config.
        from liaison.channel import events  # noqa: F401 - registers the event types
