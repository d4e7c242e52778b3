"""API test helpers: a client signed in as any member of the shared world.

def test_x(world, api_as): client = api_as("south_head"); client.get(...)
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import time_machine
from django.test import Client

from liaison.channel import messages, notes, receipts
from liaison.channel.attachments import Upload
from liaison.channel.commands import AddNote, SendMessage
from liaison.channel.models import Message, PrivateNote
from liaison.meetings import proposing
from liaison.meetings.commands import ProposeSession
from liaison.meetings.models import Proposal
from liaison.projects import blockers, third_parties
from liaison.projects import drafts as drafts_actions
from liaison.projects.commands import (
    AddActor,
    AddDependency,
    OpenBlocker,
    ProposeDraft,
    RecordPosition,
    RecordThirdParty,
    SaveDraft,
)
from liaison.records import commitments, frameworks, meeting_records, minutes, readouts
from liaison.records.commands import (
    ClauseIn,
    MakeCommitment,
    OutcomeIn,
    ParticipantIn,
    ProposeMinutes,
    PublishReadout,
    RecordFramework,
    SaveMinutes,
    SaveReadoutDraft,
    SaveRecord,
)
from liaison.testing import T0, World, hold, weekly
from liaison.world_rows import WorldRows

# The weekly cadence's first session: Friday 5 January 2024, 10:00 Seoul (01:00 UTC).
FIRST = "weekly-20240105T1000"
FIRST_START = dt.datetime(2024, 1, 5, 1, 0, tzinfo=dt.UTC)
BEFORE_FIRST = FIRST_START - dt.timedelta(minutes=30)  # check-in open, changes allowed

ROLES = [
    "south_head",
    "south_deputy",
    "south_staff",
    "north_head",
    "north_deputy",
    "north_staff",
    "observer",
]
SPEAKERS = ["south_head", "south_deputy", "north_head", "north_deputy"]
READERS_ONLY = ["south_staff", "north_staff", "observer"]


@pytest.fixture
def cadenced(world: World, django_db_setup: WorldRows) -> World:
    return django_db_setup.with_layer(weekly, world)


@pytest.fixture
def api_as(world: World) -> Callable[[str], Client]:
    """A client signed in (Django session) as the world's member or "outsider"."""

    def make(name: str) -> Client:
        client = Client()
        if name == "outsider":
            client.force_login(world.outsider)
        elif name != "anonymous":
            client.force_login(world.members[name].user)
        return client

    return make


@pytest.fixture
def frozen() -> Callable[[dt.datetime], time_machine.travel]:
    def make(moment: dt.datetime) -> time_machine.travel:
        return time_machine.travel(moment, tick=False)

    return make


def office_url(world: World, rest: str = "") -> str:
    return f"/api/offices/{world.office.id}{rest}"


def own_head(world: World, actor: str) -> str | None:
    """The username of the actor's own side's head (whom a deputy checks in)."""
    side = actor.split("_")[0]
    return world.members[f"{side}_head"].username if side in ("south", "north") else None


# The state the records endpoints read and write: the first session was held, and it
# has a record, both sides' published readouts (and newer drafts), a first version of
# the minutes, a framework and a commitment.
SETUP_AT = FIRST_START + dt.timedelta(hours=1)  # the session ended at 11:00 Seoul
AFTER_FIRST = FIRST_START + dt.timedelta(hours=2)
FRAMEWORK = "declaration"
COMMITMENT = "rail-study"


