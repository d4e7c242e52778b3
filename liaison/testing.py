"""Shared test setup: an office between two sides, each with a head, a deputy and staff,
an observer on neither side, and an outsider with an account but no membership.

    def test_something(world): world.south_head.username ...

Build state through the actions, as users do; never ``.save()`` a projection.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.management.color import no_style
from django.db import connections, models, transaction
from django.test.utils import override_settings

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
                # Bytes, not PostgreSQL's memoryviews, which cannot be copied.
                values = [
                    {k: bytes(v) if isinstance(v, memoryview) else v for k, v in row.items()}
                    for row in found.order_by("pk").values()
                ]
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
            _reset_sequences(alias, [model for model, _ in self.rows])
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


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    # Bytes, not PostgreSQL's memoryviews, which cannot be copied.
    return {k: bytes(v) if isinstance(v, memoryview) else v for k, v in row.items()}


def _snapshot(alias: str) -> dict[type[models.Model], dict[Any, dict[str, Any]]]:
    found = {}
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed or model._meta.proxy:
            continue
        pk = model._meta.pk.attname
        rows = model._base_manager.using(alias).order_by("pk").values()
        found[model] = {row[pk]: _plain(row) for row in rows}
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
        before = _snapshot(alias)
        files = _stored_files()
        with transaction.atomic(using=alias):
            build()
            after = _snapshot(alias)
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
            _reset_sequences(alias, [model for model, _ in self.inserted])


def _stored_files() -> set[str]:
    root = Path(settings.LIAISON_ATTACHMENTS_DIR)
    return {str(p) for p in root.rglob("*")} if root.exists() else set()


def _reset_sequences(alias: str, touched: list[type[models.Model]]) -> None:
    # Explicit primary keys leave PostgreSQL's sequences behind; SQLite's follow.
    connection = connections[alias]
    statements = connection.ops.sequence_reset_sql(no_style(), touched)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


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
