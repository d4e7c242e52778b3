"""The ways an action or a lookup says no. Views, the API and commands turn them into a
form error or a 404 page, a 4xx answer, or one line on stderr."""


class Refused(Exception):
    """The request breaks a rule of the office; the message says which, for a person."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(Refused):
    """The member may not do this (their role or side does not allow it)."""


class Conflict(Refused):
    """Someone else saved first: the save started from a revision that is no longer the
    latest. ``current`` is the revision now saved and ``changes`` a readable diff of
    what it says against what the person tried to save, so nothing is lost."""

    def __init__(
        self, message: str, *, current: int, changes: str = "", field: str | None = None
    ) -> None:
        super().__init__(message, field=field)
        self.current = current
        self.changes = changes


class NotFound(LookupError):
    """No such object for this member: it does not exist, or it is the other side's and
    so out of reach. Both read alike, so nothing leaks about what exists. The lookup that
    raises it has logged the refusal; the web shows its 404 page and the API its 404
    JSON (``{"detail": message, "field": field}``), neither logs again."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