def recorded(world: World) -> None:
    weekly(world)
    hold(world)
    meeting_records.save_record(
        member=world.south_staff,
        command=SaveRecord(
            session=FIRST,
            base_revision=0,
            place="Joint liaison office, Kaesong",
            started_at=FIRST_START,
            duration_minutes=60,
            participants=[
                ParticipantIn(member=world.south_head.username),
                ParticipantIn(member=world.north_head.username),
            ],
            topics=["Rail-link study"],
            outcomes=[OutcomeIn(kind="agreement", text="Both sides will study the rail link.")],
        ),
        now=SETUP_AT,
    )
    for side in ("south", "north"):
        staff, head = world.members[f"{side}_staff"], world.members[f"{side}_head"]
        for revision in (1, 2):
            readouts.save_readout_draft(
                member=staff,
                command=SaveReadoutDraft(
                    session=FIRST,
                    base_revision=revision - 1,
                    title=f"The {side}'s readout",
                    source=f"The {side}'s ministry",
                    body=f"Draft {revision}: the rail link was discussed.",
                ),
                now=SETUP_AT,
            )
            if revision == 1:  # published once; the second draft is not yet published
                readouts.publish_readout(
                    member=head, command=PublishReadout(session=FIRST), now=SETUP_AT
                )
    minutes.save_minutes(
        member=world.north_staff,
        command=SaveMinutes(
            session=FIRST, base_version=0, text="The two sides discussed the rail link."
        ),
        now=SETUP_AT,
    )
    frameworks.record_framework(
        member=world.south_head,
        command=RecordFramework(
            key=FRAMEWORK,
            base_revision=0,
            title="Joint declaration",
            adopted_on=dt.date(2023, 9, 19),
            summary="",
            clauses=[
                ClauseIn(number="1", text="Cease hostilities."),
                ClauseIn(number="2", text="Link rail."),
            ],
        ),
        now=SETUP_AT,
    )
    commitments.make_commitment(
        member=world.north_deputy,
        command=MakeCommitment(
            key=COMMITMENT,
            text="Study the rail link",
            owners=["south", "north"],
            source_outcome=f"{FIRST}/o1",
            due_on=dt.date(2024, 6, 30),
        ),
        now=SETUP_AT,
    )


def proposed(world: World) -> None:
    """``recorded``, with version 1 of the minutes put to both heads for signature."""
    recorded(world)
    minutes.propose_minutes(
        member=world.south_head, command=ProposeMinutes(session=FIRST, version=1), now=SETUP_AT
    )


SIDE_MEMBERS = [
    "south_head",
    "south_deputy",
    "south_staff",
    "north_head",
    "north_deputy",
    "north_staff",
]
HEADS = ["south_head", "north_head"]


@dataclass(frozen=True)
class Write:
    """A write endpoint: its path after the office (``{side}`` is the actor's side), a
    body for an actor, the event type it appends (None: the side's private draft, which
    never enters a log), who may write, and the state and moment it succeeds in.
    ``names`` fills the path's other placeholders for an actor from the state (a note's
    id, the other side's message), known only once the setup has run."""

    path: str
    body: Callable[[World, str], dict[str, Any]]
    event: str | None
    writers: list[str] = field(default_factory=lambda: SPEAKERS)
    setup: Callable[[World], None] = weekly
    at: dt.datetime = BEFORE_FIRST
    method: str = "post"
    names: Callable[[World, str], dict[str, str]] = lambda world, actor: {}
    # The event is the other side's answer in its own log (a checkpoint's witness), not
    # one by the actor.
    by_witness: bool = False

    def url(self, world: World, actor: str) -> str:
        side = actor.split("_")[0] if actor.split("_")[0] in ("south", "north") else "south"
        return office_url(world, self.path.format(side=side, **self.names(world, actor)))


def no_body(world: World, actor: str) -> dict[str, Any]:
    return {}


def proposals_of_both(world: World) -> None:
    """The weekly cadence, and an ad hoc session proposed by each side, unanswered."""
    weekly(world)
    for head, day in ((world.south_head, 10), (world.north_head, 11)):
        proposing.propose_session(
            member=head,
            command=ProposeSession(
                title="Extra session",
                start=dt.datetime(2024, 1, day, 1, 0, tzinfo=dt.UTC),
                duration_minutes=60,
                grace_minutes=15,
                required_level="head",
            ),
            now=T0,
        )


def open_proposal(world: World, actor: str, *, own: bool) -> str:
    """The key of the open proposal of the actor's side (``own``) or of the other side;
    for a visitor on neither side, the South's."""
    side = actor.split("_")[0] if actor.split("_")[0] in ("south", "north") else "north"
    if not own:
        side = {"south": "north", "north": "south"}[side]
    return Proposal.objects.get(office=world.office, side__key=side, state="open").key


