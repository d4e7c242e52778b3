"""Sending an official message in two steps, for a new message and for a reply alike.

1. The compose form (the New message page, or the reply form on a thread's page) posts
   to a preview: the message is checked by every rule the send holds it to
   (``messages.check_message``) and held for this browser session, files included
   (``outbox``), and the page shows exactly what will be sent: subject, kind, text as
   it will appear, the files with their names, types and sizes, and the side it goes
   to. Nothing is sent, and nothing is stored as a message's file.
2. The preview's buttons: **Send** sends the held message; **Edit** goes back to its
   form with everything filled in and the files kept; **Discard** drops it.

A message identical to one the side sent within ``LIAISON_DUPLICATE_MESSAGE_MINUTES`` is
named on the preview, whose button then says "Send it again anyway"; a send that meets
one anyway (sent meanwhile from another tab) is refused and the preview says when the
identical message was sent and its key.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from liaison.channel import lookups, messages, overview
from liaison.channel.commands import SendMessage
from liaison.channel.models import Message, MessageKind
from liaison.lib import clock
from liaison.lib.errors import NotAllowed, Refused
from liaison.offices import access
from liaison.offices.models import Member, Office, Side
from liaison.projects.models import Project
from liaison.web import channel_forms as cf
from liaison.web import outbox
from liaison.web.channel import _new_page, _projects, _thread_page, thread_url
from liaison.web.pages import office_page

NOT_HELD = (
    "This message is no longer waiting to be sent (it was sent or discarded, or was "
    "written in another session): nothing was sent. Write it again below."
)
FILES_GONE = "The files chosen before are no longer held: choose them again."
NEW = "new"


def _reply_context(thread_key: str) -> str:
    return f"reply:{thread_key}"


def _prior(request: HttpRequest, office: Office, member: Member) -> outbox.Draft | None:
    """The draft the compose form was edited from, if it names one of this session's."""
    return outbox.get(
        request.session,
        request.POST.get("draft", ""),
        office=office.id,
        member=member.username,
    )


def _held(prior: outbox.Draft | None) -> dict[str, Any]:
    return {"held": prior.files, "draft": prior.token} if prior else {}


def _hold(
    request: HttpRequest,
    office: Office,
    member: Member,
    form: cf.MessageForm | cf.ReplyForm,
    prior: outbox.Draft | None,
    context: str,
) -> outbox.Draft | None:
    """Check the compose form's message as the send would and hold it; None (with the
    form's errors) when it would be refused."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    kept = frozenset(data.get("keep", []))
    earlier = prior.uploads(kept) if prior is not None and kept else []
    if earlier is None:
        form.add_error("attachments", FILES_GONE)
        return None
    try:
        command = SendMessage.build(
            kind=data["kind"],
            subject=data["subject"],
            body=data["body"],
            in_reply_to=data.get("in_reply_to", ""),
            about_session=data.get("about_session", ""),
            about_project=data.get("about_project", ""),
            attachments=[*earlier, *form.uploads()],
        )
        out = messages.check_message(member=member, command=command, now=clock.now())
    except NotAllowed:
        raise
    except Refused as exc:
        form.add_refusal(exc)
        return None
    return outbox.hold(
        request.session,
        office=office.id,
        member=member.username,
        context=context,
        text={
            "kind": out.kind,
            "subject": out.subject,
            "body": out.body,
            "about_session": out.about["session"],
            "about_project": out.about["project"],
            "in_reply_to": out.parent.key if out.parent else "",
        },
        checked=out.files,
    )


def _preview_page(
    request: HttpRequest,
    office: Office,
    member: Member,
    draft: outbox.Draft,
    *,
    refused: str = "",
    duplicate: Message | None = None,
    status: int = 200,
) -> HttpResponse:
    now = clock.now()
    parent = lookups.message_for(member, draft.in_reply_to) if draft.in_reply_to else None
    if duplicate is None:
        duplicate = messages.find_duplicate(
            member=member,
            subject=draft.subject,
            body=draft.body,
            in_reply_to=draft.in_reply_to,
            hashes=draft.hashes(),
            now=now,
        )
    project = ""
    if draft.about_project:
        project = (
            Project.objects.filter(office=office, key=draft.about_project)
            .values_list("title", flat=True)
            .first()
            or draft.about_project
        )
    form = cf.SendForm(initial={"draft": draft.token, "confirm_duplicate": duplicate is not None})
    return render(
        request,
        "web/messages_preview.html",
        {
            "office": office,
            "member": member,
            "nav": "messages",
            "draft": draft,
            "kind": MessageKind(draft.kind).label,
            "to": Side.objects.for_office(office).exclude(pk=member.side_id).first(),
            "parent": parent,
            "project": project,
            "duplicate": duplicate,
            "refused": refused,
            "form": form,
        },
        status=status,
    )


@require_POST
@office_page
def office_message_preview(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    """Step 1 for a new message: the compose form, checked and shown as it will be sent."""
    access.require_side_speaker(member)
    prior = _prior(request, office, member)
    form = cf.MessageForm(request.POST, request.FILES, projects=_projects(office), **_held(prior))
    draft = _hold(request, office, member, form, prior, NEW)
    if draft is None:
        return _new_page(request, office, member, form, 400)
    return _preview_page(request, office, member, draft)


@require_POST
@office_page
def office_message_reply(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    """Step 1 for a reply: the thread page's reply form, checked and shown as it will
    be sent."""
    access.require_side_speaker(member)
    _found, thread = lookups.thread_for(member, key)
    prior = _prior(request, office, member)
    form = cf.ReplyForm(request.POST, request.FILES, keys=[m.key for m in thread], **_held(prior))
    draft = _hold(request, office, member, form, prior, _reply_context(thread[0].key))
    if draft is None:
        return _thread_page(request, office, member, key, sent={"reply": form})
    return _preview_page(request, office, member, draft)


def _edit_page(
    request: HttpRequest,
    office: Office,
    member: Member,
    draft: outbox.Draft,
    *,
    error: str = "",
    keep_files: bool = True,
) -> HttpResponse:
    """The draft's compose form again, filled in, its files kept (ticked)."""
    initial = {
        "kind": draft.kind,
        "subject": draft.subject,
        "body": draft.body,
        "about_session": draft.about_session,
        "about_project": draft.about_project,
        "in_reply_to": draft.in_reply_to,
    }
    held = {"held": draft.files, "draft": draft.token} if keep_files else {}
    status = 400 if error else 200
    if draft.context == NEW:
        form = cf.MessageForm(projects=_projects(office), initial=initial, **held)
        if error:
            _say(form, error)
        return _new_page(request, office, member, form, status)
    thread_key = draft.context.removeprefix("reply:")
    keys = [m.key for m in overview.thread(office, thread_key)]
    reply = cf.ReplyForm(keys=keys, initial=initial, **held)
    if error:
        _say(reply, error)
    return _thread_page(request, office, member, thread_key, sent={"reply": reply}, status=status)


