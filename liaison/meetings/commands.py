"""The input contract of each write to cadences, sessions, proposals and attendance (see
``lib/commands``). A command checks what needs nothing but its own values; what needs
the office (its charter, the clock, a session's state, reserved keys) is the action's,
inside the office's lock."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from liaison.lib.commands import Command
from liaison.lib.fields import (
    KEY_MAX,
    MINUTES_MAX,
    REASON_MAX,
    Key,
    Line,
    Moment,
    Reason,
    Text,
    Title,
    Username,
)

LevelName = Literal["head", "deputy", "staff"]
RULE_MAX = 500
# A session's key: a cadence's key and the occurrence's local start (``weekly-20240105T1000``;
# ``adhoc-...`` outside a cadence, ``-2`` for a second one at the same minute).
SessionKey = Annotated[Line, Field(min_length=1, max_length=KEY_MAX + 20)]
# A proposal's key: the proposing side's key and its event's seq (``south-12``).
ProposalKey = Annotated[Line, Field(min_length=1, max_length=KEY_MAX + 16)]
Rule = Annotated[Line, Field(min_length=1, max_length=RULE_MAX)]
# A reason that must be given (a command says, in ``empty``, what to say without one).
NeededReason = Annotated[Text, Field(min_length=1, max_length=REASON_MAX)]


class _Timing(Command):
    """A session's length, its grace period and the level that must attend."""

    labels: ClassVar[dict[str, str]] = {
        "duration_minutes": "the duration",
        "grace_minutes": "the grace period",
        "answer_by": "the deadline for an answer",
    }
    wording: ClassVar[dict[tuple[str, str], str]] = {
        ("duration_minutes", "greater_than_equal"): "a session lasts at least a minute",
        ("grace_minutes", "greater_than_equal"): (
            "the grace period must be between 0 and the session's length"
        ),
        ("required_level", "literal_error"): "required level must be one of head, deputy, staff",
    }

    duration_minutes: int = Field(ge=1, le=MINUTES_MAX)
    grace_minutes: int = Field(ge=0, le=MINUTES_MAX)
    required_level: LevelName


class ProposeCadence(_Timing):
    """A cadence, or a change of one from ``effective`` on (default: now)."""

    labels = _Timing.labels | {"rule": "the recurrence rule", "starts_on": "the first date"}
    wording = _Timing.wording | {
        ("key", "value_error"): "Use lowercase letters, digits and hyphens, e.g. weekly."
    }

    key: Key
    title: Title
    rule: Rule
    starts_on: dt.date
    start_time: dt.time
    effective: Moment | None = None
    reason: Reason = ""
    answer_by: Moment | None = None


class ProposeCadenceEnd(Command):
    """The end of cadence ``key`` from ``effective`` on (default: now)."""

    labels = {"key": "the cadence", "answer_by": "the deadline for an answer"}
    empty = {"reason": "say why the cadence ends"}

    key: Key
    reason: NeededReason
    effective: Moment | None = None
    answer_by: Moment | None = None


class ProposeSession(_Timing):
    """An ad hoc session, outside any cadence."""

    title: Title
    start: Moment
    answer_by: Moment | None = None


class ProposeMove(Command):
    """A new start for session ``key``."""

    labels = {"key": "the session", "start": "the new start"}

    key: SessionKey
    start: Moment
    reason: Reason = ""
    answer_by: Moment | None = None


class AcceptProposal(Command):
    labels = {"key": "the proposal"}

    key: ProposalKey


class DeclineProposal(Command):
    labels = {"key": "the proposal"}
    empty = {"reason": "say why you decline"}

    key: ProposalKey
    reason: NeededReason


class WithdrawProposal(Command):
    labels = {"key": "the proposal"}

    key: ProposalKey
    reason: Reason = ""


class PostponeSession(Command):
    labels = {"key": "the session"}
    empty = {"reason": "say why the session is postponed"}

    key: SessionKey
    reason: NeededReason


class CancelSession(Command):
    labels = {"key": "the session"}
    empty = {"reason": "say why the session is cancelled"}

    key: SessionKey
    reason: NeededReason


class CheckInTo(Command):
    """The side's required attendee is present at session ``key``: ``attendee`` (a
    username of the side), or the member who checks in."""

    labels = {"key": "the session"}

    key: SessionKey
    attendee: Username | None = None


class NoticeOfAbsence(Command):
    """Before session ``key`` starts: the side will not attend."""

    labels = {"key": "the session"}
    empty = {"reason": "give a reason for the absence"}

    key: SessionKey
    reason: NeededReason
