from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "liaison.projects"
    verbose_name = "Joint projects, blockers, dependencies and third parties"

    def ready(self) -> None:
        # In ready(), not at the top: the events module imports models, which Django
        # loads only after every app's config.
        from liaison.projects import events  # noqa: F401 - registers the event types
