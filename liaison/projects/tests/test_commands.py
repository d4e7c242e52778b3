"""The projects' commands: their limits are the event schemas' and the columns', and
the keys that name pages are refused on every path."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import models

from liaison.ledger.events import Body
from liaison.lib.commands import Command, Invalid
from liaison.lib.fields import limit_of
from liaison.projects import commands as c
from liaison.projects import events as e
from liaison.projects import models as m

# (command, field, event body, field, model or None, column)
SAME_LIMITS: list[tuple[type[Command], str, type[Body], str, Any, str]] = [
    (c.SaveDraft, "key", e.ProjectProposed, "key", m.ProjectDraft, "key"),
    (c.SaveDraft, "title", e.ProjectProposed, "title", m.ProjectDraft, "title"),
    (c.SaveDraft, "description", e.ProjectProposed, "description", None, ""),
    (c.Replan, "reason", e.ProjectReplanned, "reason", None, ""),
    (c.StateStatus, "reason", e.ProjectStatusStated, "reason", None, ""),
    (c.OpenBlocker, "key", e.BlockerOpened, "key", m.Blocker, "key"),
    (c.OpenBlocker, "description", e.BlockerOpened, "description", None, ""),
    (c.OpenBlocker, "position", e.BlockerOpened, "position", None, ""),
    (c.ResolveBlocker, "resolution", e.BlockerResolved, "resolution", None, ""),
    (c.AddCondition, "position", e.ConditionAdded, "position", None, ""),
    (c.RecordThirdParty, "key", e.ThirdPartyRecorded, "key", m.ThirdParty, "key"),
    (c.RecordThirdParty, "name", e.ThirdPartyRecorded, "name", m.ThirdParty, "name"),
    (c.RecordThirdParty, "description", e.ThirdPartyRecorded, "description", None, ""),
    (c.AddActor, "name", e.ActorAdded, "name", m.Actor, "name"),
    (c.AddActor, "title", e.ActorAdded, "title", m.Actor, "title"),
    (c.RecordPosition, "summary", e.PositionRecorded, "summary", None, ""),
    (c.RecordPosition, "source", e.PositionRecorded, "source", m.Position, "source"),
    (c.RecordExternalEvent, "title", e.ExternalEventRecorded, "title", m.ExternalEvent, "title"),
    (c.RecordExternalEvent, "source", e.ExternalEventRecorded, "source", m.ExternalEvent, "source"),
]


@pytest.mark.parametrize(
    ("command", "field", "body", "body_field", "model", "column"),
    SAME_LIMITS,
    ids=[f"{row[0].__name__}.{row[1]}" for row in SAME_LIMITS],
)
def test_a_command_takes_what_its_event_and_its_column_hold(
    command, field, body, body_field, model, column
):
    limit = limit_of(command.model_fields[field])
    assert limit is not None
    assert limit == limit_of(body.model_fields[body_field])
    if model is not None:
        stored = model._meta.get_field(column)
        assert isinstance(stored, models.CharField)
        assert stored.max_length == limit


@pytest.mark.parametrize("key", sorted(c.RESERVED_PROJECT_KEYS))
def test_a_project_cannot_take_the_key_of_a_page(key):
    with pytest.raises(Invalid, match="names a page of its own") as refused:
        c.SaveDraft(key=key, base_revision=0, kind="study", title="T", leads=["south"])
    assert list(refused.value.errors) == ["key"]


def test_a_third_party_cannot_take_the_key_of_the_form_that_adds_one():
    with pytest.raises(Invalid, match="“new” names a page of its own") as refused:
        c.RecordThirdParty(key="new", name="New")
    assert list(refused.value.errors) == ["key"]
    assert c.RecordThirdParty(key="news", name="News").key == "news"


def test_a_reference_names_something():
    with pytest.raises(Invalid, match="the project it waits for is empty"):
        c.RemoveDependency(project="rail", depends_on=" ")
