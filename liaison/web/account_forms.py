"""Forms of the sign-in and account pages: the password (with the sign-in lockout), a
TOTP code, the password again before a grave act, a token to revoke, a new password
and one's language and time zone."""

from __future__ import annotations

import datetime as dt
import functools
import math
import zoneinfo
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.api.commands import RevokeToken
from liaison.lib.errors import Refused
from liaison.offices import second_factor
from liaison.offices.commands import SavePreferences, SecondFactorCode
from liaison.offices.models import Language
from liaison.web.backends import address_locked, failures
from liaison.web.command_fields import field_for
from liaison.web.forms import ActionForm


def locked_until(request: HttpRequest, username: str) -> tuple[dt.datetime, bool] | None:
    """When this username may try again from this address, and whether the address is
    locked out of every account; None if it may try now.

    Axes counts failures of one username from one address, and of any username from one
    address, within the cool-off; a lockout ends a cool-off after its last failure."""
    credentials = {"username": username}
    if AxesProxyHandler.is_allowed(request, credentials):
        return None
    found = failures(request, username)
    cool_off = get_cool_off(request) or dt.timedelta(0)
    if address_locked(found):
        return (found.address_last or timezone.now()) + cool_off, True
    return (found.pair_last or timezone.now()) + cool_off, False


def lockout_message(until: dt.datetime, address_wide: bool = False) -> str:
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    who = "from your address" if address_wide else "for this account from your address"
    return (
        f"Too many failed sign-ins {who}. Try again after "
        f"{until.astimezone(dt.UTC):%H:%M} UTC (in {minutes} minute{'s' if minutes != 1 else ''})."
    )


def _refuse_if_locked_out(request: HttpRequest | None, username: str) -> None:
    if request is None or not username:
        return
    locked = locked_until(request, username)
    if locked is not None:
        raise forms.ValidationError(lockout_message(*locked), code="locked_out")


class LoginForm(AuthenticationForm):
    """Django's sign-in form, refusing a locked-out username+address with the time it
    may try again (the password is then not even checked, so nothing is learnt)."""

    def clean_username(self) -> str:
        # Django sets the field's max_length without a validator: a longer name reached
        # authenticate() and the lockout's table (a 500 on PostgreSQL's varchar).
        username: str = self.cleaned_data["username"]
        limit = getattr(self.fields["username"], "max_length", None) or 150
        if len(username) > limit:
            raise forms.ValidationError(f"A username has at most {limit} characters.")
        return username

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        _refuse_if_locked_out(self.request, username)
        try:
            return super().clean()
        except forms.ValidationError:
            # This failure may have been the one that locked the pair out.
            if getattr(self.request, "axes_locked_out", False):
                _refuse_if_locked_out(self.request, username)
            raise


def code_field() -> forms.CharField:
    return forms.CharField(
        label="Code from your authenticator app",
        min_length=6,
        max_length=6,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )


def check_code(devices: list[TOTPDevice], code: str) -> TOTPDevice:
    """The device that accepts ``code``, or a ValidationError that says why not (the
    rule is ``offices.second_factor``'s)."""
    try:
        return second_factor.check_code(devices, code)
    except Refused as exc:
        raise forms.ValidationError(exc.message, code="wrong_code") from None


class CodeForm(forms.Form):
    """A TOTP code, checked against the given devices."""

    code = code_field()

    def __init__(self, *args: Any, devices: list[TOTPDevice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.devices = devices
        self.device: TOTPDevice | None = None

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        self.device = check_code(self.devices, code)
        return code


class ReauthForm(forms.Form):
    """The signed-in user's password again, and their code when they have a device.

    The password goes through ``authenticate``, so wrong guesses count towards the same
    lockout as on the sign-in page."""

    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(
        self,
        *args: Any,
        request: HttpRequest,
        user: AbstractBaseUser,
        devices: list[TOTPDevice],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = user
        self.devices = devices
        if devices:
            self.fields["code"] = code_field()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        username = self.user.get_username()
        _refuse_if_locked_out(self.request, username)
        password = data.get("password")
        if password is None:
            return data
        found = authenticate(self.request, username=username, password=password)
        if found is None or found.pk != self.user.pk:
            if getattr(self.request, "axes_locked_out", False):
                _refuse_if_locked_out(self.request, username)
            raise forms.ValidationError("That is not your password.", code="wrong_password")
        if self.devices and data.get("code"):
            try:
                check_code(self.devices, data["code"])
            except forms.ValidationError as exc:
                self.add_error("code", exc)
        return data


class SecondFactorForm(ActionForm):
    """A code to confirm or turn off one's second factor (the action checks it)."""

    code = field_for(
        SecondFactorCode,
        "code",
        label="Code from your authenticator app",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    def command(self) -> SecondFactorCode:
        return SecondFactorCode(code=self.cleaned_data["code"])


class RevokeTokenForm(ActionForm):
    # A token is named by its prefix (not a field called ``prefix``: forms have one).
    token = field_for(RevokeToken, "token", label="Token")

    def command(self) -> RevokeToken:
        return RevokeToken(token=self.cleaned_data["token"])


class PasswordChangeForm(DjangoPasswordChangeForm):
    """The current password (checked through ``authenticate``, so wrong guesses count
    towards the sign-in lockout) and the new one twice, held to Django's validators."""

    def __init__(self, user: Any, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request
        # Django's help is a list in HTML; the page's fields take a sentence.
        self.fields["new_password1"].help_text = " ".join(
            password_validation.password_validators_help_texts()
        )

    def clean_old_password(self) -> str:
        password: str = self.cleaned_data["old_password"]
        username = self.user.get_username()
        _refuse_if_locked_out(self.request, username)
        found = authenticate(self.request, username=username, password=password)
        if found is None or found.pk != self.user.pk:
            if getattr(self.request, "axes_locked_out", False):
                _refuse_if_locked_out(self.request, username)
            raise forms.ValidationError(
                "That is not your current password.", code="password_incorrect"
            )
        return password


@functools.cache
def zone_choices() -> list[tuple[str, str]]:
    """UTC and the IANA zones of places (Area/City); empty: each office's own choice."""
    zones = sorted(
        z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith("Etc/")
    )
    return [("", "As each office shows it"), ("UTC", "UTC"), *((z, z) for z in zones)]


class PreferencesForm(ActionForm):
    language = field_for(SavePreferences, "language", label="Language", choices=Language.choices)
    time_zone = field_for(SavePreferences, "time_zone", label="Time zone", choices=zone_choices())

    def command(self) -> SavePreferences:
        return SavePreferences(**self.cleaned_data)
