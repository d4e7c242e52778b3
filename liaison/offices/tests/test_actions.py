"""The operator's actions: chartering an office and managing its members. Each refusal
says why and writes nothing."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

import pytest

from liaison.ledger.models import Event
from liaison.lib.errors import Refused
from liaison.offices import actions as offices
from liaison.offices.commands import AddMember, CharterOffice, EndMembership
from liaison.offices.models import Member, Office
from liaison.testing import OPERATOR, T0, make_user


@contextlib.contextmanager
def refused(match: str | None) -> Iterator[pytest.ExceptionInfo]:
    """The block is refused with ``match`` in its message and appends no event."""
    before = Event.objects.count()
    with pytest.raises(Refused, match=match) as info:
        yield info
    assert Event.objects.count() == before


def _side(key, name, time_zone):
    return {"key": key, "name": name, "language": "ko", "time_zone": time_zone}


def _charter(**overrides):
    arguments = {
        "slug": "panmunjom",
        "name": "Panmunjom office",
        "place": "Panmunjom",
        "time_zone": "Asia/Seoul",
        "launched_on": dt.date(2024, 1, 1),
        "sides": (
            _side("south", "The South", "Asia/Seoul"),
            _side("north", "The North", "Asia/Pyongyang"),
        ),
    } | overrides
    return offices.charter_office(command=CharterOffice(**arguments), actor=OPERATOR, now=T0)


@pytest.mark.parametrize(
    ("overrides", "message", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "unknown time zone 'Mars/Olympus'", "time_zone"),
        # A command strips stray spaces: "Asia/Seoul " is Asia/Seoul, " " is no zone.
        ({"time_zone": " "}, "the time zone is empty", "time_zone"),
        (
            {
                "sides": (
                    _side("south", "The South", "Asia/Seoul"),
                    _side("north", "The North", "Asia/Pyeongyang"),
                )
            },
            "unknown time zone 'Asia/Pyeongyang'",
            "sides",
        ),
        ({"slug": "Pan Mun Jom"}, "must be lowercase letters", "slug"),
        (
            {
                "sides": (
                    _side("south", "The South", "Asia/Seoul"),
                    _side("south", "Also south", "Asia/Seoul"),
                )
            },
            "the two sides need different keys",
            "sides",
        ),
        ({"slug": "testoffice"}, "an office named 'testoffice' already exists", "slug"),
    ],
)
def test_charter_office_refuses_bad_settings(world, overrides, message, field):
    with refused(message) as info:
        _charter(**overrides)
    assert info.value.field == field
    assert list(Office.objects.values_list("id", flat=True)) == ["testoffice"]


def test_a_sides_refusal_names_the_side(world):
    bad = _side("North", "The North", "Asia/Pyongyang")
    with refused("the second side's key must be lowercase letters") as info:
        _charter(sides=(_side("south", "The South", "Asia/Seoul"), bad))
    assert info.value.field == "sides"


def _add(world, **overrides):
    arguments = {
        "username": "newcomer",
        "full_name": "A Newcomer",
        "role": "staff",
        "side": "south",
    } | overrides
    return offices.add_member(
        office=world.office, command=AddMember(**arguments), actor=OPERATOR, now=T0
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"time_zone": "Asia/Kaesong"}, "unknown time zone 'Asia/Kaesong'"),
        ({"username": "nobody"}, "there is no account named 'nobody'"),
        ({"role": "king"}, "the role must be one of 'head', 'deputy', 'staff' or 'observer'"),
        ({"side": None}, "only an observer can belong to neither side"),
        ({"side": "east"}, "has no side 'east'"),
        ({"role": "head"}, "side south already has a head"),
        ({"username": "testoffice-north-head"}, "already a member"),
    ],
)
def test_add_member_refuses_bad_settings(world, overrides, message):
    make_user("newcomer")
    with refused(message):
        _add(world, **overrides)


def test_members_see_their_own_zone_then_their_sides_then_the_offices(world):
    make_user("newcomer")
    member = _add(world, time_zone="UTC")
    assert world.office.time_zone == "Asia/Seoul"
    assert member.zone_name() == "UTC"
    assert world.member(world.north_head.username).zone_name() == "Asia/Pyongyang"
    assert world.member(world.observer.username).zone_name() == "Asia/Seoul"


def test_charter_office_records_the_office_and_its_two_sides(db):
    make_user(OPERATOR, superuser=True)
    office = _charter()
    assert (office.id, office.time_zone, office.chartered_at) == ("panmunjom", "Asia/Seoul", T0)
    assert [(s.key, s.time_zone, s.position) for s in office.sides.all()] == [
        ("south", "Asia/Seoul", 1),
        ("north", "Asia/Pyongyang", 2),
    ]
    assert Event.objects.get().type == "office.chartered"


def test_charter_office_without_a_name_is_refused_for_a_person(db):
    # Actions promise Refused (a form error), not the log's EventRejected.
    with refused(None):
        _charter(name="")


def test_add_member_without_a_name_is_refused_for_a_person(world):
    make_user("newcomer")
    with refused(None):
        _add(world, full_name="")


def test_a_side_gets_a_new_head_once_the_old_ones_membership_ended(world):
    offices.end_membership(
        member=world.south_head,
        command=EndMembership(active_until=dt.date(2024, 1, 31)),
        actor=OPERATOR,
        now=T0,
    )
    make_user("newcomer")
    head = _add(world, role="head", active_from=dt.date(2024, 2, 1))
    assert head.role == "head"
    assert Member.objects.get(pk=world.south_head.pk).active_until == dt.date(2024, 1, 31)
    assert not Member.objects.get(pk=world.south_head.pk).is_active_on(dt.date(2024, 2, 1))


def test_a_membership_cannot_end_before_it_began(world):
    with refused("cannot end before it began"):
        offices.end_membership(
            member=world.south_head,
            command=EndMembership(active_until=dt.date(2023, 12, 31)),
            actor=OPERATOR,
            now=T0,
        )
