"""Shared setup for the record pages' tests: the weekly session of 5 Jan 2024 held, and
posting a form at a frozen instant."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client
from django.urls import reverse

from liaison.records import meeting_records, readouts
from liaison.records.commands import (
    OutcomeIn,
    ParticipantIn,
    PublishReadout,
    SaveReadoutDraft,
    SaveRecord,
)
from liaison.records.overview import draft_for
from liaison.testing import FIRST_SESSION, FIRST_START, World

KEY = FIRST_SESSION
LATER = FIRST_START + dt.timedelta(hours=2)  # the session is over and was held
SECOND = "weekly-20240112T1000"
SECOND_START = FIRST_START + dt.timedelta(days=7)


def url(world: World, name: str, key: str = KEY) -> str:
    return reverse(name, args=[world.office.slug, key])


def get(client: Client, address: str, at: dt.datetime = LATER):
    with time_machine.travel(at, tick=False):
        return client.get(address)


def post(client: Client, address: str, data: dict, at: dt.datetime = LATER, follow: bool = True):
    with time_machine.travel(at, tick=False):
        return client.post(address, data, follow=follow)


def record_data(world: World, **changes: object) -> dict[str, object]:
    """A complete record form: both heads and an outside guest, two topics, two outcomes
    (and the formset's blank row)."""
    data: dict[str, object] = {
        "base_revision": 0,
        "place": "Office building, Kaesong",
        "started_date": "2024-01-05",
        "started_time": "10:05",
        "duration_minutes": 70,
        "members": [world.south_head.username, world.north_head.username],
        "others": "Kim Ok — Red Cross liaison",
        "topics": "Rail study\n\nNext meetings",
        "outcome-TOTAL_FORMS": 3,
        "outcome-INITIAL_FORMS": 0,
        "outcome-0-key": "",
        "outcome-0-kind": "reaffirmation",
        "outcome-0-text": "Both sides implement the declaration.",
        "outcome-1-key": "",
        "outcome-1-kind": "next_step",
        "outcome-1-text": "Prepare a business visit.",
        "outcome-2-key": "",
        "outcome-2-kind": "agreement",
        "outcome-2-text": "",
    }
    data.update(changes)
    return data


def save_record(world: World, member: str = "south_staff") -> None:
    meeting_records.save_record(
        member=world.members[member],
        command=SaveRecord(
            session=KEY,
            base_revision=0,
            place="Office building, Kaesong",
            started_at=FIRST_START,
            duration_minutes=60,
            participants=[
                ParticipantIn(member=world.south_head.username),
                ParticipantIn(member=world.north_head.username),
            ],
            topics=["Rail study"],
            outcomes=[OutcomeIn(kind="next_step", text="Prepare a business visit.")],
        ),
        now=LATER,
    )


def publish(world: World, side: str, body: str, at: dt.datetime = LATER) -> None:
    """``side``'s head drafts and publishes a readout with ``body``."""
    head = world.members[f"{side}_head"]
    draft = draft_for(head, KEY)
    readouts.save_readout_draft(
        member=head,
        command=SaveReadoutDraft(
            session=KEY,
            base_revision=draft.revision if draft else 0,
            title=f"{head.side} readout",
            source=f"{head.side} ministry",
            body=body,
        ),
        now=at,
    )
    readouts.publish_readout(member=head, command=PublishReadout(session=KEY), now=at)
