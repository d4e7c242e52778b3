"""Event types of the office's charter log, written by the operator."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from liaison.ledger.events import Applied, Body, event_type
from liaison.lib.fields import TITLE_MAX, Day, Key, Line, Title, Username, line
from liaison.offices.commands import LANGUAGE_MAX, RoleName
from liaison.offices.models import Member, Office, OperatorAct, Side


def _record_act(event: Applied, username: str, *, role: str = "", detail: str = "") -> None:
    """The operator's act as the dashboards show it (``OperatorAct``)."""
    OperatorAct.objects.create(
        id=OperatorAct.make_id(event.office, event.seq),
        office_id=event.office,
        member_id=Member.make_id(event.office, username),
        seq=event.seq,
        at=event.at,
        actor=event.actor,
        kind=event.type,
        role=role,
        detail=detail,
    )


class SideCharter(Body):
    key: Key
    name: Title
    language: line(LANGUAGE_MAX, min_length=2)  # type: ignore[valid-type]
    time_zone: Line = Field(min_length=1, max_length=64)


@event_type("office.chartered")
class OfficeChartered(Body):
    name: Line = Field(min_length=1, max_length=200)
    place: Line = Field(min_length=1, max_length=200)
    time_zone: Line = Field(min_length=1, max_length=64)
    launched_on: Day
    sides: list[SideCharter] = Field(min_length=2, max_length=2)
    # The office's rules for proposals: how long before its start a session must be
    # agreed for the proposing side to be held to it, and the shortest grace period.
    min_notice_minutes: int = Field(ge=0, le=30 * 24 * 60)
    min_grace_minutes: int = Field(ge=0, le=24 * 60)

    def apply(self, event: Applied) -> None:
        office = Office.objects.create(
            id=event.office,
            name=self.name,
            place=self.place,
            time_zone=self.time_zone,
            launched_on=dt.date.fromisoformat(self.launched_on),
            chartered_at=event.at,
            min_notice_minutes=self.min_notice_minutes,
            min_grace_minutes=self.min_grace_minutes,
        )
        for position, side in enumerate(self.sides, start=1):
            Side.objects.create(
                id=Side.make_id(event.office, side.key),
                office=office,
                key=side.key,
                name=side.name,
                language=side.language,
                time_zone=side.time_zone,
                position=position,
            )


@event_type("member.added")
class MemberAdded(Body):
    username: Username
    user_id: int
    full_name: Title
    title: line(TITLE_MAX)  # type: ignore[valid-type]
    role: RoleName
    side: Key | None
    time_zone: Line = Field(max_length=64)
    active_from: Day

    def apply(self, event: Applied) -> None:
        Member.objects.create(
            id=Member.make_id(event.office, self.username),
            office_id=event.office,
            side_id=Side.make_id(event.office, self.side) if self.side else None,
            user_id=self.user_id,
            username=self.username,
            full_name=self.full_name,
            title=self.title,
            role=self.role,
            time_zone=self.time_zone,
            active_from=dt.date.fromisoformat(self.active_from),
        )
        _record_act(event, self.username, role=self.role)


@event_type("member.changed")
class MemberChanged(Body):
    username: Username
    full_name: Title
    title: line(TITLE_MAX)  # type: ignore[valid-type]
    role: RoleName
    time_zone: Line = Field(max_length=64)

    def apply(self, event: Applied) -> None:
        rows = Member.objects.filter(id=Member.make_id(event.office, self.username))
        before: dict[str, Any] = dict(
            rows.values("full_name", "title", "role", "time_zone").first() or {}
        )
        new = {
            "full_name": self.full_name,
            "title": self.title,
            "role": self.role,
            "time_zone": self.time_zone,
        }
        changed = [name for name, value in new.items() if before.get(name) != value]
        rows.update(**new)
        _record_act(event, self.username, role=self.role, detail=", ".join(changed))


@event_type("member.ended")
class MemberEnded(Body):
    username: Username
    active_until: Day

    def apply(self, event: Applied) -> None:
        Member.objects.filter(id=Member.make_id(event.office, self.username)).update(
            active_until=dt.date.fromisoformat(self.active_until)
        )
        _record_act(event, self.username, detail=self.active_until)


# The operator's acts on a member's account (liaison/offices/accounts.py notices them),
# one event in the charter log of each office the account is a member of.


class AccountAct(Body):
    username: Username

    def apply(self, event: Applied) -> None:
        _record_act(event, self.username)


@event_type("account.password_set")
class PasswordSet(AccountAct):
    """The operator set the account's password (the admin, ``changepassword``, a shell)."""


@event_type("account.password_disabled")
class PasswordDisabled(AccountAct):
    """The operator made the password unusable: nobody signs in with one."""


@event_type("account.second_factor_removed")
class SecondFactorRemoved(AccountAct):
    """The operator deleted or turned off the account's TOTP device."""


@event_type("account.deactivated")
class AccountDeactivated(AccountAct):
    pass


@event_type("account.reactivated")
class AccountReactivated(AccountAct):
    pass


@event_type("account.signed_in_with_operator_password")
class SignedInWithOperatorPassword(AccountAct):
    """Someone signed in to the account with the password the operator set, before its
    holder chose one of their own: the member, or the operator acting as them."""


@event_type("account.token_issued")
class TokenIssued(AccountAct):
    """The operator issued an API token acting as this member."""

    token: str = Field(pattern=r"^[0-9a-f]{8}$")

    def apply(self, event: Applied) -> None:
        _record_act(event, self.username, detail=self.token)
