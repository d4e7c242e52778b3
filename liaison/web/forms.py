"""Forms for the session page's actions. They parse input; the rules live in the actions.

Every form on the session page gets its own ``auto_id`` so that two forms with a
``reason`` field still have distinct element ids (and labels that point at the right one).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, cast

from django import forms

from liaison.lib.errors import Refused
from liaison.offices.models import Member

REASON_MAX = 2000  # the events' schema limit


class ActionForm(forms.Form):
    """A form that shows an action's refusal next to the field it names."""

    form_id: ClassVar[str] = "action"
    # A refusal's ``field`` (the action's argument) -> the form field that carries it.
    refusal_fields: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.form_id}-%s")
        super().__init__(*args, **kwargs)

    def add_refusal(self, exc: Refused) -> None:
        field = self.refusal_fields.get(exc.field or "", exc.field)
        self.add_error(field if field in self.fields else None, exc.message)


def _reason(label: str, *, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=REASON_MAX,
        strip=True,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
    )


class CheckInForm(ActionForm):
    form_id = "check-in"

    attendee = forms.ChoiceField(label="Attendee")

    def __init__(self, *args: Any, attendees: list[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attendees = {m.username: m for m in attendees}
        field = cast(forms.ChoiceField, self.fields["attendee"])
        field.choices = [(m.username, f"{m.full_name} ({m.get_role_display()})") for m in attendees]

    def clean_attendee(self) -> Member:
        return self.attendees[self.cleaned_data["attendee"]]


class AbsenceForm(ActionForm):
    form_id = "absence"

    reason = _reason("Reason for the absence")


class MoveForm(ActionForm):
    form_id = "move"
    refusal_fields = {"start": "date"}

    date = forms.DateField(label="New date", widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label="New time", widget=forms.TimeInput(attrs={"type": "time"}))
    reason = _reason("Reason", required=False)

    def __init__(self, *args: Any, zone_name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if zone_name:
            self.fields["date"].help_text = f"Date and time in the office's zone, {zone_name}."

    @property
    def local(self) -> tuple[dt.date, dt.time]:
        return self.cleaned_data["date"], self.cleaned_data["time"]


class PostponeForm(ActionForm):
    form_id = "postpone"

    reason = _reason("Reason for postponing")


class CancelForm(ActionForm):
    form_id = "cancel"

    reason = _reason("Reason for cancelling")
