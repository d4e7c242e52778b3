"""The channel's message pages: the inbox and the sent list (search, pages), a thread
with its receipts, files and the forms to acknowledge and reply, a new message, file
downloads (a side's private notes and how a member hears of new messages:
``channel_notes.py``).

Each view looks up the address's message or note (``channel/lookups.py``: the object or
the 404 page), checks access through ``offices.access``, reads its form from
``channel_forms``, builds the command (``channel/commands.py``) and calls one action
(``channel/messages.py``, ``receipts.py``, ``notes.py``), then renders or redirects;
reads go through ``channel/overview.py``, as the API's do. Showing messages is itself
recorded: every page that shows messages passes them to ``receipts.mark_shown`` (a list
delivers them to the receiving side, a thread is read by the viewer), which leaves
nothing for the sender's side or observers. Private notes are read only through
``notes.notes_for`` (the ``private_notes`` tag), which takes the viewer's side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.core.paginator import Page
from django.db.models import Prefetch, prefetch_related_objects
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST, require_safe

from liaison.channel import lookups, notes, overview, receipts
from liaison.channel.commands import Acknowledge
from liaison.channel.fields import SUBJECT_MAX
from liaison.channel.models import Message, Receipt, TargetKind
from liaison.lib import clock
from liaison.lib.errors import Refused
from liaison.offices import access
from liaison.offices.models import Member, Office
from liaison.projects.models import Project
from liaison.web import channel_forms as cf
from liaison.web.forms import ActionForm
from liaison.web.pages import office_page, run_form
from liaison.web.records import people_of

Forms = dict[str, ActionForm]


def _shown(member: Member, messages: list[Message], *, opened: bool) -> list[Message]:
    """Record that ``messages`` are shown to ``member`` and give them back with their
    receipts as they now stand (read again only when one was written), so the page
    shows the delivery or reading this very request recorded."""
    if receipts.mark_shown(member, messages, opened=opened, now=clock.now()):
        for message in messages:
            getattr(message, "_prefetched_objects_cache", {}).pop("receipts", None)
        prefetch_related_objects(
            messages,
            Prefetch("receipts", queryset=Receipt.objects.order_by("at", "kind", "member")),
        )
    return messages


def thread_url(office: Office, key: str) -> str:
    return reverse("office-message", args=[office.slug, key])


# The inbox and the sent list -----------------------------------------------------------


def _list_page(
    request: HttpRequest, office: Office, member: Member, box: str, page: Page[Message]
) -> HttpResponse:
    search = cf.SearchForm(request.GET)
    messages = _shown(member, list(page.object_list), opened=False)
    return render(
        request,
        "web/messages_list.html",
        {
            "office": office,
            "member": member,
            "box": box,
            "page": page,
            "rows": [(m, overview.Receipts.of(m)) for m in messages],
            "search": search,
            "q": search.text,
            "people": people_of(office),
            "can_send": member.can_act_for_side,
            "nav": "messages",
        },
    )


@require_safe
@office_page
def office_messages(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    search = cf.SearchForm(request.GET)
    page = overview.inbox(member, search.text, request.GET.get("page", 1))
    return _list_page(request, office, member, "inbox", page)


@require_safe
@office_page
def office_messages_sent(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    search = cf.SearchForm(request.GET)
    page = overview.sent(member, search.text, request.GET.get("page", 1))
    return _list_page(request, office, member, "sent", page)


# A thread ----------------------------------------------------------------------------


def _acknowledgeable(member: Member, message: Message) -> bool:
    """The receiving side's head or deputy acknowledges a message once."""
    return (
        member.can_act_for_side
        and message.side_id != member.side_id
        and overview.Receipts.of(message).acknowledged is None
    )


def _reply_to(member: Member, thread: list[Message]) -> str:
    """What a reply answers unless said otherwise: the other side's latest message,
    else the thread's latest."""
    theirs = [m for m in thread if m.side_id != member.side_id]
    return (theirs or thread)[-1].key


@dataclass(frozen=True)
class ThreadItem:
    message: Message
    receipts: overview.Receipts
    acknowledge: cf.AcknowledgeForm | None
    parent: Message | None
    project: str
    project_url: str


def project_url(office: Office, key: str) -> str:
    """The project's page, once the web has one; "" otherwise (or for no project)."""
    if not key:
        return ""
    try:
        return reverse("office-project", args=[office.slug, key])
    except NoReverseMatch:
        return ""


