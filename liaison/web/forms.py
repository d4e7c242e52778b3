"""Forms for the actions on the session and schedule pages. They parse input; the rules
live in the commands (``meetings/commands``: a field's kind, whether it is required, its
limits, through ``command_fields.field_for``) and in the actions.

Every form on a page gets its own ``auto_id`` so that two forms with a
``reason`` field still have distinct element ids (and labels that point at the right one).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, cast

from django import forms

from liaison.lib.commands import Command, Invalid
from liaison.lib.errors import Refused
from liaison.lib.fields import MINUTES_MAX, REASON_MAX
from liaison.lib.timezones import DayOutOfRange, check_day
from liaison.meetings.commands import (
    CancelSession,
    DeclineProposal,
    NoticeOfAbsence,
    PostponeSession,
    ProposeCadence,
    ProposeCadenceEnd,
    ProposeMove,
    ProposeSession,
    WithdrawProposal,
)
from liaison.meetings.models import Level
from liaison.offices.models import Member
from liaison.web.command_fields import field_for


def within_calendar(day: dt.date) -> None:
    """A day at the calendar's very ends (1 January of year 1, 31 December 9999) is a
    field error: its instants do not exist in every zone, so no action can take it."""
    try:
        check_day(day)
    except DayOutOfRange as exc:
        raise forms.ValidationError(str(exc), code="out_of_range") from None


class ActionForm(forms.Form):
    """A form that shows an action's refusal next to the field it names."""

    form_id: ClassVar[str] = "action"
    # A refusal's ``field`` (the action's argument) -> the form field that carries it.
    refusal_fields: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.form_id}-%s")
        super().__init__(*args, **kwargs)

    def add_refusal(self, exc: Refused) -> None:
        """The refusal on the field it names; a command's ``Invalid`` puts each of its
        fields' messages on its own field (one the form lacks: on the form)."""
        problems = exc.errors if isinstance(exc, Invalid) else {exc.field or "": [exc.message]}
        for name, messages in problems.items():
            field = self.refusal_fields.get(name, name)
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


def given(data: dict[str, Any], *names: str) -> dict[str, Any]:
    """The cleaned values ``names`` to build a command from. A blank optional field
    (None) is left out, so the command's default, or its "is required", applies."""
    return {name: data[name] for name in names if data.get(name) is not None}


def _reason(label: str, *, required: bool = True, help_text: str = "") -> forms.CharField:
    """A reason for a form whose write takes no command yet (the command's own limit
    otherwise: ``_reason_of``)."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=REASON_MAX,
        strip=True,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
    )


def _reason_of(command: type[Command], label: str, *, help_text: str = "") -> forms.Field:
    """The command's ``reason``, required and limited as the command says."""
    widget = forms.Textarea(attrs={"rows": 2, "cols": 40})
    return field_for(command, "reason", label=label, help_text=help_text, widget=widget)


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

    reason = _reason_of(NoticeOfAbsence, "Reason for the absence")


