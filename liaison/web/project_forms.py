"""Forms for the project and third-party pages. They parse what a person typed into the
arguments of ``projects/actions.py``; the rules (who may, the status machine, cycles,
dates) live there, and a refusal comes back on the field it names.

Choices (sides, open blockers, other projects, positions) are given by the view, so a
form offers only what the action can accept.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django import forms

from liaison.lib.fields import KEY_PATTERN
from liaison.projects.models import BlockerKind, EventStatus, Kind, Status
from liaison.web.forms import ActionForm, _date, _reason
from liaison.web.record_forms import SavedTextForm, _base, _ButtonForm

Choices = list[tuple[str, str]]
# The add-party form posts to third-parties/new/, so no party can take that key here.
RESERVED_THIRD_PARTY_KEYS = frozenset({"new"})


def _key(help_text: str) -> forms.RegexField:
    return forms.RegexField(
        label="Key",
        regex=KEY_PATTERN,
        max_length=64,
        help_text=f"Lowercase letters, digits and hyphens, e.g. {help_text}.",
        error_messages={"invalid": "Use lowercase letters, digits and hyphens."},
    )


def _text(label: str, limit: int, *, required: bool = True, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        strip=True,
        widget=forms.Textarea(attrs={"rows": rows, "cols": 50}),
    )


def _set_choices(form: forms.Form, name: str, choices: Choices) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = choices


# Drafts (private to a side) -----------------------------------------------------------


class ProjectDraftForm(SavedTextForm):
    """A side's private draft of a project. Several are on the board at once, so each
    gets its own ids (``auto_id``) from its key."""

    form_id = "project-draft"

    base_revision = _base()
    key = _key("rail-study")
    kind = forms.ChoiceField(label="Kind", choices=Kind.choices)
    title = forms.CharField(label="Title", max_length=200, strip=True)
    description = _text("Description", 10_000, required=False)
    leads = forms.MultipleChoiceField(
        label="Led by", widget=forms.CheckboxSelectMultiple, required=False
    )
    start = _date("Planned first day", required=False)
    end = _date("Planned last day", required=False)

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

    status = forms.ChoiceField(label="Status", choices=Status.choices)
    reason = _reason(
        "Reason",
        required=False,
        help_text="Needed for a change outside the usual order; kept in the history.",
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

    start = _date("First day")
    end = _date("Last day")
    reason = _reason(
        "Reason", required=False, help_text="Needed once the project has a plan: why it moves."
    )


class BlockerForm(ActionForm):
    form_id = "project-blocker"
    refusal_fields: ClassVar[dict[str, str]] = {"project": "key"}

    key = _key("sanctions")
    kind = forms.ChoiceField(label="Kind", choices=BlockerKind.choices)
    description = _text("What blocks it", 4000)
    opened_on = _date("Since")
    position = forms.ChoiceField(label="A third party's position", required=False)

    def __init__(self, *args: Any, positions: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "position", [("", "None"), *positions])


class ResolveForm(ActionForm):
    form_id = "project-resolve"

    key = forms.ChoiceField(label="Blocker")
    resolved_on = _date("Resolved on")
    resolution = _text("How", 4000, required=False, rows=2)

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

    depends_on = forms.CharField(max_length=64, widget=forms.HiddenInput)


class ConditionForm(ActionForm):
    form_id = "project-condition"

    position = forms.ChoiceField(label="A third party's position")

    def __init__(self, *args: Any, positions: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "position", positions)


# Third parties --------------------------------------------------------------------------


class ThirdPartyForm(ActionForm):
    form_id = "third-party"

    key = _key("us")
    name = forms.CharField(label="Name", max_length=200, strip=True)
    description = _text("Description", 4000, required=False)

    def clean_key(self) -> str:
        key: str = self.cleaned_data["key"]
        if key in RESERVED_THIRD_PARTY_KEYS:
            raise forms.ValidationError(f"{key!r} is the address of this form; choose another.")
        return key


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

    key = _key("envoy")
    name = forms.CharField(label="Name", max_length=200, strip=True)
    title = forms.CharField(label="Title", max_length=200, strip=True, required=False)


class PositionForm(_PartyForm):
    form_id = "position"

    key = _key("sanctions-first")
    stated_on = _date("Stated on")
    summary = _text("What they want", 4000)
    source = forms.CharField(
        label="Source", max_length=300, strip=True, help_text="Who reported it, e.g. a news agency."
    )
    actor = _actor_field()


class ExternalEventForm(_PartyForm):
    form_id = "external-event"

    key = _key("summit")
    title = forms.CharField(label="What", max_length=300, strip=True)
    on = _date("On")
    status = forms.ChoiceField(label="Status", choices=EventStatus.choices)
    source = forms.CharField(label="Source", max_length=300, strip=True)
    actor = _actor_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "key"
        ].help_text += " The key of an event recorded before records a newer account of it."
