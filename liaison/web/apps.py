from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "liaison.web"
    verbose_name = "Web pages"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from liaison.web import reauth

        # Every sign-in stamps the session's sign-in, activity and authentication instants.
        user_logged_in.connect(reauth.on_user_logged_in, dispatch_uid="liaison-sign-in-stamps")
