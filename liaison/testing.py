"""Shared test setup: an office between two sides, each with a head, a deputy and staff,
an observer on neither side, and an outsider with an account but no membership.

    def test_something(world): world.south_head.username ...

Build state through the actions, as users do; never ``.save()`` a projection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser

from liaison.meetings import actions as meetings
from liaison.offices import actions as offices
from liaison.offices.models import Member, Office

PASSWORD = "correct horse battery staple"  # noqa: S105 - test accounts only
# The world is chartered at this instant (a Monday, 09:00 in Seoul).
T0 = dt.datetime(2024, 1, 1, 0, 0, tzinfo=dt.UTC)
OPERATOR = "operator"


def make_user(username: str, *, superuser: bool = False) -> AbstractUser:
    User = get_user_model()
    user = User.objects.create_user(username=username, password=PASSWORD)
    if superuser:
        user.is_staff = user.is_superuser = True
        user.save()
    return user


@dataclass
class World:
    office: Office
    south_head: Member
    south_deputy: Member
    south_staff: Member
    north_head: Member
    north_deputy: Member
    north_staff: Member
    observer: Member
    outsider: AbstractUser
    members: dict[str, Member] = field(default_factory=dict)

    def member(self, username: str) -> Member:
        return Member.objects.select_related("office", "side").get(
            office=self.office, username=username
        )


def make_office(
    slug: str = "testoffice",
    *,
    time_zone: str = "Asia/Seoul",
    now: dt.datetime = T0,
    south_zone: str = "Asia/Seoul",
    north_zone: str = "Asia/Pyongyang",
) -> Office:
    if not get_user_model().objects.filter(username=OPERATOR).exists():
        make_user(OPERATOR, superuser=True)
    return offices.charter_office(
        slug=slug,
        name=f"Office {slug}",
        place="Panmunjom",
        time_zone=time_zone,
        launched_on=now.astimezone(dt.UTC).date(),
        sides=(
            offices.SideSpec("south", "The South", "ko", south_zone),
            offices.SideSpec("north", "The North", "ko", north_zone),
        ),
        actor=OPERATOR,
        now=now,
    )


def make_world(
    slug: str = "testoffice", *, time_zone: str = "Asia/Seoul", now: dt.datetime = T0
) -> World:
    office = make_office(slug, time_zone=time_zone, now=now)
    specs = [
        ("south_head", "head", "south"),
        ("south_deputy", "deputy", "south"),
        ("south_staff", "staff", "south"),
        ("north_head", "head", "north"),
        ("north_deputy", "deputy", "north"),
        ("north_staff", "staff", "north"),
        ("observer", "observer", None),
    ]
    members: dict[str, Member] = {}
    for name, role, side in specs:
        username = f"{slug}-{name.replace('_', '-')}"
        make_user(username)
        members[name] = offices.add_member(
            office=office,
            username=username,
            full_name=name.replace("_", " ").title(),
            role=role,
            side=side,
            title=role.title(),
            actor=OPERATOR,
            now=now,
        )
    outsider = make_user(f"{slug}-outsider")
    world = World(office=office, outsider=outsider, members=members, **members)
    return world


def weekly(
    world: World,
    *,
    rule: str = "FREQ=WEEKLY;BYDAY=FR",
    starts_on: dt.date = dt.date(2024, 1, 5),
    at: dt.time = dt.time(10, 0),
    duration: int = 60,
    grace: int = 15,
    level: str = "head",
    now: dt.datetime = T0,
) -> None:
    """A weekly cadence agreed by the South's head (Fridays 10:00 office time)."""
    meetings.set_cadence(
        member=world.south_head,
        key="weekly",
        title="Weekly meeting",
        rule=rule,
        starts_on=starts_on,
        start_time=at,
        duration_minutes=duration,
        grace_minutes=grace,
        required_level=level,
        now=now,
    )


# The first session of ``weekly``: Friday 5 Jan 2024, 10:00 in Seoul.
FIRST_SESSION = "weekly-20240105T1000"
FIRST_START = dt.datetime(2024, 1, 5, 1, 0, tzinfo=dt.UTC)


def hold(world: World, key: str = FIRST_SESSION, start: dt.datetime = FIRST_START) -> None:
    """Both heads check in at ``start``: the session is held."""
    for head in (world.south_head, world.north_head):
        meetings.check_in(member=head, key=key, now=start)
