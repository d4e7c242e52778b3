"""Tests only: act as someone with the database owner's rights.

The append-only triggers (``liaison.ledger.append_only``) refuse every UPDATE, DELETE
and TRUNCATE of an event, so a test that edits the record behind the application's back
first does what a real attacker holding the owner's role would do: lift the triggers.
``tampering()`` lifts them (PostgreSQL: ``ALTER TABLE … DISABLE TRIGGER``; SQLite:
``DROP TRIGGER``), runs the body, and puts them back, all in one transaction, so they
come back even when the body fails (the rollback restores them) and no other
connection ever sees them lifted.

``conftest.py`` also wraps pytest-django's flush between transactional tests in it.
Nothing outside the tests imports this module.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from liaison.ledger.append_only import TRIGGER_MARK


@dataclass(frozen=True)
class Trigger:
    table: str
    name: str
    sql: str  # SQLite: the statement that creates it again


def append_only_triggers(connection: BaseDatabaseWrapper) -> list[Trigger]:
    """The append-only triggers installed in the database, found by their names."""
    pattern = f"%{TRIGGER_MARK}_%"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, t.tgname, '' FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND t.tgname LIKE %s "
                "AND pg_table_is_visible(c.oid) ORDER BY 1, 2",
                [pattern],
            )
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT tbl_name, name, sql FROM sqlite_master "
                "WHERE type = 'trigger' AND name LIKE %s ORDER BY 1, 2",
                [pattern],
            )
        else:  # pragma: no cover - only the two supported backends
            return []
        return [Trigger(table, name, sql) for table, name, sql in cursor.fetchall()]


def _settle_deferred_checks(connection: BaseDatabaseWrapper, cursor: Any) -> None:
    # PostgreSQL refuses ALTER TABLE on a table with pending deferred foreign-key checks
    # (Django's are INITIALLY DEFERRED), as a test's transaction often has: run them now.
    if connection.vendor == "postgresql":
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@contextlib.contextmanager
def tampering(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Within the block, events (and every other append-only table) can be changed."""
    connection = connections[using]
    with transaction.atomic(using=using):
        triggers = append_only_triggers(connection)
        with connection.cursor() as cursor:
            _settle_deferred_checks(connection, cursor)
            for trigger in triggers:
                if connection.vendor == "postgresql":
                    cursor.execute(
                        f'ALTER TABLE "{trigger.table}" DISABLE TRIGGER "{trigger.name}"'
                    )
                else:
                    cursor.execute(f'DROP TRIGGER "{trigger.name}"')
        yield
        with connection.cursor() as cursor:
            _settle_deferred_checks(connection, cursor)
            for trigger in triggers:
                if connection.vendor == "postgresql":
                    cursor.execute(
                        f'ALTER TABLE "{trigger.table}" ENABLE ALWAYS TRIGGER "{trigger.name}"'
                    )
                else:
                    cursor.execute(trigger.sql)
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys' mode
