"""The shared test world's rows: ``make_world()``'s, built once per test process and
put back in each test's own transaction (``WorldRows``), and what a test adds on top of
it (``Layer``), taken once and put back the same way. Used by conftest.py's ``world``."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connections, models, transaction
from django.test.utils import override_settings

from liaison.testing import World, make_world

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _counts(alias: str) -> dict[str, int]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names from the schema
            counts[table] = cursor.fetchone()[0]
    return counts


@dataclass
class WorldRows:
    """The rows ``make_world()`` writes, by model in insertion order, and the world's
    objects as it returned them."""

    world: World
    rows: list[tuple[type[models.Model], list[dict[str, Any]]]]
    layers: dict[Callable[[World], object], Layer | None] = field(default_factory=dict)

    @classmethod
    def build(cls, alias: str = "default") -> WorldRows:
        """``make_world()`` in a transaction rolled back at its end, on an empty database
        (migrations' rows aside). Fails naming a table written by no model, which could
        not be put back."""
        by_table = {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}
        before = _counts(alias)
        # The tests' password hasher, so the accounts sign in as fast as built ones.
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic(using=alias):
            seen = {
                table: set(by_table[table]._base_manager.using(alias).values_list("pk", flat=True))
                for table in before
                if table in by_table
            }
            world = make_world()
            written = [t for t, n in _counts(alias).items() if n != before.get(t)]
            unknown = sorted(set(written) - set(by_table))
            if unknown:
                raise RuntimeError(f"make_world() wrote tables no model names: {unknown}")
            rows = []
            for table in written:
                model = by_table[table]
                found = model._base_manager.using(alias).exclude(pk__in=seen[table])
                values = [plain(row) for row in found.order_by("pk").values()]
                rows.append((model, values))
            transaction.set_rollback(True, using=alias)
        return cls(world=world, rows=rows)

    def restore(self, alias: str = "default") -> World:
        """The rows put back in the current transaction, and a fresh copy of the world's
        objects (so one test's changes to them never reach the next)."""
        with transaction.atomic(using=alias):
            for model, rows in self.rows:
                # The plain manager: projection managers refuse writes outside an event's
                # application, and these rows are exactly what the events' application wrote.
                model._base_manager.using(alias).bulk_create(
                    [model(**copy.deepcopy(row)) for row in rows]
                )
            reset_sequences(alias, [model for model, _ in self.rows])
        return copy.deepcopy(self.world)

    def with_layer(self, build: Callable[[World], object], world: World) -> World:
        """``world`` (just put back) with ``build(world)``'s rows on top, captured by the
        first test of the process that asks for that builder. Only for builders that
        write the same rows whenever they run: every instant passed to the actions."""
        if build in self.layers:
            layer = self.layers[build]
        else:
            layer = self.layers[build] = Layer.capture(lambda: build(world))
        if layer is None:
            build(world)  # it stores files, which the test's own directory must hold
        else:
            layer.restore()
        return world


def plain(row: dict[str, Any]) -> dict[str, Any]:
    # Bytes, not PostgreSQL's memoryviews, which cannot be copied.
    return {k: bytes(v) if isinstance(v, memoryview) else v for k, v in row.items()}


def snapshot(alias: str) -> dict[type[models.Model], dict[Any, dict[str, Any]]]:
    found = {}
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed or model._meta.proxy:
            continue
        pk = model._meta.pk.attname
        rows = model._base_manager.using(alias).order_by("pk").values()
        found[model] = {row[pk]: plain(row) for row in rows}
    return found


@dataclass
class Layer:
    """What a builder adds to the shared world (a cadence agreed, say): the rows it
    inserts and the rows it changes, taken once per test process and put back on top of
    the world in each test that asks for it, as ``WorldRows`` puts the world back."""

    inserted: list[tuple[type[models.Model], list[dict[str, Any]]]]
    changed: list[tuple[type[models.Model], list[dict[str, Any]]]]

    @classmethod
    def capture(cls, build: Callable[[], object], alias: str = "default") -> Layer | None:
        """``build()`` in a savepoint rolled back at its end, and what it wrote; None if
        it stored a file (an attachment), which lives outside the database. Fails if it
        deletes a row, which could not be put back as an insert or an update."""
        before = snapshot(alias)
        files = _stored_files()
        with transaction.atomic(using=alias):
            build()
            after = snapshot(alias)
            transaction.set_rollback(True, using=alias)
        if _stored_files() != files:
            return None
        inserted, changed = [], []
        for model, rows in after.items():
            old = before.get(model, {})
            if set(old) - set(rows):
                raise RuntimeError(f"a layer may not delete rows: {model._meta.db_table}")
            new = [row for key, row in rows.items() if key not in old]
            moved = [row for key, row in rows.items() if key in old and row != old[key]]
            if new:
                inserted.append((model, new))
            if moved:
                changed.append((model, moved))
        return cls(inserted=inserted, changed=changed)

    def restore(self, alias: str = "default") -> None:
        with transaction.atomic(using=alias):
            for model, rows in self.changed:
                pk = model._meta.pk.attname
                for row in rows:
                    values = {k: v for k, v in copy.deepcopy(row).items() if k != pk}
                    model._base_manager.using(alias).filter(pk=row[pk]).update(**values)
            for model, rows in self.inserted:
                model._base_manager.using(alias).bulk_create(
                    [model(**copy.deepcopy(row)) for row in rows]
                )
            reset_sequences(alias, [model for model, _ in self.inserted])


def _stored_files() -> set[str]:
    root = Path(settings.LIAISON_ATTACHMENTS_DIR)
    return {str(p) for p in root.rglob("*")} if root.exists() else set()


def reset_sequences(alias: str, touched: list[type[models.Model]]) -> None:
    # Explicit primary keys leave PostgreSQL's sequences behind; SQLite's follow.
    connection = connections[alias]
    statements = connection.ops.sequence_reset_sql(no_style(), touched)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
