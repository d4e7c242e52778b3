"""Forms for the record pages: meeting records, readouts and minutes (frameworks and
commitments: ``commitment_forms.py``). They parse what a person typed into the values of
the actions' commands (``records/commands.py``), taking their fields' limits from them
(``field_for``); the rules (who may, what is allowed, conflicts) live in the commands and
the actions: ``records/meeting_records.py``, ``readouts.py`` and ``minutes.py``.

Every shared text is saved from a revision: the forms carry it in a hidden field, and a
``Conflict`` is shown as a form error with the diff, keeping what the person typed.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, cast

from django import forms
from django.http import QueryDict

from liaison.lib.errors import Conflict, Refused
from liaison.lib.fields import limit_of
from liaison.offices.models import Member
from liaison.records.commands import (
    OutcomeIn,
    SaveMinutes,
    SaveReadoutDraft,
    SaveRecord,
)
from liaison.records.models import OutcomeKind
from liaison.web.command_fields import field_for
from liaison.web.confirm_forms import ConfirmForm
from liaison.web.forms import ActionForm, _date, _minutes, _time

# A name and an affiliation on one line, split at a dash with spaces around it
# ("Kim Yong-chol — Reunification Front"); hyphenated names keep their hyphens.
_DASH = re.compile(r"\s+[\u2014\u2013-]\s+|^[\u2014\u2013-]\s+")


class SavedTextForm(ActionForm):
    """A form that saves a shared text from a revision (hidden ``base_field``).

    A ``Conflict`` becomes a form error; ``conflict`` keeps it for the page to show its
    diff, and the hidden base moves to the revision now saved, so that saving again
    (after reading the diff) replaces it with what the person typed."""

    base_field: ClassVar[str] = "base_revision"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conflict: Conflict | None = None

    def add_refusal(self, exc: Refused) -> None:
        if not isinstance(exc, Conflict):
            super().add_refusal(exc)
            return
        self.conflict = exc
        self.add_error(None, exc.message)
        # A copy that keeps every value of multi-valued fields (the participants).
        data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
        data[self.add_prefix(self.base_field)] = str(exc.current)
        self.data = data


def _base(name: str = "revision") -> forms.IntegerField:
    return forms.IntegerField(min_value=0, initial=0, widget=forms.HiddenInput, label=name)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# Meeting records ----------------------------------------------------------------------


class OutcomeForm(forms.Form):
    """One outcome row. A row without text is blank: a new row left empty, or an
    outcome the writer removed by clearing it. The command checks the row's limits."""

    key = forms.CharField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label="Kind", choices=OutcomeKind.choices)
    text = forms.CharField(
        label="Text",
        required=False,
        strip=True,
        widget=forms.Textarea(
            attrs={"rows": 2, "cols": 50, "maxlength": limit_of(OutcomeIn.model_fields["text"])}
        ),
    )


OutcomeFormSet = forms.formset_factory(OutcomeForm, extra=2, max_num=100, absolute_max=100)


