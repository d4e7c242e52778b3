"""The records' lookups (the object, or one ``NotFound`` logged once, the other side's
draft reading as a missing one) and their commands (the event bodies' limits, every
field's problem at once)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from liaison.lib.commands import Invalid
from liaison.lib.errors import NotFound, Refused
from liaison.lib.fields import limit_of
from liaison.meetings.lookups import session_detail_for
from liaison.records import events, frameworks, models, readouts
from liaison.records.commands import (
    ClauseIn,
    MakeCommitment,
    OutcomeIn,
    ParticipantIn,
    RecordFramework,
    SaveMinutes,
    SaveReadoutDraft,
    SaveRecord,
)
from liaison.records.lookups import commitment_for, framework_for, own_readout_draft_for
from liaison.testing import FIRST_SESSION, FIRST_START

LATER = FIRST_START + dt.timedelta(hours=2)


def _refusals(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "liaison.access"]


@pytest.mark.parametrize(
    ("lookup", "message"),
    [
        (lambda m: session_detail_for(m, "weekly-20990105T1000", LATER), "No such session"),
        (lambda m: framework_for(m, "nothing"), "No such framework"),
        (lambda m: commitment_for(m, "nothing"), "No such commitment"),
        (lambda m: own_readout_draft_for(m, FIRST_SESSION), "Your side has no draft readout"),
    ],
)
def test_a_missing_object_is_not_found_and_logged_once(held, caplog, lookup, message):
    with (
        caplog.at_level(logging.WARNING, logger="liaison.access"),
        pytest.raises(NotFound, match=message),
    ):
        lookup(held.south_head)
    assert len(_refusals(caplog)) == 1


def test_the_other_sides_draft_readout_reads_as_a_missing_one(held, caplog):
    draft = readouts.save_readout_draft(
        member=held.south_staff,
        command=SaveReadoutDraft(
            session=FIRST_SESSION, base_revision=0, title="T", source="M", body="Met."
        ),
        now=LATER,
    )
    assert own_readout_draft_for(held.south_head, FIRST_SESSION) == draft
    for reader in (held.north_head, held.observer):
        with pytest.raises(NotFound, match="Your side has no draft readout of this session"):
            own_readout_draft_for(reader, FIRST_SESSION)


def test_a_found_framework_comes_with_its_clauses(held):
    frameworks.record_framework(
        member=held.south_head,
        command=RecordFramework(
            key="declaration",
            base_revision=0,
            title="Declaration",
            adopted_on=dt.date(2018, 9, 19),
            clauses=[ClauseIn(number="1", text="Meet.")],
        ),
        now=LATER,
    )
    found = framework_for(held.north_staff, "declaration")
    assert [c.number for c in found.clauses.all()] == ["1"]


def test_a_command_names_every_field_at_fault_at_once():
    with pytest.raises(Invalid) as info:
        SaveReadoutDraft(
            session=FIRST_SESSION, base_revision=-1, title="x" * 201, source="M", body="a\x00b"
        )
    assert info.value.errors == {
        "base_revision": ["the base revision must be at least 0"],
        "title": ["the title is longer than 200 characters"],
        "body": [
            "the readout must be text without NUL, control or bidirectional override "
            "characters (it holds U+0000)"
        ],
    }


def test_a_commitment_key_is_a_key():
    with pytest.raises(Invalid, match="the key must be lowercase letters") as info:
        MakeCommitment(key="Rail Study", text="Study", owners=["south"])
    assert isinstance(info.value, Refused) and info.value.field == "key"


def test_a_commands_strings_are_stripped():
    command = SaveMinutes(session=FIRST_SESSION, base_version=0, text="  Minutes.\n ")
    assert command.text == "Minutes."


def _limit(model: type, name: str) -> int | None:
    return limit_of(model.model_fields[name])


@pytest.mark.parametrize(
    ("command", "field", "body", "body_field"),
    [
        (SaveRecord, "place", events.RecordSaved, "place"),
        (ParticipantIn, "name", events.ParticipantBody, "name"),
        (ParticipantIn, "affiliation", events.ParticipantBody, "affiliation"),
        (OutcomeIn, "text", events.OutcomeBody, "text"),
        (SaveReadoutDraft, "title", events.ReadoutPublished, "title"),
        (SaveReadoutDraft, "source", events.ReadoutPublished, "source"),
        (SaveReadoutDraft, "body", events.ReadoutPublished, "body"),
        (SaveMinutes, "text", events.MinutesSaved, "text"),
        (SaveMinutes, "correction_reason", events.MinutesSaved, "correction_reason"),
        (RecordFramework, "title", events.FrameworkRecorded, "title"),
        (RecordFramework, "summary", events.FrameworkRecorded, "summary"),
        (ClauseIn, "number", events.ClauseBody, "number"),
        (ClauseIn, "text", events.ClauseBody, "text"),
        (MakeCommitment, "text", events.CommitmentMade, "text"),
    ],
)
def test_a_commands_limits_are_its_events(command, field, body, body_field):
    """What a command accepts, the event it becomes accepts: no save is refused late."""
    assert _limit(command, field) == _limit(body, body_field) is not None


@pytest.mark.parametrize(
    ("command", "field", "model", "column"),
    [
        (SaveRecord, "session", models.MeetingRecord, "session_key"),
        (SaveRecord, "place", models.MeetingRecord, "place"),
        (ParticipantIn, "name", models.Participant, "name"),
        (ParticipantIn, "affiliation", models.Participant, "affiliation"),
        (OutcomeIn, "key", models.Outcome, "key"),
        (SaveReadoutDraft, "title", models.ReadoutDraft, "title"),
        (SaveReadoutDraft, "source", models.ReadoutDraft, "source"),
        (RecordFramework, "key", models.Framework, "key"),
        (RecordFramework, "title", models.Framework, "title"),
        (ClauseIn, "number", models.Clause, "number"),
        (MakeCommitment, "key", models.Commitment, "key"),
    ],
)
def test_a_commands_limits_fit_the_columns_it_fills(command, field, model, column):
    assert _limit(command, field) == model._meta.get_field(column).max_length
