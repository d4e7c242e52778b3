"""Read models of the charter: what the operator did that a member may see.

On one server the operator can set a member's password and act as them; that he did is
what the charter log keeps, and what the member and their side's heads are shown, in
words, as it happens (``operator_acts_for``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from liaison.offices import access
from liaison.offices.actions import OPERATOR
from liaison.offices.models import Member, OperatorAct, Role

# The dashboard shows the acts of the last RECENT_DAYS, at most LIMIT of them.
RECENT_DAYS = 30
LIMIT = 20

_FIELDS = {"full_name": "name", "title": "title", "role": "role", "time_zone": "time zone"}


@dataclass(frozen=True)
class ShownAct:
    at: dt.datetime
    kind: str
    text: str  # "The operator reset Jon Jong-su's password"
    own: bool  # on the viewer's own account


def _series(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _role(role: str) -> str:
    return str(Role(role).label).lower() if role in Role.values else role


def describe(act: OperatorAct, viewer: Member | None) -> str:
    """The act in a sentence for ``viewer`` (who may be the member it concerns; None:
    for someone else, e.g. an email to the side's heads)."""
    own = viewer is not None and act.member_id == viewer.pk
    member = act.member
    name, whose = ("you", "your") if own else (member.full_name, f"{member.full_name}'s")
    who = "The operator" if act.actor == OPERATOR else f"The operator ({act.actor})"
    side = member.side.name if member.side_id else ""  # type: ignore[union-attr]
    match act.kind:
        case "member.added":
            place = f"of {side}" if side else "on neither side"
            return f"{who} added {name} as {_role(act.role)} {place}"
        case "member.changed":
            fields = [
                f"role (now {_role(act.role)})" if field == "role" else _FIELDS.get(field, field)
                for field in act.detail.split(", ")
                if field
            ]
            return f"{who} changed {whose} {_series(fields) or 'membership'}"
        case "member.ended":
            return f"{who} ended {whose} membership (last day {act.detail})"
        case "account.password_set":
            return f"{who} reset {whose} password"
        case "account.password_disabled":
            return f"{who} turned off password sign-in for {name}"
        case "account.second_factor_removed":
            return f"{who} removed {whose} second factor"
        case "account.deactivated":
            return f"{who} deactivated {whose} account"
        case "account.reactivated":
            return f"{who} reactivated {whose} account"
        case "account.signed_in_with_operator_password":
            return (
                f"{'You' if own else member.full_name} signed in with a password the operator set"
            )
        case "account.token_issued":
            return f"{who} issued an API token ({act.detail}…) acting as {name}"
    return f"{who}: {act.kind} on {whose} account"


def describe_for_heads(act: OperatorAct) -> str:
    return describe(act, None)


def operator_acts_for(
    member: Member, now: dt.datetime, *, days: int = RECENT_DAYS, limit: int = LIMIT
) -> list[ShownAct]:
    """The operator's acts of the last ``days`` that ``member`` may see, newest first
    (one query)."""
    acts = (
        access.visible_operator_acts(member)
        .filter(at__lte=now, at__gt=now - dt.timedelta(days=days))
        .select_related("member__side")
        .newest_first()[:limit]
    )
    return [
        ShownAct(
            at=act.at, kind=act.kind, text=describe(act, member), own=act.member_id == member.pk
        )
        for act in acts
    ]