def _thread_page(
    request: HttpRequest,
    office: Office,
    member: Member,
    key: str,
    sent: Forms | None = None,
    status: int | None = None,
) -> HttpResponse:
    found, messages = lookups.thread_for(member, key)
    thread = _shown(member, messages, opened=True)
    sent = sent or {}
    acknowledge = {
        m.key: cf.AcknowledgeForm(initial={"message": m.key}, auto_id=f"ack-{m.key}-%s")
        for m in thread
        if _acknowledgeable(member, m)
    }
    # A refused acknowledgement is shown on its message even when it may not be
    # acknowledged (your own side's, or acknowledged already): that is the refusal.
    for name, form in sent.items():
        if name.startswith("acknowledge-"):
            acknowledge[name.removeprefix("acknowledge-")] = form  # type: ignore[assignment]
    reply = sent.get("reply")
    if reply is None and member.can_act_for_side:
        last = next(m for m in thread if m.key == _reply_to(member, thread))
        subject = last.subject if last.subject.startswith("Re: ") else f"Re: {last.subject}"
        reply = cf.ReplyForm(
            keys=[m.key for m in thread],
            initial={"in_reply_to": last.key, "subject": subject[:SUBJECT_MAX]},
        )
    by_pk = {m.pk: m for m in thread}
    projects = dict(
        Project.objects.filter(
            office=office, key__in={m.about_project for m in thread if m.about_project}
        ).values_list("key", "title")
    )
    items = [
        ThreadItem(
            message=m,
            receipts=overview.Receipts.of(m),
            acknowledge=acknowledge.get(m.key),
            # A reply's parent is in its thread: no query to name it.
            parent=by_pk.get(m.in_reply_to_id or ""),
            project=projects.get(m.about_project, m.about_project),
            project_url=project_url(office, m.about_project),
        )
        for m in thread
    ]
    return render(
        request,
        "web/messages_thread.html",
        {
            "office": office,
            "member": member,
            "found": found,
            "root": thread[0],
            "items": items,
            "reply": reply,
            # The viewer's side's notes on every message of the thread, in one query.
            "notes": notes.notes_on(member, TargetKind.MESSAGE, [m.key for m in thread]),
            "people": people_of(office),
            "nav": "messages",
        },
        status=status or (400 if sent else 200),
    )


@require_safe
@office_page
def office_message(request: HttpRequest, office: Office, member: Member, key: str) -> HttpResponse:
    return _thread_page(request, office, member, key)


@require_POST
@office_page
def office_message_acknowledge(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_side_speaker(member)
    lookups.message_for(member, key)
    form = cf.AcknowledgeForm(request.POST, auto_id=f"ack-{key}-%s")

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        if data["message"] != key:
            raise Refused("the form is for another message: reload the page and try again")
        command = Acknowledge(message=key, note=data["note"])
        receipts.acknowledge(member=member, command=command, now=clock.now())
        return f"{member.side} acknowledged the message.", thread_url(office, key)

    done = run_form(request, form, perform)
    if done:
        return done
    if not form.errors:  # pragma: no cover - _run returns None only with an error
        form.add_error(None, "The message was not acknowledged.")
    return _thread_page(request, office, member, key, sent={f"acknowledge-{key}": form})


# Replying and sending are two steps (compose, preview, send): ``channel_send``.


# A new message -------------------------------------------------------------------------


def _projects(office: Office) -> list[tuple[str, str]]:
    return list(Project.objects.for_office(office).order_by("key").values_list("key", "title"))


def _new_page(
    request: HttpRequest, office: Office, member: Member, form: cf.MessageForm, status: int
) -> HttpResponse:
    return render(
        request,
        "web/messages_new.html",
        {"office": office, "member": member, "form": form, "nav": "messages"},
        status=status,
    )


@require_safe
@office_page
def office_message_new(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    access.require_side_speaker(member)
    # ``?session=`` and ``?project=`` preselect, so a session's or a project's page
    # links to a message about it.
    form = cf.MessageForm(
        projects=_projects(office),
        initial={
            "kind": "notice",
            "about_session": request.GET.get("session", ""),
            "about_project": request.GET.get("project", ""),
        },
    )
    return _new_page(request, office, member, form, 200)


# Files ---------------------------------------------------------------------------------


@require_safe
@office_page
def office_message_attachment(
    request: HttpRequest, office: Office, member: Member, key: str, sha256: str
) -> HttpResponse:
    attachment = lookups.attachment_for(member, key, sha256)
    stream = lookups.attachment_file(member, attachment)
    # Always a download with the type its content was checked to be, never rendered
    # in the site's origin.
    response = FileResponse(
        stream, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    # A streamed response; ``office_page`` is typed for the pages' HttpResponse.
    return cast(HttpResponse, response)