def record_body(world: World, actor: str) -> dict[str, Any]:
    return {
        "base_revision": 1,
        "place": "Joint liaison office, Kaesong",
        "started_at": "2024-01-05T10:05:00+09:00",
        "duration_minutes": 55,
        "participants": [{"member": world.south_head.username}, {"name": "A visiting envoy"}],
        "topics": ["Rail-link study", "Next meetings"],
        "outcomes": [{"key": "o1", "kind": "agreement", "text": "Study the rail link."}],
    }


def framework_body(world: World, actor: str) -> dict[str, Any]:
    return {
        "title": "Military agreement",
        "adopted_on": "2023-09-19",
        "summary": "Annex to the declaration.",
        "clauses": [{"number": "1", "text": "Cease hostile acts."}],
    }


RECORDS = {"setup": recorded, "at": AFTER_FIRST}

WRITES = {
    "schedule": Write(
        "/sessions",
        lambda world, actor: {
            "title": "Extra session",
            "start": "2024-01-10T10:00:00+09:00",
            "duration_minutes": 60,
            "grace_minutes": 15,
            "required_level": "head",
        },
        "session.proposed",
    ),
    "check-in": Write(
        f"/sessions/{FIRST}/check-in",
        lambda world, actor: {"attendee": own_head(world, actor)},
        "session.checked_in",
    ),
    "absence": Write(
        f"/sessions/{FIRST}/absence",
        lambda world, actor: {"reason": "delegation recalled for consultations"},
        "session.absence_noticed",
    ),
    "move": Write(
        f"/sessions/{FIRST}/move",
        lambda world, actor: {"start": "2024-01-06T10:00:00+09:00", "reason": "snow"},
        "session.move_proposed",
    ),
    "postpone": Write(
        f"/sessions/{FIRST}/postpone",
        lambda world, actor: {"reason": "awaiting instructions"},
        "session.postponed",
    ),
    "cancel": Write(
        f"/sessions/{FIRST}/cancel",
        lambda world, actor: {"reason": "overtaken by events"},
        "session.cancelled",
    ),
    "cadence": Write(
        "/cadences",
        lambda world, actor: {
            "key": "monthly",
            "title": "Monthly review",
            "rule": "FREQ=MONTHLY;BYMONTHDAY=1",
            "starts_on": "2024-02-01",
            "start_time": "10:00",
            "duration_minutes": 90,
            "grace_minutes": 15,
            "required_level": "deputy",
            "reason": "agreed at the first session",
        },
        "cadence.proposed",
    ),
    "end-cadence": Write(
        "/cadences/weekly/end",
        lambda world, actor: {"reason": "talks suspended", "effective": "2024-02-01T00:00:00Z"},
        "cadence.end_proposed",
    ),
    # Each side answers the other side's proposal and withdraws its own.
    "accept-proposal": Write(
        "/proposals/{proposal}/accept",
        no_body,
        "proposal.accepted",
        setup=proposals_of_both,
        names=lambda world, actor: {"proposal": open_proposal(world, actor, own=False)},
    ),
    "decline-proposal": Write(
        "/proposals/{proposal}/decline",
        lambda world, actor: {"reason": "the date clashes with a plenary"},
        "proposal.declined",
        setup=proposals_of_both,
        names=lambda world, actor: {"proposal": open_proposal(world, actor, own=False)},
    ),
    "withdraw-proposal": Write(
        "/proposals/{proposal}/withdraw",
        lambda world, actor: {"reason": "overtaken by events"},
        "proposal.withdrawn",
        setup=proposals_of_both,
        names=lambda world, actor: {"proposal": open_proposal(world, actor, own=True)},
    ),
    # Any member of a side drafts the shared texts; heads and deputies speak for it.
    "record": Write(
        f"/sessions/{FIRST}/record",
        record_body,
        "record.saved",
        writers=SIDE_MEMBERS,
        method="put",
        **RECORDS,
    ),
    "readout-draft": Write(
        f"/sessions/{FIRST}/readouts/draft",
        lambda world, actor: {
            "base_revision": 2,
            "title": "Readout",
            "source": "The ministry",
            "body": "Draft 3: the two sides agreed to study the rail link.",
        },
        None,
        writers=SIDE_MEMBERS,
        method="put",
        **RECORDS,
    ),
    "publish": Write(
        f"/sessions/{FIRST}/readouts/{{side}}/publish",
        lambda world, actor: {"draft_revision": 2},
        "readout.published",
        **RECORDS,
    ),
    "minutes": Write(
        f"/sessions/{FIRST}/minutes",
        lambda world, actor: {"base_version": 1, "text": "The two sides agreed a rail study."},
        "minutes.saved",
        writers=SIDE_MEMBERS,
        **RECORDS,
    ),
    "propose-minutes": Write(
        f"/sessions/{FIRST}/minutes/1/propose", no_body, "minutes.proposed", **RECORDS
    ),
    "sign-minutes": Write(
        f"/sessions/{FIRST}/minutes/1/sign",
        no_body,
        "minutes.signed",
        writers=HEADS,
        setup=proposed,
        at=AFTER_FIRST,
    ),
    "framework": Write(
        "/frameworks",
        lambda world, actor: {**framework_body(world, actor), "key": "military-agreement"},
        "framework.recorded",
        **RECORDS,
    ),
    "revise-framework": Write(
        f"/frameworks/{FRAMEWORK}",
        lambda world, actor: {**framework_body(world, actor), "base_revision": 1},
        "framework.recorded",
        method="put",
        **RECORDS,
    ),
    "commitment": Write(
        "/commitments",
        lambda world, actor: {
            "key": "groundbreaking",
            "text": "Hold a groundbreaking ceremony",
            "owners": ["south", "north"],
            "source": {"clause": f"{FRAMEWORK}/2"},
            "due_on": "2024-12-26",
        },
        "commitment.made",
        **RECORDS,
    ),
    "checkpoint": Write("/checkpoints", no_body, "checkpoint.cosigned", by_witness=True, **RECORDS),
    "commitment-status": Write(
        f"/commitments/{COMMITMENT}/status",
        lambda world, actor: {"status": "in_progress", "reason": ""},
        "commitment.status_changed",
        **RECORDS,
    ),
}


