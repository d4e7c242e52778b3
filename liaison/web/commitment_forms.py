"""Forms for the frameworks and commitments pages: a framework's clauses typed one per
line, a commitment and its sources, a commitment's status. The rules live in the
commands and the actions (``records/frameworks.py``, ``records/commitments.py``)."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms

from liaison.offices.models import Side
from liaison.records.commands import (
    ChangeCommitmentStatus,
    MakeCommitment,
    RecordFramework,
)
from liaison.records.models import Clause, CommitmentStatus, Outcome
from liaison.web.command_fields import field_for
from liaison.web.forms import ActionForm, _date
from liaison.web.record_forms import SavedTextForm, _base, _lines

# A clause line: its number, an optional "." or ")", then the text ("1. Ease tension").
# A number without a digit needs the "." or ")" ("a) …"), so a line that starts with a
# word ("Preamble …") is not read as clause "Preamble".
_CLAUSE = re.compile(r"^\s*([0-9A-Za-z][0-9A-Za-z.()-]*?)([.)]?)\s+(\S.*)$")


class FrameworkForm(SavedTextForm):
    """A framework, the whole document at once; clauses one per line, "1. text"."""

    form_id = "framework"

    base_revision = _base()
    key = field_for(
        RecordFramework,
        "key",
        label="Key",
        help_text="Lowercase letters, digits and hyphens, e.g. pyongyang-declaration. "
        "Commitments cite its clauses as <key>/<number>.",
    )
    title = field_for(RecordFramework, "title", label="Title")
    adopted_on = _date("Adopted on")
    summary = field_for(
        RecordFramework,
        "summary",
        label="Summary",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 70}),
    )
    clauses = forms.CharField(
        label="Clauses",
        help_text="One per line, each starting with its number: 1. Ease military tension.",
        widget=forms.Textarea(attrs={"rows": 10, "cols": 70}),
    )

    def __init__(self, *args: Any, revising: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if revising:  # a revision keeps its key: it names the framework revised
            self.fields["key"].widget = forms.HiddenInput()

    def clean_clauses(self) -> list[dict[str, str]]:
        result = []
        for number, line in enumerate(_lines(self.cleaned_data["clauses"]), start=1):
            match = _CLAUSE.match(line)
            if match is None or not (match[2] or any(ch.isdigit() for ch in match[1])):
                raise forms.ValidationError(
                    f"Line {number}: start the clause with its number, e.g. “1. …”."
                )
            result.append({"number": match[1], "text": match[3]})
        return result


def clauses_text(clauses: list[Clause]) -> str:
    return "\n".join(f"{c.number}. {c.text}" for c in clauses)


# Commitments --------------------------------------------------------------------------


def _excerpt(text: str, length: int = 70) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def source_choices(outcomes: list[Outcome], clauses: list[Clause]) -> list[Any]:
    """The outcomes and clauses a commitment can come from, grouped, as select choices."""
    return [
        ("", "None"),
        (
            "Outcomes of meetings",
            [(f"outcome:{o.reference}", f"{o.reference}: {_excerpt(o.text)}") for o in outcomes],
        ),
        (
            "Clauses of frameworks",
            [(f"clause:{c.reference}", f"{c.reference}: {_excerpt(c.text)}") for c in clauses],
        ),
    ]


class CommitmentForm(ActionForm):
    form_id = "commitment"

    key = field_for(
        MakeCommitment,
        "key",
        label="Key",
        help_text="Lowercase letters, digits and hyphens, e.g. rail-study.",
    )
    text = field_for(
        MakeCommitment,
        "text",
        label="What was promised",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 50}),
    )
    owners = forms.MultipleChoiceField(
        label="Promised by", widget=forms.CheckboxSelectMultiple, required=False
    )
    source = forms.ChoiceField(label="From", required=False)
    due_on = _date("Due on", required=False)

    def __init__(self, *args: Any, sides: list[Side], sources: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["owners"]).choices = [
            (s.key, s.name) for s in sides
        ]
        cast(forms.ChoiceField, self.fields["source"]).choices = sources

    def source_args(self) -> dict[str, str]:
        kind, _, reference = self.cleaned_data["source"].partition(":")
        return {
            "source_outcome": reference if kind == "outcome" else "",
            "source_clause": reference if kind == "clause" else "",
        }


class CommitmentStatusForm(ActionForm):
    form_id = "commitment-status"

    key = forms.ChoiceField(label="Commitment")
    status = forms.ChoiceField(label="New status", choices=CommitmentStatus.choices)
    reason = field_for(
        ChangeCommitmentStatus,
        "reason",
        label="Reason",
        help_text="Needed to dispute it, and to change a commitment that is done, lapsed "
        "or disputed.",
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
    )

    def __init__(self, *args: Any, keys: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["key"]).choices = keys
