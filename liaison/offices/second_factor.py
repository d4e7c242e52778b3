"""A person's second factor: one TOTP device (an authenticator app), offered to the
heads and deputies of an office, who speak and sign for a side.

The holder's own writes: begin the set-up (a fresh key each time, never reused),
confirm it with a first code, turn it off with a current code. Each rule is here, for
the Account pages and whatever else asks; an operator's removal of a lost device is
the admin's, noticed by ``offices.accounts``. A code is checked by django-otp, which
throttles each device: after a wrong code the next try must wait 1, 2, 4 … seconds, and
a code is accepted once only.
"""

from __future__ import annotations

import math

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.lib.errors import NotAllowed, Refused
from liaison.offices import accounts
from liaison.offices.access import offices_for
from liaison.offices.commands import SecondFactorCode
from liaison.offices.models import Role

# The name of the device each user sets up (one per user).
DEVICE_NAME = "Authenticator app"
NOT_OFFERED = "the second factor is offered to the heads and deputies of an office"
NOT_BEGUN = "Begin the set-up first: there is no key waiting to be confirmed."
NOT_ON = "Your second factor is not on."
WRONG_CODE = "That code is not right: enter the 6-digit code your authenticator app shows now."


def confirmed_devices(user: AbstractBaseUser) -> list[TOTPDevice]:
    return list(TOTPDevice.objects.devices_for_user(user, confirmed=True))


def may_use_second_factor(user: AbstractBaseUser) -> bool:
    """Offered to heads and deputies: they speak and sign for a side."""
    return any(m.role in (Role.HEAD, Role.DEPUTY) for _office, m in offices_for(user))


def setup_device(user: AbstractBaseUser) -> TOTPDevice | None:
    """The device being set up (its key shown, no code confirmed yet), if any."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).first()


def check_code(devices: list[TOTPDevice], code: str) -> TOTPDevice:
    """The device that accepts ``code``, or Refused (on ``code``) that says why not."""
    for device in devices:
        allowed, data = device.verify_is_allowed()
        if not allowed:
            until = (data or {}).get("locked_until")
            wait = max(1, math.ceil((until - timezone.now()).total_seconds())) if until else 1
            raise Refused(
                f"Too many wrong codes: wait {wait} second{'s' if wait != 1 else ''}, then "
                "enter the code your app shows now.",
                field="code",
            )
        if device.verify_token(code):
            return device
    raise Refused(WRONG_CODE, field="code")


def begin_second_factor(user: AbstractBaseUser) -> TOTPDevice | None:
    """A new key to set up (a half-finished set-up is replaced); None when the second
    factor is already on."""
    if not may_use_second_factor(user):
        raise NotAllowed(NOT_OFFERED)
    if confirmed_devices(user):
        return None
    TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def confirm_second_factor(user: AbstractBaseUser, *, command: SecondFactorCode) -> TOTPDevice:
    """The set-up's key confirmed by a first code: sign-in asks for a code from now on."""
    if not may_use_second_factor(user):
        raise NotAllowed(NOT_OFFERED)
    setup = setup_device(user)
    if setup is None:
        raise Refused(NOT_BEGUN)
    check_code([setup], command.code)
    TOTPDevice.objects.filter(pk=setup.pk).update(confirmed=True)
    return setup


def turn_off_second_factor(user: AbstractBaseUser, *, command: SecondFactorCode) -> None:
    """The holder's own act, with a current code (an operator's removal is told)."""
    devices = confirmed_devices(user)
    if not devices:
        raise Refused(NOT_ON)
    check_code(devices, command.code)
    with accounts.by_holder(user):
        TOTPDevice.objects.filter(user_id=user.pk).delete()