@dataclass(frozen=True)
class Read:
    """A read endpoint: every member gets 200 in its state, except ``hidden_from``
    (404: a side's private draft is not there for anyone off that side)."""

    path: str
    setup: Callable[[World], None] = weekly
    at: dt.datetime = BEFORE_FIRST
    hidden_from: tuple[str, ...] = ()


READS = {
    read.path: read
    for read in [
        Read(""),
        Read("/standing"),
        Read("/sessions"),
        Read(f"/sessions/{FIRST}"),
        Read("/cadences"),
        Read("/proposals", setup=proposals_of_both),
        Read("/proposals?state=closed", setup=proposals_of_both),
        Read("/proposals/south-1", setup=proposals_of_both),
        Read("/needs", setup=proposals_of_both),  # what waits on the caller
        Read(f"/sessions/{FIRST}/record", **RECORDS),
        Read(f"/sessions/{FIRST}/readouts", **RECORDS),
        Read(f"/sessions/{FIRST}/readouts/draft", hidden_from=("observer",), **RECORDS),
        Read(f"/sessions/{FIRST}/minutes", **RECORDS),
        Read("/frameworks", **RECORDS),
        Read(f"/frameworks/{FRAMEWORK}", **RECORDS),
        Read("/commitments", **RECORDS),
        Read(f"/commitments/{COMMITMENT}", **RECORDS),
        Read("/timeline", **RECORDS),
        Read("/checkpoints", **RECORDS),
        Read("/keys", **RECORDS),
    ]
}


