from __future__ import annotations

import datetime as dt
from typing import Any

from liaison.channel import messages as channel_messages
from liaison.channel.commands import SendMessage
from liaison.ledger import log
from liaison.records import minutes
from liaison.records.commands import ProposeMinutes, SaveMinutes, SignMinutes
from liaison.signing import checkpoints
from liaison.testing import FIRST_SESSION, FIRST_START, World, hold, weekly

LATER = FIRST_START + dt.timedelta(hours=2)
MINUTES = "1. Both sides reaffirmed the declaration.\n2. The rail study starts in December."


def agreed_minutes(world: World) -> None:
    minutes.save_minutes(
        member=world.south_staff,
        command=SaveMinutes(session=FIRST_SESSION, base_version=0, text=MINUTES),
        now=LATER,
    )
    minutes.propose_minutes(
        member=world.south_head, command=ProposeMinutes(session=FIRST_SESSION, version=1), now=LATER
    )
    for head in (world.south_head, world.north_head):
        minutes.sign_minutes(
            member=head, command=SignMinutes(session=FIRST_SESSION, version=1), now=LATER
        )


def busy_office(world: World, *, messages: int, changes: int) -> None:
    """Held session, agreed minutes (each signature checkpointed), ``messages`` messages
    from each side, ``changes`` charter edits; then a scheduled round of checkpoints."""
    weekly(world)
    hold(world)
    agreed_minutes(world)
    at = LATER
    for number in range(messages):
        at += dt.timedelta(minutes=1)
        for member in (world.south_deputy, world.north_deputy):
            channel_messages.send_message(
                member=member,
                command=SendMessage(kind="notice", subject=f"Notice {number}", body="Routine."),
                now=at,
            )
    for number in range(changes):
        log.append(
            office=world.office.id,
            side="",
            actor="operator",
            type="member.changed",
            at=at,
            body={
                "username": world.south_staff.username,
                "full_name": "South Staff",
                "title": f"Officer {number}",
                "role": "staff",
                "time_zone": "",
            },
        )
    checkpoints.sign_scheduled(at + dt.timedelta(minutes=5))


def sizes(bundle: dict[str, Any]) -> dict[str, int]:
    return {(item["side"] or "charter"): len(item["events"]) for item in bundle["logs"]}