class MoveForm(ActionForm):
    form_id = "move"
    refusal_fields = {"start": "date"}

    date = forms.DateField(
        label="New date",
        validators=[within_calendar],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    time = forms.TimeField(label="New time", widget=forms.TimeInput(attrs={"type": "time"}))
    reason = _reason_of(ProposeMove, "Reason")

    def __init__(self, *args: Any, zone_name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if zone_name:
            self.fields["date"].help_text = f"Date and time in the office's zone, {zone_name}."

    @property
    def local(self) -> tuple[dt.date, dt.time]:
        return self.cleaned_data["date"], self.cleaned_data["time"]


class AcceptForm(ActionForm):
    """Accepting binds the accepting side: the box says so, and must be ticked."""

    form_id = "accept"

    confirm = forms.BooleanField(
        label="I accept this for my side: we will be held to attend",
        error_messages={"required": "Tick the box to accept for your side."},
    )


class DeclineForm(ActionForm):
    form_id = "decline"

    reason = _reason_of(DeclineProposal, "Why you decline")


class WithdrawForm(ActionForm):
    form_id = "withdraw"

    reason = _reason_of(WithdrawProposal, "Reason")
    confirm = forms.BooleanField(
        label="Withdraw it: the other side can no longer accept it",
        error_messages={"required": "Tick the box to withdraw the proposal."},
    )


class PostponeForm(ActionForm):
    form_id = "postpone"

    reason = _reason_of(PostponeSession, "Reason for postponing")


class CancelForm(ActionForm):
    form_id = "cancel"

    reason = _reason_of(CancelSession, "Reason for cancelling")


# The schedule page's forms. Dates and times in them are wall-clock times in the
# office's zone, which their labels name.


def _minutes(label: str, *, minimum: int, initial: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=minimum,
        max_value=MINUTES_MAX,
        initial=initial,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def _timing(command: type[Command], name: str) -> forms.Field:
    """A session's duration, grace period or required level, as ``command`` takes it."""
    if name == "required_level":
        return field_for(
            command, name, label="Required level", choices=Level.choices, initial=Level.HEAD
        )
    if name == "duration_minutes":
        return field_for(command, name, label="Duration in minutes", initial=60)
    return field_for(command, name, label="Grace period in minutes", initial=15)


def _date(
    label: str, *, required: bool = True, help_text: str = "", zoned: bool = False
) -> forms.DateField:
    """A date field; ``zoned`` when it is a day in the office's zone that becomes an
    instant (a start, an effective time), which the calendar's very ends cannot."""
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        validators=[within_calendar] if zoned else [],
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def _time(label: str, *, required: bool = True) -> forms.TimeField:
    return forms.TimeField(
        label=label, required=required, widget=forms.TimeInput(attrs={"type": "time"})
    )


class _OfficeTimesForm(ActionForm):
    """Labels the fields that take office-zone times with the office's zone."""

    zoned_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, zone_name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone_name = zone_name
        if zone_name:
            for name in self.zoned_fields:
                field = self.fields[name]
                field.label = f"{field.label} ({zone_name})"


class CadenceForm(_OfficeTimesForm):
    form_id = "cadence"
    zoned_fields = ("starts_on", "start_time", "effective_date", "effective_time")
    refusal_fields = {"effective": "effective_date"}

    key = field_for(
        ProposeCadence,
        "key",
        label="Key",
        help_text="An existing key changes that cadence; a new one agrees a new cadence.",
        widget=forms.TextInput(attrs={"list": "cadence-keys", "autocomplete": "off"}),
    )
    title = field_for(ProposeCadence, "title", label="Title")
    rule = field_for(
        ProposeCadence,
        "rule",
        label="Recurrence rule (RRULE)",
        help_text="RFC 5545, e.g. FREQ=WEEKLY;BYDAY=FR or FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH. "
        "The start time is set below, not in the rule.",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    starts_on = field_for(
        ProposeCadence, "starts_on", label="First date", validators=[within_calendar]
    )
    start_time = field_for(ProposeCadence, "start_time", label="Start time")
    duration_minutes = _timing(ProposeCadence, "duration_minutes")
    grace_minutes = _timing(ProposeCadence, "grace_minutes")
    required_level = _timing(ProposeCadence, "required_level")
    effective_date = _date(
        "In force from: date",
        required=False,
        help_text="Leave date and time empty for now.",
        zoned=True,
    )
    effective_time = _time("In force from: time", required=False)
    reason = _reason_of(
        ProposeCadence, "Reason", help_text="Shown with this version in the cadence's history."
    )

    def clean(self) -> dict[str, Any] | None:
        return _both_or_neither(self, super().clean() or {})


def _both_or_neither(form: ActionForm, data: dict[str, Any]) -> dict[str, Any]:
    """``effective_date`` and ``effective_time`` are given together or not at all."""
    day, time = data.get("effective_date"), data.get("effective_time")
    if time is not None and day is None and "effective_date" not in form.errors:
        form.add_error("effective_date", "Give the date as well, or leave both empty.")
    if day is not None and time is None and "effective_time" not in form.errors:
        form.add_error("effective_time", "Give the time as well, or leave both empty.")
    return data


class EndCadenceForm(_OfficeTimesForm):
    form_id = "end-cadence"
    zoned_fields = ("effective_date", "effective_time")
    refusal_fields = {"effective": "effective_date"}

    key = forms.ChoiceField(
        label="Cadence",
        error_messages={"invalid_choice": "Choose one of the cadences not yet ended."},
    )
    effective_date = _date(
        "Ends from: date",
        required=False,
        help_text="Leave date and time empty to end it now.",
        zoned=True,
    )
    effective_time = _time("Ends from: time", required=False)
    reason = _reason_of(
        ProposeCadenceEnd, "Reason", help_text="Shown in the cadence's history and in the log."
    )

    def __init__(
        self, *args: Any, keys: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["key"]).choices = keys or []

    def clean(self) -> dict[str, Any] | None:
        return _both_or_neither(self, super().clean() or {})


class AdHocSessionForm(_OfficeTimesForm):
    form_id = "adhoc"
    zoned_fields = ("date", "time")
    refusal_fields = {"start": "date"}

    title = field_for(ProposeSession, "title", label="Title")
    date = _date("Date", zoned=True)
    time = _time("Time")
    duration_minutes = _timing(ProposeSession, "duration_minutes")
    grace_minutes = _timing(ProposeSession, "grace_minutes")
    required_level = _timing(ProposeSession, "required_level")
