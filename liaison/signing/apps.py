from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "liaison.signing"
    label = "signing"

    def ready(self) -> None:
        from liaison.signing import events  # noqa: F401 - registers the event types
