"""The database itself refuses to change or remove an event, whoever asks: the ORM, raw
SQL, or a session that turned ordinary triggers off. Appending still works, and so do
the projections and the log's cached head."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader

from liaison.bundle.audit import verify
from liaison.ledger.append_only import AppendOnly, install_sql, trigger_names
from liaison.ledger.models import Event, Log
from liaison.ledger.tests.tampering import append_only_triggers, tampering
from liaison.meetings import attending
from liaison.meetings.commands import CheckInTo
from liaison.meetings.models import CheckIn
from liaison.testing import weekly

FRIDAY = dt.datetime(2024, 1, 5, 1, 0, tzinfo=dt.UTC)  # 10:00 in Seoul
ON_POSTGRES = connection.vendor == "postgresql"


def _record() -> list[tuple[Any, ...]]:
    return list(
        Event.objects.order_by("pk").values_list("pk", "log_id", "seq", "hash", "prev", "actor")
    )


def _data() -> list[bytes]:
    return [bytes(d) for d in Event.objects.order_by("pk").values_list("data", flat=True)]


def _refused(operation: str) -> Any:
    return pytest.raises(IntegrityError, match=f"ledger_event is append-only: {operation} refused")


def _sql(statement: str, params: list[Any] | None = None) -> None:
    # Its own savepoint: on PostgreSQL a refused statement spoils the transaction otherwise.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def busy(world: Any, scratch_allowed: None) -> Any:
    weekly(world)
    attending.check_in(
        member=world.south_head, command=CheckInTo(key="weekly-20240105T1000"), now=FRIDAY
    )
    return world


@pytest.mark.django_db
def test_every_append_only_table_has_all_its_triggers() -> None:
    # After migrating: a later migration that rebuilds a table on SQLite would drop its
    # triggers silently.
    installed = append_only_triggers(connection)
    loader = MigrationLoader(None, ignore_no_migrations=True)
    tables = {
        operation.table
        for migration in loader.disk_migrations.values()
        for operation in migration.operations
        if isinstance(operation, AppendOnly)
    }
    assert {"ledger_event", "signing_checkpoint", "signing_cosignature"} <= tables
    assert {t.table for t in installed} == tables
    for table in sorted(tables):
        names = sorted(t.name for t in installed if t.table == table)
        assert names == sorted(trigger_names(table, connection.vendor)), table
    if ON_POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT tgenabled FROM pg_trigger WHERE tgname = ANY(%s)",
                [[t.name for t in installed]],
            )
            assert cursor.fetchall() == [("A",)]  # ENABLE ALWAYS


def test_the_orm_cannot_update_an_event(busy: Any) -> None:
    before = _record(), _data()
    with _refused("UPDATE"), transaction.atomic():
        Event.objects.filter(log__side="south").update(actor="mole")
    event = Event.objects.filter(log__side="south").latest("seq")
    event.actor = "mole"
    with _refused("UPDATE"), transaction.atomic():
        event.save()
    with _refused("UPDATE"), transaction.atomic():
        Event.objects.bulk_update([event], ["actor"])
    assert (_record(), _data()) == before
    assert verify(busy.office.id) == []


def test_the_orm_cannot_delete_an_event(busy: Any) -> None:
    before = _record(), _data()
    event = Event.objects.filter(log__side="south").latest("seq")
    with _refused("DELETE"), transaction.atomic():
        event.delete()
    with _refused("DELETE"), transaction.atomic():
        Event.objects.filter(log__side="south").delete()
    with _refused("DELETE"), transaction.atomic():
        Event.objects.all().delete()
    assert (_record(), _data()) == before
    assert verify(busy.office.id) == []


def test_raw_sql_cannot_update_or_delete_an_event(busy: Any) -> None:
    before = _record(), _data()
    pk = Event.objects.filter(log__side="south").latest("seq").pk
    with _refused("UPDATE"):
        _sql("UPDATE ledger_event SET actor = 'mole' WHERE id = %s", [pk])
    with _refused("UPDATE"):
        _sql("UPDATE ledger_event SET data = %s WHERE id = %s", [b"{}", pk])
    with _refused("DELETE"):
        _sql("DELETE FROM ledger_event WHERE id = %s", [pk])
    with _refused("DELETE"):
        _sql("DELETE FROM ledger_event")
    assert (_record(), _data()) == before
    assert verify(busy.office.id) == []


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite has no TRUNCATE")
def test_postgres_refuses_truncate_even_to_a_replica_session(busy: Any) -> None:
    before = _record(), _data()
    # Run the fixture's deferred foreign-key checks, which would block a TRUNCATE.
    _sql("SET CONSTRAINTS ALL IMMEDIATE")
    with _refused("TRUNCATE"):
        _sql("TRUNCATE ledger_event CASCADE")
    # A replica session skips ordinary triggers; ENABLE ALWAYS ones still fire.
    with _refused("TRUNCATE"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("TRUNCATE ledger_event CASCADE")
    with _refused("DELETE"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM ledger_event")
    assert (_record(), _data()) == before
    assert verify(busy.office.id) == []


def test_appending_still_works_and_moves_the_head_and_the_projections(busy: Any) -> None:
    before = _record()
    attending.check_in(
        member=busy.north_head, command=CheckInTo(key="weekly-20240105T1000"), now=FRIDAY
    )
    after = _record()
    assert after[: len(before)] == before
    assert len(after) == len(before) + 1
    north = Log.objects.get(office=busy.office.id, side="north")
    # The North's acceptance of the weekly cadence, then this check-in.
    assert (north.size, north.head) == (2, Event.objects.get(log=north, seq=2).hash)
    assert CheckIn.objects.filter(side__key="north").count() == 1
    assert verify(busy.office.id) == []


def test_the_log_head_cache_is_not_append_only(busy: Any) -> None:
    # It is a cache that verify checks against the events, updated at every append.
    with transaction.atomic():
        assert Log.objects.filter(office=busy.office.id, side="south").update(size=99) == 1
        transaction.set_rollback(True)


def test_tampering_lifts_the_triggers_for_its_block_only(busy: Any) -> None:
    pk = Event.objects.filter(log__side="south").latest("seq").pk
    with tampering():
        _sql("UPDATE ledger_event SET actor = 'mole' WHERE id = %s", [pk])
    assert Event.objects.get(pk=pk).actor == "mole"
    assert verify(busy.office.id)[0].kind == "COLUMN_MISMATCH"
    with _refused("UPDATE"):
        _sql("UPDATE ledger_event SET actor = 'mole2' WHERE id = %s", [pk])
    # A failing block rolls back, triggers included.
    with pytest.raises(RuntimeError), tampering():
        raise RuntimeError("the attacker slipped")
    with _refused("DELETE"):
        _sql("DELETE FROM ledger_event WHERE id = %s", [pk])
    assert len(append_only_triggers(connection)) >= 2


class _Editor:
    """Just enough of a schema editor to run the operation in the test's transaction."""

    def __init__(self) -> None:
        self.connection = connection

    def execute(self, sql: str, params: Any = ()) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_the_operation_is_reversible(busy: Any) -> None:
    operation = AppendOnly("ledger_event")
    editor: Any = _Editor()
    pk = Event.objects.filter(log__side="south").latest("seq").pk
    if ON_POSTGRES:  # DDL waits for no deferred check of the fixture's rows
        _sql("SET CONSTRAINTS ALL IMMEDIATE")
    operation.database_backwards("ledger", editor, None, None)  # type: ignore[arg-type]
    assert [t for t in append_only_triggers(connection) if t.table == "ledger_event"] == []
    _sql("UPDATE ledger_event SET actor = 'mole' WHERE id = %s", [pk])
    operation.database_forwards("ledger", editor, None, None)  # type: ignore[arg-type]
    with _refused("UPDATE"):
        _sql("UPDATE ledger_event SET actor = 'mole2' WHERE id = %s", [pk])
    assert Event.objects.get(pk=pk).actor == "mole"


def test_the_operation_names_a_plain_table() -> None:
    assert AppendOnly("signing_checkpoint").deconstruct() == (
        "AppendOnly",
        ["signing_checkpoint"],
        {},
    )
    assert "signing_checkpoint" in AppendOnly("signing_checkpoint").describe()
    for bad in ["", "x; DROP TABLE y", 'a"b', "1table", "ledger event"]:
        with pytest.raises(ValueError, match="plain table name"):
            AppendOnly(bad)
    with pytest.raises(NotImplementedError):
        install_sql("ledger_event", "mysql")


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's own durability settings")
@pytest.mark.django_db
def test_sqlite_commits_durably_in_wal_mode() -> None:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone() == (2,)  # FULL: a committed write survives a power cut
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone() == ("wal",)
