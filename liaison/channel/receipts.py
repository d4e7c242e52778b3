"""Receipts: a message delivered to the receiving side and read by its members (written
as the pages and the API show messages, ``mark_shown``), and acknowledged by the
receiving side's head or deputy (``acknowledge``). Each is one event in the *receiving*
side's log, naming the message's event by hash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from liaison.channel.commands import Acknowledge
from liaison.channel.lookups import message_for
from liaison.channel.messages import acting_side
from liaison.channel.models import Message, Receipt
from liaison.ledger import log
from liaison.lib.errors import Refused
from liaison.offices.access import require_active, require_side_speaker
from liaison.offices.models import Member, Role


def _receipt(
    member: Member, message: Message, type: str, body: dict[str, Any], now: dt.datetime
) -> None:
    log.append(
        office=member.office_id,
        side=acting_side(member),
        actor=member.username,
        type=type,
        at=now,
        body={
            "message": {
                "side": message.side.key,
                "seq": message.event_seq,
                "hash": message.event_hash,
            },
            **body,
        },
    )


def _receives(member: Member, message: Message) -> bool:
    """The member is on the side the message was sent to (observers never are)."""
    return (
        member.side_id is not None
        and member.role != Role.OBSERVER
        and member.side_id != message.side_id
    )


def mark_shown(
    member: Member, messages: Sequence[Message], *, opened: bool, now: dt.datetime
) -> int:
    """The messages were shown to ``member``: the first showing to the receiving side is
    ``delivered``; ``opened`` (the member read the message itself) adds their ``read``.

    Called by the pages and the API that show messages; nothing for the sender's side or
    observers. One event per new receipt; returns how many were written. When every
    receipt is recorded already (the usual case for a page seen before) it neither locks
    the log nor writes: the receipts the caller prefetched are enough to tell."""
    mine = [m for m in messages if _receives(member, m)]
    if not mine or not _missing(member, mine, opened, _known_receipts(mine)):
        return 0
    written = 0
    with log.writing(member.office_id):
        # Read again under the lock: another request may have recorded them meanwhile.
        have = _stored_receipts(mine)
        for message in _missing(member, mine, opened, have):
            if message.pk not in have.delivered:
                _receipt(member, message, "message.delivered", {}, now)
                have.delivered.add(message.pk)
                written += 1
            if opened and (message.pk, member.username) not in have.read:
                _receipt(member, message, "message.read", {}, now)
                written += 1
    return written


@dataclass
class _Have:
    delivered: set[str] = field(default_factory=set)
    read: set[tuple[str, str]] = field(default_factory=set)

    def add(self, message_id: str, kind: str, who: str) -> None:
        if kind == "delivered":
            self.delivered.add(message_id)
        elif kind == "read":
            self.read.add((message_id, who))


def _known_receipts(messages: Sequence[Message]) -> _Have:
    """The receipts already in hand: from each message's prefetched ``receipts`` when
    the caller prefetched them, else read in one query."""
    have = _Have()
    caches = [getattr(m, "_prefetched_objects_cache", {}) for m in messages]
    if all("receipts" in cache for cache in caches):
        for cache in caches:
            for r in cache["receipts"]:
                have.add(r.message_id, r.kind, r.member)
        return have
    return _stored_receipts(messages)


def _stored_receipts(messages: Sequence[Message]) -> _Have:
    have = _Have()
    rows = Receipt.objects.filter(message__in=messages).values_list("message_id", "kind", "member")
    for message_id, kind, who in rows:
        have.add(message_id, kind, who)
    return have


def _missing(member: Member, messages: list[Message], opened: bool, have: _Have) -> list[Message]:
    return [
        m
        for m in messages
        if m.pk not in have.delivered or (opened and (m.pk, member.username) not in have.read)
    ]


def acknowledge(*, member: Member, command: Acknowledge, now: dt.datetime) -> Receipt:
    """The receiving side's head or deputy acknowledges the message, once. A message the
    member's office does not have is ``NotFound``."""
    require_side_speaker(member)
    require_active(member, now)
    with log.writing(member.office_id):
        message = message_for(member, command.message)
        if message.side_id == member.side_id:
            raise Refused(
                "your own side sent this message; the other side acknowledges it", field="message"
            )
        if Receipt.objects.filter(message=message, kind="acknowledged").exists():
            raise Refused("your side has acknowledged this message already")
        if not Receipt.objects.filter(message=message, kind="delivered").exists():
            _receipt(member, message, "message.delivered", {}, now)
        _receipt(member, message, "message.acknowledged", {"note": command.note}, now)
    return Receipt.objects.get(message=message, kind="acknowledged")
