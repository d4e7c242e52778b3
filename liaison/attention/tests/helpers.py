"""Building what waits on people, through the actions as users do."""

from __future__ import annotations

import datetime as dt

from liaison.channel import messages
from liaison.channel.commands import SendMessage
from liaison.channel.models import Message
from liaison.meetings import proposing
from liaison.meetings.commands import ProposeSession
from liaison.meetings.models import Proposal
from liaison.records import commitments, minutes
from liaison.records.commands import MakeCommitment, ProposeMinutes, SaveMinutes
from liaison.signing import checkpoints
from liaison.signing.models import Checkpoint
from liaison.testing import FIRST_START, World, hold

SEOUL = dt.timezone(dt.timedelta(hours=9))


def friday(week: int) -> tuple[str, dt.datetime]:
    """The weekly cadence's session ``week`` weeks after the first: its key and start."""
    start = FIRST_START + dt.timedelta(weeks=week)
    return f"weekly-{start.astimezone(SEOUL):%Y%m%dT%H%M}", start


def minutes_proposed(world: World, week: int) -> str:
    """Week ``week``'s session held, its minutes saved by the North's staff and proposed
    by the South's head an hour after it began. The session's key."""
    key, start = friday(week)
    hold(world, key, start)
    after = start + dt.timedelta(hours=1)
    minutes.save_minutes(
        member=world.north_staff,
        command=SaveMinutes(session=key, base_version=0, text=f"Week {week}."),
        now=after,
    )
    minutes.propose_minutes(
        member=world.south_head, command=ProposeMinutes(session=key, version=1), now=after
    )
    return key


def proposal(world: World, proposer: str, now: dt.datetime, title: str = "Extra talks") -> Proposal:
    """An ad hoc session three days after ``now``, proposed by ``proposer``: the other
    side may answer until it starts."""
    return proposing.propose_session(
        member=world.members[proposer],
        command=ProposeSession(
            title=title,
            start=now + dt.timedelta(days=3),
            duration_minutes=60,
            grace_minutes=15,
            required_level="head",
        ),
        now=now,
    )


def notice(world: World, sender: str, subject: str, now: dt.datetime) -> Message:
    return messages.send_message(
        member=world.members[sender],
        command=SendMessage(kind="notice", subject=subject, body="Please note."),
        now=now,
    )


def commitment(
    world: World, key: str, due_on: dt.date | None, owners: list[str], now: dt.datetime
) -> None:
    commitments.make_commitment(
        member=world.south_head,
        command=MakeCommitment(key=key, text=f"Do {key}", owners=owners, due_on=due_on),
        now=now,
    )


def refused(world: World, side: str, now: dt.datetime) -> None:
    """A checkpoint of ``side``'s log that the other side refuses: its signature is not
    the side's key's."""
    signed = checkpoints.sign_checkpoint(world.office, side, now=now, reason="demand", force=True)
    assert signed is not None
    forged = Checkpoint(
        office=signed.office,
        side=signed.side,
        size=signed.size,
        root=signed.root,
        at=signed.at,
        key=signed.key,
        statement=signed.statement,
        signature="0" * 128,
        reason="demand",
    )
    assert checkpoints.witness(world.office, forged, [], now=now) is False
