"""Every change in the channel: sending messages, their receipts, and private notes.

Messages and receipts append one event each to the acting member's side's log (a
receipt to the *receiving* side's log, naming the message's event by hash). Private
notes are written to side-private storage, never to a log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from liaison.channel import attachments as files
from liaison.channel import notify
from liaison.channel.events import message_key
from liaison.channel.models import Message, MessageKind, PrivateNote, Receipt, TargetKind
from liaison.ledger import log
from liaison.lib.errors import NotAllowed, Refused
from liaison.lib.fields import text_problem
from liaison.meetings.schedule import find_session
from liaison.offices.access import (
    refuse,
    require_active,
    require_side_member,
    require_side_speaker,
)
from liaison.offices.models import Member, Office, Role, Side
from liaison.projects.models import Project
from liaison.records.models import Commitment, MeetingRecord, Minutes

SUBJECT_MAX = 200
BODY_MAX = 50_000


def _side_key(member: Member) -> str:
    if member.side is None:  # the require_* checks refuse observers first
        raise Refused("observers cannot act for a side")
    return member.side.key


def _lookup_key(value: str, field: str, what: str) -> str:
    """A key a caller gave to look something up: refused before it reaches a query when
    it is no line of text (PostgreSQL refuses a NUL in a query as an error, not a miss)."""
    if text_problem(value, one_line=True):
        raise Refused(f"there is no {what} {value!r}", field=field)
    return value


def message_for(member: Member, key: str) -> Message:
    """A message of the member's office, or ``Refused`` (another office's messages are
    as unknown as missing ones)."""
    if text_problem(key, one_line=True):
        refuse(member.user, f"message {key!r}", "no such message in the office")
        raise Refused(f"there is no message {key!r} in this office", field="message")
    message = (
        Message.objects.filter(office_id=member.office_id, key=key).select_related("side").first()
    )
    if message is None:
        refuse(member.user, f"message {key}", "no such message in the office")
        raise Refused(f"there is no message {key!r} in this office", field="message")
    return message


def _about(office: Office, session: str, project: str) -> dict[str, str]:
    session = _lookup_key(session.strip(), "about_session", "session")
    project = _lookup_key(project.strip(), "about_project", "project")
    if session and find_session(office, session) is None:
        raise Refused(f"office {office.id} has no session {session!r}", field="about_session")
    if project and not Project.objects.filter(office=office, key=project).exists():
        raise Refused(f"there is no project {project!r}", field="about_project")
    return {"session": session, "project": project}


class Duplicate(Refused):
    """The same side sent an identical message a moment ago: ``original``, that message.
    Sending it again needs ``confirm_duplicate``."""

    def __init__(self, original: Message) -> None:
        at = original.sent_at.astimezone(dt.UTC)
        super().__init__(
            f"your side sent an identical message ({original.key}) at {at:%Y-%m-%d %H:%M:%S} "
            "UTC; nothing was sent: confirm to send it again",
            field="confirm_duplicate",
        )
        self.original = original


def duplicate_of(
    candidates: Sequence[Message],
    *,
    subject: str,
    body: str,
    parent: Message | None,
    hashes: Sequence[str],
    now: dt.datetime,
    window: dt.timedelta,
) -> Message | None:
    """The latest of the sending side's ``candidates`` that says exactly what is being
    sent (subject, text, the message it answers, the files by hash, in any order) and
    was sent no more than ``window`` before ``now``; None if there is none.

    Reading the subject and text, both sides would take a second copy for a second
    message: a double click, a resubmitted form or a retried request must not send one
    by accident."""
    if window <= dt.timedelta(0):  # LIAISON_DUPLICATE_MESSAGE_MINUTES=0: no check
        return None
    files_sent = sorted(hashes)
    same = [
        m
        for m in candidates
        if m.subject == subject
        and m.body == body
        and m.in_reply_to_id == (parent.pk if parent else None)
        and now - window <= m.sent_at
        and sorted(a.sha256 for a in m.attachments.all()) == files_sent
    ]
    return max(same, key=lambda m: (m.sent_at, m.event_seq), default=None)


def _recent_same_text(
    member: Member, subject: str, body: str, now: dt.datetime, window: dt.timedelta
) -> list[Message]:
    return list(
        Message.objects.filter(
            office_id=member.office_id,
            side_id=member.side_id,
            subject=subject,
            body=body,
            sent_at__gte=now - window,
        ).prefetch_related("attachments")
    )


def find_duplicate(
    *,
    member: Member,
    subject: str,
    body: str,
    in_reply_to: str = "",
    hashes: Sequence[str] = (),
    now: dt.datetime,
) -> Message | None:
    """The message the member's side sent within ``LIAISON_DUPLICATE_MESSAGE_MINUTES``
    that this one would repeat, or None: what ``send_message`` refuses without
    ``confirm_duplicate``, for a page that warns before the send."""
    parent = message_for(member, in_reply_to.strip()) if in_reply_to.strip() else None
    window = dt.timedelta(minutes=settings.LIAISON_DUPLICATE_MESSAGE_MINUTES)
    subject, body = subject.strip(), body.strip()
    return duplicate_of(
        _recent_same_text(member, subject, body, now, window),
        subject=subject,
        body=body,
        parent=parent,
        hashes=hashes,
        now=now,
        window=window,
    )


@dataclass(frozen=True)
class Outgoing:
    """A message as it will be sent: its text as stored, its files as checked, the
    message it answers, and the other side it goes to."""

    kind: str
    subject: str
    body: str
    files: list[files.Checked]
    parent: Message | None
    about: dict[str, str]
    to: Side


def check_message(
    *,
    member: Member,
    kind: str,
    subject: str,
    body: str,
    in_reply_to: str = "",
    about_session: str = "",
    about_project: str = "",
    uploads: Sequence[files.Upload] = (),
    now: dt.datetime,
) -> Outgoing:
    """Every rule ``send_message`` holds a message to, and what it would send, writing
    nothing: what a page previews before the member sends it. ``Refused`` names what is
    wrong, as the send would."""
    office = member.office
    require_side_speaker(member)
    require_active(member, now)
    if kind not in MessageKind.values:
        raise Refused(f"the kind must be one of {', '.join(MessageKind.values)}", field="kind")
    subject, body = subject.strip(), body.strip()
    if not subject:
        raise Refused("a message needs a subject", field="subject")
    if len(subject) > SUBJECT_MAX:
        raise Refused(f"the subject is longer than {SUBJECT_MAX} characters", field="subject")
    if problem := text_problem(subject, one_line=True):
        raise Refused(f"the subject {problem}", field="subject")
    if not body:
        raise Refused("the message is empty: write its text", field="body")
    if len(body) > BODY_MAX:
        raise Refused(f"the message is longer than {BODY_MAX:,} characters", field="body")
    if problem := text_problem(body, one_line=False):
        raise Refused(f"the text {problem}", field="body")
    checked = [files.check(upload) for upload in uploads]
    parent = message_for(member, in_reply_to.strip()) if in_reply_to.strip() else None
    to = Side.objects.filter(office=office).exclude(pk=member.side_id).get()
    return Outgoing(
        kind=kind,
        subject=subject,
        body=body,
        files=checked,
        parent=parent,
        about=_about(office, about_session, about_project),
        to=to,
    )


def send_message(
    *,
    member: Member,
    kind: str,
    subject: str,
    body: str,
    in_reply_to: str = "",
    about_session: str = "",
    about_project: str = "",
    uploads: Sequence[files.Upload] = (),
    confirm_duplicate: bool = False,
    now: dt.datetime,
) -> Message:
    """Send an official message from the member's side to the other side.

    Attachments are checked by their content before anything is written; files this call
    stored are removed again if the message is then refused, unless another message
    named them meanwhile (``attachments.storing``), so a refusal leaves nothing behind
    and takes nothing from anyone.

    A message identical to one the side sent within ``LIAISON_DUPLICATE_MESSAGE_MINUTES``
    (``duplicate_of``) is refused with ``Duplicate`` unless ``confirm_duplicate``."""
    office = member.office
    # The message answered is looked up under the lock, with the files stored.
    out = check_message(
        member=member,
        kind=kind,
        subject=subject,
        body=body,
        about_session=about_session,
        about_project=about_project,
        uploads=uploads,
        now=now,
    )
    # The files are stored under the office's write lock and their own (``storing``), so
    # a refusal takes back only what no committed message names.
    with log.writing(office.id), files.storing(out.files):
        parent = message_for(member, in_reply_to.strip()) if in_reply_to.strip() else None
        # Under the office's lock: of two identical sends at once, the second sees the first.
        window = dt.timedelta(minutes=settings.LIAISON_DUPLICATE_MESSAGE_MINUTES)
        if not confirm_duplicate and (
            original := duplicate_of(
                _recent_same_text(member, out.subject, out.body, now, window),
                subject=out.subject,
                body=out.body,
                parent=parent,
                hashes=[item.sha256 for item in out.files],
                now=now,
                window=window,
            )
        ):
            raise Duplicate(original)
        event = log.append(
            office=office.id,
            side=_side_key(member),
            actor=member.username,
            type="message.sent",
            at=now,
            body={
                "kind": out.kind,
                "subject": out.subject,
                "body": out.body,
                "in_reply_to": (
                    {
                        "side": parent.side.key,
                        "seq": parent.event_seq,
                        "hash": parent.event_hash,
                    }
                    if parent
                    else None
                ),
                "about": out.about,
                "attachments": [item.as_body() for item in out.files],
            },
        )
        message = Message.objects.select_related("office", "side").get(
            office=office, key=message_key(_side_key(member), event.seq)
        )
        # In the same transaction: the message and the emails it owes commit together.
        notify.queue(message, now)
    return message


def _receipt(
    member: Member, message: Message, type: str, body: dict[str, Any], now: dt.datetime
) -> None:
    log.append(
        office=member.office_id,
        side=_side_key(member),
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


def acknowledge(*, member: Member, key: str, note: str = "", now: dt.datetime) -> Receipt:
    """The receiving side's head or deputy acknowledges the message, once."""
    require_side_speaker(member)
    require_active(member, now)
    with log.writing(member.office_id):
        message = message_for(member, key)
        if message.side_id == member.side_id:
            raise Refused("your own side sent this message; the other side acknowledges it")
        if Receipt.objects.filter(message=message, kind="acknowledged").exists():
            raise Refused("your side has acknowledged this message already")
        if not Receipt.objects.filter(message=message, kind="delivered").exists():
            _receipt(member, message, "message.delivered", {}, now)
        _receipt(member, message, "message.acknowledged", {"note": note.strip()}, now)
    return Receipt.objects.get(message=message, kind="acknowledged")


