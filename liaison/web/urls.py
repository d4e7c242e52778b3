"""The web UI's pages. The names are relied on by other apps and tests."""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, path

from liaison.web import views

session = "offices/<slug:slug>/sessions/<slug:key>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.office_list, name="office-list"),
    path("offices/<slug:slug>/", views.dashboard, name="office-dashboard"),
    path("offices/<slug:slug>/schedule/", views.office_schedule, name="office-schedule"),
    path(
        "offices/<slug:slug>/schedule/cadence/",
        views.office_cadence_set,
        name="office-cadence-set",
    ),
    path(
        "offices/<slug:slug>/schedule/cadence/end/",
        views.office_cadence_end,
        name="office-cadence-end",
    ),
    path(
        "offices/<slug:slug>/schedule/session/",
        views.office_session_schedule,
        name="office-session-schedule",
    ),
    path(session, views.session_detail, name="session-detail"),
    path(f"{session}check-in/", views.session_check_in, name="session-check-in"),
    path(f"{session}absence/", views.session_absence, name="session-absence"),
    path(f"{session}move/", views.session_move, name="session-move"),
    path(f"{session}postpone/", views.session_postpone, name="session-postpone"),
    path(f"{session}cancel/", views.session_cancel, name="session-cancel"),
]
