"""Sending official messages: checked (``check_message``, for a page's preview) and sent
(``send_message``), one ``message.sent`` event in the sending side's log, by the rules
of ``commands.SendMessage`` and the office's state: the message answered, the session
and project it is about, the files by their content, and no identical message sent a
moment ago.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from liaison.channel import attachments as files
from liaison.channel import notify
from liaison.channel.commands import SendMessage
from liaison.channel.events import message_key
from liaison.channel.lookups import message_for
from liaison.channel.models import Message
from liaison.ledger import log
from liaison.lib.errors import NotFound, Refused
from liaison.meetings.schedule import find_session
from liaison.offices.access import require_active, require_side_speaker
from liaison.offices.models import Member, Office, Side
from liaison.projects.models import Project


def acting_side(member: Member) -> str:
    """The key of the side the member writes for."""
    if member.side is None:  # the require_* checks refuse observers first
        raise Refused("observers cannot act for a side")
    return member.side.key


def _answered(member: Member, key: str) -> Message | None:
    """The message a reply answers, if it names one: a wrong key is a wrong value of
    ``in_reply_to``, not a missing page."""
    if not key:
        return None
    try:
        return message_for(member, key)
    except NotFound:
        raise Refused(f"there is no message {key!r} in this office", field="in_reply_to") from None


def _about(office: Office, session: str, project: str) -> dict[str, str]:
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


def check_message(*, member: Member, command: SendMessage, now: dt.datetime) -> Outgoing:
    """Every rule ``send_message`` holds a message to, and what it would send, writing
    nothing: what a page previews before the member sends it. ``Refused`` names what is
    wrong, as the send would."""
    office = member.office
    require_side_speaker(member)
    require_active(member, now)
    checked = [files.check(upload) for upload in command.attachments]
    parent = _answered(member, command.in_reply_to)
    to = Side.objects.for_office(office).exclude(pk=member.side_id).get()
    return Outgoing(
        kind=command.kind,
        subject=command.subject,
        body=command.body,
        files=checked,
        parent=parent,
        about=_about(office, command.about_session, command.about_project),
        to=to,
    )


def send_message(*, member: Member, command: SendMessage, now: dt.datetime) -> Message:
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
        member=member, command=command.model_copy(update={"in_reply_to": ""}), now=now
    )
    # The files are stored under the office's write lock and their own (``storing``), so
    # a refusal takes back only what no committed message names.
    with log.writing(office.id), files.storing(out.files):
        parent = _answered(member, command.in_reply_to)
        # Under the office's lock: of two identical sends at once, the second sees the first.
        window = dt.timedelta(minutes=settings.LIAISON_DUPLICATE_MESSAGE_MINUTES)
        if not command.confirm_duplicate and (
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
        side = acting_side(member)
        event = log.append(
            office=office.id,
            side=side,
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
            office=office, key=message_key(side, event.seq)
        )
        # In the same transaction: the message and the emails it owes commit together.
        notify.queue(message, now)
    return message
