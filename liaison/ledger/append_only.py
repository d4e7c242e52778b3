"""Append-only tables: the database itself refuses to change or remove a row.

``AppendOnly("<db_table>")`` is a migration operation. On PostgreSQL it installs a
trigger function that raises ``"<table> is append-only: UPDATE refused"`` (SQLSTATE
23001, restrict_violation, so Django raises ``IntegrityError``), fired before every
UPDATE and DELETE of a row and before every TRUNCATE; each trigger is set ``ENABLE
ALWAYS``, so it fires even in a session with ``session_replication_role = replica``. On
SQLite, which has no TRUNCATE, BEFORE UPDATE and BEFORE DELETE triggers ``RAISE(ABORT,
…)``, which Django also raises as ``IntegrityError``. INSERT is untouched: logs grow.

Only a role that owns the table can lift this (``ALTER TABLE … DISABLE TRIGGER`` or
``DROP TRIGGER``); that is an attacker with the database owner's rights, which is what
``verify`` and exported checkpoints are there to catch. The application has no switch
to turn it off.

On SQLite, a later migration that alters the table makes Django rebuild it (copy into a
new table, drop the old one), which drops its triggers: apply ``AppendOnly`` again after
such a migration. ``test_append_only`` checks that every append-only table has its
triggers after migrating.

Every trigger this installs is named ``<table>_append_only…``, so tests that simulate
the database owner find them all (``liaison.ledger.tests.tampering``).
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState

TRIGGER_MARK = "_append_only"


def _message(table: str, operation: str) -> str:
    return f"{table} is append-only: {operation} refused"


def _check_identifier(table: str) -> str:
    # The name goes into DDL unquoted inside trigger and function names; refuse anything
    # that is not a plain identifier rather than quote it half-way.
    if not table or not all(c.isascii() and (c.isalnum() or c == "_") for c in table):
        raise ValueError(f"AppendOnly needs a plain table name, not {table!r}")
    if table[0].isdigit():
        raise ValueError(f"AppendOnly needs a plain table name, not {table!r}")
    return table


def trigger_names(table: str, vendor: str) -> list[str]:
    """The names of the triggers ``AppendOnly(table)`` installs on ``vendor``."""
    if vendor == "postgresql":
        return [f"{table}{TRIGGER_MARK}_row", f"{table}{TRIGGER_MARK}_truncate"]
    if vendor == "sqlite":
        return [f"{table}{TRIGGER_MARK}_update", f"{table}{TRIGGER_MARK}_delete"]
    return []


def install_sql(table: str, vendor: str) -> list[str]:
    """The statements that make ``table`` append-only on ``vendor``."""
    if vendor == "postgresql":
        function = f"{table}{TRIGGER_MARK}"
        row, truncate = trigger_names(table, vendor)
        return [
            f"""
            CREATE OR REPLACE FUNCTION "{function}"() RETURNS trigger
            LANGUAGE plpgsql AS $body$
            BEGIN
                RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
                    USING ERRCODE = 'restrict_violation';
            END
            $body$
            """,
            f'CREATE TRIGGER "{row}" BEFORE UPDATE OR DELETE ON "{table}" '
            f'FOR EACH ROW EXECUTE FUNCTION "{function}"()',
            f'CREATE TRIGGER "{truncate}" BEFORE TRUNCATE ON "{table}" '
            f'FOR EACH STATEMENT EXECUTE FUNCTION "{function}"()',
            f'ALTER TABLE "{table}" ENABLE ALWAYS TRIGGER "{row}"',
            f'ALTER TABLE "{table}" ENABLE ALWAYS TRIGGER "{truncate}"',
        ]
    if vendor == "sqlite":
        update, delete = trigger_names(table, vendor)
        return [
            f'CREATE TRIGGER "{update}" BEFORE UPDATE ON "{table}" '
            f"BEGIN SELECT RAISE(ABORT, '{_message(table, 'UPDATE')}'); END",
            f'CREATE TRIGGER "{delete}" BEFORE DELETE ON "{table}" '
            f"BEGIN SELECT RAISE(ABORT, '{_message(table, 'DELETE')}'); END",
        ]
    raise NotImplementedError(f"AppendOnly does not support the {vendor} database backend")


def remove_sql(table: str, vendor: str) -> list[str]:
    """The statements that undo ``install_sql``."""
    if vendor == "postgresql":
        statements = [
            f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"' for name in trigger_names(table, vendor)
        ]
        return [*statements, f'DROP FUNCTION IF EXISTS "{table}{TRIGGER_MARK}"()']
    if vendor == "sqlite":
        return [f'DROP TRIGGER IF EXISTS "{name}"' for name in trigger_names(table, vendor)]
    raise NotImplementedError(f"AppendOnly does not support the {vendor} database backend")


class AppendOnly(Operation):
    """Make a table append-only: the database refuses UPDATE, DELETE (and TRUNCATE on
    PostgreSQL) of its rows. Reversible; changes no model state."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, table: str) -> None:
        self.table = _check_identifier(table)

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__qualname__, [self.table], {})

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        pass  # triggers are not part of Django's model state

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        for statement in install_sql(self.table, schema_editor.connection.vendor):
            # No parameters: the PL/pgSQL body's own "%" placeholders stay as they are.
            schema_editor.execute(statement, params=None)

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        for statement in remove_sql(self.table, schema_editor.connection.vendor):
            schema_editor.execute(statement, params=None)

    def describe(self) -> str:
        return f"Make {self.table} append-only (refuse UPDATE, DELETE, TRUNCATE)"

    @property
    def migration_name_fragment(self) -> str:
        return f"append_only_{self.table}"