def _say(form: cf.MessageForm | cf.ReplyForm, error: str) -> None:
    """An error above an unbound (filled-in) form."""
    form.full_clean()
    form.cleaned_data = {}
    form.add_error(None, error)


def _not_held(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    form = cf.MessageForm(projects=_projects(office), initial={"kind": "notice"})
    _say(form, NOT_HELD)
    return _new_page(request, office, member, form, 400)


def _back_to(office: Office, draft: outbox.Draft) -> str:
    if draft.context == NEW:
        return reverse("office-messages", args=[office.slug])
    return thread_url(office, draft.context.removeprefix("reply:"))


@require_POST
@office_page
def office_message_send(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    """Step 2: the preview's Send, Edit or Discard on the message held for it."""
    access.require_side_speaker(member)
    form = cf.SendForm(request.POST)
    draft = _prior(request, office, member)
    if draft is None:
        return _not_held(request, office, member)
    if not form.is_valid():
        errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        return _preview_page(request, office, member, draft, refused=errors, status=400)
    action = form.cleaned_data["action"]
    if action == "discard":
        outbox.discard(request.session, draft)
        flash.info(request, "The message was discarded; nothing was sent.")
        return redirect(_back_to(office, draft))
    if action == "edit":
        return _edit_page(request, office, member, draft)
    uploads = draft.uploads()
    if uploads is None:
        return _edit_page(request, office, member, draft, error=FILES_GONE, keep_files=False)
    try:
        command = SendMessage.build(
            kind=draft.kind,
            subject=draft.subject,
            body=draft.body,
            in_reply_to=draft.in_reply_to,
            about_session=draft.about_session,
            about_project=draft.about_project,
            attachments=uploads,
            confirm_duplicate=form.cleaned_data["confirm_duplicate"],
        )
        message = messages.send_message(member=member, command=command, now=clock.now())
    except messages.Duplicate as exc:
        return _preview_page(
            request, office, member, draft, duplicate=exc.original, refused=exc.message, status=400
        )
    except NotAllowed:
        raise
    except Refused as exc:
        return _preview_page(request, office, member, draft, refused=exc.message, status=400)
    outbox.discard(request.session, draft)
    if draft.in_reply_to:
        flash.success(request, f"{member.side} replied: {message.subject}.")
        return redirect(f"{thread_url(office, message.key)}#message-{message.key}")
    flash.success(
        request, f"{message.get_kind_display()} sent to the other side: {message.subject}."
    )
    return redirect(thread_url(office, message.key))
