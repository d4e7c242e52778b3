"""The server's clock.

Rules never call ``timezone.now()``: they take ``now`` as an argument. Views, the API
and commands ask this module for it, so the demo can run on a settable clock
(``LIAISON_CLOCK``: the instant the clock starts from; it then runs forward in real
time) and tests can pin it with ``time_machine``.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone


def parse_instant(text: str) -> dt.datetime:
    """An ISO 8601 instant with an offset (``2018-11-02T19:00+09:00``), as UTC."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 date and time") from None
    if value.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset; write e.g. 2018-11-02T19:00+09:00")
    return value.astimezone(dt.UTC)


@cache
def _offset(setting: str) -> dt.timedelta:
    try:
        start = parse_instant(setting)
    except ValueError as exc:
        raise ImproperlyConfigured(f"LIAISON_CLOCK: {exc}") from None
    return start - timezone.now()


def now() -> dt.datetime:
    """The current instant in UTC, shifted when ``LIAISON_CLOCK`` is set."""
    current = timezone.now()
    setting = getattr(settings, "LIAISON_CLOCK", "")
    if setting:
        return current + _offset(setting)
    return current


def is_set() -> bool:
    return bool(getattr(settings, "LIAISON_CLOCK", ""))
