"""The operator's acts on accounts, noticed wherever they are made, and each person's own
account settings.

Django's accounts have no action layer: the admin, ``changepassword`` and a shell all
save a ``User`` (or delete a TOTP device) directly. So signals notice, whoever saves:

1. a password set: ``set_password`` leaves the raw password on the instance until it is
   saved (Django clears it first for the hash upgrade at sign-in, which is no change);
2. a password made unusable, an account deactivated or reactivated: the row before the
   save, read in ``pre_save``, against the row saved;
3. a confirmed TOTP device deleted or turned back to unconfirmed.

Each is the operator's act, appended to the charter log of every office the account is
a member of (``actions.record_operator_act``), unless the account's holder makes it on
their own Account page, inside ``by_holder(user)``. An operator's password also ends the
account's API tokens (``operator_set_password``, which ``liaison.api`` answers; its
sessions end by themselves, as Django's session hash covers the password) and marks the
holder's sign-ins until they choose a password of their own (an account of no office is
being set up, not reset: nothing is told or marked).

A write behind these (a raw ``UPDATE``, a queryset ``update()``) is not noticed: the
operator who edits the database directly is who ``verify`` and exported checkpoints are
for, and accounts are not part of the record.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import Signal
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.lib import clock
from liaison.lib.timezones import is_valid_zone
from liaison.offices import actions
from liaison.offices.commands import SavePreferences
from liaison.offices.models import AccountSettings

logger = logging.getLogger("liaison.access")

# Sent (sender: the user model) when the operator sets a user's password: ``user``, ``now``.
operator_set_password = Signal()

# Session keys: the person's chosen time zone (read by every office page, so no query
# is needed there) and whether they signed in with the operator's password.
ZONE_KEY = "liaison_time_zone"
OPERATOR_PASSWORD_KEY = "liaison_operator_password"  # noqa: S105 - a session key

_holder: contextvars.ContextVar[Any] = contextvars.ContextVar("account_holder", default=None)
_operator: contextvars.ContextVar[str] = contextvars.ContextVar(
    "operator", default=actions.OPERATOR
)


@contextlib.contextmanager
def by_holder(user: AbstractBaseUser) -> Iterator[None]:
    """Changes to ``user``'s own account inside this block are theirs, not the operator's."""
    token = _holder.set(user.pk)
    try:
        yield
    finally:
        _holder.reset(token)


@contextlib.contextmanager
def operator(username: str) -> Iterator[None]:
    """Name the operator acting inside this block (the admin's signed-in superuser)."""
    token = _operator.set(username)
    try:
        yield
    finally:
        _operator.reset(token)


def _is_holder(user_pk: Any) -> bool:
    return user_pk is not None and _holder.get() == user_pk


# Settings ---------------------------------------------------------------------------


def settings_for(user: AbstractBaseUser) -> AccountSettings:
    """The user's settings (the defaults, unsaved, if they never chose any)."""
    found = AccountSettings.objects.filter(user_id=user.pk).first()
    return found or AccountSettings(user_id=user.pk)


def save_preferences(user: AbstractBaseUser, *, command: SavePreferences) -> AccountSettings:
    """The holder's own language and time zone (the command checks both)."""
    found, _ = AccountSettings.objects.update_or_create(
        user_id=user.pk, defaults={"language": command.language, "time_zone": command.time_zone}
    )
    return found


def remember_in_session(request: HttpRequest, found: AccountSettings) -> None:
    if found.time_zone:
        request.session[ZONE_KEY] = found.time_zone
    else:
        request.session.pop(ZONE_KEY, None)


def chosen_zone(request: HttpRequest) -> str | None:
    """The time zone the signed-in person chose, if any (and still a known zone)."""
    zone = request.session.get(ZONE_KEY) if hasattr(request, "session") else None
    return zone if isinstance(zone, str) and is_valid_zone(zone) else None


def signed_in_with_operator_password(request: HttpRequest) -> bool:
    """This session began with a password the operator set (and not since replaced)."""
    return bool(getattr(request, "session", {}).get(OPERATOR_PASSWORD_KEY))


# What the operator did --------------------------------------------------------------


def _operator_set_password(user: AbstractBaseUser, now: dt.datetime, *, usable: bool) -> None:
    kind = "account.password_set" if usable else "account.password_disabled"
    told = actions.record_operator_act(user=user, kind=kind, actor=_operator.get(), now=now)
    # An account of no office is being set up, not reset: its first password is the
    # operator's by nature, and adding it to an office is told in its own right.
    if told:
        AccountSettings.objects.update_or_create(
            user_id=user.pk, defaults={"operator_password_since": now}
        )
    operator_set_password.send(sender=type(user), user=user, now=now)
    logger.info("the operator set the password of %s", user.get_username())


def _holder_set_password(user: AbstractBaseUser) -> None:
    AccountSettings.objects.filter(user_id=user.pk).update(operator_password_since=None)


def _user_before_save(
    sender: type[Any], instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    instance._liaison_before = None
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    instance._liaison_before = (
        sender._default_manager.filter(pk=instance.pk).values("password", "is_active").first()
    )


def _user_saved(
    sender: type[Any], instance: Any, created: bool = False, raw: bool = False, **kwargs: Any
) -> None:
    before = instance.__dict__.pop("_liaison_before", None)
    if created or raw or before is None:
        return
    now = clock.now()
    holder = _is_holder(instance.pk)
    # set_password leaves the raw password here until save() has run (post_save runs
    # inside it); the hash upgrade at sign-in clears it before saving.
    if getattr(instance, "_password", None) is not None:
        if holder:
            _holder_set_password(instance)
        else:
            _operator_set_password(instance, now, usable=True)
    elif (
        instance.password != before["password"]
        and not instance.has_usable_password()
        and not holder
    ):
        _operator_set_password(instance, now, usable=False)
    if before["is_active"] != instance.is_active and not holder:
        kind = "account.reactivated" if instance.is_active else "account.deactivated"
        actions.record_operator_act(user=instance, kind=kind, actor=_operator.get(), now=now)


def _device_before_save(sender: type[Any], instance: TOTPDevice, **kwargs: Any) -> None:
    # django-otp saves a device at every code checked: only a save that unconfirms asks.
    instance._liaison_was_confirmed = bool(
        instance.pk
        and not instance.confirmed
        and TOTPDevice.objects.filter(pk=instance.pk, confirmed=True).exists()
    )


def _second_factor_removed(device: TOTPDevice) -> None:
    if _is_holder(device.user_id):
        return
    user = get_user_model().objects.filter(pk=device.user_id).first()
    if user is None:  # the account itself is being deleted
        return
    actions.record_operator_act(
        user=user, kind="account.second_factor_removed", actor=_operator.get(), now=clock.now()
    )


def _device_saved(sender: type[Any], instance: TOTPDevice, **kwargs: Any) -> None:
    if instance.__dict__.pop("_liaison_was_confirmed", False):
        _second_factor_removed(instance)


def _device_deleted(sender: type[Any], instance: TOTPDevice, **kwargs: Any) -> None:
    if instance.confirmed:
        _second_factor_removed(instance)


def _signed_in(sender: type[Any], request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Remember the person's zone for this session; mark (and record in the charter logs)
    a sign-in with a password the operator set."""
    found = AccountSettings.objects.filter(user_id=user.pk).first()
    if found is None:
        return
    session = getattr(request, "session", None)
    if session is not None and request is not None:
        remember_in_session(request, found)
    if found.operator_password_since is None:
        return
    if session is not None:
        session[OPERATOR_PASSWORD_KEY] = True
    actions.record_operator_act(
        user=user,
        kind="account.signed_in_with_operator_password",
        actor=user.get_username(),
        now=clock.now(),
    )


def connect() -> None:
    user_model = get_user_model()
    pre_save.connect(_user_before_save, sender=user_model, dispatch_uid="liaison-user-before")
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="liaison-user-saved")
    pre_save.connect(_device_before_save, sender=TOTPDevice, dispatch_uid="liaison-otp-before")
    post_save.connect(_device_saved, sender=TOTPDevice, dispatch_uid="liaison-otp-saved")
    post_delete.connect(_device_deleted, sender=TOTPDevice, dispatch_uid="liaison-otp-deleted")
    user_logged_in.connect(_signed_in, dispatch_uid="liaison-operator-password-sign-in")
