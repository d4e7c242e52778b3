"""The channel: official messages between the sides with their receipts and files, each
side's private notes, and how a member hears of new messages.

Every write builds the action's command (``channel.commands``) from the path and the
payload and calls one action (``channel.messages``, ``receipts``, ``notes``, or
``notify.set_delivery``) with the caller's membership and ``clock.now()``; reads go
through ``channel.overview``, as the pages do. Showing messages is itself recorded:
every read that returns messages passes them to ``receipts.mark_shown`` (a list delivers
them to the receiving side, a thread is read by the caller), which leaves nothing for
the sender's side or observers. A message, a file or a note is found by
``channel.lookups``, only within the caller's office (and for a note, side), so another
office's message is as unknown (404) as a missing one. Private notes are read only
through ``notes.notes_for``, which takes the caller's side.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.core.paginator import Page
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import P, QueryEx, Router, Status

from liaison.api.access import member_for
from liaison.api.channel_schemas import (
    AcknowledgeIn,
    AwaitingOut,
    DuplicateOut,
    MessageIn,
    MessageOut,
    MessagePageOut,
    NoteIn,
    NoteOut,
    NotificationsIn,
    NotificationsOut,
    TargetKindName,
    ThreadOut,
)
from liaison.api.schemas import ErrorOut
from liaison.channel import attachments as files
from liaison.channel import lookups, messages, notes, notify, overview, receipts
from liaison.channel.commands import Acknowledge, AddNote, DeleteNote, SendMessage, SetDelivery
from liaison.channel.fields import TARGET_KEY_MAX
from liaison.channel.models import Message, PrivateNote, Receipt
from liaison.lib import clock
from liaison.lib.errors import Refused
from liaison.offices import access
from liaison.offices.models import Member

router = Router(tags=["channel"])

READ_ERRORS: dict[int, Any] = {404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _key(message_id: str) -> str:
    # A message's id is "<office>:<key>" (``Message.make_id``; an office slug has no
    # colon): reading a parent's or thread root's key from it costs no query.
    return message_id.split(":", 1)[1]


def _receipt(receipt: Receipt | None, *, note: bool = False) -> dict[str, Any] | None:
    if receipt is None:
        return None
    data: dict[str, Any] = {"member": receipt.member, "at": receipt.at}
    if note:
        data["note"] = receipt.note
    return data


def message_data(message: Message) -> dict[str, Any]:
    """One message; its side, receipts and attachments must be loaded already."""
    got = overview.Receipts.of(message)
    base = f"/api/offices/{message.office_id}/messages/{message.key}/attachments"  # same router
    return {
        "key": message.key,
        "kind": message.kind,
        "subject": message.subject,
        "body": message.body,
        "side": message.side.key,
        "sent_by": message.sent_by,
        "sent_at": message.sent_at,
        "in_reply_to": _key(message.in_reply_to_id) if message.in_reply_to_id else None,
        "thread": _key(message.thread_id) if message.thread_id else message.key,
        "about": {
            "session": message.about_session or None,
            "project": message.about_project or None,
        },
        "attachments": [
            {
                "name": a.name,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "url": f"{base}/{a.sha256}",
            }
            for a in message.attachments.all()
        ],
        "receipts": {
            "delivered": _receipt(got.delivered),
            "reads": [_receipt(r) for r in got.reads],
            "acknowledged": _receipt(got.acknowledged, note=True),
        },
    }


def _shown(member: Member, shown: list[Message], *, opened: bool) -> list[Message]:
    """Record that ``shown`` are shown to ``member``, then give them back with their
    receipts as they now stand (one more query, only when one was written), so the
    answer includes the delivery or reading this very call recorded."""
    if receipts.mark_shown(member, shown, opened=opened, now=clock.now()):
        for message in shown:
            # Drop the receipts read before ``mark_shown`` so the prefetch reads them again.
            getattr(message, "_prefetched_objects_cache", {}).pop("receipts", None)
        prefetch_related_objects(
            shown, Prefetch("receipts", queryset=Receipt.objects.order_by("at", "kind"))
        )
    return shown


def _page(member: Member, page: Page[Message]) -> dict[str, Any]:
    shown = _shown(member, list(page.object_list), opened=False)
    return {
        "items": [message_data(m) for m in shown],
        "page": page.number,
        "pages": page.paginator.num_pages,
        "count": page.paginator.count,
    }


def _loaded(member: Member, key: str) -> dict[str, Any]:
    """The message just written or acknowledged, with its files and receipts."""
    message = (
        Message.objects.filter(office_id=member.office_id, key=key)
        .select_related("side")
        .prefetch_related(
            Prefetch("receipts", queryset=Receipt.objects.order_by("at", "kind")), "attachments"
        )
        .get()
    )
    return message_data(message)


def _decoded(payload: MessageIn) -> list[files.Upload]:
    uploads = []
    for item in payload.attachments:
        try:
            data = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise Refused(
                f"{item.name}: content_base64 is not valid base64", field="attachments"
            ) from None
        uploads.append(files.Upload(item.name, data))
    return uploads


# Messages. The fixed paths (sent, awaiting) come before ``messages/{key}``; a key is
# "<side>-<seq>", so it can never be one of them.


@router.get("/offices/{slug}/messages", response={200: MessagePageOut, **READ_ERRORS})
def list_messages(
    request: HttpRequest,
    slug: str,
    q: QueryEx[str, P(max_length=200)] = "",
    page: QueryEx[int, P(ge=1)] = 1,
) -> dict[str, Any]:
    """Your inbox: the messages sent to your side (to an observer, every message), newest
    first, 25 a page; ``q`` searches subjects and bodies. A page past the last gives the
    last. Being listed here delivers a message to your side (a receipt its sender sees)."""
    _office, member = member_for(request, slug)
    return _page(member, overview.inbox(member, q, page))


@router.get("/offices/{slug}/messages/sent", response={200: MessagePageOut, **READ_ERRORS})
def list_sent_messages(
    request: HttpRequest,
    slug: str,
    q: QueryEx[str, P(max_length=200)] = "",
    page: QueryEx[int, P(ge=1)] = 1,
) -> dict[str, Any]:
    """The messages your side sent, newest first, with their receipts; observers, on no
    side, have none."""
    _office, member = member_for(request, slug)
    return _page(member, overview.sent(member, q, page))


@router.get("/offices/{slug}/messages/awaiting", response={200: list[AwaitingOut], **READ_ERRORS})
def list_awaiting_messages(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """Your side's notices, proposals and protests the other side has neither
    acknowledged nor answered, longest waiting first; observers have none."""
    office, member = member_for(request, slug)
    now = clock.now()
    waiting = overview.awaiting(office, member.side_id, now) if member.side_id else []
    waiting_messages = [w.message for w in waiting]
    prefetch_related_objects(
        waiting_messages,
        Prefetch("receipts", queryset=Receipt.objects.order_by("at", "kind")),
        "attachments",
    )
    _shown(member, waiting_messages, opened=False)  # the caller's own side's: no receipts
    return [
        {**message_data(w.message), "waiting_seconds": int(w.waiting.total_seconds())}
        for w in waiting
    ]


@router.post(
    "/offices/{slug}/messages",
    response={201: MessageOut, **WRITE_ERRORS, 409: DuplicateOut},
)
def send_message(request: HttpRequest, slug: str, payload: MessageIn) -> Status[Any]:
    """Send an official message from your side to the other (a head or deputy).

    Attachments go in the JSON body as ``[{"name": "agenda.pdf", "content_base64":
    "<the file's bytes, base64>"}]``. Each is checked by its content, not its name: a
    PDF, PNG, JPEG or UTF-8 text whose name's extension says what it is (a ZIP named
    ``.pdf`` is refused), within the size limit. Content that is not valid base64 is a
    400 naming ``attachments``. The whole request is also bounded by Django's
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (base64 adds a third to a file's size). A reply
    names the message it answers in ``in_reply_to``; an unknown one is a 400 naming that
    field.

    A message identical to one your side sent within LIAISON_DUPLICATE_MESSAGE_MINUTES
    (10 by default: the same subject, text, message answered and files) is not sent: the
    answer is a 409 whose ``duplicate`` names the message sent (``key``, ``sent_at``).
    Send it again with ``"confirm_duplicate": true``."""
    _office, member = member_for(request, slug)
    # Who may send is the answer before what was sent is read (403, not 400).
    access.require_side_speaker(member)
    command = SendMessage.build(
        **payload.model_dump(exclude={"attachments", "in_reply_to"}),
        in_reply_to=payload.in_reply_to or "",
        attachments=_decoded(payload),
    )
    try:
        message = messages.send_message(member=member, command=command, now=clock.now())
    except messages.Duplicate as exc:
        sent = {"key": exc.original.key, "sent_at": exc.original.sent_at}
        return Status(409, {"detail": exc.message, "field": exc.field, "duplicate": sent})
    return Status(201, _loaded(member, message.key))


@router.get("/offices/{slug}/messages/{key}", response={200: ThreadOut, **READ_ERRORS})
def get_thread(request: HttpRequest, slug: str, key: str) -> dict[str, Any]:
    """The whole thread the message belongs to, oldest first, with files and receipts.
    Opening it records that you read each message in it sent to your side."""
    _office, member = member_for(request, slug)
    found, thread = lookups.thread_for(member, key)
    shown = _shown(member, thread, opened=True)
    return {
        "thread": _key(found.thread_id) if found.thread_id else found.key,
        "messages": [message_data(m) for m in shown],
    }


@router.post(
    "/offices/{slug}/messages/{key}/acknowledge", response={200: MessageOut, **WRITE_ERRORS}
)
def acknowledge_message(
    request: HttpRequest, slug: str, key: str, payload: AcknowledgeIn | None = None
) -> dict[str, Any]:
    """Acknowledge a message the other side sent (your side's head or deputy), once,
    with an optional ``note``. Your own side's message is a 400; a second
    acknowledgement a 409."""
    _office, member = member_for(request, slug)
    lookups.message_for(member, key)
    command = Acknowledge(message=key, note=payload.note if payload else "")
    receipts.acknowledge(member=member, command=command, now=clock.now())
    return _loaded(member, key)


@router.get(
    "/offices/{slug}/messages/{key}/attachments/{sha256}",
    response={**READ_ERRORS},
    openapi_extra={
        "responses": {
            200: {
                # Served as the type its content was checked to be, one of the
                # LIAISON_ATTACHMENT_TYPES setting's: only the operator knows which.
                "description": "The file's bytes, with the content type it was checked to be.",
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def get_attachment(request: HttpRequest, slug: str, key: str, sha256: str) -> HttpResponse:
    """A file sent with the message, served with the type its content was checked to be."""
    _office, member = member_for(request, slug)
    attachment = lookups.attachment_for(member, key, sha256)
    with lookups.attachment_file(member, attachment) as stream:
        data = stream.read()
    response = HttpResponse(data, content_type=attachment.content_type)
    # Always a download, never rendered in the API's origin.
    response["Content-Disposition"] = content_disposition_header(True, attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Private notes


def note_data(note: PrivateNote, side: str) -> dict[str, Any]:
    return {
        "id": note.key,
        "target_kind": note.target_kind,
        "target_key": note.target_key,
        "body": note.body,
        "author": note.author,
        "side": side,
        "created_at": note.created_at,
    }


@router.get("/offices/{slug}/notes", response={200: list[NoteOut], **READ_ERRORS})
def list_notes(
    request: HttpRequest,
    slug: str,
    target_kind: QueryEx[TargetKindName, P()],
    target_key: QueryEx[str, P(max_length=TARGET_KEY_MAX)],
) -> list[dict[str, Any]]:
    """Your own side's private notes on one record, oldest first. The other side never
    sees them; an observer, on no side, has none (an empty list)."""
    _office, member = member_for(request, slug)
    side = member.side_key
    found = notes.notes_for(member, target_kind, target_key)
    return [note_data(n, side) for n in found] if side else []


@router.post("/offices/{slug}/notes", response={201: NoteOut, **WRITE_ERRORS})
def add_note(request: HttpRequest, slug: str, payload: NoteIn) -> Status[Any]:
    """A private note of your side's on a record (any member of a side). It enters no
    log: the other side never receives it, in this API, the pages or an export."""
    _office, member = member_for(request, slug)
    access.require_side_member(member)
    command = AddNote(**payload.model_dump())
    note = notes.add_note(member=member, command=command, now=clock.now())
    return Status(201, note_data(note, member.side_key or ""))


@router.delete("/offices/{slug}/notes/{note_id}", response={204: None, **WRITE_ERRORS})
def delete_note(request: HttpRequest, slug: str, note_id: str) -> Status[None]:
    """Remove a note you wrote. Another side's note is as unknown (404) as a missing one;
    another member's note of your side is a 403."""
    _office, member = member_for(request, slug)
    access.require_side_member(member)
    lookups.own_note_for(member, note_id)
    notes.delete_note(member=member, command=DeleteNote(note=note_id), now=clock.now())
    return Status(204, None)


# Notifications


@router.get("/offices/{slug}/notifications", response={200: NotificationsOut, **READ_ERRORS})
def get_notifications(request: HttpRequest, slug: str) -> dict[str, Any]:
    """How you hear of new messages by email."""
    _office, member = member_for(request, slug)
    return {"delivery": notify.delivery_of(member.office_id, member.username)}


@router.put("/offices/{slug}/notifications", response={200: NotificationsOut, **WRITE_ERRORS})
def set_notifications(request: HttpRequest, slug: str, payload: NotificationsIn) -> dict[str, Any]:
    """Email about each new message at once (``immediately``), in one digest a day
    (``daily``), or not at all (``none``)."""
    _office, member = member_for(request, slug)
    command = SetDelivery(delivery=payload.delivery)
    preference = notify.set_delivery(member=member, command=command)
    return {"delivery": preference.delivery}