class RecordForm(SavedTextForm):
    form_id = "record"
    refusal_fields = {
        "started_at": "started_date",
        "participants": "others",
    }

    base_revision = _base()
    place = field_for(SaveRecord, "place", label="Place")
    started_date = _date("Actual start: date", zoned=True)
    started_time = _time("Actual start: time")
    duration_minutes = _minutes("Duration in minutes", minimum=1, initial=60)
    members = forms.MultipleChoiceField(
        label="Participants from the office",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    others = forms.CharField(
        label="Other participants",
        required=False,
        strip=True,
        help_text="One per line: Name — Affiliation.",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 50}),
    )
    topics = forms.CharField(
        label="Topics",
        required=False,
        strip=True,
        help_text="One per line.",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 50}),
    )

    def __init__(
        self,
        *args: Any,
        people: list[Member],
        zone_name: str,
        outcomes: list[dict[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["members"]).choices = [
            (m.username, _member_label(m)) for m in people
        ]
        for name in ("started_date", "started_time"):
            self.fields[name].label = f"{self.fields[name].label} ({zone_name})"
        self.outcomes = OutcomeFormSet(
            self.data if self.is_bound else None, prefix="outcome", initial=outcomes
        )
        # Each row's labels say which outcome they belong to (for screen readers too).
        for number, row in enumerate(self.outcomes.forms, start=1):
            row.fields["kind"].label = f"Outcome {number}: kind"
            row.fields["text"].label = f"Outcome {number}: text"

    def clean_others(self) -> list[dict[str, str]]:
        result = []
        for number, line in enumerate(_lines(self.cleaned_data["others"]), start=1):
            parts = _DASH.split(line, maxsplit=1)
            name = parts[0].strip()
            affiliation = parts[1].strip() if len(parts) > 1 else ""
            if not name:
                raise forms.ValidationError(
                    f"Line {number}: a participant from neither side needs a name before the dash."
                )
            result.append({"name": name, "affiliation": affiliation})
        return result

    def clean_topics(self) -> list[str]:
        return _lines(self.cleaned_data["topics"])

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if not self.outcomes.is_valid():
            self.add_error(None, "Check the outcomes below.")
            return data
        data["outcomes"] = [
            {"kind": row["kind"], "text": row["text"], "key": row.get("key", "")}
            for row in self.outcomes.cleaned_data
            if row.get("text")
        ]
        return data

    def participants(self) -> list[dict[str, str]]:
        """The participants as the command takes them: members, then everyone else."""
        members = [{"member": u} for u in self.cleaned_data["members"]]
        return members + self.cleaned_data["others"]


def _member_label(member: Member) -> str:
    side = member.side.name if member.side else "on neither side"
    return f"{member.full_name} ({member.get_role_display()}, {side})"


def others_text(participants: list[Any]) -> str:
    """The record's participants from outside the office, as the form's lines."""
    return "\n".join(
        f"{p.name} — {p.affiliation}" if p.affiliation else p.name
        for p in participants
        if p.member_id is None
    )


# Readouts -----------------------------------------------------------------------------


class ReadoutDraftForm(SavedTextForm):
    form_id = "draft"

    base_revision = _base()
    title = field_for(SaveReadoutDraft, "title", label="Title")
    source = field_for(
        SaveReadoutDraft,
        "source",
        label="Issued by",
        help_text="Who publishes it, e.g. the Ministry of Unification.",
    )
    body = field_for(
        SaveReadoutDraft,
        "body",
        label="Text",
        help_text="Paragraphs or numbered points; the comparison pairs them sentence by "
        "sentence with the other side's readout.",
        widget=forms.Textarea(attrs={"rows": 12, "cols": 70}),
    )


class _ButtonForm(ActionForm):
    """A button with hidden fields: a refusal is said above the button."""

    def add_refusal(self, exc: Refused) -> None:
        self.add_error(None, exc.message)


class PublishForm(_ButtonForm):
    """Publishing names the draft revision the person read, so nobody publishes a
    revision they have not seen."""

    form_id = "publish"

    draft_revision = _base()


# Minutes ------------------------------------------------------------------------------


class MinutesForm(SavedTextForm):
    form_id = "minutes"
    base_field = "base_version"

    base_version = _base("version")
    text = field_for(
        SaveMinutes,
        "text",
        label="Text of the minutes",
        widget=forms.Textarea(attrs={"rows": 14, "cols": 70}),
    )

    def __init__(self, *args: Any, correcting: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # After agreement a change is a correction, which says why (the form asks for it
        # before anything is saved; the action refuses a correction without one too).
        if correcting:
            reason = field_for(
                SaveMinutes,
                "correction_reason",
                label="Reason for the correction",
                help_text="Both heads sign the corrected version again; the agreed version "
                "stays binding until they do.",
                widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
            )
            reason.required = True
            reason.widget.attrs["required"] = True
            self.fields["correction_reason"] = reason


class VersionForm(_ButtonForm):
    """Propose exactly the version the person saw."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ProposeForm(VersionForm):
    form_id = "propose"


_STALE_FORM = "The form does not say which text you read: open the signing page again."


class SignForm(ConfirmForm):
    """Sign exactly the version and text the head read: its number and content hash go
    hidden, and the action refuses any but the proposed version's. The confirmation is
    the password when re-authentication is due, else a tick box."""

    form_id = "sign"

    version = forms.IntegerField(
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={"required": _STALE_FORM, "invalid": _STALE_FORM},
    )
    content_hash = forms.RegexField(
        regex=r"^[0-9a-f]{64}$",
        widget=forms.HiddenInput,
        error_messages={"required": _STALE_FORM, "invalid": _STALE_FORM},
    )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        # Hidden fields have no place on the page: one message above the form instead.
        dropped = [self.errors.pop(name, None) for name in ("version", "content_hash")]
        if any(dropped):
            self.add_error(None, _STALE_FORM)
        return data

    def add_refusal(self, exc: Refused) -> None:
        said = exc.message.rstrip(".")
        if "nothing was signed" not in said:
            said += "; nothing was signed"
        self.add_error(None, f"{said[:1].upper()}{said[1:]}.")


# Frameworks ---------------------------------------------------------------------------
