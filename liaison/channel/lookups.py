"""Finding a message, its thread, its files and a side's private note for a member: the
object, or ``NotFound`` (logged here, once). Another office's message and the other
side's note are out of reach and read exactly as missing ones. Web pages, API
operations and actions all look them up here.

A key that is no line of text (a NUL) is missing without a query: PostgreSQL refuses a
NUL in a query as an error, not a miss.
"""

from __future__ import annotations

import re
from typing import BinaryIO, NamedTuple

from liaison.channel import attachments as files
from liaison.channel import overview
from liaison.channel.models import Attachment, Message, PrivateNote
from liaison.lib.errors import NotFound
from liaison.lib.fields import text_problem
from liaison.offices.access import refuse
from liaison.offices.models import Member

NO_MESSAGE = "No such message."
NO_ATTACHMENT = "No such attachment."
NO_NOTE = "No such note."
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _no_line(key: str) -> bool:
    return text_problem(key, one_line=True) is not None


def message_for(member: Member, key: str) -> Message:
    """The message ``key`` of the member's office, with its side."""
    message = None
    if not _no_line(key):
        message = (
            Message.objects.filter(office_id=member.office_id, key=key)
            .select_related("side")
            .first()
        )
    if message is None:
        shown = repr(key) if _no_line(key) else key
        refuse(member.user, f"message {shown}", "no such message in the office")
        raise NotFound(NO_MESSAGE)
    return message


class Thread(NamedTuple):
    message: Message  # the one asked for
    messages: list[Message]  # the whole thread, oldest first, with receipts and files


def thread_for(member: Member, key: str) -> Thread:
    """The thread the office's message ``key`` belongs to."""
    message = message_for(member, key)
    return Thread(message, overview.thread(member.office, key))


def attachment_for(member: Member, key: str, sha256: str) -> Attachment:
    """The file ``sha256`` sent with the office's message ``key``."""
    message = message_for(member, key)
    attachment = None
    if _SHA256.fullmatch(sha256):
        attachment = Attachment.objects.filter(message=message, sha256=sha256).first()
    if attachment is None:
        refuse(member.user, f"attachment {key}/{sha256}", "no such attachment")
        raise NotFound(NO_ATTACHMENT)
    return attachment


def attachment_file(member: Member, attachment: Attachment) -> BinaryIO:
    """The attachment's bytes, opened: the event names the file, but a store that lost
    it (``verify`` reports that) has simply nothing to serve."""
    try:
        return files.path_of(attachment.sha256).open("rb")
    except FileNotFoundError:
        key = attachment.message_id.split(":", 1)[1]  # "<office>:<key>"
        where = f"attachment {key}/{attachment.sha256}"
        refuse(member.user, where, "file missing from the store")
        raise NotFound(NO_ATTACHMENT) from None


def own_note_for(member: Member, key: str) -> PrivateNote:
    """The member's own side's private note ``key`` (observers keep none)."""
    note = None
    if member.side_id is not None and not _no_line(key):
        note = PrivateNote.objects.of_side(member).filter(key=key).first()
    if note is None:
        refuse(member.user, f"note {key!r}", "not own side's note")
        raise NotFound(NO_NOTE)
    return note
