"""The two ways an action says no. Views, the API and commands turn them into a form
error, a 4xx answer or one line on stderr."""


class Refused(Exception):
    """The request breaks a rule of the office; the message says which, for a person."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(Refused):
    """The member may not do this (their role or side does not allow it)."""
