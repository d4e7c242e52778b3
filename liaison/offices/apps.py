from django.apps import AppConfig


class OfficesConfig(AppConfig):
    name = "liaison.offices"
    verbose_name = "Offices, sides and members"

    def ready(self) -> None:
        # In ready(), not at the top: these modules import models, which Django loads
        # only after every app's config.
        from django.contrib.auth.signals import user_logged_in

        from liaison.offices import (
            accounts,
            events,  # noqa: F401 - registers the event types
            reauth,
        )

        # The operator's acts on accounts, wherever they are made (offices/accounts.py).
        accounts.connect()
        # Every sign-in stamps the session's sign-in, activity and authentication instants.
        user_logged_in.connect(reauth.on_user_logged_in, dispatch_uid="liaison-sign-in-stamps")
