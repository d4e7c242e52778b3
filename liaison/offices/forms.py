"""The operator's admin forms. Each maps to a command (``offices/commands``), which says
what is accepted: a form field takes its limit and whether it is required from it, and
the command's refusals land on the form's fields (``admin._refused``)."""

from __future__ import annotations

from typing import Any, get_args

from django import forms
from pydantic import BaseModel

from liaison.lib.fields import limit_of
from liaison.offices.commands import AddMember, ChangeMember, CharterOffice, CharterSide
from liaison.offices.models import Office, Role


def _text(command: type[BaseModel], name: str, **kwargs: Any) -> forms.CharField:
    info = command.model_fields[name]
    # ``Key | None``: the limit is the key's.
    limits = [limit_of(info), *(limit_of(arg) for arg in get_args(info.annotation))]
    limit = min((n for n in limits if n is not None), default=None)
    return forms.CharField(max_length=limit, required=info.is_required(), **kwargs)


def _side(ordinal: str, name: str, **kwargs: Any) -> forms.CharField:
    return _text(CharterSide, name, label=f"{ordinal} side: {name.replace('_', ' ')}", **kwargs)


class CharterForm(forms.Form):
    slug = _text(CharterOffice, "slug", help_text="Short name used in addresses and commands")
    name = _text(CharterOffice, "name")
    place = _text(CharterOffice, "place")
    time_zone = _text(CharterOffice, "time_zone", initial="UTC")
    launched_on = forms.DateField(help_text="YYYY-MM-DD")
    first_key = _side("First", "key")
    first_name = _side("First", "name")
    first_language = _side("First", "language", initial="en")
    first_time_zone = _side("First", "time_zone")
    second_key = _side("Second", "key")
    second_name = _side("Second", "name")
    second_language = _side("Second", "language", initial="en")
    second_time_zone = _side("Second", "time_zone")

    def command(self) -> CharterOffice:
        data = self.cleaned_data
        sides = [
            {name: data[f"{ordinal}_{name}"] for name in CharterSide.model_fields}
            for ordinal in ("first", "second")
        ]
        fields = ("slug", "name", "place", "time_zone", "launched_on")
        return CharterOffice.build(**{name: data[name] for name in fields}, sides=sides)


class MemberForm(forms.Form):
    office = forms.ModelChoiceField(queryset=Office.objects.all())
    username = _text(AddMember, "username", help_text="An existing account")
    full_name = _text(AddMember, "full_name")
    title = _text(AddMember, "title")
    role = forms.ChoiceField(choices=Role.choices)
    side = _text(AddMember, "side", help_text="Side key; empty for an observer on neither side")
    time_zone = _text(AddMember, "time_zone", help_text="Empty: the side's zone")
    active_from = forms.DateField(required=False, help_text="Empty: today, office time")

    def command(self) -> AddMember:
        data = {name: self.cleaned_data[name] for name in AddMember.model_fields}
        return AddMember(**data | {"side": data["side"] or None})


class EndMembershipForm(forms.Form):
    active_until = forms.DateField(help_text="The last day of the membership, YYYY-MM-DD")


class ChangeMemberForm(forms.Form):
    full_name = _text(ChangeMember, "full_name")
    title = _text(ChangeMember, "title")
    role = forms.ChoiceField(choices=Role.choices)
    time_zone = _text(ChangeMember, "time_zone", help_text="Empty: the side's zone")

    def command(self) -> ChangeMember:
        return ChangeMember(**{name: self.cleaned_data[name] for name in ChangeMember.model_fields})
