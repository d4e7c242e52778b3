from __future__ import annotations

from django import forms

from liaison.lib.timezones import is_valid_zone
from liaison.offices.models import Office, Role


def _zone(value: str) -> None:
    if not is_valid_zone(value):
        raise forms.ValidationError(
            f"unknown time zone {value!r}; use an IANA name such as Asia/Seoul"
        )


class CharterForm(forms.Form):
    slug = forms.SlugField(max_length=64, help_text="Short name used in addresses and commands")
    name = forms.CharField(max_length=200)
    place = forms.CharField(max_length=200)
    time_zone = forms.CharField(max_length=64, validators=[_zone], initial="UTC")
    launched_on = forms.DateField(help_text="YYYY-MM-DD")
    first_key = forms.SlugField(max_length=64, label="First side: key")
    first_name = forms.CharField(max_length=200, label="First side: name")
    first_language = forms.CharField(max_length=35, label="First side: language", initial="en")
    first_time_zone = forms.CharField(
        max_length=64, validators=[_zone], label="First side: time zone"
    )
    second_key = forms.SlugField(max_length=64, label="Second side: key")
    second_name = forms.CharField(max_length=200, label="Second side: name")
    second_language = forms.CharField(max_length=35, label="Second side: language", initial="en")
    second_time_zone = forms.CharField(
        max_length=64, validators=[_zone], label="Second side: time zone"
    )


class MemberForm(forms.Form):
    office = forms.ModelChoiceField(queryset=Office.objects.all())
    username = forms.CharField(max_length=150, help_text="An existing account")
    full_name = forms.CharField(max_length=200)
    title = forms.CharField(max_length=200, required=False)
    role = forms.ChoiceField(choices=Role.choices)
    side = forms.CharField(
        max_length=64, required=False, help_text="Side key; empty for an observer on neither side"
    )
    time_zone = forms.CharField(max_length=64, required=False, help_text="Empty: the side's zone")
    active_from = forms.DateField(required=False, help_text="Empty: today, office time")

    def clean_time_zone(self) -> str:
        value: str = self.cleaned_data["time_zone"]
        if value:
            _zone(value)
        return value


class EndMembershipForm(forms.Form):
    active_until = forms.DateField(help_text="The last day of the membership, YYYY-MM-DD")


class ChangeMemberForm(forms.Form):
    full_name = forms.CharField(max_length=200)
    title = forms.CharField(max_length=200, required=False)
    role = forms.ChoiceField(choices=Role.choices)
    time_zone = forms.CharField(max_length=64, required=False, help_text="Empty: the side's zone")

    def clean_time_zone(self) -> str:
        value: str = self.cleaned_data["time_zone"]
        if value:
            _zone(value)
        return value
