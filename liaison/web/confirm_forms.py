"""Forms that confirm an act which cannot be undone (signing minutes, rotating a key),
in one step; ``KeyRotationForm`` is the key's (the minutes' is ``record_forms.SignForm``).

When the user's password is older than ``LIAISON_REAUTH_MINUTES`` the form itself asks
for it (and for the code, with a TOTP device): giving it is the confirmation and the
re-authentication at once, so nobody is sent to another page and back. Otherwise a
tick box confirms. Either way a POST without the confirmation does nothing.

The password goes through ``account_forms.ReauthForm``, so wrong guesses count towards
the same lockout as on the sign-in page.
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.lib import clock
from liaison.offices import reauth
from liaison.offices.second_factor import confirmed_devices
from liaison.signing.commands import RotateKey
from liaison.signing.formats import ROTATION_REASON_MAX
from liaison.web.account_forms import ReauthForm
from liaison.web.command_fields import field_for
from liaison.web.forms import ActionForm

REAUTH_DUE = "Enter your password: it was last given more than {minutes} minutes ago."
NOT_CONFIRMED = "Tick the box to confirm: nothing was done without it."


def _confirm_field(label: str = "") -> forms.BooleanField:
    return forms.BooleanField(label=label, error_messages={"required": NOT_CONFIRMED})


class ConfirmForm(ActionForm):
    """An act's form with its confirmation: the password (and code) when
    re-authentication is due, else the ``confirm`` tick box labelled ``confirm_label``.

    After ``is_valid()``, ``reauthenticated`` says whether a password was checked; the
    view then stamps the session (``stamp``)."""

    confirm = _confirm_field()

    def __init__(
        self, *args: Any, request: HttpRequest, confirm_label: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user: AbstractBaseUser = request.user  # type: ignore[assignment]
        self.asks_password = not reauth.is_recent(request.session, clock.now())
        self.reauthenticated = False
        self.devices: list[TOTPDevice] = []
        if self.asks_password:
            del self.fields["confirm"]
            self.devices = confirmed_devices(self.user)
            check = ReauthForm(request=request, user=self.user, devices=self.devices)
            for name, field in check.fields.items():
                self.fields[name] = copy.deepcopy(field)
            self.fields["password"].error_messages["required"] = REAUTH_DUE.format(
                minutes=settings.LIAISON_REAUTH_MINUTES
            )
        else:
            self.fields["confirm"].label = confirm_label
        self.confirm_label = confirm_label

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if self.asks_password:
            if "password" in self.errors:
                return data
            check = ReauthForm(
                self.data, request=self.request, user=self.user, devices=self.devices
            )
            if not check.is_valid():
                for field, errors in check.errors.items():
                    target = field if field in self.fields else "password"
                    for error in errors:
                        self.add_error(target, error)
                return data
            self.reauthenticated = True
        return data

    def stamp(self) -> None:
        """The password was given: the session counts as freshly authenticated (with a
        new key, as on the re-authentication page)."""
        if not self.reauthenticated:
            return
        self.request.session.cycle_key()
        reauth.stamp_reauthenticated(self.request.session, clock.now())
        # Shown again (the act was refused), the form asks for the tick only now.
        for name in ("password", "code"):
            self.fields.pop(name, None)
        self.fields["confirm"] = _confirm_field(self.confirm_label)
        self.asks_password = False


class KeyRotationForm(ConfirmForm):
    """Rotating the side's signing key: why (both sides read it), then the confirmation."""

    form_id = "rotate"
    field_order = ["reason"]

    reason = field_for(
        RotateKey,
        "reason",
        label="Why your side rotates its key",
        help_text=f"Both sides read it, here and in the record; at most {ROTATION_REASON_MAX} "
        "characters.",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )
