"""A side's private notes on any record of the office: kept in side-private storage,
never in a log, so the other side never receives them. Read only with the reader's own
side (``notes_for``, ``notes_on``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from liaison.channel.commands import AddNote, DeleteNote
from liaison.channel.lookups import own_note_for
from liaison.channel.models import Message, PrivateNote, TargetKind
from liaison.ledger import log
from liaison.lib.errors import NotAllowed, Refused
from liaison.lib.fields import text_problem
from liaison.meetings.schedule import find_session
from liaison.offices.access import require_active, require_side_member
from liaison.offices.models import Member, Office, Role
from liaison.projects.models import Project
from liaison.records.models import Commitment, MeetingRecord, Minutes


def _target_exists(office: Office, kind: str, key: str) -> bool:
    if kind == TargetKind.SESSION:
        return find_session(office, key) is not None
    lookups: dict[str, Any] = {
        TargetKind.RECORD: MeetingRecord.objects.filter(office=office, session_key=key),
        TargetKind.MINUTES: Minutes.objects.filter(office=office, session_key=key),
        TargetKind.PROJECT: Project.objects.filter(office=office, key=key),
        TargetKind.MESSAGE: Message.objects.filter(office=office, key=key),
        TargetKind.COMMITMENT: Commitment.objects.filter(office=office, key=key),
    }
    return bool(lookups[kind].exists())


def add_note(*, member: Member, command: AddNote, now: dt.datetime) -> PrivateNote:
    """A note only the member's own side will ever see. A note enters no log, so no event
    schema checks its text: the command's field types do (the same rule for text)."""
    require_side_member(member)
    require_active(member, now)
    kind, key = command.target_kind, command.target_key
    side = member.side
    if side is None:  # pragma: no cover - require_side_member refuses observers
        raise Refused("observers keep no notes")
    # Under the office's lock, as every write: the record noted is there when it is kept.
    with log.writing(member.office_id):
        if not _target_exists(member.office, kind, key):
            raise Refused(f"there is no {kind} {key!r} to note", field="target_key")
        return PrivateNote.objects.create(
            office_id=member.office_id,
            side=side,
            target_kind=kind,
            target_key=key,
            body=command.body,
            author=member.username,
            created_at=now,
        )


def notes_for(member: Member, target_kind: str, target_key: str) -> list[PrivateNote]:
    """The member's own side's notes on one record; nobody else's, ever."""
    if member.side_id is None or member.role == Role.OBSERVER:
        return []
    if text_problem(target_key, one_line=True):  # no record has such a key
        return []
    return list(
        PrivateNote.objects.of_side(member).filter(target_kind=target_kind, target_key=target_key)
    )


def notes_on(
    member: Member, target_kind: str, target_keys: Iterable[str]
) -> dict[str, list[PrivateNote]]:
    """The member's own side's notes on several records of one kind (the messages of a
    thread, the commitments of the register), by record key, in one query; nobody
    else's, ever. A record without notes has no entry."""
    if member.side_id is None or member.role == Role.OBSERVER:
        return {}
    keys = [key for key in target_keys if not text_problem(key, one_line=True)]
    notes: dict[str, list[PrivateNote]] = {}
    for note in PrivateNote.objects.of_side(member).filter(
        target_kind=target_kind, target_key__in=keys
    ):
        notes.setdefault(note.target_key, []).append(note)
    return notes


def delete_note(*, member: Member, command: DeleteNote, now: dt.datetime) -> None:
    """Only its author removes a note; another side's note is as missing as none
    (``NotFound``)."""
    require_side_member(member)
    with log.writing(member.office_id):
        note = own_note_for(member, command.note)
        if note.author != member.username:
            raise NotAllowed("only the note's author can remove it")
        note.delete()