# Joint projects and third parties, on 31 January 2024 (12:00 Seoul): ``rail-study``
# (proposed by the South, planned for March, blocked by sanctions since 20 January on
# the US's position ``us/sanctions-review``), ``groundbreaking`` (the North's, waiting
# for the rail study) and ``visit`` (no plan yet); each side has a private draft
# ``concert`` of its own.
PROJECTS_AT = dt.datetime(2024, 1, 31, 3, 0, tzinfo=dt.UTC)
PROJECT = "rail-study"
PARTY = "us"


def planned(world: World) -> None:
    at = PROJECTS_AT - dt.timedelta(days=1)
    drafts = [
        ("south", PROJECT, "study", "Joint rail-link study", ["south", "north"], 3, 1, 31),
        ("north", "groundbreaking", "ceremony", "Groundbreaking ceremony", ["north"], 4, 1, 1),
        ("south", "visit", "visit", "Business delegation visit", ["south"], None, None, None),
    ]
    for side, key, kind, title, leads, month, first, last in drafts:
        drafts_actions.save_project_draft(
            member=world.members[f"{side}_staff"],
            command=SaveDraft(
                key=key,
                base_revision=0,
                kind=kind,
                title=title,
                leads=leads,
                start=dt.date(2024, month, first) if month and first else None,
                end=dt.date(2024, month, last) if month and last else None,
            ),
            now=at,
        )
        drafts_actions.propose_project(
            member=world.members[f"{side}_head"], command=ProposeDraft(key=key), now=at
        )
    blockers.add_dependency(
        member=world.north_head,
        command=AddDependency(project="groundbreaking", depends_on=PROJECT),
        now=at,
    )
    third_parties.record_third_party(
        member=world.south_deputy, command=RecordThirdParty(key=PARTY, name="United States"), now=at
    )
    third_parties.add_actor(
        member=world.south_deputy,
        command=AddActor(
            party=PARTY, key="envoy", name="Stephen Biegun", title="Special Representative"
        ),
        now=at,
    )
    third_parties.record_position(
        member=world.south_deputy,
        command=RecordPosition(
            party=PARTY,
            key="sanctions-review",
            stated_on=dt.date(2024, 1, 20),
            summary="Joint projects must not breach the sanctions.",
            source="State Department briefing",
            actor="envoy",
        ),
        now=at,
    )
    blockers.open_blocker(
        member=world.north_deputy,
        command=OpenBlocker(
            project=PROJECT,
            key="sanctions",
            kind="sanctions",
            description="Survey equipment falls under the sanctions.",
            opened_on=dt.date(2024, 1, 20),
            position=f"{PARTY}/sanctions-review",
        ),
        now=at,
    )
    for side in ("south", "north"):
        drafts_actions.save_project_draft(
            member=world.members[f"{side}_staff"],
            command=SaveDraft(
                key="concert",
                base_revision=0,
                kind="event",
                title=f"The {side}'s concert plan",
                description=f"The {side}'s private thoughts.",
                leads=[side],
            ),
            now=at,
        )


PROJECTS = {"setup": planned, "at": PROJECTS_AT}

