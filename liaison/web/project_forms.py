"""Forms for the project and third-party pages. Each field is made from the command of
the action it feeds (``command_fields.field_for``), so what a field accepts (a key, a
length, a day) is the command's to say, and the command's and the action's refusals come
back on the fields they name. The rules (who may, the status machine, cycles, dates)
live in the actions.

Choices (sides, open blockers, other projects, positions) are given by the view, so a
form offers only what the action can accept.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms

from liaison.lib.commands import Command
from liaison.projects.commands import (
    AddActor,
    OpenBlocker,
    RecordExternalEvent,
    RecordPosition,
    RecordThirdParty,
    RemoveDependency,
    Replan,
    ResolveBlocker,
    SaveDraft,
    StateStatus,
)
from liaison.projects.models import BlockerKind, EventStatus, Kind, Status
from liaison.web.command_fields import field_for
from liaison.web.forms import ActionForm
from liaison.web.record_forms import SavedTextForm, _base, _ButtonForm

Choices = list[tuple[str, str]]


def given(data: dict[str, Any]) -> dict[str, Any]:
    """A form's values for its command, without the ones left empty that the form could
    only give as None (a day): the command then says which it needs."""
    return {name: value for name, value in data.items() if value is not None}


def _key(command: type[Command], example: str) -> forms.Field:
    return field_for(
        command,
        "key",
        label="Key",
        help_text=f"Lowercase letters, digits and hyphens, e.g. {example}.",
    )


def _text(command: type[Command], name: str, label: str, rows: int = 3) -> forms.Field:
    return field_for(
        command, name, label=label, widget=forms.Textarea(attrs={"rows": rows, "cols": 50})
    )


def _reason(command: type[Command], help_text: str) -> forms.Field:
    return field_for(
        command,
        "reason",
        label="Reason",
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
    )


def _set_choices(form: forms.Form, name: str, choices: Choices) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = choices


# Drafts (private to a side) -----------------------------------------------------------


class ProjectDraftForm(SavedTextForm):
    """A side's private draft of a project. Several are on the board at once, so each
    gets its own ids (``auto_id``) from its key."""

    form_id = "project-draft"

    base_revision = _base()
    key = _key(SaveDraft, "rail-study")
    kind = field_for(SaveDraft, "kind", label="Kind", choices=Kind.choices)
    title = field_for(SaveDraft, "title", label="Title")
    description = _text(SaveDraft, "description", "Description")
    leads = forms.MultipleChoiceField(
        label="Led by", widget=forms.CheckboxSelectMultiple, required=False
    )
    start = field_for(SaveDraft, "start", label="Planned first day")
    end = field_for(SaveDraft, "end", label="Planned last day")

    def __init__(self, *args: Any, sides: Choices, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "leads", sides)
        if editing:  # a saved draft keeps its key: it names the draft saved
            self.fields["key"].widget = forms.HiddenInput()


class DraftRevisionForm(_ButtonForm):
    """Propose or discard exactly the draft revision the person saw."""

    draft_revision = _base()


class ProposeDraftForm(DraftRevisionForm):
    form_id = "project-propose"


class DiscardDraftForm(DraftRevisionForm):
    form_id = "project-discard"


# A project's forms ----------------------------------------------------------------------


class StatusForm(ActionForm):
    form_id = "project-status"

    status = field_for(StateStatus, "status", label="Status", choices=Status.choices)
    reason = _reason(
        StateStatus, "Needed for a change outside the usual order; kept in the history."
    )
    blockers = forms.MultipleChoiceField(
        label="Because of these open blockers",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, blockers: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "blockers", blockers)


class PlanForm(ActionForm):
    form_id = "project-plan"

    start = field_for(Replan, "start", label="First day")
    end = field_for(Replan, "end", label="Last day")
    reason = _reason(Replan, "Needed once the project has a plan: why it moves.")


class BlockerForm(ActionForm):
    form_id = "project-blocker"

    key = _key(OpenBlocker, "sanctions")
    kind = field_for(OpenBlocker, "kind", label="Kind", choices=BlockerKind.choices)
    description = _text(OpenBlocker, "description", "What blocks it")
    opened_on = field_for(OpenBlocker, "opened_on", label="Since")
    position = forms.ChoiceField(label="A third party's position", required=False)

    def __init__(self, *args: Any, positions: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "position", [("", "None"), *positions])


class ResolveForm(ActionForm):
    form_id = "project-resolve"

    key = forms.ChoiceField(label="Blocker")
    resolved_on = field_for(ResolveBlocker, "resolved_on", label="Resolved on")
    resolution = _text(ResolveBlocker, "resolution", "How", rows=2)

    def __init__(self, *args: Any, blockers: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "key", blockers)


class DependencyForm(ActionForm):
    form_id = "project-dependency"

    depends_on = forms.ChoiceField(label="Cannot go ahead before")

    def __init__(self, *args: Any, projects: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "depends_on", projects)


class RemoveDependencyForm(_ButtonForm):
    form_id = "project-undepend"

    depends_on = field_for(
        RemoveDependency, "depends_on", label="Depends on", widget=forms.HiddenInput()
    )


class ConditionForm(ActionForm):
    form_id = "project-condition"

    position = forms.ChoiceField(label="A third party's position")

    def __init__(self, *args: Any, positions: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "position", positions)


# Third parties --------------------------------------------------------------------------


class ThirdPartyForm(ActionForm):
    form_id = "third-party"

    key = _key(RecordThirdParty, "us")
    name = field_for(RecordThirdParty, "name", label="Name")
    description = _text(RecordThirdParty, "description", "Description")


def _actor_field() -> forms.ChoiceField:
    return forms.ChoiceField(label="Actor", required=False)


class _PartyForm(ActionForm):
    """A form about one third party: its actors are the choices for ``actor``."""

    def __init__(self, *args: Any, actors: Choices | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "actor" in self.fields:
            _set_choices(self, "actor", [("", "Not one person"), *(actors or [])])


class ActorForm(_PartyForm):
    form_id = "actor"

    key = _key(AddActor, "envoy")
    name = field_for(AddActor, "name", label="Name")
    title = field_for(AddActor, "title", label="Title")


class PositionForm(_PartyForm):
    form_id = "position"

    key = _key(RecordPosition, "sanctions-first")
    stated_on = field_for(RecordPosition, "stated_on", label="Stated on")
    summary = _text(RecordPosition, "summary", "What they want")
    source = field_for(
        RecordPosition, "source", label="Source", help_text="Who reported it, e.g. a news agency."
    )
    actor = _actor_field()


class ExternalEventForm(_PartyForm):
    form_id = "external-event"

    key = _key(RecordExternalEvent, "summit")
    title = field_for(RecordExternalEvent, "title", label="What")
    on = field_for(RecordExternalEvent, "on", label="On")
    status = field_for(RecordExternalEvent, "status", label="Status", choices=EventStatus.choices)
    source = field_for(RecordExternalEvent, "source", label="Source")
    actor = _actor_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "key"
        ].help_text += " The key of an event recorded before records a newer account of it."
