"""Projections: models written only by applying events.

``Projection`` refuses ``save``, ``delete`` and bulk writes unless an event is being
applied, so no view, form or admin can change the record without the log knowing. Its
primary key is a string derived from the event, so a projection rebuilt from the log
in another database has the very same keys and can be compared row by row.

``verify`` rebuilds the projections in a scratch database: while ``rebuilding_into``
is active, ``ProjectionRouter`` sends every projection query there.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any, ClassVar, Self, cast

from django.db import models

_applying: contextvars.ContextVar[bool] = contextvars.ContextVar("applying", default=False)
_target_db: contextvars.ContextVar[str | None] = contextvars.ContextVar("target_db", default=None)


class ProjectionWriteError(RuntimeError):
    """A projection was written outside an event's application."""


def _refuse_unless_applying(model: type[models.Model]) -> None:
    if not _applying.get():
        raise ProjectionWriteError(
            f"{model.__name__} is a projection of the event log: change it through an action "
            "in the app's actions.py, which appends an event"
        )


@contextlib.contextmanager
def applying() -> Iterator[None]:
    token = _applying.set(True)
    try:
        yield
    finally:
        _applying.reset(token)


@contextlib.contextmanager
def rebuilding_into(alias: str) -> Iterator[None]:
    token = _target_db.set(alias)
    try:
        yield
    finally:
        _target_db.reset(token)


class ProjectionQuerySet(models.QuerySet):
    def for_office(self, office: Any) -> Self:
        """The rows of one office (an ``Office`` or its id), by the model's office field."""
        office_id = getattr(office, "pk", office)
        field = cast("type[Projection]", self.model).office_field
        return self.filter(**{field: office_id})

    def update(self, **kwargs: Any) -> int:
        _refuse_unless_applying(self.model)
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        _refuse_unless_applying(self.model)
        return super().delete()

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        _refuse_unless_applying(self.model)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs: Any, *args: Any, **kwargs: Any) -> int:
        _refuse_unless_applying(self.model)
        return super().bulk_update(objs, *args, **kwargs)


class Projection(models.Model):
    id = models.CharField(primary_key=True, max_length=200, editable=False)
    # The field that names a row's office, so a rebuild compares one office at a time.
    office_field: ClassVar[str] = "office_id"

    objects = ProjectionQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        _refuse_unless_applying(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        _refuse_unless_applying(type(self))
        return super().delete(*args, **kwargs)


def projection_models() -> list[type[Projection]]:
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, Projection)]


class ProjectionRouter:
    """Routes projection models to the scratch database during a rebuild."""

    def _route(self, model: type[models.Model]) -> str | None:
        target = _target_db.get()
        if target and issubclass(model, Projection):
            return target
        return None

    def db_for_read(self, model: type[models.Model], **hints: Any) -> str | None:
        return self._route(model)

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str | None:
        return self._route(model)

    def allow_relation(self, obj1: models.Model, obj2: models.Model, **hints: Any) -> bool | None:
        return True if _target_db.get() else None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return None