WRITES |= {
    # Any member of a side drafts a project (no event: the draft is the side's own);
    # heads and deputies propose it and speak for the side from then on.
    "project-draft": Write(
        "/projects/drafts/business-visit",
        lambda world, actor: {
            "base_revision": 0,
            "kind": "visit",
            "title": "Business delegation visit",
            "leads": ["south", "north"],
            "start": "2024-05-01",
            "end": "2024-05-03",
        },
        None,
        writers=SIDE_MEMBERS,
        method="put",
        **PROJECTS,
    ),
    "discard-project-draft": Write(
        "/projects/drafts/concert",
        no_body,
        None,
        writers=SIDE_MEMBERS,
        method="delete",
        **PROJECTS,
    ),
    "propose-project": Write(
        "/projects/drafts/concert/propose",
        lambda world, actor: {"draft_revision": 1},
        "project.proposed",
        **PROJECTS,
    ),
    "replan-project": Write(
        f"/projects/{PROJECT}/plan",
        lambda world, actor: {"start": "2024-05-01", "end": "2024-06-30", "reason": "sanctions"},
        "project.replanned",
        **PROJECTS,
    ),
    "project-status": Write(
        f"/projects/{PROJECT}/status",
        lambda world, actor: {"status": "agreed"},
        "project.status_stated",
        **PROJECTS,
    ),
    "open-blocker": Write(
        f"/projects/{PROJECT}/blockers",
        lambda world, actor: {
            "key": "funding",
            "kind": "funding",
            "description": "No budget line yet.",
            "opened_on": "2024-01-30",
        },
        "project.blocker_opened",
        **PROJECTS,
    ),
    "resolve-blocker": Write(
        f"/projects/{PROJECT}/blockers/sanctions/resolve",
        lambda world, actor: {"resolved_on": "2024-01-31", "resolution": "A waiver was granted."},
        "project.blocker_resolved",
        **PROJECTS,
    ),
    "add-dependency": Write(
        "/projects/visit/dependencies",
        lambda world, actor: {"depends_on": PROJECT},
        "project.dependency_added",
        **PROJECTS,
    ),
    "remove-dependency": Write(
        f"/projects/groundbreaking/dependencies/{PROJECT}",
        no_body,
        "project.dependency_removed",
        method="delete",
        **PROJECTS,
    ),
    "add-condition": Write(
        "/projects/groundbreaking/conditions",
        lambda world, actor: {"position": f"{PARTY}/sanctions-review"},
        "project.condition_added",
        **PROJECTS,
    ),
    "third-party": Write(
        "/third-parties",
        lambda world, actor: {"key": "un", "name": "United Nations"},
        "third_party.recorded",
        **PROJECTS,
    ),
    "actor": Write(
        f"/third-parties/{PARTY}/actors",
        lambda world, actor: {"key": "secretary", "name": "Mike Pompeo", "title": "Secretary"},
        "third_party.actor_added",
        **PROJECTS,
    ),
    "position": Write(
        f"/third-parties/{PARTY}/positions",
        lambda world, actor: {
            "key": "waiver",
            "stated_on": "2024-01-30",
            "summary": "A waiver for the survey.",
            "source": "Press briefing",
        },
        "third_party.position_recorded",
        **PROJECTS,
    ),
    "external-event": Write(
        f"/third-parties/{PARTY}/events",
        lambda world, actor: {
            "key": "summit",
            "title": "Second summit",
            "on": "2024-02-27",
            "status": "expected",
            "source": "White House",
            "actor": "envoy",
        },
        "third_party.event_recorded",
        **PROJECTS,
    ),
}

READS |= {
    read.path: read
    for read in [
        Read("/projects", **PROJECTS),
        # Each side sees its own drafts; an observer, on no side, an empty list.
        Read("/projects/drafts", **PROJECTS),
        Read(f"/projects/{PROJECT}", **PROJECTS),
        Read("/third-parties", **PROJECTS),
        Read(f"/third-parties/{PARTY}", **PROJECTS),
    ]
}


# The channel, on 1 February 2024 (12:00 Seoul): the South's notice with a PDF agenda
# (``south-1``), the North's reply to it (``north-1``), the North's proposal
# (``north-2``) and the South's protest (``south-2``), sent in that order from 10:00 to
# 11:00 Seoul and each delivered to the other side at 11:00; and a private note of each
# side on the notice. Keys are ``<side>-<seq>``: in a world with nothing else in the
# sides' logs, those named here.
CHANNEL_AT = dt.datetime(2024, 2, 1, 3, 0, tzinfo=dt.UTC)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PDF_SHA256 = hashlib.sha256(PDF).hexdigest()
NOTICE, REPLY, PROPOSAL, PROTEST = "south-1", "north-1", "north-2", "south-2"
SECRETS = {side: f"The {side}'s private view: concede the date." for side in ("south", "north")}


