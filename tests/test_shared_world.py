"""The ``world`` fixture: built once per test process, put back in each test's own
transaction, and the same as what ``make_world()`` builds."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction

from liaison.bundle.audit import verify
from liaison.ledger.models import Event
from liaison.meetings.models import Cadence
from liaison.offices import actions as offices
from liaison.offices.commands import AddMember, ChangeMember
from liaison.offices.models import Member, Office
from liaison.testing import (
    OPERATOR,
    T0,
    World,
    make_world,
    weekly,
)
from liaison.world_rows import WorldRows, plain, reset_sequences, snapshot

# Differ between two builds by design: the salted password hashes and the accounts'
# creation time.
UNSTABLE = {"password", "date_joined"}


def _comparable(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    kept = [{k: v for k, v in plain(row).items() if k not in UNSTABLE} for row in rows]
    return sorted(kept, key=repr)


def _in_database(rows: WorldRows) -> dict[str, list[dict[str, Any]]]:
    return {
        model._meta.db_table: _comparable(list(model._base_manager.order_by("pk").values()))
        for model, _ in rows.rows
    }


def _built(rows: WorldRows) -> dict[str, list[dict[str, Any]]]:
    return {model._meta.db_table: _comparable(found) for model, found in rows.rows}


def _restart_sequences(rows: WorldRows) -> None:
    # Numbered keys start again at 1 on the empty tables, as when the world was built and
    # as after a flush with reset_sequences (PostgreSQL's sequences do not roll back).
    # By name, as a flush does: SQLite keeps its counters in sqlite_sequence, which
    # sequence_reset_sql (setting them to the tables' maximum) leaves as they are.
    tables = {m._meta.db_table for m, _ in rows.rows}
    sequences = [s for s in connection.introspection.sequence_list() if s["table"] in tables]
    statements = connection.ops.sequence_reset_by_name_sql(no_style(), sequences)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def test_the_shared_world_is_what_make_world_builds(db, django_db_setup):
    _restart_sequences(django_db_setup)  # the events name accounts by their keys
    make_world()
    assert _in_database(django_db_setup) == _built(django_db_setup)


def test_the_world_fixture_puts_back_every_row_as_built(world, scratch_allowed, django_db_setup):
    # Every column, the numbered keys, hashes and creation times included.
    for model, built in django_db_setup.rows:
        found = model._base_manager.order_by("pk").values()
        assert [plain(row) for row in found] == built
    assert verify(world.office.id) == []


def test_a_test_without_the_world_sees_none_of_it(db):
    assert not Office.objects.exists()
    assert not get_user_model().objects.exists()


def test_each_test_gets_its_own_objects(world, django_db_setup):
    shared = django_db_setup.world
    assert world.south_head is not shared.south_head
    assert world.office is not shared.office
    assert world.south_head.user.username == shared.south_head.user.username


def test_new_rows_after_the_world_get_fresh_keys(db, django_db_setup):
    # On PostgreSQL the sequences are moved past the rows put back; without that, this
    # account and this member's event would collide with the world's keys.
    _restart_sequences(django_db_setup)
    world = django_db_setup.restore()
    users = set(get_user_model().objects.values_list("pk", flat=True))
    events = set(Event.objects.values_list("pk", flat=True))
    newcomer = get_user_model().objects.create_user(username="newcomer")
    offices.add_member(
        office=world.office,
        command=AddMember(
            username=newcomer.username,
            full_name="New Comer",
            role="staff",
            side="south",
            title="Staff",
        ),
        actor=OPERATOR,
        now=T0,
    )
    assert newcomer.pk > max(users)
    assert len(set(Event.objects.values_list("pk", flat=True)) - events) == 1


def _check_world(world: World) -> None:
    assert Member.objects.filter(office=world.office).count() == 7
    assert world.member("testoffice-south-head") == world.south_head


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_gets_the_world(world):
    _check_world(world)


@pytest.mark.django_db(transaction=True)
def test_the_world_again_after_a_transactional_tests_flush(world):
    _check_world(world)


def test_the_world_after_the_transactional_tests(world):
    # pytest-django runs transactional tests last; whichever test follows a flush gets the
    # world back, as this one would if it ran after them.
    _check_world(world)


def _retitle_and_weekly(world: World) -> None:
    # Changes rows the world holds (a member, the charter log's head) and adds others.
    offices.change_member(
        member=world.south_staff,
        command=ChangeMember(full_name="South Staff", role="staff", title="Liaison officer"),
        actor=OPERATOR,
        now=T0,
    )
    weekly(world)


@pytest.mark.parametrize("build", [weekly, _retitle_and_weekly])
def test_a_layer_puts_back_exactly_what_its_builder_writes(world, django_db_setup, build):
    # The web tests' ``office`` is the world with the weekly cadence as a layer: each of
    # its rows, and the rows it changed, as the builder itself writes them.
    with transaction.atomic():
        django_db_setup.with_layer(build, copy.deepcopy(world))
        layered = snapshot("default")
        transaction.set_rollback(True)
    assert Member.objects.get(pk=world.south_staff.pk).title == "Staff"  # rolled back
    reset_sequences("default", list(layered))  # as they stood before the layer
    build(world)
    assert snapshot("default") == layered
    assert Cadence.objects.filter(key="weekly").exists()
