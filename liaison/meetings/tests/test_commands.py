"""The schedule's commands: what each takes, the words a person reads for what it
refuses, and the limits the columns, the pages and the API share with it."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.lib.commands import Invalid
from liaison.lib.fields import limit_of
from liaison.meetings.commands import (
    CheckInTo,
    DeclineProposal,
    NoticeOfAbsence,
    ProposeCadence,
    ProposeMove,
    ProposeSession,
    WithdrawProposal,
)
from liaison.meetings.models import Cadence, Proposal, Session
from liaison.web import forms

START = dt.datetime(2024, 1, 5, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
CADENCE = {
    "key": "weekly",
    "title": "Weekly meeting",
    "rule": "FREQ=WEEKLY;BYDAY=FR",
    "starts_on": dt.date(2024, 1, 5),
    "start_time": dt.time(10, 0),
    "duration_minutes": 60,
    "grace_minutes": 15,
    "required_level": "head",
}


def problems(kind, **values) -> dict[str, list[str]]:
    with pytest.raises(Invalid) as info:
        kind(**values)
    return info.value.errors


def test_an_instant_is_held_in_utc():
    command = ProposeSession(
        title="Consultation", start=START, duration_minutes=60, grace_minutes=15,
        required_level="head",
    )  # fmt: skip
    assert command.start == dt.datetime(2024, 1, 5, 1, 0, tzinfo=dt.UTC)
    assert command.start.utcoffset() == dt.timedelta(0)


def test_a_naive_instant_is_refused_not_guessed_at():
    errors = problems(ProposeMove, key="weekly-20240105T1000", start=dt.datetime(2024, 1, 5, 10))
    assert errors == {
        "start": ["the new start has no UTC offset; write e.g. 2018-11-02T19:00+09:00"]
    }


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"duration_minutes": 0}, "duration_minutes", "a session lasts at least a minute"),
        (
            {"duration_minutes": 24 * 60 + 1},
            "duration_minutes",
            "the duration must be at most 1440",
        ),
        (
            {"grace_minutes": -1},
            "grace_minutes",
            "the grace period must be between 0 and the session's length",
        ),
        ({"required_level": "minister"}, "required_level", "required level must be one of"),
        (
            {"key": "Weekly Meeting"},
            "key",
            "Use lowercase letters, digits and hyphens, e.g. weekly.",
        ),
        ({"title": "  "}, "title", "the title is empty"),
        ({"rule": ""}, "rule", "the recurrence rule is empty"),
    ],
)
def test_a_cadence_names_each_field_at_fault(change, field, message):
    errors = problems(ProposeCadence, **(CADENCE | change))
    assert list(errors) == [field]
    assert errors[field][0].startswith(message)


def test_every_field_at_fault_is_named_at_once():
    errors = problems(ProposeCadence, **(CADENCE | {"title": "", "grace_minutes": -1}))
    assert set(errors) == {"title", "grace_minutes"}


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        (DeclineProposal, "say why you decline"),
        (NoticeOfAbsence, "give a reason for the absence"),
    ],
)
def test_a_reason_that_must_be_given_says_so(kind, message):
    assert problems(kind, key="south-1", reason="   ") == {"reason": [message]}


def test_a_reason_that_may_be_left_out_is_empty():
    assert WithdrawProposal(key="south-1").reason == ""


def test_a_check_in_names_its_attendee_by_username():
    assert CheckInTo(key="weekly-20240105T1000").attendee is None
    assert problems(CheckInTo, key="weekly-20240105T1000", attendee="") == {
        "attendee": ["the attendee is empty"]
    }


@pytest.mark.parametrize(
    ("column", "command", "field"),
    [
        (Cadence._meta.get_field("title"), ProposeCadence, "title"),
        (Cadence._meta.get_field("rule"), ProposeCadence, "rule"),
        (Cadence._meta.get_field("key"), ProposeCadence, "key"),
        (Session._meta.get_field("title"), ProposeSession, "title"),
        (Proposal._meta.get_field("title"), ProposeCadence, "title"),
    ],
    ids=["cadence-title", "cadence-rule", "cadence-key", "session-title", "proposal-title"],
)
def test_a_column_holds_what_its_command_takes(column, command, field):
    assert column.max_length == limit_of(command.model_fields[field])


@pytest.mark.parametrize(
    ("form", "field", "command"),
    [
        (forms.CadenceForm, "title", ProposeCadence),
        (forms.CadenceForm, "rule", ProposeCadence),
        (forms.CadenceForm, "reason", ProposeCadence),
        (forms.AdHocSessionForm, "title", ProposeSession),
        (forms.DeclineForm, "reason", DeclineProposal),
        (forms.AbsenceForm, "reason", NoticeOfAbsence),
    ],
)
def test_a_form_shows_the_commands_limit(form, field, command):
    widget = form().fields[field].widget
    assert widget.attrs["maxlength"] == limit_of(command.model_fields[field])
