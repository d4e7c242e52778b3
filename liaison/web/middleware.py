from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class MemberTimezoneMiddleware:
    """Starts every request in UTC and leaves no zone behind for the next one.

    A person's zone depends on the office (their membership there, else their side's,
    else the office's), so office pages activate it once they know the membership
    (``liaison.web.views.office_page``); pages outside an office show times in UTC.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
