from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "liaison.signing"
    label = "signing"

    def ready(self) -> None:
        # In ready(), not at the top: the events module imports models, which Django
        # loads only after every app's config.
        from liaison.signing import events  # noqa: F401 - registers the event types
