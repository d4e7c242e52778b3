from django.apps import AppConfig


class BundleConfig(AppConfig):
    """The office's record as a whole: ``liaison verify`` (every check of the database,
    or of an exported bundle offline), ``export``, ``backup`` and ``restore``. It sits
    above every app whose checks and rows it combines."""

    name = "liaison.bundle"
    verbose_name = "The whole record: verify, export, backup"
