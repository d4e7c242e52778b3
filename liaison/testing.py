"""Shared test setup: an office between two sides, each with a head, a deputy and staff,
an observer on neither side, and an outsider with an account but no membership.

    def test_something(world): world.south_head.username ...

Build state through the actions, as users do; never ``.save()`` a projection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser

from liaison.meetings import answering, attending, commands, proposing
from liaison.meetings.commands import (
    AcceptProposal,
    CheckInTo,
    LevelName,
    ProposeCadence,
    ProposeSession,
)
from liaison.meetings.models import Cadence, Proposal
from liaison.meetings.schedule import SessionInfo, find_session
from liaison.offices import actions as offices
from liaison.offices.commands import AddMember, CharterOffice, CharterSide
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
    min_notice_minutes: int = 0,
    min_grace_minutes: int = 0,
) -> Office:
    """The test office. Its charter asks for no minimum notice or grace unless told, so
    tests can schedule at any time; the notice rules are tested with their own office."""
    if not get_user_model().objects.filter(username=OPERATOR).exists():
        make_user(OPERATOR, superuser=True)
    return offices.charter_office(
        command=CharterOffice(
            slug=slug,
            name=f"Office {slug}",
            place="Panmunjom",
            time_zone=time_zone,
            launched_on=now.astimezone(dt.UTC).date(),
            sides=(
                CharterSide(key="south", name="The South", language="ko", time_zone=south_zone),
                CharterSide(key="north", name="The North", language="ko", time_zone=north_zone),
            ),
            min_notice_minutes=min_notice_minutes,
            min_grace_minutes=min_grace_minutes,
        ),
        actor=OPERATOR,
        now=now,
    )


def make_world(
    slug: str = "testoffice",
    *,
    time_zone: str = "Asia/Seoul",
    now: dt.datetime = T0,
    min_notice_minutes: int = 0,
    min_grace_minutes: int = 0,
) -> World:
    office = make_office(
        slug,
        time_zone=time_zone,
        now=now,
        min_notice_minutes=min_notice_minutes,
        min_grace_minutes=min_grace_minutes,
    )
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
            command=AddMember.build(
                username=username,
                full_name=name.replace("_", " ").title(),
                role=role,
                side=side,
                title=role.title(),
            ),
            actor=OPERATOR,
            now=now,
        )
    outsider = make_user(f"{slug}-outsider")
    world = World(office=office, outsider=outsider, members=members, **members)
    return world


# The shared world, built once per test process --------------------------------------
#
# ``make_world()`` runs some 135 queries through the actions (the charter, seven members,
# their events and projections, eight accounts); most tests ask for exactly that world.
# ``WorldRows`` builds it once in a transaction rolled back at once, keeps the rows it
# wrote, and puts them back inside each test's own transaction: the test sees the same
# rows and objects as after ``make_world()``, and its writes are rolled back as before.


def weekly(
    world: World,
    *,
    rule: str = "FREQ=WEEKLY;BYDAY=FR",
    starts_on: dt.date = dt.date(2024, 1, 5),
    at: dt.time = dt.time(10, 0),
    duration: int = 60,
    grace: int = 15,
    level: LevelName = "head",
    now: dt.datetime = T0,
) -> None:
    """A weekly cadence proposed by the South's head and accepted by the North's
    (Fridays 10:00 office time)."""
    proposal = proposing.propose_cadence(
        member=world.south_head,
        command=ProposeCadence(
            key="weekly",
            title="Weekly meeting",
            rule=rule,
            starts_on=starts_on,
            start_time=at,
            duration_minutes=duration,
            grace_minutes=grace,
            required_level=level,
        ),
        now=now,
    )
    answering.accept_proposal(
        member=world.north_head, command=AcceptProposal(key=proposal.key), now=now
    )


def agree_session(
    world: World,
    *,
    start: dt.datetime,
    title: str = "Ad hoc meeting",
    duration: int = 60,
    grace: int = 15,
    level: LevelName = "head",
    now: dt.datetime = T0,
    accept_at: dt.datetime | None = None,
) -> str:
    """An ad hoc session proposed by the South's head and accepted by the North's.
    Returns its key."""
    proposal = proposing.propose_session(
        member=world.south_head,
        command=ProposeSession(
            title=title,
            start=start,
            duration_minutes=duration,
            grace_minutes=grace,
            required_level=level,
        ),
        now=now,
    )
    answering.accept_proposal(
        member=world.north_head, command=AcceptProposal(key=proposal.key), now=accept_at or now
    )
    return proposal.subject


# The first session of ``weekly``: Friday 5 Jan 2024, 10:00 in Seoul.
FIRST_SESSION = "weekly-20240105T1000"
FIRST_START = dt.datetime(2024, 1, 5, 1, 0, tzinfo=dt.UTC)


def hold(world: World, key: str = FIRST_SESSION, start: dt.datetime = FIRST_START) -> None:
    """Both heads check in at ``start``: the session is held."""
    for head in (world.south_head, world.north_head):
        attending.check_in(member=head, command=CheckInTo(key=key), now=start)


# Proposals agreed at once: the member's side proposes, the other side's head accepts at
# the same instant. For tests about something else than consent itself.


def other_head(member: Member) -> Member:
    """The head of the other side of ``member``'s office."""
    return (
        Member.objects.select_related("office", "side")
        .filter(office_id=member.office_id, role="head", side__isnull=False)
        .exclude(side_id=member.side_id)
        .latest("active_from")
    )


def agree(member: Member, proposal: Proposal, now: dt.datetime) -> Proposal:
    return answering.accept_proposal(
        member=other_head(member), command=AcceptProposal(key=proposal.key), now=now
    )


def _command(
    kind: type[commands.Command], arguments: dict[str, Any]
) -> tuple[Member, Any, dt.datetime]:
    """The acting member, the command and the instant, from one action's arguments."""
    values = dict(arguments)
    return (
        values.pop("member"),
        kind(**{k: v for k, v in values.items() if k != "now"}),
        values["now"],
    )


def agreed_cadence(**arguments: Any) -> Cadence:
    """``propose_cadence`` accepted by the other side's head; the new version."""
    member, command, now = _command(commands.ProposeCadence, arguments)
    proposal = proposing.propose_cadence(member=member, command=command, now=now)
    agree(member, proposal, now)
    return Cadence.objects.filter(office_id=proposal.office_id, key=proposal.subject).latest(
        "version"
    )


def agreed_end(**arguments: Any) -> None:
    member, command, now = _command(commands.ProposeCadenceEnd, arguments)
    proposal = proposing.propose_cadence_end(member=member, command=command, now=now)
    agree(member, proposal, now)


def _found(member: Member, proposal: Proposal) -> SessionInfo:
    session = find_session(member.office, proposal.subject)
    if session is None:
        raise LookupError(proposal.subject)
    return session


def agreed_session(**arguments: Any) -> SessionInfo:
    """``propose_session`` accepted by the other side's head; the session."""
    member, command, now = _command(commands.ProposeSession, arguments)
    proposal = proposing.propose_session(member=member, command=command, now=now)
    agree(member, proposal, now)
    return _found(member, proposal)


def agreed_move(**arguments: Any) -> SessionInfo:
    member, command, now = _command(commands.ProposeMove, arguments)
    proposal = proposing.propose_move(member=member, command=command, now=now)
    agree(member, proposal, now)
    return _found(member, proposal)
