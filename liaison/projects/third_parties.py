"""Third parties: outside actors (a state, an envoy) whose positions and events bear on
the office, recorded by a side's head or deputy."""

from __future__ import annotations

import datetime as dt

from liaison.ledger import log
from liaison.lib.errors import Refused
from liaison.offices.models import Member
from liaison.projects.commands import (
    AddActor,
    RecordExternalEvent,
    RecordPosition,
    RecordThirdParty,
)
from liaison.projects.lookups import third_party_for
from liaison.projects.models import Actor, EventStatus, ExternalEvent, Position, ThirdParty
from liaison.projects.shared import append, office_today, speaker


def _actor_key(party: ThirdParty, actor: str) -> str | None:
    if not actor:
        return None
    if not party.actors.filter(key=actor).exists():
        raise Refused(f"{party.name} has no actor {actor!r}", field="actor")
    return actor


def record_third_party(
    *, member: Member, command: RecordThirdParty, now: dt.datetime
) -> ThirdParty:
    office = member.office
    with log.writing(office.id):
        speaker(member, now)
        if ThirdParty.objects.filter(office=office, key=command.key).exists():
            raise Refused(f"a third party {command.key!r} exists already", field="key")
        append(
            member,
            "third_party.recorded",
            {"key": command.key, "name": command.name, "description": command.description},
            now,
        )
    return ThirdParty.objects.get(office=office, key=command.key)


def add_actor(*, member: Member, command: AddActor, now: dt.datetime) -> Actor:
    with log.writing(member.office_id):
        party = third_party_for(member, command.party)
        speaker(member, now)
        if party.actors.filter(key=command.key).exists():
            raise Refused(f"{party.name} has an actor {command.key!r} already", field="key")
        append(
            member,
            "third_party.actor_added",
            {
                "party": party.key,
                "key": command.key,
                "name": command.name,
                "title": command.title,
            },
            now,
        )
    return Actor.objects.get(party=party, key=command.key)


def record_position(*, member: Member, command: RecordPosition, now: dt.datetime) -> Position:
    office = member.office
    with log.writing(office.id):
        party = third_party_for(member, command.party)
        speaker(member, now)
        if command.stated_on > office_today(office, now):
            raise Refused("a position cannot be stated after today", field="stated_on")
        if party.positions.filter(key=command.key).exists():
            raise Refused(f"{party.name} has a position {command.key!r} already", field="key")
        append(
            member,
            "third_party.position_recorded",
            {
                "party": party.key,
                "key": command.key,
                "actor": _actor_key(party, command.actor),
                "stated_on": command.stated_on.isoformat(),
                "summary": command.summary,
                "source": command.source,
            },
            now,
        )
    return Position.objects.get(party=party, key=command.key)


def record_external_event(
    *, member: Member, command: RecordExternalEvent, now: dt.datetime
) -> ExternalEvent:
    """A third party's event, or a new account of one already recorded (same key)."""
    office = member.office
    with log.writing(office.id):
        party = third_party_for(member, command.party)
        speaker(member, now)
        if command.status == EventStatus.HAPPENED and command.on > office_today(office, now):
            raise Refused("an event that happened cannot be dated after today", field="on")
        append(
            member,
            "third_party.event_recorded",
            {
                "party": party.key,
                "key": command.key,
                "actor": _actor_key(party, command.actor),
                "title": command.title,
                "on": command.on.isoformat(),
                "status": command.status,
                "source": command.source,
            },
            now,
        )
    return ExternalEvent.objects.get(party=party, key=command.key)