# Private notes --------------------------------------------------------------------------


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


def add_note(
    *, member: Member, target_kind: str, target_key: str, body: str, now: dt.datetime
) -> PrivateNote:
    """A note only the member's own side will ever see."""
    require_side_member(member)
    require_active(member, now)
    if target_kind not in TargetKind.values:
        raise Refused(f"a note is on one of: {', '.join(TargetKind.values)}", field="target_kind")
    body = body.strip()
    if not body:
        raise Refused("the note is empty", field="body")
    if len(body) > BODY_MAX:
        raise Refused(f"the note is longer than {BODY_MAX:,} characters", field="body")
    # A note enters no log, so no event schema checks it: the same rule for text, here.
    if problem := text_problem(body, one_line=False):
        raise Refused(f"the note {problem}", field="body")
    _lookup_key(target_key, "target_key", f"{target_kind} to note")
    if not _target_exists(member.office, target_kind, target_key):
        raise Refused(f"there is no {target_kind} {target_key!r} to note", field="target_key")
    side = member.side
    if side is None:  # pragma: no cover - require_side_member refuses observers
        raise Refused("observers keep no notes")
    return PrivateNote.objects.create(
        office_id=member.office_id,
        side=side,
        target_kind=target_kind,
        target_key=target_key,
        body=body,
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
        PrivateNote.objects.filter(
            office_id=member.office_id,
            side_id=member.side_id,
            target_kind=target_kind,
            target_key=target_key,
        )
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
    for note in PrivateNote.objects.filter(
        office_id=member.office_id,
        side_id=member.side_id,
        target_kind=target_kind,
        target_key__in=keys,
    ):
        notes.setdefault(note.target_key, []).append(note)
    return notes


def delete_note(*, member: Member, key: str, now: dt.datetime) -> None:
    """Only its author removes a note; another side's note is as missing as none."""
    require_side_member(member)
    note = None
    if not text_problem(key, one_line=True):  # a NUL would be PostgreSQL's error, not a miss
        note = PrivateNote.objects.filter(
            key=key, office_id=member.office_id, side_id=member.side_id
        ).first()
    if note is None:
        raise Refused("there is no such note", field="note")
    if note.author != member.username:
        raise NotAllowed("only the note's author can remove it")
    note.delete()