def corresponded(world: World) -> None:
    at = CHANNEL_AT - dt.timedelta(hours=1)
    notice = messages.send_message(
        member=world.south_head,
        command=SendMessage(
            kind="notice",
            subject="Weekly meetings",
            body="We propose to resume the weekly meetings on Friday.",
            attachments=[Upload("agenda.pdf", PDF)],
        ),
        now=at - dt.timedelta(hours=1),
    )
    messages.send_message(
        member=world.north_deputy,
        command=SendMessage(
            kind="reply",
            subject="Re: Weekly meetings",
            body="Our delegation will attend.",
            in_reply_to=notice.key,
        ),
        now=at - dt.timedelta(minutes=30),
    )
    messages.send_message(
        member=world.north_head,
        command=SendMessage(
            kind="proposal",
            subject="Rail-link survey",
            body="We propose a joint survey of the rail link in March.",
        ),
        now=at,
    )
    messages.send_message(
        member=world.south_deputy,
        command=SendMessage(
            kind="protest", subject="Missed session", body="Your side did not attend on 25 January."
        ),
        now=at,
    )
    for side, other in (("south", "north"), ("north", "south")):
        member = world.members[f"{side}_staff"]
        sent = list(Message.objects.filter(office=world.office, side__key=other))
        receipts.mark_shown(member, sent, opened=False, now=at)
        notes.add_note(
            member=member,
            command=AddNote(target_kind="message", target_key=notice.key, body=SECRETS[side]),
            now=at,
        )


def noted(world: World) -> None:
    """``corresponded``, with a note of each side's member's own on the notice."""
    corresponded(world)
    for name in SIDE_MEMBERS:
        notes.add_note(
            member=world.members[name],
            command=AddNote(target_kind="message", target_key=NOTICE, body=f"{name}'s own note"),
            now=CHANNEL_AT,
        )


def own_note(world: World, actor: str) -> dict[str, str]:
    """The actor's own note (anyone off a side is given the South head's)."""
    author = world.members[actor if actor in SIDE_MEMBERS else "south_head"].username
    return {"note": PrivateNote.objects.get(author=author, body__endswith="own note").key}


def other_sides_message(world: World, actor: str) -> dict[str, str]:
    return {"message": NOTICE if actor.startswith("north") else PROPOSAL}


CHANNEL = {"setup": corresponded, "at": CHANNEL_AT}

WRITES |= {
    "message": Write(
        "/messages",
        lambda world, actor: {
            "kind": "notice",
            "subject": "Next session",
            "body": "The next session is on Friday.",
            "in_reply_to": PROPOSAL,
        },
        "message.sent",
        **CHANNEL,
    ),
    # The other side's message, already delivered: the acknowledgement is one event.
    "acknowledge": Write(
        "/messages/{message}/acknowledge",
        lambda world, actor: {"note": "Received; we will answer."},
        "message.acknowledged",
        names=other_sides_message,
        **CHANNEL,
    ),
    # Private notes and notification settings enter no log.
    "note": Write(
        "/notes",
        lambda world, actor: {"target_kind": "message", "target_key": PROPOSAL, "body": "Stall."},
        None,
        writers=SIDE_MEMBERS,
        **CHANNEL,
    ),
    "delete-note": Write(
        "/notes/{note}",
        no_body,
        None,
        writers=SIDE_MEMBERS,
        method="delete",
        setup=noted,
        at=CHANNEL_AT,
        names=own_note,
    ),
    "notifications": Write(
        "/notifications",
        lambda world, actor: {"delivery": "daily"},
        None,
        writers=ROLES,
        method="put",
        **CHANNEL,
    ),
}

READS |= {
    read.path: read
    for read in [
        # The inbox and sent lists, the thread and the file; an observer reads them all.
        Read("/messages", **CHANNEL),
        Read("/messages/sent", **CHANNEL),
        Read("/messages/awaiting", **CHANNEL),
        Read(f"/messages/{NOTICE}", **CHANNEL),
        Read(f"/messages/{NOTICE}/attachments/{PDF_SHA256}", **CHANNEL),
        # Each side reads its own notes; an observer, on no side, an empty list.
        Read(f"/notes?target_kind=message&target_key={NOTICE}", **CHANNEL),
        Read("/notifications", **CHANNEL),
    ]
}
